"""Turn a text PDF into what arrives from a scanner or a phone: image-only PDFs and photos (JPG/PNG).

Scans: 150-200 dpi grayscale, noise, a slight rotation (at most 1.5 degrees), either JPEG-compressed gray or
bilevel (fax-like, CCITT G4). Photos: first page only, perspective skew, uneven lighting, desk background.
All randomness comes from the seeded generator, and no timestamps are written, so output bytes are stable.
"""

from __future__ import annotations

import io
import random
import time

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

FIXED_TIME = time.gmtime(1767225600)  # 2026-01-01T00:00:00Z


def render_pages(pdf: bytes, dpi: int, first_only: bool = False) -> list[Image.Image]:
    """Rasterize PDF pages with pdfium at ``dpi`` (grayscale)."""
    doc = pdfium.PdfDocument(pdf)
    try:
        count = 1 if first_only else len(doc)
        return [doc[i].render(scale=dpi / 72).to_pil().convert("L") for i in range(count)]
    finally:
        doc.close()


def pdf_text(pdf: bytes, first_only: bool = False) -> list[str]:
    """The text layer per page, as pypdfium2 extracts it."""
    doc = pdfium.PdfDocument(pdf)
    try:
        count = 1 if first_only else len(doc)
        out = []
        for i in range(count):
            page = doc[i]
            tp = page.get_textpage()
            out.append(tp.get_text_range())
            tp.close()
            page.close()
        return out
    finally:
        doc.close()


def _noisy(img: Image.Image, rng: random.Random, sigma: float) -> Image.Image:
    gen = np.random.default_rng(rng.getrandbits(64))
    arr = np.asarray(img, dtype=np.float32)
    arr = arr * rng.uniform(0.86, 0.95) + rng.uniform(8, 22)
    arr += gen.normal(0, sigma, arr.shape).astype(np.float32)
    specks = gen.random(arr.shape) < 0.0006
    arr[specks] = gen.uniform(20, 120, int(specks.sum()))
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")


def scan_pdf(pdf: bytes, rng: random.Random) -> bytes:
    """An image-only PDF that looks scanned."""
    dpi = rng.choice([150, 175, 200])
    bilevel = rng.random() < 0.45
    pages = []
    for img in render_pages(pdf, dpi):
        angle = rng.uniform(-1.5, 1.5)
        img = img.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
        img = _noisy(img, rng, rng.uniform(4, 9))
        if rng.random() < 0.5:
            img = img.filter(ImageFilter.GaussianBlur(0.5))
        if bilevel:
            img = img.point(lambda v: 255 if v > 150 else 0).convert("1")
        pages.append(img)
    out = io.BytesIO()
    extra = {
        "creationDate": FIXED_TIME,
        "modDate": FIXED_TIME,
        "title": "Scanned document",
        "producer": rng.choice(["Canon iR-ADV C5535", "RICOH IM C3000", "HP Scan", "Xerox WorkCentre 7855"]),
        "creator": "Scan",
    }
    if not bilevel:
        pages = [p.convert("L") for p in pages]
        extra["quality"] = rng.choice([45, 55, 65])  # type: ignore[assignment]
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi), **extra)
    return out.getvalue()


def _perspective_coeffs(src: list[tuple[float, float]], dst: list[tuple[float, float]]) -> list[float]:
    """Coefficients for PIL's PERSPECTIVE transform mapping output points ``dst`` to input points ``src``."""
    rows = []
    for (x, y), (u, v) in zip(dst, src, strict=False):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(rows, dtype=np.float64)
    b = np.array([c for p in src for c in p], dtype=np.float64)
    return list(np.linalg.solve(a, b))


def photo(pdf: bytes, rng: random.Random, fmt: str) -> bytes:
    """A phone photo of the first page: skewed on a desk, unevenly lit. ``fmt`` is "jpg" or "png"."""
    page = render_pages(pdf, rng.choice([120, 135, 150]), first_only=True)[0].convert("RGB")
    w, h = page.size
    margin = int(w * 0.12)
    cw, ch = w + 2 * margin, h + 2 * margin
    j = lambda: rng.uniform(0.0, 0.07) * w  # noqa: E731
    dst = [
        (margin + j(), margin + j()),
        (margin + w - j(), margin + j()),
        (margin + w - j(), margin + h - j()),
        (margin + j(), margin + h - j()),
    ]
    src = [(0.0, 0.0), (float(w), 0.0), (float(w), float(h)), (0.0, float(h))]
    coeffs = _perspective_coeffs(src, dst)
    desk = tuple(rng.randint(70, 140) for _ in range(3))
    warped = page.transform((cw, ch), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR, fillcolor=desk)
    gen = np.random.default_rng(rng.getrandbits(64))
    arr = np.asarray(warped, dtype=np.float32)
    yy, xx = np.mgrid[0:ch, 0:cw].astype(np.float32)
    cx, cy = rng.uniform(0.2, 0.8) * cw, rng.uniform(0.1, 0.6) * ch
    light = 1.05 - 0.35 * np.sqrt(((xx - cx) / cw) ** 2 + ((yy - cy) / ch) ** 2)
    tint = np.array([1.0, rng.uniform(0.96, 1.0), rng.uniform(0.85, 0.95)], dtype=np.float32)
    if fmt == "png":  # screenshots and phone PNGs: no sensor noise, few gray levels, so the file stays small
        arr = arr * light[..., None]
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB").convert("L")
        out = io.BytesIO()
        img.quantize(colors=24, dither=Image.Dither.NONE).save(out, "PNG")
        return out.getvalue()
    arr = arr * light[..., None] * tint + gen.normal(0, 3.0, arr.shape).astype(np.float32)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB").filter(ImageFilter.GaussianBlur(0.6))
    out = io.BytesIO()
    if fmt == "png":
        img.convert("L").save(out, "PNG")
    else:
        img.save(out, "JPEG", quality=rng.choice([70, 78, 85]))
    return out.getvalue()
