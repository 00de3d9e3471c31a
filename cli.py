"""The `ties` command line: each command opens the store, calls one library
function, and turns the library's errors into one line with the fix.

Exit status: 0 success; 1 the command ran but failed (a file not ingested, an
unknown or ambiguous name, a store that does not conform, a bad query); 2 bad
usage, or `validate` could not run."""

from __future__ import annotations

import csv
import io
import json
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from graph import DEFAULT_STORE, EntityType, TiesError, open_graph
from graph.model import EntityDetail, EntitySummary, IngestReport
from graph.output.export import ExportFormat

app = typer.Typer(
    name="ties",
    help="A knowledge graph of bilateral ties between countries, built from documents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class DetailFormat(str, Enum):
    table = "table"
    json = "json"


class _Settings:
    store: str = str(DEFAULT_STORE)


settings = _Settings()


@app.callback()
def _options(
    store: Annotated[
        str,
        typer.Option(
            "--store",
            envvar="TIES_STORE",
            show_default=True,
            help="The store: a folder (embedded, no server), a SPARQL endpoint (http://HOST:PORT for an Oxigraph "
            "server, sparql+http://HOST/PATH for one endpoint URL) or an endpoint file (.toml). Credentials come "
            "from TIES_USER and TIES_PASSWORD, or the INI file TIES_CONFIG names.",
        ),
    ] = str(DEFAULT_STORE),
) -> None:
    settings.store = store


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"error: {message}", markup=False, highlight=False)
    return typer.Exit(code)


@contextmanager
def opened(write: bool = False, wait: float = 0.0):
    """The store; any library error, opening it or in the body, becomes one line on stderr."""
    try:
        with open_graph(settings.store, write=write, wait=wait) as g:
            yield g
    except TiesError as exc:
        raise fail(str(exc)) from None


# --- ingest -----------------------------------------------------------------------


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively): .txt .md .html .pdf")],
    max_size: Annotated[float, typer.Option(help="Largest file to read, in MB.", min=0.001)] = 50,
    gazetteer: Annotated[
        list[Path] | None, typer.Option(exists=True, help="An extra gazetteer file or folder (TSV).")
    ] = None,
    ner: Annotated[bool, typer.Option(help="Use statistical NER for names the gazetteer lacks.")] = True,
    jobs: Annotated[
        int, typer.Option(help="Extraction processes; 0 picks (two for 40 or more new documents).", min=0)
    ] = 0,
    wait: Annotated[float, typer.Option(help="Seconds to wait for another writer to finish.", min=0)] = 0,
) -> None:
    """Read documents and add what they state to the graph; one line per file."""
    failed = 0
    with opened(write=True, wait=wait) as g, _progress() as progress:

        def on_report(r: IngestReport) -> None:
            nonlocal failed
            progress.advance()
            if r.status == "failed":
                failed += 1
                err.print(f"failed     {r.error}", markup=False, highlight=False)
            elif r.status == "unchanged":
                out.print(f"unchanged  {r.path}", markup=False, highlight=False)
            elif r.status == "incomplete":
                err.print(f"incomplete {r.error}", markup=False, highlight=False)
            else:
                out.print(
                    f"{r.status:<10} {r.path}  ({r.entities} entities, {r.ties} ties)", markup=False, highlight=False
                )

        reports = g.ingest(
            paths,
            max_bytes=int(max_size * 1e6),
            use_ner=ner,
            gazetteers=gazetteer,
            jobs=jobs or None,
            on_report=on_report,
            on_total=progress.start,
        )
    done = sum(1 for r in reports if r.status in ("added", "replaced"))
    same = sum(1 for r in reports if r.status == "unchanged")
    err.print(f"{done} ingested, {same} unchanged, {failed} failed", highlight=False)
    if failed:
        raise typer.Exit(1)


class _progress:
    """A progress bar on a terminal when there are many files."""

    def __enter__(self):
        self.bar = None
        return self

    def start(self, total: int) -> None:
        if total >= 10 and err.is_terminal:
            from rich.progress import Progress

            self.bar = Progress(console=err, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("ingesting", total=total)

    def advance(self) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


# --- lookups ------------------------------------------------------------------------


def _print_entities(items: list[EntitySummary], fmt: Format) -> None:
    if fmt is Format.json:
        print(json.dumps([i.model_dump(mode="json") for i in items], ensure_ascii=False, indent=2))
    elif fmt is Format.csv:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["id", "label", "type", "aliases", "sources"])
        for i in items:
            w.writerow([i.id, i.label, i.type.value, "; ".join(i.aliases), "; ".join(s.name for s in i.sources)])
        sys.stdout.write(buf.getvalue())
    else:
        table = Table("label", "type", "sources", "aliases", show_lines=False)
        for i in items:
            table.add_row(i.label, i.type.value, ", ".join(s.name for s in i.sources), ", ".join(i.aliases[:4]))
        out.print(table)
        err.print(f"{len(items)} entities", highlight=False)


