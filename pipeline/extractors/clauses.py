"""Sentences (clauses) around a position: the unit most rules look in, shared by the dates, costs and decisions
extractors. A boundary is . ! ? or ; before white space, a blank line or a page break; the dot of an abbreviation
("Dr.", "Mar.", "approx.") or of an initial ("J. Smith") is not one."""

from __future__ import annotations

import re

# Dot leaders ("Date of birth ...... 19 February 2012") end no sentence: a dot after a dot is not a boundary.
_BOUNDARY = re.compile(r"(?:[!?;]|(?<!\.)\.)(?=\s)|\n[ \t]*\n|\f")


# A dot after these does not end a sentence.
_ABBREVIATIONS = frozenset({
    "dr", "dra", "mr", "mrs", "ms", "sr", "sra", "no", "st", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "ene", "abr", "ago", "dic", "inc", "approx", "aprox", "vs", "etc", "ext",
    "rev", "ed", "nac", "tel",
})  # fmt: skip


def clause_bounds(text: str, pos: int, reach: int = 300) -> tuple[int, int]:
    """The sentence around `pos`: from the last boundary before it to the next one after it (within `reach`)."""
    lo, hi = max(0, pos - reach), min(len(text), pos + reach)
    start, end = lo, hi
    for match in _BOUNDARY.finditer(text, lo, hi):
        if match.group() == "." and _is_abbreviation(text, match.start()):
            continue
        if match.end() <= pos:
            start = match.end()
        elif match.start() >= pos:
            end = match.start()
            break
    return start, end


def _is_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([A-Za-zÁÉÍÓÚáéíóúñ]+)$", text[max(0, dot - 8) : dot])
    return word is not None and (len(word.group(1)) == 1 or word.group(1).lower() in _ABBREVIATIONS)


# A cell of a laid-out line (a form's boxes or a table flattened to text): words joined by single spaces; two
# spaces or a tab end it.
_CELL = re.compile(r"\S+(?: \S+)*")


def line_cells(line: str) -> list[re.Match[str]]:
    """The cells of one line, left to right."""
    return list(_CELL.finditer(line))


def nearest_cell(cells: list[re.Match[str]], column: int) -> re.Match[str] | None:
    """The cell whose start is nearest to `column` (a label's or a value's column on the line above or below)."""
    return min(cells, key=lambda cell: abs(cell.start() - column)) if cells else None
