"""The explorer's JSON endpoints over real HTTP, on the samples' store: each answers what the CLI's
own lookup answers, and every bad input (unknown, ambiguous, missing, repeated, overlong, hostile)
is a JSON error with a 4xx status, never a 500 or a traceback."""

from __future__ import annotations

import json
import urllib.parse

import httpx
import pytest

from graph.output.html import embedded_json
from graph.serve.server import Limits
from graph.store import StoreNotice, open_store
from tests.serve.test_server import Served

ROTEM = "https://w3id.org/ties/entity/Firm/Hyundai_Rotem"


@pytest.fixture(scope="module")
def served(samples_store):
    s = Served(samples_store)
    yield s
    s.close()


def api(served, endpoint: str, **params) -> tuple[int, str, object]:
    status, ctype, body = served.request(f"/api/{endpoint}?" + urllib.parse.urlencode(params))
    return status, ctype, json.loads(body)


def test_search_suggests_an_entity_by_a_word_of_its_name_and_says_which_alias_matched(served):
    status, ctype, found = api(served, "search", q="Rotem")
    assert status == 200 and ctype.startswith("application/json")
    assert found[0] == {"id": ROTEM, "label": "Hyundai Rotem", "type": "Firm", "matched": "Rotem"}
    _, _, korea = api(served, "search", q="korea")
    south = next(item for item in korea if item["label"] == "South Korea")
    assert south["matched"] == "Korea"  # the alias as written, not its folded key


def test_search_folds_case_and_accents_as_the_cli_does(served):
    _, _, plain = api(served, "search", q="turkiye")
    _, _, accented = api(served, "search", q="TÜRKİYE")
    assert plain and plain[0]["label"] == "Türkiye" and accented[0] == plain[0]


def test_entity_gives_the_neighbourhood_show_gives(served, samples):
    status, _, data = api(served, "entity", name="Rotem")
    detail = samples.json("show", "Rotem")
    assert status == 200 and data["entity"]["id"] == ROTEM == detail["id"]
    others = {r["other"]["id"] for r in detail["relations"]}
    assert {n["id"] for n in data["nodes"]} == others | {ROTEM}
    assert {"Product", "Project"} <= {n["type"] for n in data["nodes"]}
    assert sum(e["sentences"] for e in data["edges"]) == sum(len(r["evidence"]) for r in detail["relations"])
    stated = {(r["other"]["id"], ev["source"]) for r in detail["relations"] for ev in r["evidence"]}
    drawn = {
        (e["target"] if e["source"] == ROTEM else e["source"], doc) for e in data["edges"] for doc in e["documents"]
    }
    assert drawn == stated
    for edge in data["edges"]:
        assert edge["sources"] == len(edge["documents"]) >= 1 and ROTEM in (edge["source"], edge["target"])


def test_entity_takes_an_iri_as_the_explorer_links_give_it(served):
    status, _, data = api(served, "entity", name=ROTEM)
    assert status == 200 and data["entity"]["label"] == "Hyundai Rotem"


def test_tie_gives_every_sentence_between_two_entities_with_its_date_and_method(served, samples):
    status, _, data = api(served, "tie", a="Hyundai Rotem", b="Altay")
    direct = [t for t in samples.json("between", "Hyundai Rotem", "Altay", "--direct-only") if t["kind"] == "direct"]
    assert status == 200 and data["ties"]
    expected = sorted(ev["sentence"] for t in direct for leg in t["legs"] for ev in leg["evidence"])
    assert sorted(ev["sentence"] for leg in data["ties"] for ev in leg["evidence"]) == expected
    assert all(ev["method"] and "date" in ev for leg in data["ties"] for ev in leg["evidence"])


def test_document_gives_its_text_with_the_span_show_gives_and_its_entities_marked(served, samples):
    evidence = samples.json("show", "Rotem")["relations"][0]["evidence"][0]
    status, _, doc = api(served, "document", name=evidence["source"])
    assert status == 200 and doc["name"] == evidence["source"]
    assert doc["text"][evidence["start"] : evidence["end"]] == evidence["sentence"]
    marked = {doc["text"][s:e] for s, e, iri in doc["marks"] if iri == ROTEM}
    assert "Hyundai Rotem" in marked
    assert all(doc["text"][s:e].strip() == doc["text"][s:e] and e > s for s, e, _ in doc["marks"])


def test_pair_gives_the_timeline_and_the_figures_the_cli_gives(served, samples):
    status, _, story = api(served, "pair", a="Türkiye", b="South Korea")
    assert status == 200
    assert [t["id"] for t in story["timeline"]] == [t["id"] for t in samples.json("timeline", "Türkiye", "South Korea")]
    facts = samples.json("facts", "--between", "Türkiye", "South Korea")
    assert sorted(f["id"] for f in story["facts"]) == sorted(f["id"] for f in facts)
    assert story["a"]["label"] == "Türkiye" and story["b"]["label"] == "South Korea"