@app.command()
def entities(
    type: Annotated[EntityType | None, typer.Option("--type", help="Only entities of this type.")] = None,
    involving: Annotated[str | None, typer.Option(help="Only entities tied to NAME, in either direction.")] = None,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """List entities, optionally of one type and tied to another entity."""
    with opened() as g:
        items = g.entities(type, involving)
    _print_entities(items, format)


def _shortcut(kind: EntityType):
    def command(
        involving: Annotated[str | None, typer.Option(help="Only those tied to NAME.")] = None,
        format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    ) -> None:
        entities(kind, involving, format)

    command.__doc__ = f"List {kind.plural.replace('-', ' ')}: `ties entities --type {kind.value}`."
    return command


for _kind in EntityType:
    app.command(name=_kind.plural)(_shortcut(_kind))


def _print_detail(d: EntityDetail, fmt: DetailFormat) -> None:
    if fmt is DetailFormat.json:
        print(json.dumps(d.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    out.print(f"[bold]{d.label}[/bold]  ({d.type.value})  {d.id}", highlight=False)
    if d.aliases:
        out.print("also: " + ", ".join(d.aliases), markup=False, highlight=False)
    if d.wikidata:
        out.print(f"wikidata: {d.wikidata}", highlight=False)
    out.print(
        "sources: " + ", ".join(f"{s.name}" + (f" ({s.title})" if s.title else "") for s in d.sources),
        markup=False,
        highlight=False,
    )
    current = None
    for r in d.relations:
        heading = r.relation if r.direction == "out" else f"{r.relation} (inverse)"
        if heading != current:
            out.print(f"\n[bold]{heading}[/bold]", highlight=False)
            current = heading
        out.print(f"  {r.other.label} ({r.other.type.value})", markup=False, highlight=False)
        for ev in r.evidence:
            sentence = " ".join(ev["sentence"].split())
            out.print(
                f"    {ev['source']} [{ev['start']}:{ev['end']}] {ev['method']}: {sentence}",
                markup=False,
                highlight=False,
            )


@app.command()
def show(
    name: Annotated[str, typer.Argument(help="A label or alias; case, accents and punctuation do not matter.")],
    format: Annotated[DetailFormat, typer.Option("--format", help="Output format.")] = DetailFormat.table,
) -> None:
    """One entity with its relations, the sentences that state them, and its sources."""
    with opened() as g:
        detail = g.show(name)
    _print_detail(detail, format)


@app.command()
def sparql(
    query: Annotated[
        str | None, typer.Argument(help="The query (prefixes ties:, ent:, rdfs:, skos:, ... predeclared).")
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", exists=True, dir_okay=False, help="Read the query from a file.")
    ] = None,
    format: Annotated[Format, typer.Option("--format", help="Output format for SELECT and ASK.")] = Format.table,
    update: Annotated[bool, typer.Option(help="Allow SPARQL updates (they change the store).")] = False,
    timeout: Annotated[float | None, typer.Option(help="Stop the query after this many seconds.", min=0.1)] = None,
) -> None:
    """Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) over all documents' graphs."""
    if (query is None) == (file is None):
        raise typer.BadParameter("give a QUERY or --file, not both")
    text = query if query is not None else file.read_text(encoding="utf-8")
    with opened(write=update) as g:
        result = g.sparql(text, update=update, timeout=timeout)
    _print_sparql(result, format)


def _print_sparql(result, fmt: Format) -> None:
    if result.kind == "update":
        err.print("update applied", highlight=False)
    elif result.kind == "ask":
        print(json.dumps({"boolean": result.boolean}) if fmt is Format.json else str(result.boolean).lower())
    elif result.kind == "graph":
        for t in result.triples:
            print(f"{t} .")
    elif fmt is Format.json:
        print(json.dumps(result.rows, ensure_ascii=False, indent=2, default=str))
    elif fmt is Format.csv:
        w = csv.DictWriter(sys.stdout, fieldnames=result.variables)
        w.writeheader()
        w.writerows(result.rows)
    else:
        table = Table(*result.variables)
        for row in result.rows:
            table.add_row(*("" if row[v] is None else str(row[v]) for v in result.variables))
        out.print(table)


@app.command()
def facts(
    about: Annotated[str | None, typer.Option(help="Only figures about NAME.")] = None,
    between: Annotated[
        tuple[str, str] | None, typer.Option(help="Only figures about both A and B.", metavar="A B")
    ] = None,
    format: Annotated[DetailFormat, typer.Option("--format", help="Output format.")] = DetailFormat.table,
) -> None:
    """Figures the documents give (trade, investment, contract values, targets), each with its
    source; figures from different sources that disagree are flagged."""
    with opened() as g:
        items = g.facts(about=about, between=between)
    if format is DetailFormat.json:
        print(json.dumps(items, ensure_ascii=False, indent=2, default=str))
        return
    table = Table("measure", "value", "unit", "time", "status", "about", "source", "disagrees with")
    for f in items:
        others = ", ".join(f"{c['source']} ({c['value']:,.0f})" for c in f["conflicts_with"])
        table.add_row(
            f["measure"],
            f"{f['value']:,.0f}",
            f["unit"],
            f["time"] or "",
            f["status"],
            ", ".join(f["subjects"]),
            f["source"]["name"],
            others,
        )
    out.print(table)


@app.command()
def timeline(
    a: Annotated[str, typer.Argument(help="An entity, usually a country.")],
    b: Annotated[str | None, typer.Argument(help="A second entity: only what involves both.")] = None,
    format: Annotated[DetailFormat, typer.Option("--format", help="Output format.")] = DetailFormat.table,
) -> None:
    """The dated events, agreements, projects and relations involving A (and B), in order, with sources."""
    with opened() as g:
        items = g.timeline(a, b)
    if format is DetailFormat.json:
        print(json.dumps(items, ensure_ascii=False, indent=2, default=str))
        return
    table = Table("date", "what", "", "source")
    for item in items:
        when = item["date"] + (f" to {item['end_date']}" if item.get("end_date") else "")
        table.add_row(when, item["label"], item["what"], item["source"]["name"])
    out.print(table)


@app.command()
def stats(
    format: Annotated[DetailFormat, typer.Option("--format", help="Output format.")] = DetailFormat.table,
) -> None:
    """Counts: documents, entities by type, relations, evidence, quads."""
    with opened() as g:
        figures = g.stats()
    if format is DetailFormat.json:
        print(json.dumps(figures, indent=2))
        return
    table = Table("what", "count")
    for k in ("documents", "entities", "relations", "evidence", "quads"):
        table.add_row(k, str(figures[k]))
    for k, v in figures["entities_by_type"].items():
        table.add_row(f"  {k}", str(v))
    out.print(table)


@app.command()
def documents(
    format: Annotated[DetailFormat, typer.Option("--format", help="Output format.")] = DetailFormat.table,
) -> None:
    """The documents in the store, with their titles and hashes."""
    with opened() as g:
        docs = g.documents()
    if format is DetailFormat.json:
        print(json.dumps(docs, ensure_ascii=False, indent=2, default=str))
        return
    table = Table("file name", "title", "date", "sha256")
    for d in docs:
        table.add_row(d["name"], d["title"] or "", d["date"] or "", d["sha256"][:12])
    out.print(table)


@app.command()
def remove(
    name: Annotated[str, typer.Argument(help="The document's file name, as `ties documents` lists it.")],
) -> None:
    """Remove one document and every fact only it asserted."""
    with opened(write=True) as g:
        removed = g.remove(name)
    out.print(f"removed {removed}", markup=False, highlight=False)


@app.command()
def validate() -> None:
    """Check the store against the SHACL shapes in ontology.ttl, and every evidence span
    against its document's text. Exit 0 conforms, 1 does not, 2 could not run."""
    try:
        with open_graph(settings.store, write=False) as g:
            report = g.validate()
    except TiesError as exc:  # the check could not run: no store, broken ontology, pySHACL failure
        raise fail(str(exc), code=2) from None
    if report.conforms:
        out.print("conforms", highlight=False)
        return
    out.print(report.text, markup=False, highlight=False)
    raise typer.Exit(1)


@app.command()
def export(
    format: Annotated[ExportFormat, typer.Argument(help="graphml, gexf, csv, trig, nquads, turtle or jsonld.")],
    out_path: Annotated[
        Path, typer.Argument(metavar="OUT", help="The file to write (csv writes OUT.nodes.csv and OUT.edges.csv).")
    ],
) -> None:
    """Write the graph for Gephi (graphml, gexf), spreadsheets (csv) or RDF tools."""
    with opened() as g:
        written = g.export(format.value, out_path)
    for path in written:
        out.print(f"wrote {path}", markup=False, highlight=False)


@app.command()
def evaluate(
    gold: Annotated[
        Path, typer.Argument(exists=True, file_okay=False, help="Folder with entities.jsonl and questions.jsonl.")
    ],
    documents: Annotated[
        Path | None, typer.Option(exists=True, help="The documents (default: the GOLD folder).")
    ] = None,
    verbose: Annotated[bool, typer.Option(help="List every miss, extra and imperfect answer.")] = False,
    format: Annotated[DetailFormat, typer.Option("--format", help="Output format.")] = DetailFormat.table,
) -> None:
    """Measure extraction against your own gold annotations, in a temporary store."""
    from graph import evaluate as run_evaluation

    try:
        result = run_evaluation(gold, documents)
    except TiesError as exc:
        raise fail(str(exc)) from None
    if format is DetailFormat.json:
        print(json.dumps(result.__dict__, ensure_ascii=False, indent=2))
        return
    if verbose:
        for title, items in (
            ("missed", result.missed),
            ("extra", result.extra),
            ("wrong type", result.wrong_type),
            ("duplicates", result.duplicates),
            ("files that failed", result.failed_files),
        ):
            out.print(f"## {title}", highlight=False)
            for item in items:
                out.print(f"  {item}", markup=False, highlight=False)
        out.print("## questions", highlight=False)
        for q in result.questions:
            if q["recall"] < 1 or q["precision"] < 1:
                out.print(
                    f"  {q['id']}: {q['ask']}  recall={q['recall']:.2f} precision={q['precision']:.2f}\n"
                    f"      expected: {q['expected']}\n      returned: {q['returned']}",
                    markup=False,
                    highlight=False,
                )
    out.print(result.summary(), markup=False, highlight=False)
    out.print(f"recall by type: {result.recall_by_type}", markup=False, highlight=False)


@app.command()
def benchmark(
    docs: Annotated[int, typer.Option(help="Synthetic documents to generate and ingest.", min=5)] = 2000,
    scale: Annotated[bool, typer.Option(help="The scale run: 20,000 documents (over a million quads).")] = False,
    export_only: Annotated[
        bool,
        typer.Option(
            "--export-only",
            help="Measure only the network view and GraphML export, on documents ingested without "
            "NER (quicker: --docs 44000 gives a graph of about 100,000 nodes).",
        ),
    ] = False,
    jobs: Annotated[int, typer.Option(help="Processes for ties and for the spaCy baseline alike.", min=1)] = 2,
    workdir: Annotated[Path | None, typer.Option(file_okay=False, help="Keep the corpus and stores here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print every figure and ratio as JSON.")] = False,
) -> None:
    """Measure ingest, storing, lookups and export against the engines underneath, in one run."""
    from graph.tools.benchmark import format_table, run_benchmark, run_export_benchmark

    run = run_export_benchmark if export_only else run_benchmark
    try:
        result = run(20000 if scale else docs, workdir=workdir, processes=jobs)
    except TiesError as exc:
        raise fail(str(exc)) from None
    print(json.dumps(result, indent=2) if as_json else format_table(result))


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="The address to listen on; the default answers this machine only.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The port to listen on.", min=0, max=65535)] = 8000,
    allow_update: Annotated[
        bool, typer.Option("--allow-update", help="Accept SPARQL updates at /update (they change the store).")
    ] = False,
    cors: Annotated[
        bool, typer.Option("--cors", help="Let pages of other sites (YASGUI in a browser) read the answers.")
    ] = False,
) -> None:
    """Serve the store as a SPARQL 1.1 endpoint at /sparql (JSON, XML, CSV, TSV; Turtle, N-Triples),
    with a query page at /. Read-only unless --allow-update; Ctrl-C stops it."""
    from graph.serve.server import serve as run_server

    try:
        run_server(settings.store, host=host, port=port, allow_update=allow_update, cors=cors)
    except TiesError as exc:
        raise fail(str(exc)) from None


def main() -> None:
    app()


if __name__ == "__main__":
    main()
