"""The extractor registry: one module a field family, each `extract(ctx) -> list[Fact]`."""

from __future__ import annotations

from pipeline.extractors import costs, dates, decisions, diagnoses, identifiers, organisations, patient, treatments
from pipeline.extractors.base import Extractor, TextContext

REGISTRY: dict[str, Extractor] = {
    "identifiers": identifiers.extract,
    "patient": patient.extract,
    "organisations": organisations.extract,
    "diagnoses": diagnoses.extract,
    "treatments": treatments.extract,
    "dates": dates.extract,
    "costs": costs.extract,
    "decisions": decisions.extract,
}

__all__ = ["REGISTRY", "TextContext"]
