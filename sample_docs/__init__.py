"""Synthetic sample corpus for medparole: the generator, the committed corpus and its gold labels.

Everything here is fictional: patients, families and physicians are made from combinatorial name lists; hospitals,
agencies and organisations are real public names. Run ``python -m sample_docs.generate --help``.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CORPUS_DIR = PACKAGE_DIR / "corpus"
BAD_DIR = PACKAGE_DIR / "bad"
DEFAULT_SEED = 2026
DEFAULT_CASES = 72
