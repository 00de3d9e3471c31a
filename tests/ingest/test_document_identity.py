"""A document is its content and where it came from: two files of one name are two documents, one
content under two paths is one document with both paths, a changed file replaces what its path
held, near-duplicates count as one source, and a store written before all this is read as it is
and upgraded by `ties upgrade`."""

from __future__ import annotations

import json
import textwrap

import pytest

from graph import open_graph
from graph.ingest.near import signature, similarity
from graph.output.network import network
from tests.helpers import write_pdf

WIRE = """Seoul and Ankara widen their trade ties

Trade between Türkiye and South Korea reached $10.3 billion in 2024, officials in both capitals said on Monday.
The two governments expect the figure to rise further as new factories open in the Marmara region over the next three years.
Hyundai Rotem is building trams for the city of Konya under a contract it signed with the municipality last spring, and the firm said the first vehicles would leave its plant in Changwon before the end of the year.
KEPCO is studying a nuclear power plant at Sinop on the Black Sea coast together with Turkish partners, although no construction contract has been signed.
Analysts in Istanbul said that shipping costs and exchange rates would decide how quickly the trade volume grows, and that both sides hope to conclude a broader services agreement within two years.
"""
# The same story syndicated: another headline, a byline, and a figure the second desk corrected.
SYNDICATED = "By a staff reporter\n\n" + WIRE.replace(
    "Seoul and Ankara widen their trade ties", "Korean and Turkish trade keeps growing, officials say"
).replace("$10.3 billion", "$12.6 billion")
OTHER = """Korean firms look to Turkish market

South Korean companies are watching the Turkish market closely after a year of strong demand for machinery and vehicles.
According to the trade ministry in Ankara, commerce between Türkiye and South Korea came to $8.1 billion in 2024, a figure that includes both goods and services.
Executives from Hyundai Rotem met Turkish rail officials in Ankara to discuss signalling systems for new lines, and the company plans a larger office in the capital.
Some economists warned that a weaker lira may slow imports of Korean parts during the coming months, while others expect steady growth.
"""
POLAND = "Hanwha Aerospace signed a contract with the Polish Armament Agency in Warsaw to deliver howitzers.\n"
VIETNAM = "Samsung opened a new display factory in Bac Ninh, Vietnam, after talks with the provincial government.\n"


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _docs(cli):
    return cli.json("documents")


def test_two_files_of_one_name_in_one_run_are_two_documents(cli, tmp_path):
    a = _write(tmp_path / "outletA" / "article.html", f"<p>{POLAND}</p>")
    b = _write(tmp_path / "outletB" / "article.html", f"<p>{VIETNAM}</p>")
    result = cli("ingest", a, b, "--no-ner")
    assert result.exit_code == 0, result.output
    assert "rename" not in result.output
    docs = _docs(cli)
    assert sorted(d["paths"][0] for d in docs) == [str(a.resolve()), str(b.resolve())]
    assert {d["name"] for d in docs} == {"article.html"} and len({d["id"] for d in docs}) == 2
    # Both answer `show`, each entity with its own document as source.
    assert [s["name"] for s in cli.json("show", "Hanwha Aerospace")["sources"]] == ["article.html"]
    assert [s["name"] for s in cli.json("show", "Samsung")["sources"]] == ["article.html"]


def test_a_second_file_of_the_same_name_later_does_not_replace_the_first(cli, tmp_path):
    assert cli("ingest", _write(tmp_path / "a" / "article.txt", POLAND), "--no-ner").exit_code == 0
    result = cli("ingest", _write(tmp_path / "b" / "article.txt", VIETNAM), "--no-ner")
    assert result.exit_code == 0 and "added" in result.stdout and "replaced" not in result.stdout
    assert len(_docs(cli)) == 2
    assert cli("show", "Hanwha Aerospace").exit_code == 0 and cli("show", "Samsung").exit_code == 0


def test_the_same_content_under_two_paths_is_one_document_that_knows_both(cli, tmp_path):
    first = _write(tmp_path / "inbox" / "report.txt", POLAND)
    second = _write(tmp_path / "archive" / "copy-of-report.txt", POLAND)
    assert cli("ingest", first, "--no-ner").exit_code == 0
    result = cli("ingest", second, "--no-ner")
    assert result.exit_code == 0, result.output
    assert f"same content as {first.resolve()}" in result.stdout and "known" in result.stdout
    (doc,) = _docs(cli)
    assert doc["name"] == "report.txt"
    assert doc["paths"] == sorted([str(first.resolve()), str(second.resolve())])
    # Both paths again: nothing new.
    again = cli("ingest", first, second, "--no-ner")
    assert again.stdout.count("unchanged") == 2 and len(_docs(cli)) == 1


def test_the_same_content_twice_in_one_run_is_one_document(cli, tmp_path):
    a = _write(tmp_path / "a.txt", POLAND)
    b = _write(tmp_path / "b.txt", POLAND)
    result = cli("ingest", a, b, "--no-ner")
    assert result.exit_code == 0 and "known" in result.stdout
    (doc,) = _docs(cli)
    assert doc["paths"] == [str(a.resolve()), str(b.resolve())]


