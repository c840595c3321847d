"""Plain text, e-mail (.eml) and Word (.docx) renderings of a document, byte-stable for the same input."""

from __future__ import annotations

import io
import random
import zipfile
from datetime import datetime

from docx import Document as DocxDocument
from docx.shared import Pt

from .model import KV, Doc, Gap, Para, Seg, Span, Table, seg_text

FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def _wrap(segs: list[Seg], width: int) -> tuple[list[str], list[Span]]:
    """Wrap to ``width`` columns without breaking inside spans; return lines and the spans placed."""
    from .render_pdf import _unit_text, _units

    lines: list[str] = []
    cur = ""
    spans: list[Span] = []
    for u in _units(segs):
        t = _unit_text(u)
        spans += [s for _, s in u if s is not None]
        if cur and len(cur) + 1 + len(t) > width:
            lines.append(cur)
            cur = t
        else:
            cur = f"{cur} {t}" if cur else t
    if cur:
        lines.append(cur)
    return lines, spans


def to_text(doc: Doc, width: int = 76) -> tuple[str, list[Span]]:
    """The document as plain text lines (letterhead, header fields, body, tables, footer)."""
    out: list[str] = []
    spans: list[Span] = []

    def add(segs: list[Seg], indent: str = "") -> None:
        lines, placed = _wrap(segs, width - len(indent))
        out.extend(indent + line for line in lines)
        spans.extend(placed)

    for p in doc.letterhead:
        add(p.segs)
    if doc.letterhead:
        out.append("")
    if doc.meta:
        for label, value in doc.meta.rows:
            if seg_text(value).strip():
                add([f"{label}: ", *value])
        out.append("")
    for b in doc.body:
        if isinstance(b, Para):
            add(b.segs, "    " if b.style == "center" else "")
            if b.style not in ("small", "sign", "right"):
                out.append("")
        elif isinstance(b, KV):
            for label, value in b.rows:
                add([f"{label}: ", *value])
        elif isinstance(b, Table):
            out.append(" | ".join(b.header))
            for row in b.rows:
                cells: list[Seg] = []
                for i, cell in enumerate(row):
                    cells += ([" | "] if i else []) + cell
                add(cells)
            out.append("")
        elif isinstance(b, Gap) and b.size >= 8 and out and out[-1] != "":
            out.append("")
    if doc.footer:
        out += ["--", doc.footer]
    return "\n".join(out).rstrip() + "\n", spans


def to_eml(doc: Doc, rng: random.Random) -> tuple[bytes, str, list[Span]]:
    """An RFC 5322 message, UTF-8 8bit body so the raw file holds the text."""
    body, spans = to_text(doc)
    headers = dict(doc.email or {})
    if not headers:
        headers = {
            "From": "notificaciones@example.org",
            "To": "familia@example.org",
            "Subject": doc.title or doc.kind,
            "Date": "Thu, 01 Jan 2026 09:00:00 -0500",
        }
    msg_id = f"<{rng.getrandbits(64):016x}.{rng.getrandbits(32):08x}@mail.example>"
    head = [f"{k}: {v}" for k, v in headers.items()] + [
        f"Message-ID: {msg_id}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
    ]
    text = "\n".join(head) + "\n\n" + body
    return text.encode("utf-8"), text, spans


def to_docx(doc: Doc, rng: random.Random) -> tuple[bytes, str, list[Span]]:
    """A Word document; zip entries get a fixed timestamp and the core properties fixed values."""
    d = DocxDocument()
    normal = d.styles["Normal"]
    normal.font.name = rng.choice(["Calibri", "Arial", "Times New Roman"])
    normal.font.size = Pt(rng.choice([10.5, 11, 12]))
    spans: list[Span] = []
    texts: list[str] = []

    def add_para(segs: list[Seg], bold: bool = False, size: float | None = None) -> None:
        p = d.add_paragraph()
        run = p.add_run(seg_text(segs))
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        spans.extend(s for s in segs if isinstance(s, Span))
        texts.append(seg_text(segs))

    for p in doc.letterhead:
        add_para(p.segs, p.style in ("title", "bold"), 16 if p.style == "title" else None)
    if doc.meta:
        for label, value in doc.meta.rows:
            if seg_text(value).strip():
                add_para([f"{label}: ", *value])
    for b in doc.body:
        if isinstance(b, Para):
            add_para(b.segs, b.style in ("bold", "heading"))
        elif isinstance(b, KV):
            for label, value in b.rows:
                add_para([f"{label}: ", *value])
        elif isinstance(b, Table):
            table = d.add_table(rows=1 + len(b.rows), cols=len(b.header))
            table.style = "Table Grid"
            for i, h in enumerate(b.header):
                table.cell(0, i).text = h
            for r, row in enumerate(b.rows, start=1):
                for i, cell in enumerate(row):
                    table.cell(r, i).text = seg_text(cell)
                    spans.extend(s for s in cell if isinstance(s, Span))
                    texts.append(seg_text(cell))
    if doc.footer:
        add_para([doc.footer], size=8)
    fixed = datetime(2026, 1, 1, 0, 0, 0)
    cp = d.core_properties
    cp.author = "medparole-sample"
    cp.last_modified_by = "medparole-sample"
    cp.created = fixed
    cp.modified = fixed
    cp.revision = 1
    raw = io.BytesIO()
    d.save(raw)
    return _normalize_zip(raw.getvalue()), "\n".join(texts), spans


def _normalize_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry timestamps and order, so the bytes only depend on the content."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, src.read(name))
    return out.getvalue()
