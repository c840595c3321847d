"""Mutations of the sample PDFs and Word files for fuzzing the readers (issue 7), drawn by Hypothesis.

A mutation is a short list of operations on a seed file's bytes: byte flips, truncation, chunk duplication and
deletion, PDF or XML tokens inserted, numbers (lengths, offsets, counts, boxes) replaced by extreme ones, zip
header fields overwritten, or one member of a Word file mutated and the package zipped again. Positions are
fractions of the length, so one mutation applies to any seed. ``generate`` collects cases deterministically
(a fixed Hypothesis seed, no example database); the tests take a few dozen, ``bench/fuzz_bench.py`` thousands.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from . import CORPUS_DIR
from .gen.render_text import FIXED_ZIP_TIME

ROOT = Path(__file__).resolve().parent.parent
SUFFIXES = (".pdf", ".docx", ".txt", ".png", ".eml", "")

PDF_TOKENS = (
    b"<<",
    b">>",
    b"[",
    b"]",
    b"(",
    b")",
    b"<",
    b"%",
    b"\\",
    b" obj ",
    b"endobj\n",
    b"stream\n",
    b"\nendstream",
    b" 0 R ",
    b"/Filter /FlateDecode ",
    b"/Filter [/ASCIIHexDecode /FlateDecode] ",
    b"/Filter /DCTDecode ",
    b"/Filter /JBIG2Decode ",
    b"/Length 2147483647 ",
    b"/Type /Pages /Kids [2 0 R] /Count 999999 ",
    b"/Parent 3 0 R ",
    b"/MediaBox [0 0 1000000000 1000000000] ",
    b"/Resources << /XObject << /X 3 0 R >> >> ",
    b"/Encrypt 1 0 R ",
    b"/Prev 0 ",
    b"/Size 999999999 ",
    b"xref\n0 99999\n",
    b"trailer\n",
    b"startxref\n0\n",
    b"%%EOF\n",
    b"BT /F1 1000000 Tf (" + b"A" * 64 + b") Tj ET ",
    b"q " * 64,
    b"[" * 256,
    b"<<" * 256,
    b"\x00" * 16,
    b"\xff\xfe",
)
XML_TOKENS = (
    b"<",
    b">",
    b"&",
    b"&amp;",
    b"&#0;",
    b"&#xFFFFFF;",
    b"]]>",
    b"<![CDATA[",
    b"<!--",
    b"<!DOCTYPE w [<!ENTITY e 'x'>]>",
    b"<w:p>",
    b"</w:p>",
    b"<w:t>",
    b"<w:tbl><w:tr><w:tc>",
    b"<w:p><w:r><w:t>" * 200,
    b'<w:gridSpan w:val="99999999"/>',
    b'<w:vMerge w:val="restart"/>',
    b'xmlns:w="urn:other"',
    b"\xc3\x28",
    b"\x00",
)
NUMBERS = (b"0", b"-1", b"1", b"99999", b"2147483647", b"4294967296", b"-2147483649", b"9" * 30, b"1e9", b"0.000001")
_NUMBER = re.compile(rb"-?\d+")
# Zip header fields: (signature, offset of the field, width in bytes).
ZIP_FIELDS = {
    "local.flags": (b"PK\x03\x04", 6, 2),
    "local.method": (b"PK\x03\x04", 8, 2),
    "local.compressed": (b"PK\x03\x04", 18, 4),
    "local.size": (b"PK\x03\x04", 22, 4),
    "local.name_length": (b"PK\x03\x04", 26, 2),
    "central.method": (b"PK\x01\x02", 10, 2),
    "central.crc": (b"PK\x01\x02", 16, 4),
    "central.compressed": (b"PK\x01\x02", 20, 4),
    "central.size": (b"PK\x01\x02", 24, 4),
    "central.name_length": (b"PK\x01\x02", 28, 2),
    "central.extra_length": (b"PK\x01\x02", 30, 2),
    "central.offset": (b"PK\x01\x02", 42, 4),
    "end.entries": (b"PK\x05\x06", 10, 2),
    "end.directory_size": (b"PK\x05\x06", 12, 4),
    "end.directory_offset": (b"PK\x05\x06", 16, 4),
}


class Operation(Protocol):
    def apply(self, data: bytes) -> bytes: ...


def _at(data: bytes, fraction: float) -> int:
    return min(len(data) - 1, int(len(data) * fraction)) if data else 0


@dataclass(frozen=True)
class Flip:
    at: float
    xor: int

    def apply(self, data: bytes) -> bytes:
        if not data:
            return data
        index = _at(data, self.at)
        return data[:index] + bytes([data[index] ^ self.xor]) + data[index + 1 :]


@dataclass(frozen=True)
class Truncate:
    at: float

    def apply(self, data: bytes) -> bytes:
        return data[: int(len(data) * self.at)]


@dataclass(frozen=True)
class Duplicate:
    at: float
    size: int
    to: float
    times: int

    def apply(self, data: bytes) -> bytes:
        start = _at(data, self.at)
        chunk = data[start : start + self.size]
        target = _at(data, self.to)
        return data[:target] + chunk * self.times + data[target:]


@dataclass(frozen=True)
class Delete:
    at: float
    size: int

    def apply(self, data: bytes) -> bytes:
        start = _at(data, self.at)
        return data[:start] + data[start + self.size :]


@dataclass(frozen=True)
class Insert:
    at: float
    token: bytes

    def apply(self, data: bytes) -> bytes:
        index = _at(data, self.at)
        return data[:index] + self.token + data[index:]


@dataclass(frozen=True)
class Number:
    """Replace one of the file's integers (a /Length, an xref offset, a /Count, a MediaBox corner...)."""

    nth: float
    value: bytes

    def apply(self, data: bytes) -> bytes:
        found = list(_NUMBER.finditer(data[:2_000_000]))
        if not found:
            return data
        match = found[min(len(found) - 1, int(len(found) * self.nth))]
        return data[: match.start()] + self.value + data[match.end() :]


