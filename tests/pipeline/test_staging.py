"""Staging: every file hashed and kept in the store as the workers take it; known, repeated and unreadable files
are counted, not extracted."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pipeline.staging import Intake, discover, stage, store_path


def test_intake_hands_on_only_new_documents_and_accounts_for_every_file(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    (inbox / "new.txt").write_text("a new letter", encoding="utf-8")
    (inbox / "sub" / "renamed copy.txt").write_text("a new letter", encoding="utf-8")
    (inbox / "known.txt").write_text("a letter already loaded", encoding="utf-8")
    known = hashlib.sha256(b"a letter already loaded").hexdigest()
    files = [*discover([inbox]), inbox / "gone.txt"]  # a file removed after it was listed
    store = tmp_path / "store"

    intake = Intake(files, store, wanted=lambda sha: sha != known)
    assert intake.expected() == 4
    handed = list(intake)

    assert [s.sha256 for s in handed] == [hashlib.sha256(b"a new letter").hexdigest()]
    assert (intake.new, intake.skipped, intake.duplicates) == (1, 1, 1)
    assert [(p.name, reason) for p, reason in intake.unreadable] == [("gone.txt", "FileNotFoundError")]
    assert intake.expected() == 1
    assert len(intake.staged) == 3  # the known file is stored too: cleaning the inbox loses nothing
    for item in intake.staged:
        assert item.stored == store_path(store, item.sha256)
        assert item.stored.read_bytes() == Path(item.source).read_bytes()


def test_stage_keeps_large_files_byte_for_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.staging as staging

    big = tmp_path / "big.bin"
    big.write_bytes(bytes(range(256)) * 4096)  # 1 MiB, above the one-read threshold set below
    monkeypatch.setattr(staging, "_ONE_READ_BYTES", 1024)
    item = stage(big, tmp_path / "store")
    assert item.sha256 == hashlib.sha256(big.read_bytes()).hexdigest()
    assert item.stored.read_bytes() == big.read_bytes()
    assert item.byte_size == big.stat().st_size
    assert not list(item.stored.parent.glob(".*.tmp"))


def test_discover_resolves_links_to_files_and_does_not_follow_links_to_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real paths, sorted as paths; hidden, editor and OS files skipped; a link to a file gives the file (once), a
    link to a folder is not walked (as os.walk), a broken link and an unreadable folder are passed over."""
    import os

    inbox = tmp_path / "inbox"
    (inbox / "a-b").mkdir(parents=True)
    (inbox / "a" / "b").mkdir(parents=True)
    (inbox / ".hidden").mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    for path in (inbox / "a-b" / "x.pdf", inbox / "a" / "b" / "y.txt", inbox / "z.docx", outside / "o.pdf"):
        path.write_text("x")
    for junk in (".DS_Store", "notes.txt~", "Thumbs.db", ".secret.pdf"):
        (inbox / junk).write_text("x")
    (inbox / ".hidden" / "h.pdf").write_text("x")
    (inbox / "link.pdf").symlink_to(outside / "o.pdf")
    (inbox / "twice.docx").symlink_to(inbox / "z.docx")
    (inbox / "folder-link").symlink_to(outside, target_is_directory=True)
    (inbox / "broken.pdf").symlink_to(tmp_path / "gone.pdf")
    locked = inbox / "locked"
    locked.mkdir()
    (locked / "l.pdf").write_text("x")
    real_scandir = os.scandir

    def scandir(folder: str):  # type: ignore[no-untyped-def]
        if Path(folder) == locked.resolve():  # a folder this user may not read (mode bits do not stop root)
            raise PermissionError(13, "Permission denied", folder)
        return real_scandir(folder)

    monkeypatch.setattr(os, "scandir", scandir)
    found = discover([inbox, inbox / "z.docx"])
    expected = [inbox / "a" / "b" / "y.txt", inbox / "a-b" / "x.pdf", inbox / "z.docx", outside / "o.pdf"]
    assert found == sorted(p.resolve() for p in expected)
