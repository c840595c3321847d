"""OCR through Debian's Tesseract (English and Spanish), for scanned pages and phone photos."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import CorruptDocument, DocumentError, DocumentTimeout, DocumentTooLarge, NoTextFound
from pipeline.models import Page, build_pages
from pipeline.readers.clean import clean_text

if TYPE_CHECKING:
    from PIL.Image import Image

    from pipeline.readers import ReadLimits


class OcrUnavailable(DocumentError):
    """Tesseract is not installed: an installation problem, not the document's."""

    default_message = (
        "This page needs OCR but Tesseract is not installed on the server: ask the analyst to install "
        "tesseract-ocr with its English and Spanish data (see the README), then re-run."
    )


def ocr_image(image: Image, limits: ReadLimits) -> str:
    """The text Tesseract reads on one page image."""
    binary = shutil.which("tesseract")
    if binary is None:
        raise OcrUnavailable()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    # One thread per Tesseract: parallelism comes from our worker processes, not from OpenMP.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        result = subprocess.run(
            [binary, "stdin", "stdout", "-l", limits.ocr_languages, "--psm", "3"],
            input=buffer.getvalue(),
            capture_output=True,
            timeout=limits.ocr_timeout_s,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise DocumentTimeout() from exc
    if result.returncode != 0:
        raise CorruptDocument(
            "The page image could not be read by OCR: scan or photograph the page again and upload it."
        )
    return clean_text(result.stdout.decode("utf-8", errors="replace")).strip("\n")


def read_image(path: Path, limits: ReadLimits) -> tuple[Page, ...]:
    """A photo or scan (PNG, JPEG, TIFF; every TIFF frame is a page) read by OCR."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    max_pixels = int(limits.max_image_megapixels * 1_000_000)
    Image.MAX_IMAGE_PIXELS = max_pixels
    too_large = (
        f"The image is larger than the {limits.max_image_megapixels:g}-megapixel limit (or says it is): save it "
        "at a lower resolution (about 300 dpi is enough) and upload it again."
    )
    try:
        with Image.open(path) as image:
            frames = getattr(image, "n_frames", 1)
            if frames > limits.max_pages:
                raise DocumentTooLarge(
                    f"The image file holds {frames:,} pages, more than the {limits.max_pages:,}-page limit: "
                    "split it into smaller files and upload those."
                )
            texts: list[str] = []
            for index in range(frames):
                image.seek(index)
                if image.width * image.height > max_pixels:
                    raise DocumentTooLarge(
                        f"The image is {image.width:,} x {image.height:,} pixels, beyond the "
                        f"{limits.max_image_megapixels:g}-megapixel limit: save it at a lower resolution "
                        "(about 300 dpi is enough) and upload it again."
                    )
                frame = ImageOps.exif_transpose(image.convert("L"))
                texts.append(ocr_image(frame, limits))
    except Image.DecompressionBombError as exc:
        raise DocumentTooLarge(too_large) from exc
    except ValueError as exc:
        # Pillow's word for a text or colour-profile chunk that inflates beyond its limit (a bomb); otherwise
        # damaged data.
        if "too large" in str(exc):
            raise DocumentTooLarge(too_large) from exc
        raise CorruptDocument() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, EOFError) as exc:
        raise CorruptDocument() from exc
    if not any(text.strip() for text in texts):
        raise NoTextFound()
    return build_pages(texts, [True] * len(texts))
