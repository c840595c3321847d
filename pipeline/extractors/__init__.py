"""The extractor registry: one module a field family, each `extract(ctx) -> list[Fact]`."""

from __future__ import annotations

from pipeline.extractors import identifiers
from pipeline.extractors.base import Extractor, TextContext

REGISTRY: dict[str, Extractor] = {
    "identifiers": identifiers.extract,
}

__all__ = ["REGISTRY", "TextContext"]
