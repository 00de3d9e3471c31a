"""A shared store on a server, against a real Oxigraph server on 127.0.0.1: one writer at a
time (the write lock), and credentials that never show."""

from __future__ import annotations

import os
import threading
import time
import warnings

import httpx
import pytest

import graph.query as queries
from graph.errors import StoreError, StoreLockedError
from graph.ingest.run import default_extractor, ingest
from graph.store import StoreNotice, redact
from graph.store.remote import LOCK_GRAPH, credentials_for, open_remote
from tests.helpers import Cli
from tests.store.test_remote import OxigraphServer, few_documents, graph_sizes

# Left out of the README's quick run, run with `pytest -m slow`: each test starts a SPARQL server and waits out leases.
pytestmark = pytest.mark.slow

LOCK_TRIPLES = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{LOCK_GRAPH}> {{ ?s ?p ?o }} }}"


@pytest.fixture
def server(tmp_path):
    running = OxigraphServer(tmp_path / "db").start()
    yield running
    running.stop()


def lock_triples(url: str) -> list[dict]:
    with open_remote(url, write=False) as reader:
        return reader.select(LOCK_TRIPLES)


# --- one writer at a time -------------------------------------------------------------------------------


def test_a_second_writer_on_a_server_is_refused_with_one_line(server, tmp_path):
    docs = few_documents(tmp_path)
    with open_remote(server.url, write=True):
        with pytest.raises(StoreLockedError, match="being written by another ties process .*--wait"):
            open_remote(server.url, write=True)
        started = time.monotonic()
        with pytest.raises(StoreLockedError):
            open_remote(server.url, write=True, wait=1.0)
        assert time.monotonic() - started >= 0.9
        result = Cli(server.url)("ingest", docs, "--no-ner")
        assert result.exit_code == 1, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "being written by another ties process" in lines[0], result.stderr
        assert Cli(server.url)("documents").exit_code == 0  # readers are not held up
    assert lock_triples(server.url) == []  # the lock went with the writer
    assert Cli(server.url)("ingest", docs, "--no-ner").exit_code == 0


def test_a_writer_that_waits_gets_the_lock_when_the_first_lets_go(server):
    first = open_remote(server.url, write=True)
    threading.Timer(1.0, first.close).start()
    started = time.monotonic()
    with open_remote(server.url, write=True, wait=20):
        assert 0.9 <= time.monotonic() - started < 20


def test_two_ingests_at_once_into_one_server_store_each_document_once(server, tmp_path):
    docs = few_documents(tmp_path)
    extractor = default_extractor(use_ner=False)
    gate = threading.Barrier(2)
    outcomes: list[list[str]] = []

    def run() -> None:
        gate.wait()
        with open_remote(server.url, write=True, wait=60) as store:
            outcomes.append(sorted(r.status for r in ingest(store, [docs], extractor)))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # one ingest added the documents; the other waited for it, then found them stored
    assert sorted(outcomes) == [["added"] * 3, ["unchanged"] * 3]
    with open_remote(server.url, write=False) as store:
        labels = [e.label for e in queries.entities(store)]
        assert len(labels) == len(set(labels))
        assert len(graph_sizes(store)) == 3 + 1  # three documents and the metadata graph
    assert lock_triples(server.url) == []


def test_a_lock_whose_lease_ran_out_is_taken_over_with_a_notice(server):
    stale = (
        f"INSERT DATA {{ GRAPH <{LOCK_GRAPH}> {{ <urn:uuid:gone> a <https://w3id.org/ties/ontology#WriterLock> ; "
        '<https://w3id.org/ties/ontology#lockHolder> "host elsewhere pid 1" ; '
        '<https://w3id.org/ties/ontology#lockExpires> "2020-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> } }'
    )
    httpx.post(f"{server.url}/update", data={"update": stale}, timeout=10).raise_for_status()
    with pytest.warns(StoreNotice, match="taking over the write lock .* from host elsewhere pid 1"):
        writer = open_remote(server.url, write=True)
    holders = {r["o"] for r in lock_triples(server.url) if r["p"].endswith("lockHolder")}
    assert holders == {f"host {os.uname().nodename} pid {os.getpid()}"}
    writer.close()
    assert lock_triples(server.url) == []