def test_a_changed_file_replaces_what_its_path_held(cli, tmp_path):
    path = _write(tmp_path / "news" / "article.txt", POLAND)
    assert cli("ingest", path, "--no-ner").exit_code == 0
    _write(path, VIETNAM)
    result = cli("ingest", path, "--no-ner")
    assert result.exit_code == 0 and "replaced" in result.stdout
    (doc,) = _docs(cli)
    assert doc["paths"] == [str(path.resolve())]
    assert cli("show", "Samsung").exit_code == 0
    assert cli("show", "Hanwha Aerospace").exit_code == 1  # only the old version named it


def test_a_changed_file_leaves_the_same_content_at_another_path_stored(cli, tmp_path):
    a = _write(tmp_path / "a" / "note.txt", POLAND)
    b = _write(tmp_path / "b" / "note.txt", POLAND)
    assert cli("ingest", a, b, "--no-ner").exit_code == 0
    _write(a, VIETNAM)
    result = cli("ingest", a, "--no-ner")
    assert result.exit_code == 0 and "added" in result.stdout
    by_path = {p: d for d in _docs(cli) for p in d["paths"]}
    assert by_path[str(b.resolve())]["id"] != by_path[str(a.resolve())]["id"]
    assert cli("show", "Hanwha Aerospace").exit_code == 0 and cli("show", "Samsung").exit_code == 0


def test_a_syndicated_copy_is_one_source_in_facts_and_between(cli, tmp_path):
    files = [_write(tmp_path / name, text) for name, text in (("wire.txt", WIRE), ("syndicated.txt", SYNDICATED))]
    result = cli("ingest", *files, "--no-ner")
    assert result.exit_code == 0 and "one source with wire.txt" in result.stdout
    docs = {d["name"]: d for d in _docs(cli)}
    assert docs["wire.txt"]["cluster"] == docs["syndicated.txt"]["cluster"]
    # Its corrected figure does not disagree with the copy it came from ...
    trade = [f for f in cli.json("facts") if f["measure"] == "bilateral trade volume"]
    assert sorted(f["value"] for f in trade) == [10.3e9, 12.6e9]
    assert all(f["conflicts_with"] == [] for f in trade)
    # ... and a tie both copies state has one source.
    (tie,) = cli.json("between", "KEPCO", "Sinop")
    assert len(tie["sources"]) == 2 and tie["source_count"] == 1
    assert cli("between", "KEPCO", "Sinop", "--min-sources", "2").stdout.strip() in ("", "[]")
    # Another writer's figure still disagrees with both.
    assert cli("ingest", _write(tmp_path / "other.txt", OTHER), "--no-ner").exit_code == 0
    other = [f for f in cli.json("facts") if f["source"]["name"] == "other.txt"]
    assert sorted(c["source"] for c in other[0]["conflicts_with"]) == ["syndicated.txt", "wire.txt"]


def test_the_network_counts_near_duplicates_once(cli, store, tmp_path):
    files = [_write(tmp_path / n, t) for n, t in (("wire.txt", WIRE), ("syndicated.txt", SYNDICATED))]
    assert cli("ingest", *files, "--no-ner").exit_code == 0
    with open_graph(store) as g:
        view = network(g.store)
    kepco = next(n for n, data in view.nodes(data=True) if data["label"] == "KEPCO")
    assert view.nodes[kepco]["sources"] == 1
    weights = [data["weight"] for _, _, data in view.out_edges(kepco, data=True)]
    assert weights and set(weights) == {1}


def test_the_same_article_as_pdf_and_text_is_one_source(cli, tmp_path):
    text = _write(tmp_path / "story.txt", WIRE)
    # Wrapped at 60 columns with one word hyphenated at a line's end, as a PDF lays it out.
    lines = textwrap.wrap(" ".join(WIRE.split()).replace("municipality", "munici- pality"), 60)
    pdf = write_pdf(tmp_path / "story.pdf", lines)
    result = cli("ingest", text, pdf, "--no-ner")
    assert result.exit_code == 0, result.output
    assert "one source with story.txt" in result.stdout
    clusters = {d["name"]: d["cluster"] for d in _docs(cli)}
    assert clusters["story.pdf"] == clusters["story.txt"]
    # Whatever figures each copy yields, one source never disagrees with itself.
    assert {f["source"]["name"] for f in cli.json("facts")} >= {"story.txt"}
    assert all(f["conflicts_with"] == [] for f in cli.json("facts"))


def test_near_duplicate_signatures_tell_copies_from_other_articles():
    wire = signature(WIRE)
    assert wire is not None and similarity(wire, signature(SYNDICATED) or "") >= 0.6
    assert similarity(wire, signature(OTHER) or "") < 0.2
    assert signature(POLAND) is None  # one sentence: too short to call anything its copy


def test_different_articles_on_one_subject_are_two_sources(cli, tmp_path):
    files = [_write(tmp_path / n, t) for n, t in (("wire.txt", WIRE), ("other.txt", OTHER))]
    assert cli("ingest", *files, "--no-ner").exit_code == 0
    assert len({d["cluster"] for d in _docs(cli)}) == 2


