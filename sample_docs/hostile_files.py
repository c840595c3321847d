"""Hostile images, Word files and other files: dimensions that are bombs, text-chunk bombs, looping TIFFs, DTDs
(XXE) wherever they can hide in a Word package, zip bombs written by hand, programs."""

from __future__ import annotations

import io
import struct
import zlib
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from .bad import _zip
from .hostile_pdf import BOMB_BYTES, SENTENCE, zlib_of_zeros


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int, extra: bytes = b"") -> bytes:
    """A PNG whose header claims `width` x `height` (8-bit gray) with a few rows of data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * (min(width, 64) + 1) * 4)
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + extra + png_chunk(b"IDAT", rows) + png_chunk(b"IEND", b"")
    )


def png_text_bomb() -> bytes:
    """A 16 x 16 PNG with a compressed text chunk that inflates to 256 MiB."""
    return png_claiming(16, 16, png_chunk(b"zTXt", b"Comment\0\0" + zlib_of_zeros(256 << 20)))


def png_20000() -> bytes:
    """A real 20,000 x 20,000 PNG (one bit a pixel compresses to almost nothing)."""
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000), 1).save(buffer, "PNG")
    return buffer.getvalue()


def tiff_claiming(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (16, 16), 255).save(buffer, "TIFF")
    data = bytearray(buffer.getvalue())
    ifd = struct.unpack_from("<I", data, 4)[0]
    for index in range(struct.unpack_from("<H", data, ifd)[0]):
        entry = ifd + 2 + 12 * index
        tag, kind = struct.unpack_from("<HH", data, entry)
        if tag in (256, 257):  # ImageWidth, ImageLength
            fmt = "<H" if kind == 3 else "<I"
            struct.pack_into(fmt, data, entry + 8, width if tag == 256 else height)
    return bytes(data)


def tiff_ifd_loop() -> bytes:
    """A TIFF whose next-IFD pointer points back at its own IFD (an endless list of pages)."""
    data = bytearray(image_with_text("TIFF"))
    ifd = struct.unpack_from("<I", data, 4)[0]
    entries = struct.unpack_from("<H", data, ifd)[0]
    struct.pack_into("<I", data, ifd + 2 + 12 * entries, ifd)
    return bytes(data)


def tiff_frames(count: int = 1000) -> bytes:
    frames = [Image.new("L", (8, 8), 255) for _ in range(count)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


@cache
def image_with_text(fmt: str) -> bytes:
    """A photo-like page with one large line of text, so OCR has something to read."""
    image = Image.new("L", (1400, 200), 255)
    font = ImageFont.load_default(size=44)
    ImageDraw.Draw(image).text((30, 70), "Letter of medical necessity", fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-'
    'types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/{part}" ContentType="'
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/{part}"/></Relationships>'
)
XXE = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def word_xml(text: str, prologue: str = "", encoding: str = "UTF-8") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}" standalone="no"?>\n{prologue}'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
        f"<w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    )


def docx(document: str | bytes, part: str = "document.xml", **more: str | bytes) -> bytes:
    files = {
        "[Content_Types].xml": CONTENT_TYPES.format(part=part),
        "_rels/.rels": RELS.format(part=part),
        f"word/{part}": document,
    }
    return _zip({**files, **more})


def xxe_docx(prologue: str, encoding: str = "UTF-8") -> bytes:
    xml = word_xml(f"{SENTENCE} &xxe;", prologue, encoding)
    return docx(xml.encode("utf-16") if encoding == "UTF-16" else xml)


def xxe_other_part() -> bytes:
    """The main part is word/main.part (declared in the content types), with a DTD; word/document.xml is a decoy."""
    return docx(word_xml(f"{SENTENCE} &xxe;", XXE), part="main.part", **{"word/document.xml": word_xml(SENTENCE)})


def raw_zip(members: list[tuple[str, bytes, int, int]], extra_entries: int = 0) -> bytes:
    """A zip written by hand: (name, raw deflate data, CRC-32, declared size) per member; `extra_entries` more
    central-directory entries point at the last member's data again (the overlapping-files zip bomb)."""
    out = io.BytesIO()
    central = io.BytesIO()
    entries = 0
    for name, data, crc, size in members:
        offset = out.tell()
        encoded = name.encode()
        fields = struct.pack("<HHHHHIIIHH", 20, 0, 8, 0, 0x5C21, crc, len(data), size, len(encoded), 0)
        out.write(b"PK\x03\x04" + fields + encoded + data)
        for copy in range(1 + (extra_entries if name == members[-1][0] else 0)):
            alias = encoded if copy == 0 else f"{name}.{copy}".encode()
            central.write(
                b"PK\x01\x02"
                + struct.pack(
                    "<HHHHHHIIIHHHHHII",
                    20,
                    20,
                    0,
                    8,
                    0,
                    0x5C21,
                    crc,
                    len(data),
                    size,
                    len(alias),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + alias
            )
            entries += 1
    start = out.tell()
    directory = central.getvalue()
    out.write(directory)
    out.write(b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, entries, entries, len(directory), start, 0))
    return out.getvalue()


