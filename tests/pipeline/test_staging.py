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


def test_a_file_whose_stats_are_unchanged_is_not_read_again(tmp_path: Path) -> None:
    import dataclasses

    letter = tmp_path / "letter.txt"
    letter.write_text("a letter", encoding="utf-8")
    store = tmp_path / "store"
    first = stage(letter, store)
    assert first.hashed is not None and first.hashed.sha256 == first.sha256

    # As if hashed long after its last change (a change time cannot be set back), with a recorded hash no read
    # could give: taken as it is, so the file was not read again.
    later = first.hashed.hashed_at_ns + 10**10
    vouched = dataclasses.replace(first.hashed, sha256="f" * 64, hashed_at_ns=later)
    store_path(store, "f" * 64).parent.mkdir(parents=True, exist_ok=True)
    store_path(store, "f" * 64).write_bytes(b"kept")
    again = stage(letter, store, vouched)
    assert (again.sha256, again.hashed) == ("f" * 64, None)

    # Its content changed (size, times): read and hashed again.
    letter.write_text("a letter, amended", encoding="utf-8")
    changed = stage(letter, store, vouched)
    assert changed.sha256 == hashlib.sha256(b"a letter, amended").hexdigest() and changed.hashed is not None

    # The stored copy of the recorded content is gone: read again, and stored again.
    store_path(store, "f" * 64).unlink()
    gone = dataclasses.replace(changed.hashed, sha256="f" * 64, hashed_at_ns=changed.hashed.hashed_at_ns + 10**10)
    assert gone.describes(letter.stat())
    relisted = stage(letter, store, gone)
    assert relisted.sha256 == changed.sha256 and relisted.stored.read_bytes() == letter.read_bytes()


def test_a_file_changed_just_before_it_was_hashed_is_read_again(tmp_path: Path) -> None:
    """Two writes within one step of the filesystem's clock leave the same times: stats recorded right after a
    change are never trusted."""
    letter = tmp_path / "letter.txt"
    letter.write_text("a letter", encoding="utf-8")
    store = tmp_path / "store"
    first = stage(letter, store)  # hashed within a moment of its writing
    assert first.hashed is not None
    assert not first.hashed.describes(letter.stat())
    assert stage(letter, store, first.hashed).hashed is not None  # read again


def test_an_ingest_records_the_stats_of_what_it_hashed_and_the_next_one_reads_none(tmp_path: Path) -> None:
    """Intake with the stats of the last run hashes nothing again; a new file and a changed one are read."""
    import dataclasses

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("a.txt", "b.txt"):
        (inbox / name).write_text(f"letter {name}", encoding="utf-8")
    files = discover([inbox])
    store = tmp_path / "store"
    first = Intake(files, store, wanted=lambda sha: True)
    list(first)
    # As if hashed long after the files were written (their change times cannot be set back).
    known = {
        item.source: dataclasses.replace(item.hashed, hashed_at_ns=item.hashed.hashed_at_ns + 10**10)
        for item in first.staged
        if item.hashed
    }
    assert len(known) == 2
    (inbox / "c.txt").write_text("letter c", encoding="utf-8")
    (inbox / "b.txt").write_text("letter b, amended", encoding="utf-8")
    second = Intake(discover([inbox]), store, wanted=lambda sha: True, known=known)
    list(second)
    read_again = sorted(Path(item.source).name for item in second.staged if item.hashed is not None)
    assert read_again == ["b.txt", "c.txt"]
    assert {Path(item.source).name: item.sha256 for item in second.staged}["a.txt"] == first.staged[0].sha256