def test_remove_takes_a_path_a_hash_prefix_or_the_iri(cli, tmp_path):
    a = _write(tmp_path / "a" / "article.txt", POLAND)
    b = _write(tmp_path / "b" / "article.txt", VIETNAM)
    c = _write(tmp_path / "c.txt", WIRE)
    assert cli("ingest", a, b, c, "--no-ner").exit_code == 0
    docs = {p: d for d in _docs(cli) for p in d["paths"]}
    removed = cli("remove", a)
    assert removed.exit_code == 0 and "article.txt" in removed.stdout
    assert str(a.resolve()) not in {p for d in _docs(cli) for p in d["paths"]}
    assert cli("remove", docs[str(b.resolve())]["sha256"][:8]).exit_code == 0
    assert cli("remove", docs[str(c.resolve())]["id"]).exit_code == 0
    assert _docs(cli) == []


def test_remove_of_a_name_two_documents_share_lists_both_with_their_paths(cli, tmp_path):
    a = _write(tmp_path / "a" / "article.txt", POLAND)
    b = _write(tmp_path / "b" / "article.txt", VIETNAM)
    assert cli("ingest", a, b, "--no-ner").exit_code == 0
    result = cli("remove", "article.txt")
    assert result.exit_code == 1
    assert str(a.resolve()) in result.stderr and str(b.resolve()) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert cli("remove", "1234567").exit_code == 1  # a hash prefix shorter than 8 names nothing
    assert len(_docs(cli)) == 2


def test_documents_shows_paths_and_where_the_date_came_from(cli, tmp_path):
    path = _write(tmp_path / "dated.md", "---\ndate: 2025-09-15\n---\n" + POLAND)
    assert cli("ingest", path, "--no-ner").exit_code == 0
    (doc,) = _docs(cli)
    assert doc["paths"] == [str(path.resolve())] and "date_origin" in doc
    update = (
        'INSERT { GRAPH <https://w3id.org/ties/graph/metadata> { ?d ties:dateOrigin "dateline" } } '
        "WHERE { GRAPH <https://w3id.org/ties/graph/metadata> { ?d a ties:Document } }"
    )
    assert cli("sparql", "--update", update).exit_code == 0
    assert _docs(cli)[0]["date_origin"] == "dateline"
    listing = cli("documents").stdout.splitlines()
    assert listing[0].startswith("dated.md  ") and "(dateline)" in listing[0]
    assert listing[1] == f"    {path.resolve()}"


def _make_old(cli):
    """Turn the store into what the version that knew documents by file name wrote: the same
    graphs and metadata, without the format version, paths, clusters and signatures."""
    for prop in ("formatVersion", "path", "sourceCluster", "minhash", "sameSourceAs"):
        update = f"DELETE WHERE {{ GRAPH <https://w3id.org/ties/graph/metadata> {{ ?s ties:{prop} ?o }} }}"
        assert cli("sparql", "--update", update).exit_code == 0


@pytest.mark.slow  # seconds of one process each; the README's quick run stays under its 4 minutes
def test_a_store_of_the_earlier_format_is_read_as_it_is_and_upgraded_for_ingest(cli, tmp_path):
    wire = _write(tmp_path / "wire.txt", WIRE)
    assert cli("ingest", wire, "--no-ner").exit_code == 0
    _make_old(cli)
    # Read as it is.
    (doc,) = _docs(cli)
    assert doc["name"] == "wire.txt" and doc["paths"] == []
    assert [s["name"] for s in cli.json("show", "KEPCO")["sources"]] == ["wire.txt"]
    # Not written to before the upgrade: one line that says what to run.
    refused = cli("ingest", _write(tmp_path / "syndicated.txt", SYNDICATED), "--no-ner")
    assert refused.exit_code == 1 and "ties upgrade" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    upgraded = cli("upgrade")
    assert upgraded.exit_code == 0 and "upgraded 1 documents" in upgraded.stdout
    assert "up to date" in cli("upgrade").stdout
    # After it: the old document is found by content and by near-duplicate.
    result = cli("ingest", wire, tmp_path / "syndicated.txt", "--no-ner")
    assert result.exit_code == 0, result.output
    assert "unchanged" in result.stdout and "one source with wire.txt" in result.stdout
    docs = {d["name"]: d for d in _docs(cli)}
    assert docs["wire.txt"]["paths"] == [str(wire.resolve())]
    assert docs["wire.txt"]["cluster"] == docs["syndicated.txt"]["cluster"]


def test_ingest_reports_say_which_document_a_path_became(cli, store, tmp_path):
    path = _write(tmp_path / "a.txt", POLAND)
    with open_graph(store, write=True) as g:
        (report,) = g.ingest([path], use_ner=False)
        (again,) = g.ingest([_write(tmp_path / "b.txt", POLAND)], use_ner=False)
    assert report.status == "added" and report.document
    assert again.status == "known" and again.document == report.document
    assert json.loads(again.model_dump_json())["same_as"] == str(path.resolve())
