"""Measuring extraction against gold annotations (entities.jsonl and
questions.jsonl, as in the evaluation format): documents are ingested into a
fresh store, then entities are matched by name and type, and each question
("entities of TYPE tied to NAME", or "documents that mention NAME") is asked.

- An entity matches a gold entity when any of its names (label or aliases,
  folded like lookups) equals any of the gold entity's names.
- Entity precision counts as errors: entities matching no gold entity,
  entities of the wrong type, and second entities matching an already matched
  gold entity (duplicates). Optional gold entities are never errors.
- Question recall is the share of expected answers returned; precision the
  share of returned entities that are expected (optional ones aside)."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import DataFileError, NameLookupError
from graph.extract.pipeline import Extractor
from graph.ingest.run import ingest
from graph.names import match_key
from graph.query.lookups import entities, show
from graph.store import open_store
from graph.vocab import EntityType

__all__ = ["Evaluation", "evaluate"]


@dataclass
class Evaluation:
    documents: int
    entity_precision: float
    entity_recall: float
    entity_f1: float
    duplicates: list[str] = field(default_factory=list)
    wrong_type: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    recall_by_type: dict[str, str] = field(default_factory=dict)
    question_recall: float = 0.0
    question_precision: float = 0.0
    questions: list[dict] = field(default_factory=list)
    failed_files: list[str] = field(default_factory=list)
    ner_rejected: dict[str, int] = field(default_factory=dict)  # NER's names not kept, by rule, in all documents

    def summary(self) -> str:
        perfect = sum(1 for q in self.questions if q["recall"] == 1 and q["precision"] == 1)
        return (
            f"entities: precision {self.entity_precision:.2f} recall {self.entity_recall:.2f} "
            f"F1 {self.entity_f1:.2f} (missed {len(self.missed)}, extra {len(self.extra)}, "
            f"duplicates {len(self.duplicates)}, wrong type {len(self.wrong_type)})\n"
            f"questions: recall {self.question_recall:.2f} precision {self.question_precision:.2f} "
            f"({perfect}/{len(self.questions)} perfect)"
        )


def _names(item: dict) -> set[str]:
    found = {match_key(item.get("label") or item.get("name") or "")}
    found |= {match_key(a) for a in item.get("aliases") or []}
    return found - {""}


def _jsonl(path: Path) -> list[dict]:
    try:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError) as exc:
        raise DataFileError(f"{path}: cannot read the gold file ({exc}); see the gold format in README.md") from exc


def evaluate(gold_dir: Path, documents: Path, extractor: Extractor) -> Evaluation:
    gold = _jsonl(gold_dir / "entities.jsonl")
    questions = _jsonl(gold_dir / "questions.jsonl")
    with tempfile.TemporaryDirectory(prefix="ties-evaluate-") as tmp:
        with open_store(Path(tmp) / "store", write=True, announce=False) as store:
            reports = ingest(store, [documents], extractor)
            predicted = [e.model_dump(mode="json") for e in entities(store)]
            result = _score_entities(predicted, gold)
            result.documents = sum(1 for r in reports if r.status in ("added", "replaced", "unchanged"))
            result.failed_files = [r.error or r.path for r in reports if r.status == "failed"]
            for r in reports:
                for rule, count in r.rejected.items():
                    result.ner_rejected[rule] = result.ner_rejected.get(rule, 0) + count
            _score_questions(store, questions, gold, result)
    return result


def _score_entities(predicted: list[dict], gold: list[dict]) -> Evaluation:
    names = [_names(g) for g in gold]
    matched: dict[int, str] = {}
    extra, wrong, dups = [], [], []
    for p in predicted:
        hit = next((i for i, n in enumerate(names) if _names(p) & n), None)
        if hit is None:
            extra.append(f"{p['type']}: {p['label']}")
        elif gold[hit].get("optional"):
            continue
        elif p["type"] != gold[hit]["type"]:
            wrong.append(f"{p['label']}: {p['type']} (gold {gold[hit]['type']})")
        elif hit in matched:
            dups.append(f"{p['label']} duplicates {matched[hit]}")
        else:
            matched[hit] = p["label"]
    required = [i for i, g in enumerate(gold) if not g.get("optional")]
    tp = sum(1 for i in required if i in matched)
    errors = len(extra) + len(wrong) + len(dups)
    precision = tp / (tp + errors) if tp + errors else 0.0
    recall = tp / len(required) if required else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    by_type: dict[str, list[int]] = {}
    for i in required:
        counts = by_type.setdefault(gold[i]["type"], [0, 0])
        counts[1] += 1
        counts[0] += i in matched
    return Evaluation(
        documents=0,
        entity_precision=precision,
        entity_recall=recall,
        entity_f1=f1,
        duplicates=dups,
        wrong_type=wrong,
        extra=extra,
        missed=[f"{gold[i]['type']}: {gold[i]['name']}" for i in required if i not in matched],
        recall_by_type={t: f"{a}/{b}" for t, (a, b) in sorted(by_type.items())},
    )


def _score_questions(store, questions: list[dict], gold: list[dict], result: Evaluation) -> None:
    optional = set().union(*(_names(g) for g in gold if g.get("optional")))
    for q in questions:
        try:
            if "sources_of" in q:
                returned = sorted(s.name for s in show(store, q["sources_of"]).sources)
                want = set(q["answers"])
                hits = len(want & set(returned))
                recall = hits / len(want) if want else 1.0
                precision = hits / len(returned) if returned else float(not want)
            else:
                got = entities(store, EntityType(q["type"]), q["involving"])
                answers = [{match_key(a) for a in group} for group in q["answers"]]
                found: set[int] = set()
                good = counted = 0
                for item in got:
                    names = _names(item.model_dump())
                    hit = {i for i, group in enumerate(answers) if names & group}
                    found |= hit
                    good += bool(hit)
                    counted += bool(hit) or not (names & optional)
                returned = [i.label for i in got]
                recall = len(found) / len(answers) if answers else 1.0
                precision = good / counted if counted else float(not answers)
        except NameLookupError as exc:
            returned, recall, precision = [f"error: {exc}"], 0.0, 0.0
        result.questions.append(
            {
                "id": q.get("id"),
                "ask": q.get("ask"),
                "recall": recall,
                "precision": precision,
                "expected": q["answers"],
                "returned": returned,
            }
        )
    n = len(result.questions) or 1
    result.question_recall = sum(q["recall"] for q in result.questions) / n
    result.question_precision = sum(q["precision"] for q in result.questions) / n