@dataclass(frozen=True)
class ZipField:
    """Overwrite one field of one local header, central-directory entry or end record."""

    field: str
    nth: float
    value: int

    def apply(self, data: bytes) -> bytes:
        signature, offset, width = ZIP_FIELDS[self.field]
        found = [m.start() for m in re.finditer(re.escape(signature), data)]
        if not found:
            return data
        at = found[min(len(found) - 1, int(len(found) * self.nth))] + offset
        value = (self.value % (1 << (8 * width))).to_bytes(width, "little")
        return data[:at] + value + data[at + width :]


@dataclass(frozen=True)
class Member:
    """Mutate one member of a zip (a Word part) and zip the package again; a broken zip is left as it is."""

    nth: float
    operation: Flip | Truncate | Duplicate | Delete | Insert | Number

    def apply(self, data: bytes) -> bytes:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
        except Exception:  # any damage: nothing to re-zip
            return data
        if not parts:
            return data
        index = min(len(parts) - 1, int(len(parts) * self.nth))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for position, (name, content) in enumerate(parts):
                if position == index:
                    content = self.operation.apply(content)
                archive.writestr(zipfile.ZipInfo(name, FIXED_ZIP_TIME), content)
        return out.getvalue()


@dataclass(frozen=True)
class FuzzCase:
    """A seed file, the operations applied to it in order, and the suffix of the name it is given."""

    seed: Path
    operations: tuple[Operation, ...]
    suffix: str

    def build(self, seed_bytes: bytes | None = None) -> bytes:
        data = seed_bytes if seed_bytes is not None else self.seed.read_bytes()
        for operation in self.operations:
            data = operation.apply(data)
        return data

    def describe(self) -> str:
        return f"{self.seed.name} -> *{self.suffix or '(none)'}: " + "; ".join(map(repr, self.operations))


def seed_files() -> list[Path]:
    """The sample PDFs and Word files: the test fixtures and the committed corpus."""
    fixtures = sorted((ROOT / "tests" / "data").glob("*.pdf")) + sorted((ROOT / "tests" / "data").glob("*.docx"))
    corpus = sorted(p for p in (CORPUS_DIR / "docs").iterdir() if p.suffix in (".pdf", ".docx"))
    return fixtures + corpus


