"""Text PDFs with reportlab's canvas, in visibly different layouts. Lines are wrapped here, never inside a fact span.

Layouts: letterhead, two_column, uscis_notice, cost_table, multipage, oficio, typewriter. Output is byte-stable
(``invariant=1``) for the same input.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import letter
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from .model import KV, Block, Doc, Gap, Para, Seg, Span, Table, seg_text

PAGE_W, PAGE_H = letter
ACCENTS = [
    Color(0.05, 0.2, 0.45),
    Color(0.45, 0.05, 0.1),
    Color(0.0, 0.35, 0.3),
    Color(0.2, 0.2, 0.2),
    Color(0.3, 0.1, 0.45),
]
FAMILIES = {
    "helv": ("Helvetica", "Helvetica-Bold"),
    "times": ("Times-Roman", "Times-Bold"),
    "courier": ("Courier", "Courier-Bold"),
}

Unit = list[tuple[str, Span | None]]


@dataclass
class Style:
    """Fonts, sizes and margins of one rendering."""

    regular: str
    bold: str
    size: float
    leading: float
    margin: float
    accent: Color


def _units(segs: list[Seg]) -> list[Unit]:
    """Break a paragraph into unbreakable units; spaces inside fact spans are not break points."""
    units: list[Unit] = []
    cur: Unit = []
    for seg in segs:
        if isinstance(seg, Span):
            cur.append((seg.text, seg))
            continue
        for i, part in enumerate(seg.split(" ")):
            if i > 0 and cur:
                units.append(cur)
                cur = []
            if part:
                cur.append((part, None))
    if cur:
        units.append(cur)
    return units


def _unit_text(u: Unit) -> str:
    return "".join(t for t, _ in u)


class Pager:
    """Draws blocks top to bottom, starting new pages with running headers and footers as needed."""

    def __init__(self, doc: Doc, layout: str, style: Style, total: int) -> None:
        self.doc, self.layout, self.s, self.total = doc, layout, style, total
        self.buf = io.BytesIO()
        self.c = Canvas(self.buf, pagesize=letter, invariant=1, pageCompression=1)
        self.c.setTitle("")
        self.c.setAuthor("")
        self.c.setCreator("")
        self.c.setProducer("")
        self.page = 1
        self.y = PAGE_H - style.margin
        self.placed: list[tuple[Span, int]] = []

    # --- low level -------------------------------------------------------------------------------------------
    def draw(
        self, units: list[Unit], x: float, font: str, size: float, align: str = "left", width: float | None = None
    ) -> None:
        """Draw one line of units at the current y."""
        text = " ".join(_unit_text(u) for u in units)
        self.c.setFont(font, size)
        w = width or (PAGE_W - 2 * self.s.margin)
        if align == "center":
            self.c.drawCentredString(x + w / 2, self.y, text)
        elif align == "right":
            self.c.drawRightString(x + w, self.y, text)
        else:
            self.c.drawString(x, self.y, text)
        for u in units:
            for _, span in u:
                if span is not None:
                    self.placed.append((span, self.page))

    def wrap(self, segs: list[Seg], width: float, font: str, size: float) -> list[list[Unit]]:
        """Greedy line filling over unbreakable units."""
        lines: list[list[Unit]] = []
        cur: list[Unit] = []
        for u in _units(segs):
            trial = " ".join(_unit_text(x) for x in [*cur, u])
            if cur and stringWidth(trial, font, size) > width:
                lines.append(cur)
                cur = [u]
            else:
                cur.append(u)
        if cur:
            lines.append(cur)
        return lines

    def bottom(self) -> float:
        return self.s.margin + 22

    def need(self, h: float) -> None:
        if self.y - h < self.bottom():
            self.new_page()

    def furniture(self) -> None:
        """Running header and footer of the current page."""
        c, s = self.c, self.s
        c.setFillColor(Color(0.35, 0.35, 0.35))
        c.setFont(s.regular, 7.5)
        if self.doc.footer:
            c.drawString(s.margin, s.margin - 18, self.doc.footer)
        if self.total > 1 or self.layout in ("multipage", "uscis_notice"):
            label = (
                f"Page {self.page} of {max(self.total, 1)}"
                if self.doc.language == "en"
                else f"Página {self.page} de {max(self.total, 1)}"
            )
            c.drawRightString(PAGE_W - s.margin, s.margin - 18, label)
        if self.page > 1 and self.doc.running:
            c.drawString(s.margin, PAGE_H - s.margin + 20, self.doc.running)
            c.line(s.margin, PAGE_H - s.margin + 16, PAGE_W - s.margin, PAGE_H - s.margin + 16)
        c.setFillColor(black)

    def new_page(self) -> None:
        self.furniture()
        self.c.showPage()
        self.page += 1
        self.y = PAGE_H - self.s.margin

    # --- blocks ----------------------------------------------------------------------------------------------
    def para(self, p: Para, x: float | None = None, width: float | None = None) -> None:
        s = self.s
        x = s.margin if x is None else x
        width = width or (PAGE_W - 2 * s.margin)
        font, size, align, lead = s.regular, s.size, "left", s.leading
        if p.style in ("bold", "heading", "title"):
            font = s.bold
        if p.style == "title":
            size, lead = s.size + 5, s.leading + 6
            self.y -= 6
        elif p.style == "heading":
            size = s.size + 1
            self.y -= 4
        elif p.style == "small":
            size, lead = s.size - 2, s.leading - 3
        if p.style in ("center", "title") and self.layout in ("letterhead", "oficio", "multipage"):
            align = "center"
        if p.style == "center":
            align = "center"
        if p.style == "right":
            align = "right"
        for line in self.wrap(p.segs, width, font, size):
            self.need(lead)
            if p.style == "title":
                self.c.setFillColor(s.accent)
            self.draw(line, x, font, size, align, width)
            self.c.setFillColor(black)
            self.y -= lead
        if p.style in ("body", "bold", "heading") and self.layout != "uscis_notice":
            self.y -= self.s.leading * 0.45
        else:
            self.y -= 0 if p.style in ("small", "title", "sign") else 3

    def kv_lines(self, kv: KV, x: float, width: float, align: str = "left") -> None:
        for label, value in kv.rows:
            if not seg_text(value).strip():
                continue
            self.para(Para([f"{label}: ", *value], "right" if align == "right" else "body"), x, width)
            self.y += 3

    def boxes(self, kv: KV) -> None:
        """The I-797 grid: three boxes a row, small label on top, value below."""
        s, c = self.s, self.c
        cols = 3
        bw = (PAGE_W - 2 * s.margin) / cols
        rows = [kv.rows[i : i + cols] for i in range(0, len(kv.rows), cols)]
        for row in rows:
            h = 36.0
            self.need(h)
            top = self.y + s.size
            for i, (label, value) in enumerate(row):
                x0 = s.margin + i * bw
                c.rect(x0, top - h, bw, h, stroke=1, fill=0)
                c.setFont(s.regular, 6.5)
                c.drawString(x0 + 4, top - 9, label)
                save = self.y
                self.y = top - 19
                lines = self.wrap(value, bw - 8, s.bold, s.size - 1.5)
                self.draw(lines[0] if lines else [], x0 + 4, s.bold, s.size - 1.5, "left", bw - 8)
                for extra in lines[1:2]:
                    self.y -= 10
                    self.draw(extra, x0 + 4, s.bold, s.size - 1.5, "left", bw - 8)
                self.y = save
            self.y -= h
        self.y -= 10

    def table(self, t: Table) -> None:
        s, c = self.s, self.c
        widths = t.widths or [(PAGE_W - 2 * s.margin) / len(t.header)] * len(t.header)
        row_h = s.leading + 6
        self.need(row_h * 2)
        c.setFillColor(Color(0.85, 0.87, 0.9))
        c.rect(s.margin, self.y - 6, sum(widths), row_h, stroke=0, fill=1)
        c.setFillColor(black)
        x = s.margin
        for head, wdt in zip(t.header, widths, strict=False):
            c.setFont(s.bold, s.size - 0.5)
            c.drawString(x + 4, self.y, head)
            x += wdt
        self.y -= row_h
        for row in t.rows:
            self.need(row_h)
            x = s.margin
            for cell, wdt in zip(row, widths, strict=False):
                lines = self.wrap(cell, wdt - 8, s.regular, s.size - 0.5)
                self.draw(lines[0] if lines else [], x + 4, s.regular, s.size - 0.5, "left", wdt - 8)
                x += wdt
            c.line(s.margin, self.y - 6, s.margin + sum(widths), self.y - 6)
            self.y -= row_h
        self.y -= 4

    def block(self, b: Block) -> None:
        if isinstance(b, Para):
            self.para(b)
        elif isinstance(b, Gap):
            self.y -= b.size
        elif isinstance(b, KV):
            self.kv_lines(b, self.s.margin, PAGE_W - 2 * self.s.margin)
        elif isinstance(b, Table):
            self.table(b)

    # --- layouts ---------------------------------------------------------------------------------------------
    def header(self) -> None:
        s, c, d = self.s, self.c, self.doc
        full = PAGE_W - 2 * s.margin
        if self.layout == "two_column":
            top = self.y
            for p in d.letterhead:
                self.para(p, s.margin, full * 0.55)
            left_end = self.y
            self.y = top
            if d.meta:
                self.kv_lines(d.meta, s.margin + full * 0.55, full * 0.45, "right")
            self.y = min(self.y, left_end) - 4
            c.setStrokeColor(s.accent)
            c.setLineWidth(1.5)
            c.line(s.margin, self.y + 8, PAGE_W - s.margin, self.y + 8)
            c.setLineWidth(1)
            c.setStrokeColor(black)
            self.y -= 10
            return
        if self.layout == "cost_table":
            c.setFillColor(s.accent)
            c.rect(0, PAGE_H - 20, PAGE_W, 20, stroke=0, fill=1)
            c.setFillColor(black)
        if self.layout == "oficio":
            c.setStrokeColor(s.accent)
            # The emblem sits in the right corner, clear of the left-aligned ministry and service lines.
            c.rect(PAGE_W - s.margin - 40, self.y - 34, 40, 40, stroke=1, fill=0)
            c.setStrokeColor(black)
        for p in d.letterhead:
            self.para(p)
        if d.letterhead:
            c.setStrokeColor(s.accent)
            c.line(s.margin, self.y + 6, PAGE_W - s.margin, self.y + 6)
            c.setStrokeColor(black)
            self.y -= 8
        if d.meta:
            if self.layout == "uscis_notice":
                self.boxes(d.meta)
            else:
                self.kv_lines(d.meta, s.margin, full)
                self.y -= 6

    def render(self) -> tuple[bytes, int]:
        self.header()
        for b in self.doc.body:
            self.block(b)
        self.furniture()
        self.c.showPage()
        self.c.save()
        return self.buf.getvalue(), self.page


def style_for(layout: str, rng: random.Random) -> Style:
    """Fonts and sizes a layout is drawn with (a little random within the layout)."""
    if layout == "typewriter":
        fam = "courier"
    elif layout in ("uscis_notice", "cost_table"):
        fam = "helv"
    else:
        fam = rng.choice(["helv", "times", "helv"])
    size = {"multipage": 11.5, "typewriter": 10.0}.get(layout, rng.choice([10.0, 10.5, 11.0]))
    lead = size * (1.55 if layout == "multipage" else 1.3)
    margin = {"multipage": 78.0, "uscis_notice": 48.0}.get(layout, rng.choice([60.0, 66.0, 72.0]))
    reg, bold = FAMILIES[fam]
    return Style(reg, bold, size, lead, margin, rng.choice(ACCENTS))


def render_pdf(doc: Doc, layout: str, rng: random.Random) -> tuple[bytes, int, list[tuple[Span, int]]]:
    """PDF bytes, page count and the spans placed with their page numbers."""
    style = style_for(layout, rng)
    first = Pager(doc, layout, style, 0)
    _, pages = first.render()
    final = Pager(doc, layout, style, pages)
    data, pages2 = final.render()
    assert pages2 == pages
    return data, pages, final.placed
