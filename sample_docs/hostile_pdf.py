"""Hostile PDFs written by hand (objects in order, a correct xref table): bombs, filter chains, form XObjects
that draw themselves, page trees that hold themselves, thousands of pages, absurd MediaBoxes."""

from __future__ import annotations

import base64
import io
import struct
import zlib
from collections.abc import Callable
from functools import cache

from PIL import Image

SENTENCE = "Letter of medical necessity for the patient Sofia Ramirez Lopez"


def pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF of `objects` (object i + 1 is objects[i]) with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref))
    return out.getvalue()


def stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), entries, data)


def text_ops(text: str, y: int = 720) -> bytes:
    return b"BT /F1 12 Tf 72 %d Td (%s) Tj ET" % (y, text.encode("latin-1"))


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def one_page(content: bytes, *extra: bytes, media_box: bytes = b"[0 0 612 792]", xobjects: bytes = b"") -> bytes:
    """Catalog 1, Pages 2, Page 3, Font 4, the page's content stream 5, then `extra` objects from 6 on."""
    resources = b"<< /Font << /F1 4 0 R >> /XObject << %s >> >>" % xobjects
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Resources %s /Contents 5 0 R >>" % (media_box, resources),
            FONT,
            content,
            *extra,
        ]
    )


@cache
def zlib_of_zeros(size: int, block: int = 1 << 24) -> bytes:
    """A zlib stream that inflates to `size` zero bytes (a multiple of `block`), built in a blink: after a full
    flush the compressor forgets its window, so every further block compresses to the same bytes."""
    comp = zlib.compressobj(9)
    chunk = bytes(block)
    first = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    adler = ((size % 65521) << 16) | 1  # Adler-32 of zeros: a stays 1, b counts the bytes
    return first + again * (size // block - 1) + b"\x03\x00" + adler.to_bytes(4, "big")


BOMB_BYTES = 2 << 30  # 2 GiB: beyond a worker's address-space limit


def bomb(entries: bytes, *extra: bytes) -> bytes:
    data = zlib_of_zeros(BOMB_BYTES)
    return one_page(stream(data, entries), *extra)


def run_length(data: bytes) -> bytes:
    """RunLengthDecode's encoding, literal runs only."""
    runs = [bytes([len(data[i : i + 128]) - 1]) + data[i : i + 128] for i in range(0, len(data), 128)]
    return b"".join(runs) + b"\x80"


ENCODERS: dict[bytes, Callable[[bytes], bytes]] = {
    b"/FlateDecode": lambda d: zlib.compress(d, 9),
    b"/ASCIIHexDecode": lambda d: d.hex().encode() + b">",
    b"/ASCII85Decode": lambda d: base64.a85encode(d, wrapcol=72) + b"~>",
    b"/RunLengthDecode": run_length,
}


def filtered(data: bytes, filters: list[bytes]) -> bytes:
    """`data` encoded so that decoding with `filters` in order (PDF's /Filter array) gives it back."""
    for name in reversed(filters):
        data = ENCODERS[name](data)
    return stream(data, b"/Filter [%s]" % b" ".join(filters))


def nested_bomb() -> bytes:
    inner = zlib.compress(zlib_of_zeros(BOMB_BYTES), 9)  # a Flate stream of a Flate stream: 2 GiB from ~5 KB
    data = ENCODERS[b"/ASCIIHexDecode"](ENCODERS[b"/ASCII85Decode"](inner))
    return one_page(stream(data, b"/Filter [/ASCIIHexDecode /ASCII85Decode /FlateDecode /FlateDecode]"))


NESTED = [b"/ASCIIHexDecode", b"/ASCII85Decode", b"/FlateDecode", b"/RunLengthDecode", b"/FlateDecode"] * 2


def form(content: bytes, xobjects: bytes) -> bytes:
    entries = b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> "
    return stream(content, entries + b"/XObject << %s >> >>" % xobjects)


def xobject_self() -> bytes:
    return one_page(stream(text_ops(SENTENCE) + b" /X1 Do"), form(b"/X1 Do", b"/X1 6 0 R"), xobjects=b"/X1 6 0 R")


def xobject_cycle() -> bytes:
    return one_page(
        stream(text_ops(SENTENCE) + b" /A Do"),
        form(b"/B Do", b"/B 7 0 R"),
        form(b"/A Do", b"/A 6 0 R"),
        xobjects=b"/A 6 0 R",
    )


def xobject_fanout(levels: int = 30, fanout: int = 10) -> bytes:
    """A billion laughs in PDF: each form draws the next one `fanout` times, `levels` deep."""
    forms = [form(b"q /N Do Q " * fanout, b"/N %d 0 R" % (7 + level)) for level in range(levels)]
    forms.append(form(text_ops("laugh"), b""))
    return one_page(stream(text_ops(SENTENCE) + b" /N Do"), *forms, xobjects=b"/N 6 0 R")


def pages_self_kid() -> bytes:
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
            b"/Contents 5 0 R >>",
            FONT,
            stream(text_ops(SENTENCE)),
        ]
    )


def pages_cycle() -> bytes:
    """Pages 2 holds a page and Pages 6, whose only kid is Pages 2 again; /Count claims a billion pages."""
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 1000000000 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
            b"/Contents 5 0 R >>",
            FONT,
            stream(text_ops(SENTENCE)),
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 999999999 >>",
        ]
    )


def many_pages(count: int = 2000) -> bytes:
    """`count` pages, each with a sentence of its own (enough text that no page goes to OCR)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", FONT]
    kids = []
    for number in range(1, count + 1):
        page_id, content_id = len(objects) + 1, len(objects) + 2
        kids.append(b"%d 0 R" % page_id)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % content_id
        )
        objects.append(stream(text_ops(f"Exhibit {number} of {count}: letter of medical necessity, continued")))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), count)
    return pdf(objects)


def with_media_box(box: bytes, text: bool = True) -> Callable[[], bytes]:
    return lambda: one_page(stream(text_ops(SENTENCE) if text else b""), media_box=box)


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small JPEG whose frame header claims `width` x `height` pixels."""
    buffer = io.BytesIO()
    Image.new("L", (16, 16), 255).save(buffer, "JPEG")
    data = bytearray(buffer.getvalue())
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def pdf_with_huge_image() -> bytes:
    """A page with no text whose only content is a JPEG image claiming 20,000 x 20,000 pixels."""
    image = jpeg_claiming(20_000, 20_000)
    entries = b"/Type /XObject /Subtype /Image /Width 20000 /Height 20000 /ColorSpace /DeviceGray "
    entries += b"/BitsPerComponent 8 /Filter /DCTDecode"
    return one_page(stream(b"q 612 0 0 792 0 0 cm /Im Do Q"), stream(image, entries), xobjects=b"/Im 6 0 R")


def text_pdf() -> bytes:
    return one_page(stream(text_ops(SENTENCE)))
