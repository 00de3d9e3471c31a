"""`ties serve` against hostile requests (any page the user visits can send them): queries that
would crash the parser, names that are not this machine's, SERVICE and LOAD, queries that never
end or whose client goes, answers too big to hold, and more connections than it should keep.
Everything stays on 127.0.0.1 and every count is bounded."""

from __future__ import annotations

import json
import re
import resource
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from graph.serve.server import Limits
from graph.store import open_store
from tests.serve.test_server import Served

# Left out of the README's quick run, run with `pytest -m slow`: each test starts `ties serve` and waits on it.
pytestmark = pytest.mark.slow

TIES = Path(sys.executable).parent / "ties"
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
DEEP_BRACES = "ASK " + "{" * 3000 + "}" * 3000
DEEP_PARENS = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"
ADDED = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:x:g> { ?s ?p ?o } }"


class ServedProcess(Served):
    """`ties serve` started as a user starts it, in a process of its own, so that whatever kills it
    cannot take the tests down with it; its address space is capped at MEMORY_GB."""

    def __init__(self, store: Path, log: Path, *options: str, memory_gb: float = 3.0) -> None:
        cap = int(memory_gb * 1024**3)
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                [str(TIES), "--store", str(store), "serve", "--port", "0", *options],
                stdout=subprocess.DEVNULL,
                stderr=out,
                preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (cap, cap)),
            )
        deadline = time.monotonic() + 25
        while not (found := re.search(r"http://127\.0\.0\.1:(\d+)/sparql", log.read_text())):
            assert self.process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        self.url = f"http://127.0.0.1:{found.group(1)}"

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(10)


