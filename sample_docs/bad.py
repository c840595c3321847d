"""Bad inputs, one small file per failure mode, and builders for the big ones (made at test time, never committed).

    python -m sample_docs.bad --out sample_docs/bad

``EXPECTED`` maps each file to the error code the pipeline must report for it.
"""

from __future__ import annotations

import argparse
import io
import zipfile
import zlib
from pathlib import Path

from PIL import Image
from reportlab.lib.pagesizes import letter
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen.canvas import Canvas

from .gen.render_text import FIXED_ZIP_TIME

EXPECTED: dict[str, tuple[str, str]] = {
    "encrypted.pdf": ("encrypted", "PDF protected with a user password (RC4-128); cannot be opened without it."),
    "truncated.pdf": ("corrupt", "A valid PDF cut off after 60% of its bytes: no xref table, no trailer."),
    "empty.pdf": ("empty", "Zero bytes."),
    "not_really.pdf": (
        "unsupported_type",
        "An HTML error page saved with a .pdf name; sniff the content, not the extension.",
    ),
    "blank_scan.pdf": ("no_text", "One image-only page with nothing on it: OCR finds no text."),
    "blank_photo.png": ("no_text", "A photo of an empty sheet: OCR finds no text."),
    "dtd.docx": (
        "corrupt",
        "word/document.xml declares a DOCTYPE with entities (XML bomb pattern); a safe XML parser must refuse it.",
    ),
    "unknown.xyz": ("unsupported_type", "An unknown file type."),
    "bundle.zip": ("unsupported_type", "A zip archive holding a PDF; archives are not unpacked."),
}
BUILT_AT_TEST_TIME: dict[str, tuple[str, str]] = {
    "bomb.pdf": ("too_large", "A Flate stream of ~40 KB that inflates to 64 MB and more (decompression bomb)."),
    "pages_2000.pdf": ("too_large", "2,000 pages; over the page limit (or timeout where the limit is time)."),
}


def _small_pdf(text: str, encrypt: str | None = None) -> bytes:
    buf = io.BytesIO()
    enc = StandardEncryption(encrypt, ownerPassword="owner-" + encrypt, strength=128) if encrypt else None
    c = Canvas(buf, pagesize=letter, invariant=1, encrypt=enc)
    c.setFont("Helvetica", 11)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def _dtd_docx() -> bytes:
    doc_xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
        "<w:t>Letter of medical necessity &c;</w:t></w:r></w:p></w:body></w:document>"
    )
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
        'org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
        '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
        'document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
        'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": doc_xml,
    }
    return _zip(files)


def _zip(files: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(zipfile.ZipInfo(name, FIXED_ZIP_TIME), data)
    return out.getvalue()


def _blank_image(fmt: str) -> bytes:
    img = Image.new("L", (1275, 1650), 250)
    out = io.BytesIO()
    if fmt == "PDF":
        img.save(
            out, "PDF", resolution=150.0, creationDate=None, modDate=None, title="scan", producer="scan", creator="scan"
        )
    else:
        img.save(out, fmt)
    return out.getvalue()


def bad_files() -> dict[str, bytes]:
    """The small bad files, by name."""
    good = _small_pdf("Letter of medical necessity - page 1")
    return {
        "encrypted.pdf": _small_pdf("Confidential: patient record", encrypt="s3cret"),
        "truncated.pdf": good[: int(len(good) * 0.6)],
        "empty.pdf": b"",
        "not_really.pdf": b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1>"
        b"<p>The requested document was not found on this server.</p></body></html>\n",
        "blank_scan.pdf": _blank_image("PDF"),
        "blank_photo.png": _blank_image("PNG"),
        "dtd.docx": _dtd_docx(),
        "unknown.xyz": b"XYZ1\x00\x01binary payload of an unknown format\n",
        "bundle.zip": _zip({"letter.pdf": good}),
    }


def build_bomb(path: Path, inflated_mb: int = 64) -> Path:
    """A PDF whose one content stream inflates to ``inflated_mb`` MB (a decompression bomb)."""
    comp = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    data = b"".join(comp.compress(chunk) for _ in range(inflated_mb)) + comp.flush()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length " + str(len(data)).encode() + b" /Filter /FlateDecode >>\nstream\n" + data + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    path.write_bytes(out.getvalue())
    return path


def build_many_pages(path: Path, pages: int = 2000) -> Path:
    """A text PDF with ``pages`` pages."""
    c = Canvas(str(path), pagesize=letter, invariant=1)
    for i in range(pages):
        c.setFont("Helvetica", 10)
        c.drawString(72, 720, f"Exhibit page {i + 1} of {pages}")
        c.showPage()
    c.save()
    return path


def build_big(directory: Path) -> dict[str, Path]:
    """Build the large bad files into ``directory`` (a tmp dir); returns name -> path."""
    directory.mkdir(parents=True, exist_ok=True)
    return {
        "bomb.pdf": build_bomb(directory / "bomb.pdf"),
        "pages_2000.pdf": build_many_pages(directory / "pages_2000.pdf"),
    }


def readme() -> str:
    """The README of the bad folder: each file and the error code it must produce."""
    lines = [
        "# Bad inputs",
        "",
        "One small file per failure mode. The pipeline must report each with the error "
        "code given here (see the extraction contract).",
        "",
        "| file | expected error code | what it is |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {code} | {what} |" for name, (code, what) in EXPECTED.items()]
    lines += [
        "",
        "Built at test time by `sample_docs.bad.build_big(tmp_dir)`, never committed:",
        "",
        "| file | expected error code | what it is |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {code} | {what} |" for name, (code, what) in BUILT_AT_TEST_TIME.items()]
    lines += ["", "Regenerate with `python -m sample_docs.bad --out sample_docs/bad`.", ""]
    return "\n".join(lines)


def write_bad(directory: Path) -> None:
    """Write the small bad files, README.md and expected.json into ``directory``."""
    import json

    directory.mkdir(parents=True, exist_ok=True)
    for name, data in bad_files().items():
        (directory / name).write_bytes(data)
    (directory / "README.md").write_text(readme(), encoding="utf-8")
    expected = {name: code for name, (code, _) in {**EXPECTED, **BUILT_AT_TEST_TIME}.items()}
    (directory / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    from . import BAD_DIR

    ap = argparse.ArgumentParser(prog="python -m sample_docs.bad")
    ap.add_argument("--out", type=Path, default=BAD_DIR)
    write_bad(ap.parse_args(argv).out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
