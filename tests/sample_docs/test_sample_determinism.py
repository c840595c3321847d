"""The committed corpus is exactly what the generator writes for its seed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sample_docs.bad import bad_files
from sample_docs.generate import Options, write_corpus


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_regenerating_the_corpus_gives_identical_bytes(
    tmp_path: Path, corpus_dir: Path, manifest: dict[str, object]
) -> None:
    opts = Options(int(manifest["seed"]), float(manifest["scanned_share"]), float(manifest["photo_share"]))
    write_corpus(tmp_path, int(manifest["cases"]), opts, jobs=2)
    fresh, committed = _hashes(tmp_path), _hashes(corpus_dir)
    assert sorted(fresh) == sorted(committed)
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert changed == []


def test_one_case_written_alone_matches_the_committed_files(
    tmp_path: Path, corpus_dir: Path, manifest: dict[str, object]
) -> None:
    opts = Options(int(manifest["seed"]), float(manifest["scanned_share"]), float(manifest["photo_share"]))
    rows = write_corpus(tmp_path, int(manifest["cases"]), opts, only=[5])
    assert rows
    for row in rows:
        assert (tmp_path / str(row["path"])).read_bytes() == (corpus_dir / str(row["path"])).read_bytes()


def test_manifest_hashes_match_the_files(corpus_dir: Path, manifest: dict[str, object]) -> None:
    for row in manifest["documents"]:  # type: ignore[union-attr]
        data = (corpus_dir / row["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"], row["path"]


def test_committed_bad_files_are_what_the_builder_writes() -> None:
    from sample_docs import BAD_DIR

    for name, data in bad_files().items():
        assert (BAD_DIR / name).read_bytes() == data, name
