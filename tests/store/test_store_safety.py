"""The embedded store when things go wrong around it: a store another user made read-only, a
store that is not there, a bulk load that fails, a damaged table."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from graph.errors import QueryError, StoreError
from graph.store import StoreNotice, open_store
from graph.validate import validate
from tests.helpers import Cli

# Left out of the README's quick run, run with `pytest -m slow`: damaged stores, other users, failed bulk loads.
pytestmark = pytest.mark.slow

NOTE = "Seoul and Warsaw signed a defence agreement.\n\nHyundai Rotem will deliver K2 tanks to Poland in 2026.\n"

# A CLI run as user nobody when the tests run as root (a non-root user is refused writes to a
# read-only store just the same). Everything a command loads later is loaded first: as nobody,
# Python cannot read a standard library that lives in root's home.
AS_ANOTHER_USER = """
import os, sys
import cli, pyshacl, rdflib
from graph.resources import ontology_path

shapes = rdflib.Graph().parse(ontology_path(), format="turtle")
data = rdflib.Graph().parse(data="<urn:a> <urn:b> <urn:c> .", format="nt")
pyshacl.validate(data, shacl_graph=shapes, ont_graph=shapes, inference="none", advanced=True, allow_warnings=True)
if os.geteuid() == 0:
    os.setgid(65534)
    os.setuid(65534)
sys.argv = ["ties", *sys.argv[1:]]
cli.main()
"""


def run_as_another_user(store: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", AS_ANOTHER_USER, "--store", str(store), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_line(run: subprocess.CompletedProcess, code: int) -> None:
    assert run.returncode == code, run.stdout + run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr


@pytest.fixture
def shared_folder():
    """A folder under /tmp that user nobody may enter (pytest's tmp_path is root's alone)."""
    base = Path(tempfile.mkdtemp(prefix="ties-store-", dir="/tmp" if os.path.isdir("/tmp") else None))
    base.chmod(0o755)
    yield base
    for root, dirs, _ in os.walk(base):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)
    shutil.rmtree(base)


def made_read_only(folder: Path, keep_lock_files: bool) -> Path:
    store = folder / "store"
    docs = folder / "docs"
    docs.mkdir()
    (docs / "note.txt").write_text(NOTE)
    assert Cli(store)("ingest", docs, "--no-ner").exit_code == 0
    assert Cli(store)("stats").exit_code == 0  # a reader: every lock file exists now
    if not keep_lock_files:
        for name in ("gate.lock", "commit.lock"):
            (store / name).unlink()
    for root, dirs, files in os.walk(store):
        for name in files:
            os.chmod(os.path.join(root, name), 0o444)
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o555)
    store.chmod(0o555)
    return store


@pytest.mark.parametrize("keep_lock_files", [True, False], ids=["lock-files-read-only", "no-lock-files"])
def test_a_read_only_store_can_be_read_and_validated(shared_folder, keep_lock_files):
    store = made_read_only(shared_folder, keep_lock_files)
    listed = run_as_another_user(store, "documents", "--format", "json")
    assert listed.returncode == 0 and "Traceback" not in listed.stderr, listed.stderr
    assert '"note.txt"' in listed.stdout
    checked = run_as_another_user(store, "validate")
    assert checked.returncode == 0 and "conforms" in checked.stdout, checked.stdout + checked.stderr
    assert sorted(p.name for p in store.iterdir()) == sorted(
        ["oxigraph", "writer.lock"] + (["gate.lock", "commit.lock"] if keep_lock_files else [])
    )  # reading created nothing


def test_a_store_that_cannot_be_read_or_written_fails_with_one_line(shared_folder):
    store = made_read_only(shared_folder, keep_lock_files=True)
    writing = run_as_another_user(store, "remove", "note.txt")
    assert_one_line(writing, 1)
    store.chmod(0o700)  # now not even readable
    assert_one_line(run_as_another_user(store, "stats"), 1)
    assert_one_line(run_as_another_user(store, "validate"), 2)


def test_a_new_store_is_announced_at_its_first_write(tmp_path):
    (tmp_path / "note.txt").write_text(NOTE)
    home_like = tmp_path / "home"  # `--store ~`: a folder that holds other things, and no store
    home_like.mkdir()
    (home_like / "letters.txt").write_text("not a store\n")
    cli = Cli(home_like)
    first = cli("ingest", tmp_path / "note.txt", "--no-ner")
    assert first.exit_code == 0, first.output
    assert f"note: creating a new store at {home_like.resolve()}" in first.stderr
    again = Cli(home_like)("ingest", tmp_path / "note.txt", "--no-ner")
    assert again.exit_code == 0 and "new store" not in again.stderr


def test_a_first_write_that_fails_leaves_no_store(tmp_path):
    store = tmp_path / "mistyped"
    with open_store(store, write=True) as s, pytest.raises(QueryError):
        s.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <not an iri> } }")
    assert not (store / "oxigraph").exists()
    with pytest.raises(StoreError, match="no store at"):
        open_store(store)
    with pytest.warns(StoreNotice, match="creating a new store"), open_store(store, write=True) as s:
        s.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }")
    with open_store(store) as s:
        assert s.query("ASK { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }") is True


def test_remove_on_a_path_with_no_store_creates_nothing(tmp_path):
    result = Cli(tmp_path / "no-such-store")("remove", "note.txt")
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no store at" in lines[0], result.stderr
    assert not (tmp_path / "no-such-store").exists()


BULK_LOAD_THAT_FAILS = textwrap.dedent("""
    import glob, os, resource, signal, sys
    import pyoxigraph as ox
    from graph.errors import QueryError, StoreError
    from graph.store import open_store

    store = open_store(sys.argv[1], write=True)
    store.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }")
    graph = "https://w3id.org/ties/document/big.txt"
    quads = [
        ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(f"a sentence, number {i}"), ox.NamedNode(graph))
        for i in range(300_000)
    ]
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a file over the limit: an error, as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
    try:
        store.add_documents([(graph, quads, False)], bulk=True)
        print("loaded")
    except StoreError as exc:
        print("failed:", exc)
    print("left:", glob.glob(os.path.join(sys.argv[1], "oxigraph", "bulk-*.sst")))
    sys.stdout.flush()
    os._exit(0)  # the size limit would fail the close too
