"""The `ties` command line: each command opens the store, calls one library
function, and turns the library's errors into one line with the fix.

Exit status: 0 success; 1 the command ran but failed (a file not ingested, an
unknown or ambiguous name, a store that does not conform, a bad query); 2 bad
usage, or `validate` could not run."""

from __future__ import annotations

import csv
import json
import shutil
import sys
import tempfile
import time
import warnings
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from graph import DEFAULT_STORE, EntityType, Relation, TiesError, TiesGraph, __version__, open_graph
from graph.model import EntityDetail, EntitySummary, IngestReport
from graph.output.export import ExportFormat
from graph.output.safe import csv_cell, escape_c1, printable
from graph.store import StoreNotice, open_store, redact


class _StoreAnywhere(TyperGroup):
    """Takes ``--store PATH`` and ``--raw`` after the command name too (``ties ingest x --store y``),
    as users expect of a global option, by moving them in front of the command before parsing."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:  # ctx: the vendored click's Context
        return super().parse_args(ctx, _store_first(args))


def _store_first(args: list[str]) -> list[str]:
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        if arg == "--store" and i + 1 < len(args) and rest:
            front += args[i : i + 2]
            i += 2
            continue
        if arg == "--raw" and rest:
            front.append(arg)
        elif arg.startswith("--store=") and rest:
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


app = typer.Typer(
    cls=_StoreAnywhere,
    name="ties",
    help="A knowledge graph of bilateral ties between countries, built from documents.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class Format(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class DetailFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


class _Settings:
    store: str = str(DEFAULT_STORE)
    raw: bool = False


settings = _Settings()


def _print_version(value: bool) -> None:
    if value:
        out.print(f"ties {__version__}", markup=False, highlight=False)
        raise typer.Exit(0)


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
    raw: Annotated[
        bool,
        typer.Option(
            "--raw",
            help="Read the extraction alone, without the analyst's decisions (`ties curate`); read-only, "
            "held in memory.",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", is_eager=True, callback=_print_version, help="Print the version of ties and exit."),
    ] = False,
) -> None:
    settings.store = store
    settings.raw = raw


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(_data(f"error: {redact(message)}"))  # a store URL in a message never shows its password
    return typer.Exit(code)


def _data(value: object, lines: bool = False) -> Text:
    """A value from the store, a file or the user, printed as data: rich markup,
    emoji codes and control characters (escape sequences) are not acted on."""
    return Text(printable("" if value is None else str(value), lines=lines))


def _json(value: object) -> str:
    return escape_c1(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _print_json(items: list, fmt: Format | DetailFormat) -> bool:
    """ITEMS (records or plain values) as one JSON array, or as JSON Lines (one object a line, for
    `head`, `jq -c` and streaming readers); False when FMT asks for neither."""
    values = [i.model_dump(mode="json") if hasattr(i, "model_dump") else i for i in items]
    if fmt.value == "json":
        print(_json(values))
    elif fmt.value == "jsonl":
        for value in values:
            print(escape_c1(json.dumps(value, ensure_ascii=False, default=str)))
    else:
        return False
    return True


def _csv(header: list[str], rows) -> None:
    """CSV on stdout: no control characters but newlines, and no cell a spreadsheet takes for a formula."""
    w = csv.writer(sys.stdout)
    for row in [header, *rows]:
        w.writerow([csv_cell(printable(v, lines=True) if isinstance(v, str) else v) for v in row])


@contextmanager
def one_line_errors(code: int = 1):
    """The one place where a library error becomes one line on stderr (its message says what to
    do) and exit status CODE; the traceback is dropped, the library's message is the whole story.
    The store's notices (a new store made, a lock taken over) are one line each on stderr too."""
    with warnings.catch_warnings():
        warnings.simplefilter("always", StoreNotice)
        shown = warnings.showwarning

        def show(message, category, filename, lineno, file=None, line=None) -> None:
            if issubclass(category, StoreNotice):
                err.print(_data(f"note: {redact(message)}"))
            else:
                shown(message, category, filename, lineno, file, line)

        warnings.showwarning = show
        try:
            yield
        except TiesError as exc:
            raise fail(str(exc), code) from None


def _refuse_raw() -> None:
    if settings.raw:
        raise fail("--raw is for reading: ingests and decisions change the curated store; leave --raw out", 2)


@contextmanager
def opened(write: bool = False, wait: float = 0.0):
    """The store (the raw view with --raw); any library error, opening it or in the body, becomes one
    line on stderr."""
    if write:
        _refuse_raw()
    with one_line_errors(), open_graph(settings.store, write=write, wait=wait, raw=settings.raw) as g:
        yield g


# --- ingest -----------------------------------------------------------------------