def test_pair_flags_figures_two_documents_disagree_on(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "first.txt").write_text(
        "OSLO, 12 March 2024 - Bilateral trade between Chile and Norway reached 2.1 billion US dollars in 2023, "
        "the Norwegian trade ministry said.\n",
        encoding="utf-8",
    )
    (docs / "second.txt").write_text(
        "SANTIAGO, 3 April 2024 - Trade between Chile and Norway totalled 3.4 billion US dollars in 2023, "
        "according to Chilean customs data.\n",
        encoding="utf-8",
    )
    from tests.helpers import Cli

    assert Cli(tmp_path / "store")("ingest", docs, "--no-ner").exit_code == 0
    s = Served(tmp_path / "store")
    try:
        _, _, story = api(s, "pair", a="Chile", b="Norway")
    finally:
        s.close()
    values = sorted(f["value"] for f in story["facts"])
    assert values == [2.1e9, 3.4e9]
    assert all(f["conflicts_with"] for f in story["facts"])


@pytest.mark.parametrize(
    ("endpoint", "params", "status", "says"),
    [
        ("entity", {"name": "Nonexistent Widget Corporation"}, 404, "no entity is named"),
        ("entity", {}, 400, "give one non-empty name="),
        ("entity", {"name": "   "}, 400, "give one non-empty name="),
        ("entity", {"name": "x" * 1001}, 400, "over 1000 characters"),
        ("entity", {"name": "Rotem", "limit": "5"}, 400, "unknown parameter 'limit'"),
        ("tie", {"a": "Rotem"}, 400, "give one non-empty b="),
        ("tie", {"a": "Rotem", "b": "Nowhere Land"}, 404, "no entity is named"),
        ("document", {"name": "../../etc/passwd"}, 404, "no document named"),
        ("pair", {"a": "Rotem", "b": 'x" } } ; DROP ALL ; #'}, 404, "no entity is named"),
        ("search", {"q": "x" * 5000}, 400, "over 1000 characters"),
        ("nothing", {}, 404, "no such endpoint"),
    ],
)
def test_bad_input_is_a_json_error_with_a_4xx_status(served, endpoint, params, status, says):
    got, ctype, body = api(served, endpoint, **params)
    assert got == status and ctype.startswith("application/json")
    assert says in body["error"] and "Traceback" not in body["error"]


