"""Hostile inputs (issue 7): files built to hurt a document reader, written at test time and never committed.

    python -m sample_docs.hostile --out /tmp/hostile

Beyond ``sample_docs/bad`` (one small file per failure mode): decompression bombs that dodge a naive check,
nested filter chains, circular form XObjects, page trees that contain themselves, 2,000 pages, absurd MediaBoxes,
zero-byte and truncated files of every type we read, files named as another type, Word files with a DTD (XXE)
and zip bombs, and images whose headers claim 20,000 pixels a side or more (builders in hostile_pdf.py and
hostile_files.py). ``HOSTILE`` says what each file is and what the pipeline must make of it: an error code, or
``ok`` / ``partial`` (with words its text must hold) where the file is a real document despite its tricks.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .bad import _zip
from .hostile_files import (
    EML,
    EXE,
    XXE,
    cut,
    docx_lying_sizes,
    docx_many_members,
    docx_overlapping,
    docx_zip_bomb,
    image_with_text,
    letter_docx,
    png_20000,
    png_claiming,
    png_text_bomb,
    tiff_claiming,
    tiff_frames,
    tiff_ifd_loop,
    xxe_docx,
    xxe_other_part,
)
from .hostile_pdf import (
    NESTED,
    SENTENCE,
    bomb,
    filtered,
    jpeg_claiming,
    many_pages,
    nested_bomb,
    one_page,
    pages_cycle,
    pages_self_kid,
    pdf_with_huge_image,
    text_ops,
    text_pdf,
    with_media_box,
    xobject_cycle,
    xobject_fanout,
    xobject_self,
)

__all__ = ["HOSTILE", "OK", "PARTIAL", "XXE_LEAK", "Case", "build_hostile", "many_pages"]

OK = "ok"
PARTIAL = "partial"
# What a file:///etc/passwd entity would put into the text if an XML parser resolved it.
XXE_LEAK = "root:x:0:0"


@dataclass(frozen=True)
class Case:
    """One hostile file: how to build it, the error code it must get (or ``ok`` / ``partial``, the status of a
    file that must be read) and what it is."""

    build: Callable[[], bytes]
    code: str
    what: str
    contains: str = ""  # words the text of a file that is read must hold


HOSTILE: dict[str, Case] = {
    # PDF decompression bombs that a check looking for "/FlateDecode" just before "stream" would let through.
    "bomb_far_filter.pdf": Case(
        lambda: bomb(b"/Filter /FlateDecode /Note (" + b" " * 600 + b")"),
        "too_large",
        "2 GiB of zeros in one Flate stream whose /Filter sits 600 bytes before the stream keyword.",
    ),
    "bomb_indirect_filter.pdf": Case(
        lambda: bomb(b"/Filter 6 0 R", b"[/FlateDecode]"),
        "too_large",
        "The same bomb with its /Filter an indirect object.",
    ),
    "bomb_escaped_name.pdf": Case(
        lambda: bomb(b"/Filter /Fl#61te#44ecode"), "too_large", "The same bomb with its filter name #-escaped."
    ),
    "bomb_abbreviated.pdf": Case(
        lambda: bomb(b"/Filter /Fl"), "too_large", "The same bomb with the abbreviated filter name /Fl."
    ),
    "bomb_nested_filters.pdf": Case(
        nested_bomb,
        "too_large",
        "A 2 GiB bomb under Flate twice, ASCII85 and ASCIIHex: the outer layers expand to a few kilobytes.",
    ),
    "nested_filters_text.pdf": Case(
        lambda: one_page(filtered(text_ops(SENTENCE), NESTED)),
        OK,
        "The page's text under ten filters (ASCIIHex, ASCII85, Flate, RunLength, Flate, twice).",
        "medical necessity",
    ),
    "nested_filters_deep.pdf": Case(
        lambda: one_page(filtered(text_ops(SENTENCE), [b"/FlateDecode"] * 200)),
        OK,
        "The page's text under 200 Flate layers.",
        "medical necessity",
    ),
    "xobject_self.pdf": Case(xobject_self, OK, "A form XObject that draws itself.", "medical necessity"),
    "xobject_cycle.pdf": Case(xobject_cycle, OK, "Two form XObjects that draw each other.", "medical necessity"),
    "xobject_fanout.pdf": Case(
        xobject_fanout,
        "corrupt",
        "A billion laughs: each of 30 forms draws the next ten times; PDFium fills the worker's memory limit and "
        "aborts, and the pool reports the crash.",
    ),
    "pages_self_kid.pdf": Case(
        pages_self_kid,
        PARTIAL,
        "A /Pages node whose /Kids include itself: its real page is read, the other one is reported unreadable.",
        "medical",
    ),
    "pages_cycle.pdf": Case(
        pages_cycle, OK, "A /Pages node whose child's only kid is its parent; /Count says a billion.", "medical"
    ),
    "pages_2000.pdf": Case(
        many_pages, "too_large", "2,000 pages with a sentence each: over the default 500-page limit."
    ),
    "mediabox_14400.pdf": Case(
        with_media_box(b"[0 0 14400 14400]"), OK, "A 200 x 200 inch page (PDF's largest) with text.", "medical"
    ),
    "mediabox_1e9.pdf": Case(
        with_media_box(b"[0 0 1000000000 1000000000]"), OK, "A page a billion points a side, with text.", "medical"
    ),
    "mediabox_1e9_blank.pdf": Case(
        with_media_box(b"[0 0 1000000000 1000000000]", text=False),
        "no_text",
        "A blank page a billion points a side: it goes to OCR, rendered at a bounded size.",
    ),
    "mediabox_inverted.pdf": Case(
        with_media_box(b"[612 792 -1000000000 0]"), OK, "A MediaBox with its corners swapped and negative.", "medical"
    ),
    "mediabox_sliver_blank.pdf": Case(
        with_media_box(b"[0 0 1 1000000000]", text=False),
        "no_text",
        "A blank page one point wide and a billion high: rendered for OCR within bounds on each side.",
    ),
    "mediabox_zero_blank.pdf": Case(
        with_media_box(b"[0 0 0 0]", text=False), "no_text", "A blank page with an empty MediaBox."
    ),
    "image_20000.pdf": Case(
        pdf_with_huge_image, "no_text", "A page whose only content is a JPEG claiming 20,000 x 20,000 pixels."
    ),
    "header_damaged.pdf": Case(
        lambda: b"$" + text_pdf()[1:], "corrupt", "A PDF whose first byte is damaged ('$PDF-'): PDFium cannot open it."
    ),
    "header_pushed.pdf": Case(
        lambda: bytes(4096) + text_pdf(), "corrupt", "4 KB of zeros before '%PDF-': PDFium cannot open it."
    ),
    "header_only.pdf": Case(lambda: b"%PDF-1.7\n", "corrupt", "A PDF header and nothing else."),
    "truncated_early.pdf": Case(lambda: text_pdf()[:40], "corrupt", "A PDF cut off after 40 bytes."),
    # Zero bytes and cut-off files of every type we read.
    **{
        f"empty.{suffix}": Case(lambda: b"", "empty", f"A zero-byte .{suffix} file.")
        for suffix in ("docx", "png", "jpg", "tiff", "txt", "eml")
    },
    "truncated.docx": Case(lambda: cut(letter_docx()), "corrupt", "A Word file cut off at 60% (no central directory)."),
    "truncated.png": Case(lambda: cut(image_with_text("PNG")), "corrupt", "A PNG cut off at 60%."),
    "truncated.jpg": Case(lambda: cut(image_with_text("JPEG")), "corrupt", "A JPEG cut off at 60%."),
    "truncated.tiff": Case(lambda: cut(image_with_text("TIFF")), "corrupt", "A TIFF cut off at 60%."),
    "truncated.txt": Case(
        lambda: cut(SENTENCE.encode()), OK, "A text file cut off mid-sentence: what is there is read.", "medical"
    ),
    "truncated.eml": Case(
        lambda: cut(EML, 0.8), OK, "An e-mail cut off in its body: what is there is read.", "medical"
    ),
    # Files named as another type: the content decides.
    "png_named.pdf": Case(
        lambda: image_with_text("PNG"), OK, "A photo of a letter named .pdf: read by OCR.", "medical necessity"
    ),
    "pdf_named.docx": Case(text_pdf, OK, "A PDF named .docx: read as a PDF.", "medical necessity"),
    "docx_named.pdf": Case(letter_docx, OK, "A Word file named .pdf: read as Word.", "medical necessity"),
    "exe_named.pdf": Case(lambda: EXE, "corrupt", "A Windows program named .pdf."),
    "program.exe": Case(lambda: EXE, "unsupported_type", "A Windows program."),
    "elf_named.txt": Case(
        lambda: b"\x7fELF\x02\x01\x01" + bytes(120), "unsupported_type", "A Linux program named .txt."
    ),
    # Word files: DTDs (XXE) the check must find wherever they hide, and zip bombs.
    "xxe.docx": Case(lambda: xxe_docx(XXE), "corrupt", "document.xml declares an entity that reads /etc/passwd."),
    "xxe_late_doctype.docx": Case(
        lambda: xxe_docx("<!--" + "padding " * 1000 + "-->" + XXE),
        "corrupt",
        "The same DTD after an 8 KB comment, beyond the first 4 KB of the part.",
    ),
    "xxe_utf16.docx": Case(
        lambda: xxe_docx(XXE, "UTF-16"), "corrupt", "The same DTD in a part encoded as UTF-16 (no ASCII '<!DOCTYPE')."
    ),
    "xxe_other_part.docx": Case(
        xxe_other_part, "corrupt", "The DTD in the main part, named word/main.part; word/document.xml is a decoy."
    ),
    "zip_prefixed.docx": Case(
        lambda: b"<html>" + letter_docx(), "corrupt", "A Word file with bytes in front of its first zip header."
    ),
    "word_without_main_part.docx": Case(
        lambda: letter_docx().replace(b"word/document.xml", b"word/documenX.xml"),
        "corrupt",
        "A Word package whose main part lost its name (word/documenX.xml).",
    ),
    "zip_named.docx": Case(
        lambda: _zip({"letter.pdf": text_pdf()}),
        "corrupt",
        "A zip holding a PDF, named .docx: no Word part in it (a zip named .zip is unsupported_type).",
    ),
    "zip_shifted_offsets.docx": Case(
        lambda: letter_docx()[:60] + letter_docx()[260:],
        "corrupt",
        "200 bytes cut from the first part: every offset in the zip directory is 200 bytes off, the first one "
        "before the file's start.",
    ),
    "zip_bomb.docx": Case(docx_zip_bomb, "too_large", "A member that inflates to 4 GB (honest sizes)."),
    "zip_lying_sizes.docx": Case(
        docx_lying_sizes, "corrupt", "document.xml declares 2 KB but inflates to 2 GiB (sizes and CRC lie)."
    ),
    "zip_overlapping.docx": Case(
        docx_overlapping, "too_large", "20,000 directory entries sharing one member's data, 20 GB declared."
    ),
    "zip_many_members.docx": Case(
        docx_many_members, "too_large", "A letter plus 60,000 empty members (a zip directory bomb)."
    ),
    # Images whose size is the attack.
    "png_20000.png": Case(png_20000, "too_large", "A real 20,000 x 20,000 PNG (400 megapixels)."),
    "png_header_bomb.png": Case(
        lambda: png_claiming(100_000, 100_000), "too_large", "A PNG header claiming 100,000 x 100,000 pixels."
    ),
    "jpeg_header_bomb.jpg": Case(
        lambda: jpeg_claiming(60_000, 60_000), "too_large", "A JPEG header claiming 60,000 x 60,000 pixels."
    ),
    "tiff_header_bomb.tiff": Case(
        lambda: tiff_claiming(100_000, 100_000), "too_large", "A TIFF header claiming 100,000 x 100,000 pixels."
    ),
    "png_text_bomb.png": Case(png_text_bomb, "too_large", "A 16 x 16 PNG with a text chunk that inflates to 256 MiB."),
    "tiff_1000_frames.tiff": Case(tiff_frames, "too_large", "A TIFF of 1,000 pages: over the 500-page limit."),
    "tiff_ifd_loop.tiff": Case(
        tiff_ifd_loop, OK, "A TIFF whose page list loops back on itself: its one page is read.", "medical"
    ),
}


def build_hostile(directory: Path, names: list[str] | None = None) -> dict[str, Path]:
    """Write the hostile files (all, or `names`) into `directory`; returns name -> path."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in names if names is not None else list(HOSTILE):
        paths[name] = directory / name
        paths[name].write_bytes(HOSTILE[name].build())
    return paths


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m sample_docs.hostile")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    for name, path in build_hostile(args.out).items():
        print(f"{name}\t{path.stat().st_size}\t{HOSTILE[name].code}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