@app.command()
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files or folders (searched recursively): .txt .md .html .mhtml .pdf .docx; or web pages (https://...)"
        ),
    ],
    max_size: Annotated[float, typer.Option(help="Largest file to read, in MB.", min=0.001)] = 50,
    gazetteer: Annotated[
        list[Path] | None, typer.Option(exists=True, help="An extra gazetteer file or folder (TSV).")
    ] = None,
    ner: Annotated[bool, typer.Option(help="Use statistical NER for names the gazetteer lacks.")] = True,
    jobs: Annotated[
        int, typer.Option(help="Extraction processes; 0 picks (two for 40 or more new documents).", min=0)
    ] = 0,
    wait: Annotated[float, typer.Option(help="Seconds to wait for another writer to finish.", min=0)] = 0,
    max_seconds: Annotated[
        float, typer.Option(help="Extraction time per document before it fails (0: no limit).", min=0)
    ] = 120,
) -> None:
    """Read documents and add what they state to the graph; one line per file."""
    failed = 0
    with opened(write=True, wait=wait) as g, _progress() as progress:

        def on_report(r: IngestReport) -> None:
            nonlocal failed
            progress.advance()
            if r.status == "failed":
                failed += 1
                err.print(_data(f"failed     {r.error}"))
            elif r.status == "unchanged":
                out.print(_data(f"unchanged  {r.path}"))
            elif r.status == "known":
                out.print(_data(f"known      {r.path}  (same content as {r.same_as}; path recorded)"))
            elif r.status == "incomplete":
                err.print(_data(f"incomplete {r.error}"))
            else:
                near = f"; one source with {', '.join(r.near)}" if r.near else ""
                out.print(_data(f"{r.status:<10} {r.path}  ({r.entities} entities, {r.ties} ties{near})"))
            for warning in r.warnings:
                err.print(_data(f"warning    {warning}"))

        reports = g.ingest(
            paths,
            max_bytes=int(max_size * 1e6),
            use_ner=ner,
            gazetteers=gazetteer,
            jobs=jobs or None,
            max_seconds=max_seconds or None,
            on_report=on_report,
            on_total=progress.start,
        )
    done = sum(1 for r in reports if r.status in ("added", "replaced"))
    same = sum(1 for r in reports if r.status == "unchanged")
    known = sum(1 for r in reports if r.status == "known")
    also = f", {known} known from another path" if known else ""
    err.print(f"{done} ingested, {same} unchanged{also}, {failed} failed", highlight=False)
    if failed:
        raise typer.Exit(1)


