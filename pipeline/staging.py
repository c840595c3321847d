"""Finding input files and keeping each one in the content-addressed store, so cleaning the inbox loses nothing."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.readers import sha256_file

# Files no analyst means to ingest: editor droppings, OS metadata, our own sidecars.
_IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class StagedFile:
    """A file found in the input, hashed and kept in the store."""

    sha256: str
    source: str
    stored: Path
    byte_size: int


def discover(paths: Iterable[Path]) -> list[Path]:
    """Every regular file under the given files and folders, sorted, hidden files and folders skipped."""
    found: set[Path] = set()
    for path in paths:
        if path.is_file():
            found.add(path.resolve())
            continue
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist: check the path and try again.")
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                if name.startswith(".") or name in _IGNORED_NAMES or name.endswith("~"):
                    continue
                candidate = Path(root, name)
                if candidate.is_file():
                    found.add(candidate.resolve())
    return sorted(found)


def store_path(store: Path, sha256: str) -> Path:
    """Where a document's bytes are kept: store/ab/abcdef... (no name, no extension: nothing identifying)."""
    return store / sha256[:2] / sha256


def stage(path: Path, store: Path) -> StagedFile:
    """Hash the file and copy it into the store unless an identical copy is already there."""
    sha = sha256_file(path)
    target = store_path(store, sha)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{sha}.{os.getpid()}.tmp")
        shutil.copyfile(path, tmp)
        os.replace(tmp, target)
    return StagedFile(sha256=sha, source=str(path), stored=target, byte_size=path.stat().st_size)