def test_a_live_writer_keeps_renewing_its_lease_and_a_dead_one_is_taken_over(server, monkeypatch):
    import graph.store.remote

    monkeypatch.setattr(graph.store.remote, "LEASE_S", 1.5)  # renewed every half second
    writer = open_remote(server.url, write=True)
    time.sleep(2.5)  # past the first lease: only renewals keep it
    with pytest.raises(StoreLockedError):
        open_remote(server.url, write=True)
    writer._lock.stop()  # the writer stops renewing, as one that was killed; its marker stays
    time.sleep(2.0)
    with pytest.warns(StoreNotice, match="taking over"), open_remote(server.url, write=True) as successor:
        successor.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> <urn:x:c> } }")
    assert lock_triples(server.url) == []
    writer.close()  # its marker was taken over: nothing of its to remove
    assert lock_triples(server.url) == []


# --- credentials ------------------------------------------------------------------------------------------


SECRET = "s3cret-Pa55"


@pytest.mark.parametrize(
    "location",
    [
        f"http://analyst:{SECRET}@127.0.0.1:1",
        f"sparql+http://analyst:{SECRET}@127.0.0.1:1/sparql",
        f"https://{SECRET}@example.org/sparql",
    ],
)
def test_a_password_in_the_store_url_is_refused_and_never_shown(location, tmp_path):
    for write in (False, True):
        with pytest.raises(StoreError, match="TIES_USER and TIES_PASSWORD") as caught:
            open_remote(location, write=write)
        assert SECRET not in str(caught.value) and "***@" in str(caught.value)
    endpoint_file = tmp_path / "server.toml"
    endpoint_file.write_text(f'query = "{location.removeprefix("sparql+")}"\n')
    with pytest.raises(StoreError) as caught:
        open_remote(str(endpoint_file), write=False)
    assert SECRET not in str(caught.value)
    for args in (["stats"], ["ingest", str(tmp_path)], ["serve", "--port", "0"]):
        result = Cli(location)(*args)
        assert result.exit_code == 1, result.output
        assert SECRET not in result.output and len(result.stderr.strip().splitlines()) == 1, result.output


def test_redact_hides_the_user_information_of_every_url():
    text = f"cannot reach http://a:{SECRET}@h:1/query, nor sparql+https://b:{SECRET}@h/s; http://h:2/x@y stays"
    assert redact(text) == "cannot reach http://***@h:1/query, nor sparql+https://***@h/s; http://h:2/x@y stays"


@pytest.mark.parametrize(
    "broken",
    [
        f"password = {SECRET}\n",  # before any section
        f"[http://localhost:8890]\nuser = dba\n{SECRET}\n",  # a line that is not key = value
        f"[http://localhost:8890]\npassword = {SECRET}\npassword = {SECRET}\n",  # a key twice
    ],
)
def test_a_malformed_ties_config_does_not_show_its_lines(broken, tmp_path, monkeypatch):
    monkeypatch.delenv("TIES_USER", raising=False)
    config = tmp_path / "ties.ini"
    config.write_text(broken)
    config.chmod(0o600)
    monkeypatch.setenv("TIES_CONFIG", str(config))
    with pytest.raises(StoreError, match=r"is not a valid INI file \(.*line \d") as caught:
        credentials_for("http://localhost:8890/sparql")
    assert SECRET not in str(caught.value) and caught.value.__cause__ is None
    result = Cli("http://127.0.0.1:1")("stats")
    assert result.exit_code == 1 and SECRET not in result.output, result.output


def test_a_ties_config_others_can_read_is_warned_of(tmp_path, monkeypatch):
    monkeypatch.delenv("TIES_USER", raising=False)
    config = tmp_path / "ties.ini"
    config.write_text(f"[http://localhost:8890]\nuser = dba\npassword = {SECRET}\n")
    monkeypatch.setenv("TIES_CONFIG", str(config))
    config.chmod(0o644)
    with pytest.warns(StoreNotice, match="can be read by other users .*chmod 600"):
        assert credentials_for("http://localhost:8890/sparql")["user"] == "dba"
    result = Cli("http://localhost:8890")("stats")
    assert "note: TIES_CONFIG" in result.stderr and "chmod 600" in result.stderr, result.output
    config.chmod(0o600)
    with warnings.catch_warnings():
        warnings.simplefilter("error", StoreNotice)
        assert credentials_for("http://localhost:8890/sparql")["password"] == SECRET