def deflated(data: bytes) -> tuple[bytes, int, int]:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    return comp.compress(data) + comp.flush(), zlib.crc32(data), len(data)


def raw_deflate_of_zeros(size: int) -> bytes:
    return zlib_of_zeros(size)[2:-4]  # the zlib stream without its header and Adler-32


def crc_of_zeros(size: int, block: int = 1 << 24) -> int:
    crc, chunk = 0, bytes(block)
    for _ in range(size // block):
        crc = zlib.crc32(chunk, crc)
    return crc


def docx_members(document: bytes) -> list[tuple[str, bytes, int, int]]:
    return [
        ("[Content_Types].xml", *deflated(CONTENT_TYPES.format(part="document.xml").encode())),
        ("_rels/.rels", *deflated(RELS.format(part="document.xml").encode())),
        ("word/document.xml", *deflated(document)),
    ]


def docx_zip_bomb() -> bytes:
    """A valid Word file plus a member that really inflates to 4,000,000,000 bytes (sizes declared honestly)."""
    size = 4_000_000_000 - 4_000_000_000 % (1 << 24)
    bomb = ("word/media/image1.bin", raw_deflate_of_zeros(size), crc_of_zeros(size), size)
    return raw_zip([*docx_members(word_xml(SENTENCE).encode()), bomb])


def docx_lying_sizes() -> bytes:
    """word/document.xml declares 2 KB but inflates to 2 GiB of zeros."""
    members = docx_members(word_xml(SENTENCE).encode())[:2]
    return raw_zip([*members, ("word/document.xml", raw_deflate_of_zeros(BOMB_BYTES), 0, 2048)])


def docx_overlapping() -> bytes:
    """20,000 central-directory entries share one member's data: each claims 1 MB, 20 GB in all."""
    member = ("word/media/blob.bin", *deflated(bytes(1 << 20)))
    return raw_zip([*docx_members(word_xml(SENTENCE).encode()), member], extra_entries=20_000)


def docx_many_members(count: int = 60_000) -> bytes:
    empty = deflated(b"")
    members = docx_members(word_xml(SENTENCE).encode())
    return raw_zip([*members, *((f"customXml/item{index}.xml", *empty) for index in range(count))])


@cache
def letter_docx() -> bytes:
    return docx(word_xml(SENTENCE))


EML = (
    "From: Parole Unit <parole@example.org>\nTo: Family <family@example.org>\nSubject: Medical parole\n"
    "Date: Mon, 3 Mar 2025 10:00:00 -0500\nContent-Type: text/plain; charset=utf-8\n\n"
    f"{SENTENCE}. Your request for parole has been approved for twelve months.\n"
).encode()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48) + b"PE\x00\x00L\x01" + bytes(200)


def cut(data: bytes, share: float = 0.6) -> bytes:
    return data[: int(len(data) * share)]