""")


def test_a_failed_bulk_load_leaves_no_table_files(tmp_path):
    run = subprocess.run(
        [sys.executable, "-c", BULK_LOAD_THAT_FAILS, str(tmp_path / "store")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "failed: could not write the documents" in run.stdout, run.stdout + run.stderr
    assert "left: []" in run.stdout, run.stdout
    leftover = tmp_path / "store" / "oxigraph" / "bulk-123.sst"  # as a killed load leaves one
    leftover.write_bytes(b"half a table")
    with open_store(tmp_path / "store", write=True):
        assert not leftover.exists()


def damaged(store: Path, table: Path, into: Path) -> Path:
    """A copy of STORE with bytes of TABLE flipped throughout, as a bad disk leaves them."""
    copy = into / table.name
    shutil.copytree(store, copy)
    target = copy / "oxigraph" / table.name
    data = bytearray(target.read_bytes())
    for i in range(100, len(data) - 2000, 3000) if len(data) > 2100 else [len(data) // 3]:
        data[i] ^= 0xFF
    target.write_bytes(bytes(data))
    return copy


def test_validate_reports_every_damaged_table(tmp_path):
    (tmp_path / "note.txt").write_text(NOTE)
    store = tmp_path / "store"
    assert Cli(store)("ingest", tmp_path / "note.txt", "--no-ner").exit_code == 0
    tables = sorted((store / "oxigraph").glob("*.sst"))
    assert len(tables) >= 3
    for table in tables:
        copy = damaged(store, table, tmp_path)
        with pytest.raises(StoreError, match="Corruption"):
            with open_store(copy) as s:
                validate(s)
    result = Cli(copy)("validate")
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1 and "Corruption" in result.stderr