class _progress:
    """A progress bar on a terminal when there are many files; where stderr is a pipe or a log,
    a plain line every few seconds, so that a long ingest is never silent."""

    EVERY_S = 5.0

    def __enter__(self):
        self.bar = None
        self.total = self.done = 0
        self.started = self.said = time.monotonic()
        return self

    def start(self, total: int) -> None:
        self.total = total
        if total >= 10 and err.is_terminal:
            from rich.progress import Progress

            self.bar = Progress(console=err, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("ingesting", total=total)

    def advance(self) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.advance(self.task)
        elif self.total >= 10 and time.monotonic() - self.said >= self.EVERY_S:
            self.said = time.monotonic()
            elapsed = self.said - self.started
            err.print(f"progress   {self.done}/{self.total} files, {elapsed:.0f} s", markup=False, highlight=False)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


# --- lookups ------------------------------------------------------------------------


def _print_entities(items: list[EntitySummary], fmt: Format) -> None:
    if _print_json(items, fmt):
        return
    if fmt is Format.csv:
        _csv(
            ["id", "label", "type", "aliases", "sources"],
            ([i.id, i.label, i.type.value, "; ".join(i.aliases), "; ".join(s.name for s in i.sources)] for i in items),
        )
    else:
        table = Table("label", "type", "sources", "aliases", show_lines=False)
        for i in items:
            row = (i.label, i.type.value, ", ".join(s.name for s in i.sources), ", ".join(i.aliases[:4]))
            table.add_row(*map(_data, row))
        out.print(table)
        err.print(f"{len(items)} entities", highlight=False)


_CO_MENTIONS_HELP = "With --involving: also names only mentioned beside NAME, with no grammatical tie."


@app.command()
def entities(
    type: Annotated[EntityType | None, typer.Option("--type", help="Only entities of this type.")] = None,
    involving: Annotated[str | None, typer.Option(help="Only entities tied to NAME, in either direction.")] = None,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    co_mentions: Annotated[bool, typer.Option("--co-mentions", help=_CO_MENTIONS_HELP)] = False,
    limit: Annotated[int | None, typer.Option(help="At most N entities.", min=1)] = None,
    offset: Annotated[int, typer.Option(help="Skip the first N (with --limit, the next page).", min=0)] = 0,
) -> None:
    """List entities, optionally of one type and tied to another entity (then each one's sources are
    the documents that state the tie)."""
    with opened() as g:
        items = g.entities(type, involving, co_mentions=co_mentions, limit=limit, offset=offset)
    _print_entities(items, format)


def _shortcut(kind: EntityType):
    def command(
        involving: Annotated[str | None, typer.Option(help="Only those tied to NAME.")] = None,
        format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
        co_mentions: Annotated[bool, typer.Option("--co-mentions", help=_CO_MENTIONS_HELP)] = False,
        limit: Annotated[int | None, typer.Option(help="At most N entities.", min=1)] = None,
        offset: Annotated[int, typer.Option(help="Skip the first N (with --limit, the next page).", min=0)] = 0,
    ) -> None:
        entities(kind, involving, format, co_mentions, limit, offset)

    command.__doc__ = f"List {kind.plural.replace('-', ' ')}: `ties entities --type {kind.value}`."
    return command


for _kind in EntityType:
    app.command(name=_kind.plural)(_shortcut(_kind))


def _print_detail(d: EntityDetail, fmt: DetailFormat) -> None:
    if fmt is DetailFormat.json:
        print(_json(d.model_dump(mode="json")))
        return
    if fmt is DetailFormat.jsonl:  # one object, on one line
        print(escape_c1(json.dumps(d.model_dump(mode="json"), ensure_ascii=False)))
        return
    out.print(Text.assemble((printable(d.label), "bold"), printable(f"  ({d.type.value})  {d.id}")))
    if d.aliases:
        out.print(_data("also: " + ", ".join(d.aliases)))
    if d.wikidata:
        out.print(_data(f"wikidata: {d.wikidata}"))
    out.print(_data("sources: " + ", ".join(f"{s.name}" + (f" ({s.title})" if s.title else "") for s in d.sources)))
    for decision in d.decisions:
        why = f": {decision.reason}" if decision.reason else ""
        out.print(
            _data(
                f"curated: decision {decision.number}, {decision.summary} (by {decision.by}, {decision.at}{why}) "
                f"{decision.id}"
            )
        )
    current = None
    for r in d.relations:
        heading = r.relation if r.direction == "out" else f"{r.relation} (inverse)"
        if heading != current:
            out.print(Text("\n" + printable(heading), style="bold"))
            current = heading
        out.print(_data(f"  {r.other.label} ({r.other.type.value})"))
        for ev in r.evidence:
            sentence = " ".join(ev.sentence.split())
            confirmed = f" (confirmed by decision {ev.confirmed_by.rsplit('/', 1)[-1]})" if ev.confirmed_by else ""
            out.print(_data(f"    {ev.source} [{ev.start}:{ev.end}] {ev.method}{confirmed}: {sentence}"))


@app.command()
def show(
    name: Annotated[str, typer.Argument(help="A label or alias; case, accents and punctuation do not matter.")],
    format: Annotated[DetailFormat, typer.Option("--format", help="Output format.")] = DetailFormat.table,
    co_mentions: Annotated[
        bool, typer.Option("--co-mentions", help="Also the names only mentioned beside it, with no grammatical tie.")
    ] = False,
) -> None:
    """One entity with its relations, the sentences that state them, and its sources."""
    with opened() as g:
        detail = g.show(name, co_mentions=co_mentions)
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
    text = query if query is not None else Path(str(file)).read_text(encoding="utf-8")
    with opened(write=update) as g:
        result = g.sparql(text, update=update, timeout=timeout)
    _print_sparql(result, format)


def _print_sparql(result, fmt: Format) -> None:
    if result.kind == "update":
        err.print("update applied", highlight=False)
    elif result.kind == "ask":
        answer = {"boolean": result.boolean}
        print(json.dumps(answer) if fmt in (Format.json, Format.jsonl) else str(result.boolean).lower())
    elif result.kind == "graph":
        for t in result.triples:
            print(escape_c1(f"{t} ."))
    elif _print_json(result.rows, fmt):
        return
    elif fmt is Format.csv:
        _csv(result.variables, ([row[v] for v in result.variables] for row in result.rows))
    else:
        table = Table(*result.variables)  # variable names are letters, digits and underscores
        for row in result.rows:
            table.add_row(*(_data(row[v]) for v in result.variables))
        out.print(table)


@app.command()
def facts(
    about: Annotated[str | None, typer.Option(help="Only figures about NAME.")] = None,
    between: Annotated[
        tuple[str, str] | None, typer.Option(help="Only figures about both A and B.", metavar="A B")
    ] = None,
    direct_only: Annotated[
        bool, typer.Option("--direct-only", help="A country is itself only, not its bodies, firms and nationals.")
    ] = False,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Figures the documents give (trade, investment, contract values, targets), each with its
    source; figures from different sources that disagree are flagged. A country named in --about or
    --between counts its government bodies, firms and nationals (`through`)."""
    with opened() as g:
        items = g.facts(about=about, between=between, direct_only=direct_only)
    if not items and (about or between):
        named = about or " and ".join(between or ())
        err.print(_data(f"no figure is about {named}; `ties facts` lists every figure"))
    if _print_json(items, format):
        return
    if format is Format.csv:
        columns = ["measure", "value", "unit", "time", "status", "qualifier", "subjects", "source", "sentence"]
        _csv(
            [*columns, "disagrees_with", "preferred_by", "id"],
            (
                [f.measure, f.value, f.unit, f.time, f.status, f.qualifier, "; ".join(f.subjects), f.source.name]
                + [f.sentence, "; ".join(f"{c.source} ({c.value:g})" for c in f.conflicts_with)]
                + [f.preferred_by, f.id]
                for f in items
            ),
        )
        return
    table = Table("measure", "value", "unit", "time", "status", "about", "source", "disagrees with", "id")
    for f in items:
        others = ", ".join(f"{c.source} ({c.value:,.0f})" for c in f.conflicts_with)
        if f.preferred_by:
            others = f"PREFERRED (decision {f.preferred_by.rsplit('/', 1)[-1]})" + (f" over {others}" if others else "")
        fid = f.id.rsplit("#", 1)[-1]
        row = (
            f.measure,
            f"{f.value:,.0f}",
            f.unit,
            f.time,
            f.status,
            ", ".join(f.subjects),
            f.source.name,
            others,
            fid,
        )
        table.add_row(*map(_data, row))
    out.print(table)


@app.command()
def between(
    a: Annotated[str, typer.Argument(help="An entity (a country stands for its bodies, firms and nationals).")],
    b: Annotated[str, typer.Argument(help="Another entity.")],
    min_sources: Annotated[int, typer.Option(help="Only ties stated by at least N documents.", min=1)] = 1,
    relation: Annotated[Relation | None, typer.Option(help="Only ties of this kind.")] = None,
    direct_only: Annotated[
        bool, typer.Option("--direct-only", help="A country is itself only, not its bodies, firms and nationals.")
    ] = False,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Every tie between A and B, both directions, and every entity tied to both (a project both
    take part in), grouped by kind, each with the sentences that state it and its sources."""
    with opened() as g:
        ties = g.between(a, b, min_sources=min_sources, relation=relation, direct_only=direct_only)
    if not ties:
        err.print(
            _data(
                f"nothing ties {a} and {b}: searched their ties in both directions and the entities tied to both"
                + ("" if direct_only else ", with what belongs to each country")
                + (f", of kind {relation.value}" if relation else "")
                + (f", stated by {min_sources} or more documents" if min_sources > 1 else "")
                + f"; see `ties show {a}` for what {a} is tied to"
            )
        )
    if _print_json(ties, format):
        return
    if format is Format.csv:
        _csv(
            ["kind", "relation", "via", "through", "sources", "subject", "object", "source", "sentence"],
            (
                [t.kind, t.relation, t.via_label, "; ".join(t.through), t.source_count]
                + [leg.subject, leg.object, ev.source, ev.sentence]
                for t in ties
                for leg in t.legs
                for ev in leg.evidence
            ),
        )
        return
    for t in ties:
        via = f" via {t.via_label} ({t.via_type})" if t.via_label else ""
        through = f"  [through {', '.join(t.through)}]" if t.through else ""
        out.print(Text(printable(f"{t.relation}{via}  ({t.source_count} sources){through}"), style="bold"))
        for leg in t.legs:
            out.print(_data(f"  {leg.subject} {leg.relation} {leg.object}"))
            for ev in leg.evidence[:3]:
                out.print(_data(f"    {ev.source} [{ev.start}:{ev.end}]: {' '.join(ev.sentence.split())}"))


@app.command()
def timeline(
    a: Annotated[str, typer.Argument(help="An entity, usually a country.")],
    b: Annotated[str | None, typer.Argument(help="A second entity: only what involves both.")] = None,
    direct_only: Annotated[
        bool, typer.Option("--direct-only", help="A country is itself only, not its bodies, firms and nationals.")
    ] = False,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """The dated events, agreements, projects and relations involving A (and B), in order, with sources;
    a country counts its government bodies, firms and nationals, and each row says through whom."""
    with opened() as g:
        items = g.timeline(a, b, direct_only=direct_only)
    if not items:
        err.print(
            _data(
                f"no dated event, agreement, project or relation involves {a}"
                + (f" and {b}" if b else "")
                + ("" if direct_only else " (nor what belongs to them)")
                + f"; see `ties show {a}` for what {a} is tied to"
            )
        )
    if _print_json(items, format):
        return
    if format is Format.csv:
        _csv(
            ["date", "end_date", "what", "label", "type", "through", "source", "sentence"],
            (
                [i.date, i.end_date, i.what, i.label, i.type, "; ".join(i.through), i.source.name, i.sentence]
                for i in items
            ),
        )
        return
    table = Table("date", "what", "", "through", "source")
    for item in items:
        when = item.date + (f" to {item.end_date}" if item.end_date else "")
        table.add_row(*map(_data, (when, item.label, item.what, ", ".join(item.through), item.source.name)))
    out.print(table)


@app.command()
def stats(
    format: Annotated[DetailFormat, typer.Option("--format", help="Output format.")] = DetailFormat.table,
) -> None:
    """Counts: documents, entities by type, relations, evidence, quads."""
    with opened() as g:
        figures = g.stats()
    if format is DetailFormat.json:
        print(json.dumps(figures.model_dump(mode="json"), indent=2))
        return
    table = Table("what", "count")
    for k, n in figures.model_dump(exclude={"entities_by_type"}).items():
        table.add_row(k, str(n))
    for k, v in figures.entities_by_type.items():
        table.add_row(f"  {k}", str(v))
    out.print(table)


@app.command()
def documents(
    format: Annotated[DetailFormat, typer.Option("--format", help="Output format.")] = DetailFormat.table,
) -> None:
    """The documents in the store: file name, the paths (or URLs) it was ingested from, title, date
    and where the date came from, hash."""
    with opened() as g:
        docs = g.documents()
    if _print_json(docs, format):
        return
    # One line a document, then its paths indented, one a line: no column squeezes a path or a title.
    for d in docs:
        date = f"{d.date} ({d.date_origin})" if d.date and d.date_origin else d.date
        head = "  ".join(str(v) for v in (d.name, d.sha256[:12], date or "no date", d.title) if v)
        out.print(_data(head))
        for path in d.paths or ["(no path recorded: ingested before paths were kept)"]:
            out.print(_data(f"    {path}"))
    err.print(f"{len(docs)} documents", highlight=False)


@app.command()
def remove(
    name: Annotated[
        str,
        typer.Argument(
            help="A path the document was ingested from, its file name if no other document has it, its hash "
            "(or 8 or more of its first characters) or its IRI, as `ties documents` lists them."
        ),
    ],
) -> None:
    """Remove one document and every fact only it asserted."""
    # Not open_graph: a path with no store is an error here, where a writer would make a new store.
    _refuse_raw()
    with one_line_errors(), TiesGraph(open_store(settings.store, write=True, create=False)) as g:
        removed = g.remove(name)
    out.print(_data(f"removed {removed}"))


@app.command()
def upgrade() -> None:
    """Bring a store written by an earlier ties to this version's format (its documents stay)."""
    from graph.ingest.upgrade import upgrade as upgrade_store

    _refuse_raw()
    with one_line_errors(), open_store(settings.store, write=True, create=False) as store:
        count = upgrade_store(store)
    if count is None:
        out.print("the store is up to date; nothing to do", highlight=False)
    else:
        out.print(_data(f"upgraded {count} documents; ingest their files again to record the paths they came from"))


@app.command()
def validate() -> None:
    """Check the store against the SHACL shapes in ontology.ttl, and every evidence span
    against its document's text. Exit 0 conforms, 1 does not, 2 could not run."""
    # Any library error here means the check could not run (no store, broken ontology, pySHACL failure).
    with one_line_errors(code=2), open_graph(settings.store, write=False, raw=settings.raw) as g:
        report = g.validate()
    if report.conforms:
        out.print("conforms", highlight=False)
        return
    out.print(_data(report.text, lines=True))
    raise typer.Exit(1)


@app.command()
def export(
    format: Annotated[ExportFormat, typer.Argument(help="graphml, gexf, csv, trig, nquads, turtle, jsonld or html.")],
    out_path: Annotated[
        Path,
        typer.Argument(
            metavar="OUT",
            help="The file to write, or - for standard output (csv writes two files: OUT.nodes.csv and OUT.edges.csv).",
        ),
    ],
    around: Annotated[
        str | None, typer.Option(help="html: only the entities within --depth ties of NAME.", metavar="NAME")
    ] = None,
    depth: Annotated[int, typer.Option(help="html with --around: how many ties away.", min=1, max=6)] = 1,
) -> None:
    """Write the graph for Gephi (graphml, gexf), spreadsheets (csv), RDF tools, or a browser (html:
    one self-contained interactive page, readable offline)."""
    if around is not None and format is not ExportFormat.html:
        raise typer.BadParameter("--around makes a page: use it with the html format", param_hint="--around")
    if format is ExportFormat.html and str(out_path) != "-":
        from graph.output.html import write_html

        with opened() as g:
            written = write_html(g.store, out_path, around, depth)
        out.print(_data(f"wrote {written}"))
        return
    if str(out_path) == "-":
        if format is ExportFormat.csv:
            raise typer.BadParameter("csv writes two files (nodes and edges); give a path, not -", param_hint="OUT")
        with opened() as g, tempfile.TemporaryDirectory(prefix="ties-export-") as folder:
            (written,) = g.export(format.value, Path(folder) / f"export.{format.value}")
            with written.open("rb") as fh:
                shutil.copyfileobj(fh, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        return
    with opened() as g:
        written_files = g.export(format.value, out_path)
    for path in written_files:
        out.print(_data(f"wrote {path}"))


@app.command()
def evaluate(
    gold: Annotated[
        Path | None,
        typer.Argument(exists=True, file_okay=False, help="Folder with entities.jsonl and questions.jsonl."),
    ] = None,
    documents: Annotated[
        Path | None, typer.Option(exists=True, help="The documents (default: the GOLD folder).")
    ] = None,
    decisions: Annotated[
        bool,
        typer.Option(
            "--decisions",
            help="Instead: measure the store's extraction against the analyst's decisions (precision over the "
            "ties confirmed or rejected, duplicates by the merges).",
        ),
    ] = False,
    verbose: Annotated[bool, typer.Option(help="List every miss, extra and imperfect answer.")] = False,
    format: Annotated[DetailFormat, typer.Option("--format", help="Output format.")] = DetailFormat.table,
) -> None:
    """Measure extraction against your own gold annotations, in a temporary store; or, with
    --decisions, the store's extraction against the analyst's decisions."""
    from graph import evaluate as run_evaluation

    if decisions:
        with opened() as g:
            score = g.curate.score()
        if format is DetailFormat.table:
            out.print(_data(score.summary()))
        else:
            _print_json([score], format)
        return
    if gold is None:
        raise typer.BadParameter("give a GOLD folder, or --decisions to measure against the analyst's decisions")
    with one_line_errors():
        result = run_evaluation(gold, documents)
    if format is DetailFormat.json:
        print(_json(result.__dict__))
        return
    if verbose:
        for title, items in (
            ("missed", result.missed),
            ("extra", result.extra),
            ("wrong type", result.wrong_type),
            ("duplicates", result.duplicates),
            ("files that failed", result.failed_files),
            (
                "NER names not kept, by rule",
                [f"{n:>5}  {rule}" for rule, n in sorted(result.ner_rejected.items(), key=lambda kv: (-kv[1], kv[0]))],
            ),
        ):
            out.print(f"## {title}", highlight=False)
            for item in items:
                out.print(_data(f"  {item}"))
        out.print("## questions", highlight=False)
        for q in result.questions:
            if q["recall"] < 1 or q["precision"] < 1:
                out.print(
                    _data(
                        f"  {q['id']}: {q['ask']}  recall={q['recall']:.2f} precision={q['precision']:.2f}\n"
                        f"      expected: {q['expected']}\n      returned: {q['returned']}",
                        lines=True,
                    )
                )
    out.print(_data(result.summary(), lines=True))
    out.print(_data(f"recall by type: {result.recall_by_type}"))


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
    lookups_only: Annotated[
        bool,
        typer.Option(
            "--lookups-only",
            help="Measure only the lookups, on the store in --workdir (one an earlier run left there, as it "
            "is: a scale run's lookups again in minutes; else --docs documents are ingested there first).",
        ),
    ] = False,
    jobs: Annotated[int, typer.Option(help="Processes for ties and for the spaCy baseline alike.", min=1)] = 2,
    workdir: Annotated[Path | None, typer.Option(file_okay=False, help="Keep the corpus and stores here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print every figure and ratio as JSON.")] = False,
) -> None:
    """Measure ingest, storing, lookups and export against the engines underneath, in one run."""
    from graph.tools.benchmark import format_table, run_benchmark, run_export_benchmark, run_lookup_benchmark

    if export_only and lookups_only:
        raise typer.BadParameter("choose one of --export-only and --lookups-only", param_hint="--lookups-only")
    run = run_export_benchmark if export_only else run_lookup_benchmark if lookups_only else run_benchmark
    with one_line_errors():
        result = run(20000 if scale else docs, workdir=workdir, processes=jobs)
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
    timeout: Annotated[float, typer.Option(help="Stop a query after this many seconds.", min=0.1)] = 10.0,
    max_rows: Annotated[int, typer.Option(help="Refuse an answer of more rows (or triples).", min=1)] = 100_000,
    max_mb: Annotated[float, typer.Option(help="Refuse an answer of more megabytes.", min=0.001)] = 64.0,
    max_connections: Annotated[
        int, typer.Option(help="Requests handled at once; more are answered 503.", min=1, max=1024)
    ] = 16,
    idle_timeout: Annotated[float, typer.Option(help="Drop a client silent for this many seconds.", min=0.1)] = 10.0,
    allow_service: Annotated[
        bool,
        typer.Option(
            "--allow-service",
            help="Allow SERVICE (the server queries other endpoints) and, with --allow-update, "
            "LOAD from this machine or a private network.",
        ),
    ] = False,
) -> None:
    """Serve the store as a SPARQL 1.1 endpoint at /sparql (JSON, XML, CSV, TSV; Turtle, N-Triples),
    with the explorer at / (search, neighbourhoods, evidence) and a query page at /sparql.html.
    Read-only unless --allow-update; Ctrl-C stops it."""
    from graph.serve.server import Limits
    from graph.serve.server import serve as run_server

    limits = Limits(
        timeout=timeout,
        max_rows=max_rows,
        max_mb=max_mb,
        connections=max_connections,
        idle_timeout=idle_timeout,
        allow_service=allow_service,
    )
    if settings.raw and allow_update:
        raise typer.BadParameter("the raw view is read-only; leave --raw or --allow-update out", param_hint="--raw")
    try:
        # --raw: the view is computed once and held in memory; queries run in this process.
        where = open_graph(settings.store, raw=True).store if settings.raw else settings.store
        run_server(where, host=host, port=port, allow_update=allow_update, cors=cors, limits=limits)
    except TiesError as exc:
        raise fail(str(exc)) from None


# --- curate ----------------------------------------------------------------------------

curate_app = typer.Typer(
    help="The analyst's decisions: merge, split, alias, rename, retype, reject, confirm, assert, prefer. "
    "Each is stored with who, when and why, applies to every document now and at every later ingest, "
    "and can be listed, undone, exported and imported. Every command shows the curated graph; --raw "
    "shows extraction alone.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(curate_app, name="curate")

By = Annotated[str | None, typer.Option("--by", help="Who decides (default: your login name).")]
Reason = Annotated[str | None, typer.Option("--reason", help="Why, in a few words; kept with the decision.")]
EntityArg = Annotated[str, typer.Argument(help="An entity: a name, alias or IRI, as in `ties show`.")]


class DecisionsFormat(str, Enum):
    jsonl = "jsonl"
    trig = "trig"


def _decided(make) -> None:
    """Make one decision on the store opened for writing, and say what it changed."""
    with opened(write=True) as g:
        decision, changed = make(g.curate)
    out.print(_data(f"decision {decision.number}: {decision.describe()} ({_documents(changed)} curated)"))


@curate_app.command()
def merge(a: EntityArg, b: EntityArg, by: By = None, reason: Reason = None) -> None:
    """B becomes A: B's names are A's aliases in every document, and in every later ingest."""
    _decided(lambda c: c.merge(a, b, by=by, reason=reason))


@curate_app.command()
def split(
    a: EntityArg,
    name: Annotated[
        str, typer.Argument(help="One of A's names: the documents that use it get an entity of their own.")
    ],
    by: By = None,
    reason: Reason = None,
) -> None:
    """Take the documents that call A by NAME apart: their entity is NAME, never merged with A again."""
    _decided(lambda c: c.split(a, name, by=by, reason=reason))


@curate_app.command()
def alias(
    a: EntityArg,
    name: Annotated[str, typer.Argument(help="Another name of A.")],
    by: By = None,
    reason: Reason = None,
) -> None:
    """NAME is a name of A: lookups find A by it, and an entity extracted under it is A."""
    _decided(lambda c: c.alias(a, name, by=by, reason=reason))


@curate_app.command()
def rename(
    a: EntityArg,
    label: Annotated[str, typer.Argument(help="A's new label; the old one stays an alias.")],
    by: By = None,
    reason: Reason = None,
) -> None:
    """Give A another label."""
    _decided(lambda c: c.rename(a, label, by=by, reason=reason))


@curate_app.command()
def retype(
    a: EntityArg,
    kind: Annotated[EntityType, typer.Argument(metavar="TYPE", help="The type A is.")],
    by: By = None,
    reason: Reason = None,
) -> None:
    """A is of another type."""
    _decided(lambda c: c.retype(a, kind, by=by, reason=reason))


RelationArg = Annotated[
    Relation,
    typer.Argument(metavar="RELATION", help="The kind of tie, as `ties show` names it (partyTo, supplies, ...)."),
]


@curate_app.command()
def reject(a: EntityArg, relation: RelationArg, b: EntityArg, by: By = None, reason: Reason = None) -> None:
    """The tie is wrong: it leaves lookups, the network, exports and SPARQL (--raw keeps it)."""
    _decided(lambda c: c.reject(a, relation, b, by=by, reason=reason))


@curate_app.command()
def confirm(a: EntityArg, relation: RelationArg, b: EntityArg, by: By = None, reason: Reason = None) -> None:
    """The tie is right: `show` marks its evidence confirmed."""
    _decided(lambda c: c.confirm(a, relation, b, by=by, reason=reason))


@curate_app.command("assert")
def assert_(
    a: EntityArg,
    relation: RelationArg,
    b: EntityArg,
    source: Annotated[
        str,
        typer.Option(
            help="What says so: a document in the store (path, file name or hash, as `ties documents` lists "
            "them) or a URL."
        ),
    ],
    quote: Annotated[
        str | None, typer.Option(help="The words that say so; with a document as --source, they must be in it.")
    ] = None,
    by: By = None,
    reason: Reason = None,
) -> None:
    """A tie the documents do not state, with its citation."""
    _decided(lambda c: c.assert_tie(a, relation, b, source=source, quote=quote, by=by, reason=reason))


@curate_app.command()
def prefer(
    fact: Annotated[str, typer.Argument(help="The figure's id, as the id column of `ties facts` gives it.")],
    by: By = None,
    reason: Reason = None,
) -> None:
    """Of figures that disagree, FACT is the one to believe; the others stay, still flagged."""
    _decided(lambda c: c.prefer(fact, by=by, reason=reason))


@curate_app.command()
def undo(
    number: Annotated[int, typer.Argument(help="The decision's number, as `ties curate list` gives it.", min=1)],
    by: By = None,
) -> None:
    """The decision no longer applies; its record stays, marked undone."""
    with opened(write=True) as g:
        decision, changed = g.curate.undo(number, by=by)
    out.print(_data(f"undid decision {decision.number}: {decision.describe()} ({_documents(changed)} read back)"))


@curate_app.command()
def reapply() -> None:
    """Bring every document to its curated form again: after a decision that could not be applied
    to every document (a server that went away), as its error says."""
    with opened(write=True) as g:
        count = g.curate.reapply()
    out.print(_data(f"curated {_documents(count)} again"))


def _documents(count: int) -> str:
    return f"{count} document" if count == 1 else f"{count} documents"


@curate_app.command("list")
def list_decisions(
    orphaned: Annotated[
        bool, typer.Option("--orphaned", help="Only decisions whose subject is in no document any more.")
    ] = False,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Every decision, in the order made: what, by whom, when, why, and whether it still applies."""
    with opened() as g:
        items = g.curate.list(orphaned=orphaned)
    if _print_json(items, format):
        return
    columns = ["number", "status", "summary", "by", "at", "reason", "documents"]
    if format is Format.csv:
        _csv(columns, ([getattr(d, c) for c in columns] for d in items))
        return
    if not items:
        err.print("no decisions" + (" are orphaned" if orphaned else " yet; `ties curate --help` lists them"))
        return
    table = Table(*columns)
    for d in items:
        table.add_row(*(_data(getattr(d, c)) for c in columns))
    out.print(table)


@curate_app.command("export")
def export_decisions(
    out_path: Annotated[Path, typer.Argument(metavar="FILE", help="The file to write, or - for standard output.")],
    format: Annotated[
        DecisionsFormat | None,
        typer.Option("--format", help="jsonl or trig (default: from FILE's ending, else jsonl)."),
    ] = None,
) -> None:
    """Write every decision to FILE, in a stable order (to keep in version control, or to import elsewhere)."""
    fmt = format.value if format else ("trig" if out_path.suffix.lower() == ".trig" else "jsonl")
    with opened() as g:
        text = g.curate.export(fmt)
    if str(out_path) == "-":
        sys.stdout.write(text)
        return
    try:
        out_path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot write {out_path} ({exc.strerror}); choose another path") from None
    out.print(_data(f"wrote {out_path}"))


@curate_app.command("import")
def import_decisions(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="A file `ties curate export` wrote (.jsonl or .trig).")
    ],
) -> None:
    """Add the decisions in FILE to this store and apply them; decisions it has already are skipped."""
    with opened(write=True) as g:
        added, skipped = g.curate.import_file(file)
    out.print(_data(f"imported {added} decisions" + (f", {skipped} already here" if skipped else "")))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