class Listener:
    """A port on 127.0.0.1 that records whether anything connected to it."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.5)
        self.port = self.socket.getsockname()[1]

    def was_called(self) -> bool:
        try:
            connection, _ = self.socket.accept()
        except TimeoutError:
            return False
        connection.close()
        return True


@pytest.fixture
def writable(tmp_path, samples_store) -> Path:
    store = tmp_path / "store"
    shutil.copytree(samples_store, store)
    return store


def get(served: Served, query: str, *, timeout: float, headers: dict | None = None):
    """(status, body) of a GET of QUERY; a client timeout is an answer of None."""
    url = served.url + "/sparql?" + urllib.parse.urlencode({"query": query})
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except TimeoutError:
        return None, b""


def one_line(body: bytes) -> str:
    text = body.decode()
    assert text.endswith("\n") and text.count("\n") == 1, text[:500]
    return text


def write_in_background(store: Path) -> threading.Thread:
    """A writer (as `ties ingest` is one), committing one triple; it must wait for every open read view."""

    def insert() -> None:
        with open_store(store, write=True) as writer:
            writer.update('INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> rdfs:label "written" } }')

    thread = threading.Thread(target=insert, daemon=True)
    thread.start()
    return thread


# --- 1. nesting ------------------------------------------------------------------------------------


def test_deeply_nested_queries_are_refused_and_the_server_lives_on(samples_store, tmp_path):
    served = ServedProcess(samples_store, tmp_path / "serve.log")
    try:
        for query in (DEEP_BRACES, DEEP_PARENS):
            status, body = get(served, query, timeout=20)
            assert status == 400 and "nests" in one_line(body) and "200" in body.decode()
        status, _, body = served.query(DEEP_BRACES, how="direct")
        assert status == 400 and "nests" in one_line(body)
        assert served.process.poll() is None
        # nesting below the limit, and brackets inside a string, are a query like any other
        assert get(served, "ASK " + "{" * 150 + "}" * 150, timeout=20)[0] == 200
        assert get(served, 'ASK { ?s ?p "' + "{(" * 3000 + '" }', timeout=20)[0] == 200
    finally:
        served.close()


def test_the_cli_refuses_deeply_nested_queries_with_one_line(samples_store, tmp_path):
    query = tmp_path / "deep.rq"
    for text in ("SELECT * WHERE " + "{" * 5000 + "?s ?p ?o" + "}" * 5000, DEEP_BRACES):
        query.write_text(text)
        for extra in ([], ["--timeout", "20"]):
            run = subprocess.run(
                [str(TIES), "--store", str(samples_store), "sparql", "--file", str(query), *extra],
                capture_output=True,
                text=True,
                timeout=28,
            )
            assert run.returncode == 1, (run.returncode, run.stderr[-300:])
            assert run.stderr.startswith("error: ") and run.stderr.count("\n") == 1 and "nests" in run.stderr


# --- 2. Host and Origin ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(samples_store):
    s = Served(samples_store)
    yield s
    s.close()


@pytest.mark.parametrize(
    "host",
    ["127.evil.example", "127.0.0.1.evil.example", "localhost.evil.example", "127.0.0.1@evil.example", "127.1", ""],
)
def test_a_host_that_only_starts_like_loopback_is_refused(served, host):
    status, body = get(served, "ASK {}", timeout=10, headers={"Host": host})
    assert status == 403 and "localhost only" in one_line(body)


@pytest.mark.parametrize(
    "host", ["127.0.0.1:8000", "localhost", "LocalHost:80", "[::1]:8000", "127.0.0.2", "127.9.9.9:1"]
)
def test_loopback_names_and_addresses_are_served(served, host):
    assert get(served, "ASK {}", timeout=10, headers={"Host": host})[0] == 200


def test_an_update_through_a_rebound_name_is_refused(writable):
    s = Served(writable, allow_update=True)
    port = s.url.rsplit(":", 1)[1]
    try:
        insert = 'INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> rdfs:label "rebound" } }'
        rebound = {"Host": "127.evil.example", "Origin": "http://127.evil.example"}
        status, _, body = s.update(insert, rebound)
        assert status == 403
        look_alike = {"Origin": f"http://127.0.0.1.evil.example:{port}"}
        assert s.update(insert, look_alike)[0] == 403
        assert json.loads(s.query(ADDED)[2])["results"]["bindings"][0]["n"]["value"] == "0"
        assert s.update(insert, {"Origin": f"http://127.0.0.1:{port}"})[0] == 204  # the page at / itself
        assert json.loads(s.query(ADDED)[2])["results"]["bindings"][0]["n"]["value"] == "1"
    finally:
        s.close()


# --- 3. SERVICE and LOAD ---------------------------------------------------------------------------


def test_service_is_refused_without_fetching_anything(served):
    target = Listener()
    for query in (
        f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{target.port}/sparql> {{ ?s ?p ?o }} }}",
        f"select * {{ ?x a ties:Firm . service silent <http://localhost:{target.port}/> {{ ?x ?p ?o }} }}",
    ):
        status, body = get(served, query, timeout=10)
        assert status == 400 and "--allow-service" in one_line(body)
    assert not target.was_called()
    # the word in a string, a variable or a prefixed name is no SERVICE clause
    assert get(served, 'SELECT ?service WHERE { ?service rdfs:label "SERVICE" } LIMIT 1', timeout=10)[0] == 200


def test_service_runs_when_allowed(samples_store):
    target = Listener()
    s = Served(samples_store, limits=Limits(timeout=10, allow_service=True))
    try:
        get(s, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{target.port}/sparql> {{ ?s ?p ?o }} }}", timeout=2)
        assert target.was_called()
    finally:
        s.close()


def test_load_from_this_machine_is_refused(writable):
    target = Listener()
    s = Served(writable, allow_update=True)
    try:
        for update in (
            f"LOAD <http://127.0.0.1:{target.port}/data.ttl>",
            f"LOAD SILENT <http://localhost:{target.port}/data.ttl> INTO GRAPH <urn:x:g>",
            f"INSERT {{ GRAPH <urn:x:g> {{ ?s ?p ?o }} }} WHERE {{ SERVICE <http://127.0.0.1:{target.port}/> {{ ?s ?p ?o }} }}",
        ):
            status, _, body = s.update(update)
            assert status == 400 and "--allow-service" in one_line(body)
        assert not target.was_called()
    finally:
        s.close()


# --- 4. time ---------------------------------------------------------------------------------------


def test_a_query_over_its_time_is_stopped_and_lets_writers_in(writable):
    s = Served(writable, limits=Limits(timeout=1.5))
    try:
        started = time.monotonic()
        status, body = get(s, CROSS_JOIN, timeout=12)
        assert status == 503 and "--timeout" in one_line(body)
        assert time.monotonic() - started < 8
        writer = write_in_background(writable)
        writer.join(10)
        assert not writer.is_alive()
        assert json.loads(s.query(ADDED)[2])["results"]["bindings"][0]["n"]["value"] == "1"
    finally:
        s.close()


def test_a_query_whose_client_goes_is_stopped(writable):
    s = Served(writable, limits=Limits(timeout=120))
    try:
        client = socket.create_connection(("127.0.0.1", int(s.url.rsplit(":", 1)[1])), timeout=5)
        path = "/sparql?" + urllib.parse.urlencode({"query": CROSS_JOIN})
        client.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        time.sleep(1.0)
        client.close()
        writer = write_in_background(writable)
        writer.join(10)
        assert not writer.is_alive()
    finally:
        s.close()


def test_a_query_does_not_outlive_a_killed_server(writable, tmp_path):
    served = ServedProcess(writable, tmp_path / "serve.log", "--timeout", "120")
    try:
        client = socket.create_connection(("127.0.0.1", int(served.url.rsplit(":", 1)[1])), timeout=5)
        path = "/sparql?" + urllib.parse.urlencode({"query": CROSS_JOIN})
        client.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        time.sleep(1.5)
        served.process.kill()
        writer = write_in_background(writable)
        writer.join(15)
        assert not writer.is_alive()
        client.close()
    finally:
        served.close()


# --- 5. answers ------------------------------------------------------------------------------------


def test_an_answer_of_millions_of_rows_is_refused_before_it_is_held(samples_store, tmp_path):
    # 13,000 quads joined with themselves: 3 million rows asked for (18 GB were held before)
    served = ServedProcess(samples_store, tmp_path / "serve.log", "--timeout", "25", memory_gb=3)
    try:
        started = time.monotonic()
        status, body = get(served, "SELECT * {?a ?b ?c . ?d ?e ?f} LIMIT 3000000", timeout=28)
        assert status == 400 and "100,000 rows" in one_line(body) and "--max-rows" in body.decode()
        assert time.monotonic() - started < 28 and served.process.poll() is None
    finally:
        served.close()


def test_rows_and_bytes_are_capped_as_configured(samples_store):
    s = Served(samples_store, limits=Limits(max_rows=10, max_mb=0.001))
    try:
        status, _, body = s.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 10", "text/csv")
        assert status == 200 and len(body.decode().splitlines()) == 11
        status, _, body = s.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 11")
        assert status == 400 and "more than 10 rows" in one_line(body)
        status, _, body = s.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 11")
        assert status == 400 and "--max-rows" in one_line(body)
        status, _, body = s.query("SELECT ?text WHERE { ?e ties:sentence ?text } LIMIT 10")
        assert status == 400 and "--max-mb" in one_line(body)
    finally:
        s.close()


# --- 6. connections --------------------------------------------------------------------------------


def handler_threads() -> int:
    return sum("process_request_thread" in t.name for t in threading.enumerate())


def test_silent_connections_hold_no_threads_and_are_dropped(samples_store):
    s = Served(samples_store, limits=Limits(connections=4, idle_timeout=1.0))
    port = int(s.url.rsplit(":", 1)[1])
    before = handler_threads()
    silent = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(40)]
    try:
        time.sleep(0.3)
        assert handler_threads() - before <= 4
        assert get(s, "ASK { ?x a ties:Country }", timeout=5)[0] == 200  # while they are all open
        assert all(c.recv(100) == b"" for c in silent)  # dropped after a second of silence
    finally:
        for c in silent:
            c.close()
        s.close()


def test_connections_past_the_limit_are_told_the_server_is_busy(samples_store):
    s = Served(samples_store, limits=Limits(connections=2, idle_timeout=2.0))  # 32 may wait
    port = int(s.url.rsplit(":", 1)[1])
    before = handler_threads()
    silent = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(60)]
    try:
        time.sleep(0.3)
        assert handler_threads() - before <= 2
        answers = [c.recv(100) for c in silent]
        assert all(a == b"" or a.startswith(b"HTTP/1.1 503") for a in answers)
        assert sum(a.startswith(b"HTTP/1.1 503") for a in answers) >= 20
    finally:
        for c in silent:
            c.close()
        s.close()


# --- credentials -----------------------------------------------------------------------------------


def test_a_password_in_the_store_url_is_not_shown(tmp_path):
    closed = Listener()
    closed.socket.close()  # nothing listens there: the store cannot be reached
    s = Served(f"http://ties:s3cret-word@127.0.0.1:{closed.port}", limits=Limits(timeout=10))
    try:
        status, body = get(s, "ASK {}", timeout=15)
        assert status is not None and status >= 400 and b"s3cret-word" not in body
    finally:
        s.close()