fractions = st.floats(0.0, 1.0, allow_nan=False)
sizes = st.integers(1, 4096)


def _byte_operations(tokens: tuple[bytes, ...]) -> st.SearchStrategy[Flip | Truncate | Duplicate | Delete | Insert]:
    return st.one_of(
        st.builds(Flip, fractions, st.integers(1, 255)),
        st.builds(Truncate, fractions),
        st.builds(Duplicate, fractions, sizes, fractions, st.integers(1, 64)),
        st.builds(Delete, fractions, sizes),
        st.builds(Insert, fractions, st.sampled_from(tokens)),
        st.builds(Number, fractions, st.sampled_from(NUMBERS)),
    )


def operations(kind: str) -> st.SearchStrategy[Operation]:
    """Byte-level operations for any file; zip fields and member mutations for Word files."""
    if kind == ".docx":
        return st.one_of(
            _byte_operations(XML_TOKENS),
            st.builds(ZipField, st.sampled_from(sorted(ZIP_FIELDS)), fractions, st.integers(0, 1 << 32)),
            st.builds(Member, fractions, _byte_operations(XML_TOKENS)),
            st.builds(Member, st.just(0.99), _byte_operations(XML_TOKENS)),
        )
    return _byte_operations(PDF_TOKENS)


def cases(seeds: list[Path]) -> st.SearchStrategy[FuzzCase]:
    """A seed (each type as likely as another), one to four operations fit for its type, and usually its own
    suffix."""

    def for_seed(path: Path) -> st.SearchStrategy[FuzzCase]:
        suffix = st.one_of(st.just(path.suffix), st.just(path.suffix), st.just(path.suffix), st.sampled_from(SUFFIXES))
        return st.builds(
            FuzzCase, st.just(path), st.lists(operations(path.suffix), min_size=1, max_size=4).map(tuple), suffix
        )

    # Word files are few among the seeds: draw the type first, so that they get their share.
    by_type = [st.sampled_from(group) for group in _by_suffix(seeds)]
    return st.one_of(*by_type).flatmap(for_seed)


def _by_suffix(seeds: list[Path]) -> list[list[Path]]:
    groups: dict[str, list[Path]] = {}
    for path in seeds:
        groups.setdefault(path.suffix, []).append(path)
    return [groups[suffix] for suffix in sorted(groups)]


def generate(count: int, seed: int = 7, seeds: list[Path] | None = None) -> list[FuzzCase]:
    """`count` cases (or somewhat fewer, when Hypothesis draws one twice), the same for the same seed."""
    found: list[FuzzCase] = []

    @hypothesis_seed(seed)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(cases(seeds if seeds is not None else seed_files()))
    def collect(case: FuzzCase) -> None:
        found.append(case)

    collect()
    return found


def record_problems(extraction: Any, data: bytes, validator: Any = None) -> list[str]:
    """What is wrong with the record a file got (empty when nothing): it must follow the contract, carry the
    file's SHA-256, give a code and a sentence when it failed, and ground every fact in the text it read.
    An `internal` code is a problem too: it means a reader raised what it should have named."""
    import hashlib

    from pipeline.models import PAGE_SEPARATOR

    record = extraction.to_record()
    problems = [f"schema: {error.message}" for error in validator.iter_errors(record)] if validator else []
    if record["sha256"] != hashlib.sha256(data).hexdigest():
        problems.append("the record's sha256 is not the file's")
    error = record["error"]
    if record["status"] == "failed":
        if not error or not error["code"] or not error["message"].strip():
            problems.append("failed without an error code and a sentence")
        elif error["code"] == "internal":
            problems.append("internal error")
    else:
        if error:
            problems.append(f"{record['status']} with an error")
        text = PAGE_SEPARATOR.join(page.text for page in extraction.pages)
        if not extraction.pages:
            problems.append(f"{record['status']} without pages")
        problems += [f"{f.field} not grounded" for f in extraction.facts if text[f.start : f.end] != f.text]
    return problems
