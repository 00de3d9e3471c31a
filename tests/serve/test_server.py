"""`ties serve` over real HTTP: the SPARQL 1.1 Protocol in every result format,
updates refused unless allowed, the query page, and the page in a real
headless browser (Debian's chromium) when it is installed."""

from __future__ import annotations

import csv
import html
import io
import json
import shutil
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from graph.ingest.run import ingest
from graph.serve.server import make_server
from graph.store import open_store

FIRMS = "SELECT ?label WHERE { GRAPH ?g { ?f a ties:Firm ; rdfs:label ?label } } ORDER BY ?label"
SR = "{http://www.w3.org/2005/sparql-results#}"


class Served:
    def __init__(self, store, **options) -> None:
        self.server = make_server(store, port=0, **options)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def request(self, path: str, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
        """(status, content type, body) of a request; HTTP errors are answers too."""
        req = urllib.request.Request(self.url + path, data=data, headers=headers or {}, method=method)
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                return response.status, response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Content-Type", ""), exc.read()

    def query(self, query: str, accept: str | None = None, how: str = "form"):
        headers = {"Accept": accept} if accept else {}
        if how == "get":
            return self.request("/sparql?" + urllib.parse.urlencode({"query": query}), headers=headers)
        if how == "direct":
            return self.request(
                "/sparql", data=query.encode(), headers={**headers, "Content-Type": "application/sparql-query"}
            )
        return self.request(
            "/sparql",
            data=urllib.parse.urlencode({"query": query}).encode(),
            headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
        )

    def update(self, update: str, headers: dict | None = None):
        return self.request(
            "/update", data=update.encode(), headers={"Content-Type": "application/sparql-update", **(headers or {})}
        )


@pytest.fixture(scope="module")
def served(samples_store):
    """The samples' store, read-only, opened for each request."""
    s = Served(samples_store)
    yield s
    s.close()


@pytest.fixture(scope="module")
def firm_labels(samples_store) -> list[str]:
    with open_store(samples_store) as store:
        return [r["label"] for r in store.select(FIRMS)]


def test_select_in_json_xml_csv_and_tsv(served, firm_labels):
    assert firm_labels
    status, ctype, body = served.query(FIRMS)  # no Accept: JSON
    assert status == 200 and ctype.startswith("application/sparql-results+json")
    data = json.loads(body)
    assert data["head"]["vars"] == ["label"]
    assert [b["label"]["value"] for b in data["results"]["bindings"]] == firm_labels
    assert data["results"]["bindings"][0]["label"] == {"type": "literal", "value": firm_labels[0]}

    status, ctype, body = served.query(FIRMS, "application/sparql-results+xml", how="get")
    assert status == 200 and ctype.startswith("application/sparql-results+xml")
    root = ET.fromstring(body)
    assert [v.get("name") for v in root.iter(f"{SR}variable")] == ["label"]
    assert [lit.text for lit in root.iter(f"{SR}literal")] == firm_labels

    status, ctype, body = served.query(FIRMS, "text/csv", how="direct")
    assert status == 200 and ctype.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows[0] == ["label"] and [r[0] for r in rows[1:]] == firm_labels

    status, ctype, body = served.query(FIRMS, "text/tab-separated-values")
    assert status == 200 and ctype.startswith("text/tab-separated-values")
    lines = body.decode().splitlines()
    assert lines[0] == "?label" and lines[1:] == [str(ox.Literal(label)) for label in firm_labels]


def test_accept_preferences_and_format_parameter(served, firm_labels):
    status, ctype, _ = served.query(FIRMS, "text/csv;q=0.5, application/sparql-results+xml")
    assert ctype.startswith("application/sparql-results+xml")
    status, ctype, _ = served.query(FIRMS, "text/html,application/xhtml+xml,*/*;q=0.8")  # a browser
    assert status == 200 and ctype.startswith("application/sparql-results+json")
    status, ctype, body = served.request("/query?" + urllib.parse.urlencode({"query": FIRMS, "format": "csv"}))
    assert status == 200 and ctype.startswith("text/csv") and firm_labels[0] in body.decode()


def test_ask(served):
    status, ctype, body = served.query("ASK { ?x a ties:Country }")
    assert status == 200 and json.loads(body)["boolean"] is True
    status, ctype, body = served.query("ASK { ?x a ties:NoSuchClass }", "application/sparql-results+xml", how="get")
    assert status == 200 and ET.fromstring(body).find(f"{SR}boolean").text == "false"


def test_construct_as_turtle_and_ntriples(served, firm_labels):
    construct = "CONSTRUCT { ?f rdfs:label ?l } WHERE { GRAPH ?g { ?f a ties:Firm ; rdfs:label ?l } }"
    status, ctype, body = served.query(construct)  # no Accept: Turtle
    assert status == 200 and ctype.startswith("text/turtle")
    turtle = list(ox.parse(body, ox.RdfFormat.TURTLE))
    assert "@prefix rdfs:" in body.decode() and "\\/" not in body.decode()
    status, ctype, body = served.query(construct, "application/n-triples", how="get")
    assert status == 200 and ctype.startswith("application/n-triples")
    ntriples = list(ox.parse(body, ox.RdfFormat.N_TRIPLES))
    assert set(turtle) == set(ntriples) and {q.object.value for q in ntriples} == set(firm_labels)


def test_updates_are_refused_by_default(served):
    status, ctype, body = served.update("DELETE WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert status == 403 and b"--allow-update" in body
    form = urllib.parse.urlencode({"update": "CLEAR ALL"}).encode()
    status, _, _ = served.request("/sparql", data=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403
    status, _, body = served.query("DELETE WHERE { ?s ?p ?o }")  # an update sent as a query
    assert status == 400 and b"/update" in body
    assert json.loads(served.query("ASK { ?x a ties:Country }")[2])["boolean"] is True


def test_errors_are_one_clear_line(served):
    status, ctype, body = served.query("SELECT ?x WHERE { ?x ")
    assert status == 400 and ctype.startswith("text/plain") and b"SPARQL syntax error" in body
    assert served.request("/sparql")[0] == 400
    assert served.request("/nowhere")[0] == 404
    assert served.request("/sparql", data=b"x", headers={"Content-Type": "text/plain"})[0] == 415
    # a name that is not a loopback one: refused (DNS rebinding)
    assert served.query("ASK {}", how="get")[0] == 200
    req = urllib.request.Request(served.url + "/sparql?query=ASK%7B%7D", headers={"Host": "attacker.example"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(req, timeout=10)
    assert caught.value.code == 403


def test_updates_when_allowed_and_new_ingests_are_seen(tmp_path, samples_store, extractor_for_serve):
    store = tmp_path / "store"
    shutil.copytree(samples_store, store)
    s = Served(store, allow_update=True)
    try:
        count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:x:g> { ?s ?p ?o } }"
        assert json.loads(s.query(count)[2])["results"]["bindings"][0]["n"]["value"] == "0"
        status, _, _ = s.update('INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> rdfs:label "added" } }')
        assert status == 204
        assert json.loads(s.query(count)[2])["results"]["bindings"][0]["n"]["value"] == "1"
        status, _, body = s.update("CLEAR ALL", {"Origin": "http://evil.example"})
        assert status == 403 and b"origin" in body
        # `ties ingest` writes while the server runs; the next query sees it
        docs = tmp_path / "docs"
        docs.mkdir()
        (docs / "new.txt").write_text("Hyundai Rotem opened an office in Ankara, Türkiye, in 2025.\n")
        with open_store(store, write=True) as writer:
            assert [r.status for r in ingest(writer, [docs], extractor_for_serve)] == ["added"]
        names = json.loads(s.query("SELECT ?n WHERE { GRAPH ?m { ?d ties:fileName ?n } }")[2])
        assert "new.txt" in {b["n"]["value"] for b in names["results"]["bindings"]}
    finally:
        s.close()


@pytest.fixture(scope="module")
def extractor_for_serve():
    from graph.ingest.run import default_extractor

    return default_extractor(use_ner=False)


def test_the_page_loads(served):
    status, ctype, body = served.request("/sparql.html")
    page = body.decode()
    assert status == 200 and ctype.startswith("text/html")
    assert '<textarea id="query" name="query"' in page and '<button id="run"' in page and 'src="ties.js"' in page
    assert "http://" not in page.replace("http://www.w3.org", "")  # no external assets
    status, ctype, body = served.request("/ties.js")
    assert status == 200 and ctype.startswith("text/javascript") and b"fetch('sparql'" in body


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    not CHROMIUM, reason="chromium is not installed (Debian package chromium): the page was not checked in a browser"
)
def test_the_page_in_a_headless_browser(served, firm_labels, tmp_path):
    query = urllib.parse.urlencode({"query": FIRMS})
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=10000",
    ]
    # The page given a query runs it at once: the dumped DOM holds the form and the results table.
    result = subprocess.run(
        command + ["--dump-dom", f"{served.url}/sparql.html?{query}"], capture_output=True, text=True, timeout=120
    )
    dom = result.stdout
    assert '<textarea id="query"' in dom and 'id="run"' in dom, result.stderr[-2000:]
    assert '<table id="table">' in dom, dom[-2000:]
    assert f"<td>{html.escape(firm_labels[0], quote=False)}</td>" in dom and f"{len(firm_labels)} rows in" in dom
    shot = tmp_path / "page.png"
    subprocess.run(
        command + ["--window-size=1100,800", f"--screenshot={shot}", f"{served.url}/sparql.html?{query}"],
        capture_output=True,
        timeout=120,
    )
    assert shot.is_file() and shot.stat().st_size > 10_000


def test_csv_answers_show_formula_like_text_as_text_and_numbers_as_numbers(served):
    query = 'SELECT ?text ?n WHERE { VALUES (?text ?n) { ("=HYPERLINK(\\"http://x\\")" -5) ("@SUM(A1)" 7) } }'
    status, ctype, body = served.query(query, "text/csv", how="direct")
    assert status == 200 and ctype.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows[1:] == [['\'=HYPERLINK("http://x")', "-5"], ["'@SUM(A1)", "7"]]