@pytest.mark.parametrize(
    "hostile",
    [
        '"} } DROP ALL #',
        "{{ ?s ?p ?o }}",
        "</script><script>alert(1)</script>",
        "https://w3id.org/ties/entity/Firm/> } INSERT DATA { <a> <b> <c> } #",
        "https://w3id.org/ties/entity/Firm/with space",
        "'; DELETE WHERE { ?s ?p ?o } ; '",
        "\u0000\u202e\ufffe",
        "x" * 999,
    ],
)
def test_hostile_names_match_nothing_and_change_nothing(served, samples_store, hostile):
    with open_store(samples_store) as store:
        before = len(store.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"))
    for endpoint, params in (("entity", {"name": hostile}), ("tie", {"a": hostile, "b": "Rotem"})):
        status, _, body = api(served, endpoint, **params)
        assert status == 404 and "no entity is named" in body["error"]
    status, _, found = api(served, "search", q=hostile)
    assert status in (200, 400) and (found == [] or "error" in found)
    with open_store(samples_store) as store:
        assert len(store.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")) == before


def test_an_ambiguous_name_is_a_409_listing_the_candidates(tmp_path):
    path = tmp_path / "store"
    with pytest.warns(StoreNotice, match="creating a new store"), open_store(path, write=True) as store:
        store.update(
            "INSERT DATA { GRAPH <https://w3id.org/ties/document/a.txt> { "
            '<https://w3id.org/ties/entity/Firm/Orion_Works> a ties:Firm ; rdfs:label "Orion Works" ; ties:matchKey "orion works", "orion" . '
            '<https://w3id.org/ties/entity/Project/Orion_Bridge> a ties:Project ; rdfs:label "Orion Bridge" ; ties:matchKey "orion bridge", "orion" . } '
            'GRAPH <https://w3id.org/ties/graph/metadata> { <https://w3id.org/ties/document/a.txt> ties:fileName "a.txt" } }'
        )
    s = Served(path)
    try:
        status, _, body = api(s, "entity", name="Orion")
    finally:
        s.close()
    assert status == 409 and "could mean several entities" in body["error"]
    assert {c["label"] for c in body["candidates"]} == {"Orion Works", "Orion Bridge"}


def test_api_answers_only_get_and_only_for_this_host(served):
    status, ctype, body = served.request("/api/search?q=Rotem", data=b"", method="POST")
    assert status == 405 and json.loads(body)["error"].startswith("POST is not allowed")
    status, ctype, body = served.request("/api/search?q=Rotem", headers={"Host": "evil.example:80"})
    assert status == 403 and ctype.startswith("application/json") and "localhost only" in json.loads(body)["error"]


def test_api_answers_are_cut_at_the_row_cap_and_say_so(samples_store):
    s = Served(samples_store, limits=Limits(max_rows=3))
    try:
        status, _, data = api(s, "entity", name="South Korea")
    finally:
        s.close()
    assert status == 200 and len(data["edges"]) == 3 and data["truncated"]["edges"] > 3
    assert [e["sources"] for e in data["edges"]] == sorted((e["sources"] for e in data["edges"]), reverse=True)


def test_api_answers_over_the_size_cap_are_refused_with_what_to_do(samples_store):
    s = Served(samples_store, limits=Limits(max_mb=0.001))
    try:
        status, _, body = api(s, "entity", name="South Korea")
    finally:
        s.close()
    assert status == 413 and "--max-mb" in body["error"]


def test_explorer_is_the_front_page_and_the_sparql_page_one_click_away(served):
    status, ctype, page = served.request("/")
    assert status == 200 and ctype.startswith("text/html")
    text = page.decode()
    assert 'id="search"' in text and 'href="sparql.html"' in text and 'src="vendor/cytoscape.min.js"' in text
    assert "http://" not in text and "https://" not in text  # nothing from another site
    status, ctype, script = served.request("/vendor/cytoscape.min.js")
    assert status == 200 and ctype.startswith("text/javascript") and len(script) > 100_000
    status, _, script = served.request("/explorer.js")
    assert b"__COLOURS__" not in script and b'"Country": "#1f77b4"' in script


def test_embedded_json_cannot_end_its_script_block():
    text = embedded_json({"label": "</script><script>alert(1)</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"label": "</script><script>alert(1)</script><!-- & \u2028"}


def test_export_html_writes_one_page_with_everything_inside(samples, tmp_path):
    out = tmp_path / "page.html"
    result = samples("export", "html", out, "--around", "Rotem")
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<script src=" not in page and "<link " not in page and "cytoscape" in page
    data = json.loads(page.split('<script type="application/json" id="ties-data">')[1].split("</script>")[0])
    detail = samples.json("show", "Rotem")
    assert data["focus"] == ROTEM and data["whole"] is True
    assert {n["id"] for n in data["nodes"]} == {r["other"]["id"] for r in detail["relations"]} | {ROTEM}
    sentences = {ev["sentence"] for e in data["edges"] for ev in e["evidence"]}
    assert {ev["sentence"] for r in detail["relations"] for ev in r["evidence"]} <= sentences


def test_export_html_refuses_around_for_other_formats_and_unknown_names(samples, tmp_path):
    result = samples("export", "graphml", tmp_path / "x.graphml", "--around", "Rotem")
    assert result.exit_code == 2 and "--around makes a page" in result.output
    result = samples("export", "html", tmp_path / "x.html", "--around", "Nonexistent Widget Corporation")
    assert result.exit_code == 1 and "no entity is named" in result.output
    assert not (tmp_path / "x.html").exists()


def test_api_answers_past_the_time_limit_are_stopped_with_what_to_do(samples_store):
    s = Served(samples_store, limits=Limits(timeout=0.005))
    try:
        status, ctype, body = api(s, "entity", name="South Korea")
    finally:
        s.close()
    assert status == 503 and ctype.startswith("application/json") and "--timeout" in body["error"]


@pytest.mark.slow  # starts a SPARQL server
def test_api_reads_a_store_on_a_sparql_server_as_it_reads_the_embedded_one(samples, served, tmp_path):
    from graph.store import open_store as open_any
    from tests.store.test_remote import OxigraphServer

    server = OxigraphServer(tmp_path / "db").start()
    try:
        assert samples("export", "nquads", tmp_path / "all.nq").exit_code == 0
        load = httpx.post(
            f"{server.url}/store",
            content=(tmp_path / "all.nq").read_bytes(),
            headers={"Content-Type": "application/n-quads"},
            timeout=60,
        )
        assert load.status_code in (200, 201, 204), load.text
        _, _, local = api(served, "entity", name="Rotem")
        # A URL is opened in each query process; an open remote store is read in the request's thread.
        remote = open_any(server.url)
        for store in (server.url, remote):
            s = Served(store)
            try:
                status, _, data = api(s, "entity", name="Rotem")
                missing_status, _, missing = api(s, "entity", name="Nonexistent Widget Corporation")
            finally:
                s.close()
            assert status == 200 and sorted(e["id"] for e in data["edges"]) == sorted(e["id"] for e in local["edges"])
            assert missing_status == 404 and "no entity is named" in missing["error"]
        remote.close()
    finally:
        server.stop()
