"""Finding input files and keeping each one in the content-addressed store, so cleaning the inbox loses nothing."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.readers import sha256_file

# Files no analyst means to ingest: editor droppings, OS metadata, our own sidecars.
_IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class FileStat:
    """What a file looked like when it was hashed. The same device, inode, size, modification and change times
    are taken to mean the same content (as git and rsync take them): a re-run does not read the file again. The
    change time is set by the system on every write and cannot be set back by a program; a file changed within
    `_RACY_NS` before it was read is never taken on trust, since a second write in the same clock step would
    leave its times as they were."""

    device: int
    inode: int
    byte_size: int
    mtime_ns: int
    ctime_ns: int
    sha256: str
    hashed_at_ns: int

    def describes(self, stat: os.stat_result) -> bool:
        return self.ctime_ns + _RACY_NS < self.hashed_at_ns and (
            stat.st_dev,
            stat.st_ino,
            stat.st_size,
            stat.st_mtime_ns,
            stat.st_ctime_ns,
        ) == (self.device, self.inode, self.byte_size, self.mtime_ns, self.ctime_ns)


_RACY_NS = 2_000_000_000  # coarser than any filesystem's time step (FAT: 2 s)


@dataclass(frozen=True)
class StagedFile:
    """A file found in the input, hashed and kept in the store; `hashed` is what it looked like when it was read
    and hashed in this run (None when its known stats vouched for its content)."""

    sha256: str
    source: str
    stored: Path
    byte_size: int
    hashed: FileStat | None = None


def discover(paths: Iterable[Path]) -> list[Path]:
    """Every regular file under the given files and folders, sorted, hidden files and folders skipped."""
    found: set[str] = set()
    for path in paths:
        if path.is_file():
            found.add(str(path.resolve()))
            continue
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist: check the path and try again.")
        found.update(_files_under(str(path.resolve())))
    # Path's order (by components), sorted as strings: 10,000 Path comparisons cost more than the walk.
    return [Path(p) for p in sorted(found, key=lambda p: p.split(os.sep))]


def _files_under(folder: str) -> Iterator[str]:
    """The real paths of the regular files under a folder given by its real path, hidden ones skipped; links to
    folders are not followed (as os.walk), a link to a file is resolved. Directory entries carry their type, so
    a file costs no system call of its own (Path.is_file and Path.resolve cost one per file and per component:
    0.6 s for 10,000 files, on every run). A folder that cannot be read is passed over, as os.walk does."""
    stack = [folder]
    while stack:
        try:
            with os.scandir(stack.pop()) as scan:
                entries = list(scan)
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif name in _IGNORED_NAMES or name.endswith("~"):
                continue
            elif entry.is_symlink():
                real = os.path.realpath(entry.path)
                if os.path.isfile(real):
                    yield real
            elif entry.is_file(follow_symlinks=False):
                yield entry.path


def store_path(store: Path, sha256: str) -> Path:
    """Where a document's bytes are kept: store/ab/abcdef... (no name, no extension: nothing identifying)."""
    return Path(_stored_name(store, sha256))


def _stored_name(store: Path, sha256: str) -> str:
    """`store_path` as a string: staging looks for it once per file, where Path arithmetic costs more."""
    return os.path.join(store, sha256[:2], sha256)


def stage(path: Path, store: Path, known: FileStat | None = None) -> StagedFile:
    """Hash the file and copy it into the store unless an identical copy is already there. When `known` (what
    the file looked like when it was last hashed) still describes it and the store holds that content, the file
    is not read at all. A file up to `_ONE_READ_BYTES` is read once, for both hashing and storing (most paperwork
    is a few kilobytes to a few megabytes), through one open file."""
    if known is not None and known.describes(os.stat(path)):
        kept = _stored_name(store, known.sha256)
        if os.path.exists(kept):
            return StagedFile(sha256=known.sha256, source=str(path), stored=Path(kept), byte_size=known.byte_size)
    hashed_at = time.time_ns()
    with open(path, "rb") as handle:
        stat = os.fstat(handle.fileno())  # what is read is described by these, taken before the read
        data = handle.read() if stat.st_size <= _ONE_READ_BYTES else None
    sha = sha256_file(path) if data is None else hashlib.sha256(data).hexdigest()
    stored = _stored_name(store, sha)
    target = Path(stored)
    if not os.path.exists(stored):
        if data is None:
            _write_atomically(target, lambda tmp: shutil.copyfile(path, tmp))
        else:
            _write_atomically(target, lambda tmp: tmp.write_bytes(data))
    described = FileStat(stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, sha, hashed_at)
    size = stat.st_size if data is None else len(data)
    return StagedFile(sha256=sha, source=str(path), stored=target, byte_size=size, hashed=described)


_ONE_READ_BYTES = 32 * 1024 * 1024


def _write_atomically(target: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary name and rename, so the store never holds half a file under a hash."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
    except FileNotFoundError:  # the first file under this prefix: make its folder (rarely, so not every time)
        target.parent.mkdir(parents=True, exist_ok=True)
        write(tmp)
    os.replace(tmp, target)


class Intake:
    """The files of one ingest, staged as the workers ask for them (hashing and storing overlaps extraction):
    each file is hashed and kept in the store, then handed on unless `wanted` says the warehouse already has it
    or it came twice. A file that cannot be read (gone, no permission) is counted, never fatal."""

    def __init__(
        self,
        files: list[Path],
        store: Path,
        wanted: Callable[[str], bool],
        known: Mapping[str, FileStat] | None = None,
    ) -> None:
        self.files, self.store, self.wanted = files, store, wanted
        self.known = known or {}  # by path: what each file looked like when it was last hashed
        self.staged: list[StagedFile] = []
        self.by_key: dict[str, StagedFile] = {}
        self.skipped = self.duplicates = 0
        self.unreadable: list[tuple[Path, str]] = []

    def __iter__(self) -> Iterator[StagedFile]:
        for path in self.files:
            try:
                item = stage(path, self.store, self.known.get(str(path)))
            except OSError as exc:
                self.unreadable.append((path, type(exc).__name__))
                continue
            self.staged.append(item)
            if item.sha256 in self.by_key:
                self.duplicates += 1
            elif not self.wanted(item.sha256):
                self.by_key[item.sha256] = item
                self.skipped += 1
            else:
                self.by_key[item.sha256] = item
                yield item

    @property
    def new(self) -> int:
        return len(self.by_key) - self.skipped

    def expected(self) -> int:
        """Documents this run will extract, as far as is known yet: every file not yet found known, unreadable
        or a repeat (the progress bar's total; exact once every file is staged)."""
        return len(self.files) - self.skipped - self.duplicates - len(self.unreadable)
