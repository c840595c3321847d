"""Decompression bombs in PDFs, refused before PDFium inflates them (under the worker's memory cap PDFium aborts).

Every stream is decoded here, in bounded chunks, through the layers its own bytes show: zlib (what FlateDecode
reads), possibly under ASCIIHex or ASCII85 text, possibly zlib again. The stream's dictionary is not trusted to
say which streams are compressed: a filter name can be escaped (/Fl#61teDecode), abbreviated (/Fl), an indirect
object, or far from the stream keyword, and PDFium reads them all.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import DocumentTooLarge
from pipeline.readers import ReadLimits

# A colour letter page at 300 dpi is about 25 MB raw (a legal page 32 MB); one stream beyond this is a bomb.
MAX_STREAM_MB = 48
# ASCIIHex / ASCII85 layers are looked under up to this many bytes a stream and this many in all; a bomb hidden
# beyond is left to the worker's memory limit (the file is then reported as having crashed the reader).
MAX_TEXT_LAYER = 8 << 20
MAX_TEXT_WORK = 64 << 20

_KEYWORD = re.compile(rb"stream")
_EOL = re.compile(rb"\r\n?|\n")
_HEX_RUN = re.compile(rb"[0-9A-Fa-f\x00\t\n\x0c\r ]*")
_A85_RUN = re.compile(rb"[!-uz\x00\t\n\x0c\r ]*")
_PLAUSIBLE_TEXT = re.compile(rb"[\x00\t\n\x0c\r ]*(?:[!-uz][\x00\t\n\x0c\r ]*){16}")
_WHITESPACE = b"\x00\t\n\x0c\r "
_CHUNK_IN = 1 << 16
_CHUNK_OUT = 1 << 22

BOMB_MESSAGE = (
    "The PDF holds compressed data that expands to far more than any letter needs (it may be a "
    "decompression bomb): ask the sender for the document again, or print it to a new PDF."
)


class _Budget:
    """Bytes inflated so far against the limits, and bytes of text layers examined."""

    def __init__(self, limits: ReadLimits) -> None:
        self.max_stream = MAX_STREAM_MB << 20
        self.max_total = int(limits.max_unzipped_mb * 1024 * 1024)
        self.total = 0
        self.text_work = 0

    def inflated(self, size: int) -> None:
        self.total += size
        if size > self.max_stream or self.total > self.max_total:
            raise DocumentTooLarge(BOMB_MESSAGE)


def check_inflation(path: Path, limits: ReadLimits) -> None:
    """Raise DocumentTooLarge when one stream, or all of them, inflate beyond the limits."""
    data = path.read_bytes()
    budget = _Budget(limits)
    view = memoryview(data)
    for start in stream_starts(data):
        layer: bytes | memoryview | None = view[start:]
        while layer is not None:
            layer = _decode_layer(layer, budget)


def stream_starts(data: bytes) -> Iterator[int]:
    """Where each stream's data may begin: after the line holding a "stream" keyword (PDFium skips whatever else
    is on that line). Every occurrence counts, whatever object (or none) holds it; linear in the file's size."""
    eol: re.Match[bytes] | None = None
    for keyword in _KEYWORD.finditer(data):
        if eol is None or eol.start() < keyword.end():
            eol = _EOL.search(data, keyword.end())
            if eol is None:
                return
        yield eol.end()


def _decode_layer(layer: bytes | memoryview, budget: _Budget) -> bytes | None:
    """The layer under `layer` when its bytes show one (zlib, ASCIIHex, ASCII85); None when there is none."""
    if _is_zlib(layer[:2]):
        inner = _inflate(layer, budget)
        return None if inner == layer else inner  # a zlib quine inflates to itself, forever: no bomb
    if budget.text_work < MAX_TEXT_WORK and _PLAUSIBLE_TEXT.match(layer[:256]):
        return _untext(layer[:MAX_TEXT_LAYER], budget)
    return None


def _is_zlib(head: bytes | memoryview) -> bool:
    return len(head) == 2 and head[0] & 0x0F == 8 and head[0] >> 4 <= 7 and (head[0] << 8 | head[1]) % 31 == 0


def _inflate(layer: bytes | memoryview, budget: _Budget) -> bytes | None:
    """Inflate in bounded chunks, counting; keep the output only when it looks like another encoded layer."""
    inflater = zlib.decompressobj()
    size = 0
    kept: list[bytes] | None = []
    position = 0
    try:
        while not inflater.eof and size <= budget.max_stream and position < len(layer):
            tail = bytes(layer[position : position + _CHUNK_IN])
            position += _CHUNK_IN
            while tail and not inflater.eof and size <= budget.max_stream:
                out = inflater.decompress(tail, _CHUNK_OUT)
                size += len(out)
                tail = inflater.unconsumed_tail
                if kept is not None:
                    kept.append(out)
                    if size >= 64 and not _encoded(b"".join(kept)[:64]):
                        kept = None
    except zlib.error:
        pass  # damaged data: PDFium keeps what inflated before the damage, and so do we
    budget.inflated(size)
    if kept is None:
        return None
    out = b"".join(kept)
    return out if _encoded(out[:64]) else None


def _encoded(head: bytes) -> bool:
    return _is_zlib(head[:2]) or _PLAUSIBLE_TEXT.match(head) is not None


def _untext(layer: bytes | memoryview, budget: _Budget) -> bytes | None:
    """Decode ASCIIHex (ended by '>') or ASCII85 (ended by '~>') text at the start of `layer`."""
    hex_run = _HEX_RUN.match(layer)
    assert hex_run is not None  # the pattern matches the empty string
    budget.text_work += hex_run.end()
    if layer[hex_run.end() : hex_run.end() + 1] == b">":
        digits = bytes(layer[: hex_run.end()]).translate(None, _WHITESPACE)
        return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))
    a85_run = _A85_RUN.match(layer)
    assert a85_run is not None
    budget.text_work += a85_run.end()
    if layer[a85_run.end() : a85_run.end() + 2] != b"~>":
        return None
    text = bytes(layer[: a85_run.end()]).translate(None, _WHITESPACE).replace(b"z", b"!!!!!")
    try:
        return a85decode(text)
    except ValueError:  # a group beyond 2**32: damaged, PDFium stops there too
        return None


_A85_WEIGHTS = (85**4, 85**3, 85**2, 85, 1)


def a85decode(text: bytes) -> bytes:
    """ASCII85 decoded as base64.a85decode does (no whitespace, "z" already expanded), with numpy: reportlab and
    others wrap most streams of a PDF in ASCII85, and the standard library's pure-Python loop cost more than reading
    the page. A group beyond 2**32 raises ValueError, as there."""
    import numpy as np

    pad = -len(text) % 5
    digits = np.frombuffer(text + b"u" * pad, dtype=np.uint8).astype(np.uint64) - 33
    groups = digits.reshape(-1, 5) @ np.array(_A85_WEIGHTS, dtype=np.uint64)
    if (groups > 0xFFFFFFFF).any():
        raise ValueError("ASCII85 group beyond 2**32")
    out = groups.astype(">u4").tobytes()
    return out[: len(out) - pad] if pad else out
