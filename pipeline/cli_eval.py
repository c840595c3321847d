"""`medparole eval`: extraction scored against gold labels (registered on the app in pipeline/cli.py)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

err = Console(stderr=True, soft_wrap=True)


def evaluate(
    gold: Annotated[Path, typer.Option(help="Folder of gold label files (one JSON per document).")],
    pred: Annotated[
        Path | None,
        typer.Option(
            help="Predictions as JSON lines (from `medparole extract --format jsonl`); "
            "default: extract the gold's documents now."
        ),
    ] = None,
    workers: Annotated[int, typer.Option(help="Worker processes when extracting; 0 = MEDPAROLE_WORKERS.")] = 0,
    misses: Annotated[int, typer.Option(help="How many kinds of miss to list.")] = 20,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the scores to this JSON file.")] = None,
) -> None:
    """Score extraction against gold labels: precision, recall and F1 per field (values alone and with
    attributes), doc_type and language accuracy, and the most frequent misses with examples."""
    os.environ.setdefault("LOGURU_LEVEL", "INFO")
    from pipeline import evaluation

    if not gold.is_dir():
        err.print(f"[red]{gold} is not a folder[/red]: --gold takes the folder of gold JSON files.")
        raise typer.Exit(2)
    gold_docs = evaluation.load_gold(gold)
    if pred is not None:
        predictions = evaluation.load_predictions(pred, gold_docs)
    else:
        predictions = _extract_for_eval(gold_docs, workers)
    report = evaluation.score(gold_docs, predictions)
    _print_report(report, evaluation.worst_misses(report, misses))
    if json_out is not None:
        json_out.write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")


def _extract_for_eval(gold_docs: dict[str, dict[str, object]], workers: int) -> dict[str, dict[str, object]]:
    from rich.progress import Progress

    from pipeline.flows import read_limits
    from pipeline.workers import ExtractionPool, Job, WorkerLimits
    from warehouse.settings import load_settings

    settings = load_settings()
    jobs = [Job(doc_id, Path(str(g["_path"])), str(g["_path"])) for doc_id, g in gold_docs.items() if g.get("_path")]
    limits = WorkerLimits(timeout_s=settings.doc_timeout_s, memory_mb=settings.doc_memory_mb)
    predictions: dict[str, dict[str, object]] = {}
    with (
        Progress(console=err, transient=True) as progress,
        ExtractionPool(workers or settings.workers, read_limits(settings), limits) as pool,
    ):
        bar = progress.add_task("extracting", total=len(jobs))
        for key, extraction in pool.run(jobs):
            predictions[key] = extraction.to_record()
            progress.advance(bar)
    return predictions


def _print_report(report: object, worst: Sequence[tuple[str, str, str, int, Sequence[Any]]]) -> None:
    from pipeline.evaluation import Report

    assert isinstance(report, Report)
    console = Console()
    console.print(
        f"{report.documents} documents; doc_type accuracy {report.doc_type_accuracy:.3f}; "
        f"language accuracy {report.language_accuracy:.3f}"
    )
    table = Table(title="Per field: values alone | with attributes")
    for column in ("field", "P", "R", "F1", "P+attr", "R+attr", "F1+attr", "gold"):
        table.add_column(column, justify="right" if column != "field" else "left")
    for name in sorted(set(report.values) | set(report.with_attributes)):
        v, a = report.values[name], report.with_attributes[name]
        table.add_row(
            name, f"{v.precision:.3f}", f"{v.recall:.3f}", f"{v.f1:.3f}",
            f"{a.precision:.3f}", f"{a.recall:.3f}", f"{a.f1:.3f}", str(v.tp + v.fn),
        )  # fmt: skip
    console.print(table)
    if report.missing_predictions:
        console.print(f"[red]{len(report.missing_predictions)} gold documents have no prediction[/red]")
    misses = Table(title="Worst misses (with attributes)")
    for column in ("kind", "field", "sort", "count", "examples (value: text)"):
        misses.add_column(column)
    for kind, field_name, sub, count, examples in worst:
        shown = "; ".join(f"{m.value}: {m.text!r} [{m.doc_id}]" for m in examples)  # type: ignore[attr-defined]
        misses.add_row(kind, field_name, sub, str(count), shown)
    console.print(misses)
