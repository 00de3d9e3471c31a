"""`ties between A B`: what ties two entities, directly or through a third, a country standing for
what belongs to it; on a store built from sentences written here."""

from __future__ import annotations

import json

import pytest

from tests.helpers import Cli

TEXT = (
    "The Harbour Agency of Norway signed a supply contract with Kestrel Dynamics Corp. on 3 March 2024.\n\n"
    "Kestrel Dynamics Corp. is based in Chile.\n\n"
    "Norway and Chile launched the Tidewater Bridge Project in 2023.\n\n"
    "The Harbour Agency of Norway is based in Oslo, Norway.\n\n"
    "Kestrel Dynamics Corp. launched the Atacama Sensor Project in May 2022.\n\n"
    "Kestrel Dynamics Corp. won a $40 million order from the Harbour Agency of Norway in 2024.\n"
)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Cli:
    folder = tmp_path_factory.mktemp("between")
    (folder / "news.txt").write_text(TEXT, encoding="utf-8")
    cli = Cli(folder / "store")
    result = cli("ingest", folder / "news.txt")
    assert result.exit_code == 0, result.output
    return cli


def test_a_country_stands_for_its_bodies_and_firms_and_says_through_whom(store):
    ties = store.json("between", "Norway", "Chile")
    direct = [t for t in ties if t["kind"] == "direct" and t["through"]]
    assert direct, ties
    assert set(direct[0]["through"]) == {"Harbour Agency of Norway", "Kestrel Dynamics Corp."}
    (leg,) = direct[0]["legs"]
    assert leg["evidence"][0]["sentence"].startswith("The Harbour Agency of Norway signed")


def test_an_entity_tied_to_both_is_a_tie_through_it_with_a_leg_to_each(store):
    ties = store.json("between", "Norway", "Chile", "--direct-only")
    (project,) = [t for t in ties if t["kind"] == "through"]
    assert project["via_label"] == "Tidewater Bridge Project" and project["via_type"] == "Project"
    assert {leg["subject"] for leg in project["legs"]} == {"Norway", "Chile"}
    assert all(not t["through"] for t in ties)  # the strict reading: the countries themselves


def test_filters_by_relation_and_by_number_of_sources(store):
    assert store.json("between", "Norway", "Chile", "--min-sources", "2") == []
    assert store.json("between", "Norway", "Chile", "--relation", "tiedTo")
    assert store.json("between", "Norway", "Chile", "--relation", "memberOf") == []


def test_json_lines_parse_one_tie_a_line(store):
    result = store("between", "Norway", "Chile", "--format", "jsonl")
    assert result.exit_code == 0
    first = json.loads(result.stdout.splitlines()[0])
    assert {"kind", "relation", "legs", "source_count"} <= set(first)


def test_an_empty_answer_says_what_was_searched(store):
    result = store("between", "Norway", "Chile", "--relation", "memberOf")
    assert result.exit_code == 0 and result.stdout.strip() == ""
    assert "nothing ties Norway and Chile" in result.stderr and "memberOf" in result.stderr


def test_an_unknown_name_is_one_line_with_the_closest(store):
    result = store("between", "Norwy", "Chile")
    assert result.exit_code == 1 and "Norway" in result.stderr


def test_a_countrys_timeline_counts_its_firms_acts_and_says_through_whom(store):
    rows = {r["label"]: r for r in store.json("timeline", "Chile")}
    assert rows["Atacama Sensor Project"]["date"] == "2022-05"
    assert rows["Atacama Sensor Project"]["through"] == ["Kestrel Dynamics Corp."]
    assert rows["Tidewater Bridge Project"]["through"] == []  # Chile's own
    strict = {r["label"] for r in store.json("timeline", "Chile", "--direct-only")}
    assert "Atacama Sensor Project" not in strict and "Tidewater Bridge Project" in strict


def test_an_empty_timeline_says_so_on_stderr(store):
    result = store("timeline", "Oslo", "--direct-only")
    assert result.exit_code == 0 and "no dated event" in result.stderr


def test_figures_between_two_countries_count_their_members(store):
    (order,) = [f for f in store.json("facts", "--between", "Norway", "Chile") if f["value"] == 40e6]
    assert "Kestrel Dynamics Corp." in order["through"]  # Chile, through its firm
    assert not [f for f in store.json("facts", "--between", "Norway", "Chile", "--direct-only") if f["value"] == 40e6]
