"""Case linking: documents of one person's parole matter become one case, with an id that survives re-runs.

Documents are joined (union-find) when they share:
  1. an A-number or a USCIS receipt number (strong identifiers);
  2. a date of birth and the patient's name (fuzzy: accents, case, punctuation, particles and word order ignored;
     "LAST, First" equals "First LAST"; one name may miss a second surname, i.e. be contained in the other);
  3. a medical record number, unless the two documents name the patient differently;
  4. the patient's name alone (at least two words), when the groups it joins hang together (no two A-numbers,
     no two birth dates, every pair of names agreeing): a weak link, marked `name_only` and sent to review.
Documents that were read but hold none of these form a case of their own (`alone`, also sent to review); failed
documents hold no facts and join no case (the review queue lists them).

Ids: a case keeps the id it had when any of its documents were linked before (when groups merge, the oldest case
id wins; when a group splits, the part holding most of the old documents keeps it). A new case's id is the HMAC
of its strongest identity (smallest A-number, else receipt number, else name and birth date, else the document's
SHA-256), so rebuilding a warehouse from scratch gives the same ids. Linking reads corrected facts, so correcting
a wrong A-number in the dashboard re-links at the next publish.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from warehouse import db

_PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "da", "dos"})
# Strength of each reason, strongest first: a document's link_reason is the strongest link it took part in.
REASONS = ("a_number", "receipt_number", "name_dob", "mrn", "name_only", "alone")
_MIN_MRN_LENGTH = 6


def name_tokens(name: str) -> frozenset[str]:
    """The words of a name with accents, case, punctuation and particles removed; order does not matter."""
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    return frozenset(t for t in re.split(r"[^a-z]+", plain) if t and t not in _PARTICLES)


def names_compatible(a: frozenset[str], b: frozenset[str]) -> bool:
    """Same person by name: the same words, or one name (of two words or more) contained in the other."""
    if len(a) < 2 or len(b) < 2:
        return False
    return a <= b or b <= a


@dataclass
class Identity:
    """What one document says about whose it is."""

    sha256: str
    a_numbers: set[str] = field(default_factory=set)
    receipts: set[str] = field(default_factory=set)
    mrns: set[str] = field(default_factory=set)
    names: set[frozenset[str]] = field(default_factory=set)
    births: set[str] = field(default_factory=set)

    def is_empty(self) -> bool:
        return not (self.a_numbers or self.receipts or self.mrns or self.names or self.births)


@dataclass
class LinkStats:
    """What a linking run did."""

    documents: int = 0
    cases: int = 0
    new_cases: int = 0
    kept_cases: int = 0
    retired_cases: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


class _UnionFind:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {item: item for item in items}

    def find(self, item: str) -> str:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        return True


def read_identities(con: duckdb.DuckDBPyConnection) -> dict[str, Identity]:
    """Each readable document's identifiers, names and birth dates, from the corrected facts."""
    docs = [
        row[0] for row in con.execute("SELECT sha256 FROM documents WHERE status <> 'failed' ORDER BY 1").fetchall()
    ]
    identities = {sha: Identity(sha) for sha in docs}
    rows = con.execute(
        """
        SELECT sha256, field, value, attributes ->> 'kind', attributes ->> 'role'
        FROM corrected_facts
        WHERE field IN ('identifier', 'patient_name')
           OR (field = 'date' AND attributes ->> 'role' = 'birth')
        """
    ).fetchall()
    for sha, fld, value, kind, _role in rows:
        ident = identities.get(sha)
        if ident is None or not value:
            continue
        if fld == "patient_name":
            tokens = name_tokens(value)
            if tokens:
                ident.names.add(tokens)
        elif fld == "date":
            ident.births.add(value)
        elif kind == "a_number":
            ident.a_numbers.add(value.upper())
        elif kind == "receipt_number":
            ident.receipts.add(value.upper())
        elif kind == "mrn" and len(value) >= _MIN_MRN_LENGTH:
            ident.mrns.add(value)
    return identities


def find_links(identities: dict[str, Identity]) -> tuple[_UnionFind, list[tuple[str, str, str]]]:
    """Union-find over documents; returns it and the links that merged groups (a, b, reason)."""
    uf = _UnionFind(identities)
    links: list[tuple[str, str, str]] = []

    def join(a: str, b: str, reason: str) -> None:
        if uf.union(a, b):
            links.append((min(a, b), max(a, b), reason))

    def by_value(values: dict[str, list[str]], reason: str, ok: Any = None) -> None:
        for _value, shas in sorted(values.items()):
            first = shas[0]
            for other in shas[1:]:
                if ok is None or ok(identities[first], identities[other]):
                    join(first, other, reason)

    index: dict[str, dict[str, list[str]]] = {k: defaultdict(list) for k in ("a", "r", "m", "b")}
    for sha, ident in sorted(identities.items()):
        for value in ident.a_numbers:
            index["a"][value].append(sha)
        for value in ident.receipts:
            index["r"][value].append(sha)
        for value in ident.mrns:
            index["m"][value].append(sha)
        for value in ident.births:
            index["b"][value].append(sha)
    by_value(index["a"], "a_number")
    by_value(index["r"], "receipt_number")
    # Same birth date: link every pair whose names agree (a birthday alone links nobody).
    for _birth, shas in sorted(index["b"].items()):
        for i, a in enumerate(shas):
            for b in shas[i + 1 :]:
                if _any_compatible(identities[a].names, identities[b].names):
                    join(a, b, "name_dob")
    by_value(index["m"], "mrn", ok=lambda x, y: not _names_disagree(x.names, y.names))
    _link_by_name_alone(identities, uf, join)
    return uf, links


def _any_compatible(a: set[frozenset[str]], b: set[frozenset[str]]) -> bool:
    return any(names_compatible(x, y) for x in a for y in b)


def _names_disagree(a: set[frozenset[str]], b: set[frozenset[str]]) -> bool:
    return bool(a and b) and not _any_compatible(a, b)


def _link_by_name_alone(identities: dict[str, Identity], uf: _UnionFind, join: Any) -> None:
    """Weak links, decided against the groups the strong rules formed (so the order of documents is moot).

    Groups whose names agree are candidates; a set of candidates that hangs together (every pair agrees on a
    name, and together they hold at most one A-number and one birth date) becomes one case. Otherwise only a
    group that fits exactly one other group joins it.
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for sha in sorted(identities):
        groups[uf.find(sha)].append(sha)
    info: dict[str, Identity] = {}
    # Compatible names share every word of the shorter one (two words or more), so they share a pair of
    # words: indexing by pairs keeps common surnames from making every García a candidate of every other.
    by_pair: dict[tuple[str, str], set[str]] = defaultdict(set)
    for root, members in groups.items():
        merged = Identity(root)
        for sha in members:
            ident = identities[sha]
            merged.names |= {n for n in ident.names if len(n) >= 2}
            merged.births |= ident.births
            merged.a_numbers |= ident.a_numbers
        info[root] = merged
        for tokens in merged.names:
            for pair in itertools.combinations(sorted(tokens), 2):
                by_pair[pair].add(root)

    def fits(a: Identity, b: Identity) -> bool:
        return (
            _any_compatible(a.names, b.names)
            and not (a.births and b.births and not a.births & b.births)
            and not (a.a_numbers and b.a_numbers and not a.a_numbers & b.a_numbers)
        )

    neighbours: dict[str, list[str]] = {}
    for root in sorted(groups):
        candidates = {
            other for n in info[root].names for pair in itertools.combinations(sorted(n), 2) for other in by_pair[pair]
        } - {root}
        neighbours[root] = [other for other in sorted(candidates) if fits(info[root], info[other])]
    seen: set[str] = set()
    for root in sorted(groups):
        if root in seen or not neighbours[root]:
            continue
        component, stack = [], [root]
        seen.add(root)
        while stack:
            item = stack.pop()
            component.append(item)
            for other in neighbours[item]:
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        component.sort()
        if _hangs_together([info[r] for r in component], fits):
            for other in component[1:]:
                join(groups[component[0]][0], groups[other][0], "name_only")
        else:
            for member in component:
                if len(neighbours[member]) == 1:
                    join(groups[member][0], groups[neighbours[member][0]][0], "name_only")


def _hangs_together(members: list[Identity], fits: Any) -> bool:
    births = set().union(*(m.births for m in members))
    a_numbers = set().union(*(m.a_numbers for m in members))
    if len(births) > 1 or len(a_numbers) > 1:
        return False
    return all(fits(a, b) for i, a in enumerate(members) for b in members[i + 1 :])


def derive_case_id(key: bytes, identities: list[Identity]) -> str:
    """A new case's id: the HMAC of its strongest identity, never the identity itself."""
    anchors = (
        sorted(f"a:{v}" for i in identities for v in i.a_numbers)
        or sorted(f"r:{v}" for i in identities for v in i.receipts)
        or sorted(f"n:{' '.join(sorted(n))}|{b}" for i in identities for n in i.names for b in i.births)
        or sorted(f"d:{i.sha256}" for i in identities)
    )
    return hmac.new(key, anchors[0].encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def pseudonym_for(case_id: str, taken: set[str]) -> str:
    """case-7f3a9c: the first hex digits of the (already keyed) case id, longer only if they collide."""
    for length in range(6, len(case_id) + 1):
        candidate = f"case-{case_id[:length]}"
        if candidate not in taken:
            return candidate
    raise ValueError("pseudonym collision on a full case id")


def link_cases(con: duckdb.DuckDBPyConnection, key: bytes) -> LinkStats:
    """Link every readable document into a case and rewrite cases, case_documents and case_links."""
    identities = read_identities(con)
    uf, links = find_links(identities)
    groups: dict[str, list[str]] = defaultdict(list)
    for sha in sorted(identities):
        groups[uf.find(sha)].append(sha)
    previous = dict(con.execute("SELECT sha256, case_id FROM case_documents").fetchall())
    existing = {
        row[0]: (row[1], row[2])
        for row in con.execute(
            "SELECT case_id, pseudonym, created_at FROM cases ORDER BY created_at, case_id"
        ).fetchall()
    }
    order = {case_id: rank for rank, case_id in enumerate(existing)}
    stats = LinkStats(documents=len(identities))
    # Groups that held most old documents choose first, so a split leaves the id with the bigger part.
    claims = sorted(
        groups.values(),
        key=lambda members: (-sum(1 for s in members if s in previous), members[0]),
    )
    assigned: dict[str, list[str]] = {}
    for members in claims:
        olds = sorted(
            {previous[s] for s in members if s in previous and previous[s] in existing}, key=lambda c: order[c]
        )
        case_id = next((c for c in olds if c not in assigned), None)
        if case_id is None:
            case_id = derive_case_id(key, [identities[s] for s in members])
            suffix = 1
            while case_id in assigned or (case_id in existing and case_id not in olds):
                suffix += 1
                case_id = hmac.new(key, f"{case_id}#{suffix}".encode(), hashlib.sha256).hexdigest()[:16]
            stats.new_cases += 1
        else:
            stats.kept_cases += 1
        assigned[case_id] = members
    reason_of: dict[str, str] = {}
    for a, b, reason in links:
        for sha in (a, b):
            if sha not in reason_of or REASONS.index(reason) < REASONS.index(reason_of[sha]):
                reason_of[sha] = reason
    case_of = {sha: case_id for case_id, members in assigned.items() for sha in members}
    taken = {pseudonym for cid, (pseudonym, _) in existing.items() if cid in assigned}
    new_rows = []
    for case_id in sorted(assigned):
        if case_id not in existing:
            pseudonym = pseudonym_for(case_id, taken)
            taken.add(pseudonym)
            new_rows.append((case_id, pseudonym))
    retired = [c for c in existing if c not in assigned]
    stats.retired_cases = len(retired)
    stats.cases = len(assigned)
    doc_rows = [(sha, case_of[sha], reason_of.get(sha, "alone")) for sha in sorted(case_of)]
    for _, _, reason in doc_rows:
        stats.reasons[reason] = stats.reasons.get(reason, 0) + 1
    try:
        with db.transaction(con):
            _replace_links(con, retired, new_rows, doc_rows, [(case_of[a], a, b, r) for a, b, r in sorted(links)])
    finally:
        con.unregister("incoming_rows")
    return stats


def _replace_links(
    con: duckdb.DuckDBPyConnection,
    retired: list[str],
    new_rows: list[tuple[str, str]],
    doc_rows: list[tuple[str, str, str]],
    link_rows: list[tuple[str, str, str, str]],
) -> None:
    if retired:
        con.execute("DELETE FROM cases WHERE case_id IN (SELECT unnest(?))", [retired])
    _insert(con, "cases", ("case_id", "pseudonym"), new_rows)
    con.execute("DELETE FROM case_documents")
    con.execute("DELETE FROM case_links")
    _insert(con, "case_documents", ("sha256", "case_id", "link_reason"), doc_rows)
    _insert(con, "case_links", ("case_id", "sha256_a", "sha256_b", "reason"), link_rows)


def _insert(
    con: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...], rows: Sequence[tuple[str, ...]]
) -> None:
    """Bulk insert through Arrow (executemany is row by row); table and columns are this module's constants."""
    if not rows:
        return
    data = pa.table({name: [row[i] for row in rows] for i, name in enumerate(columns)})
    con.register("incoming_rows", data)
    con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM incoming_rows")  # noqa: S608


def refresh(con: duckdb.DuckDBPyConnection, key: bytes, corrections_path: Path) -> dict[str, Any]:
    """What the flow calls right before publish: copy corrections in, then link cases over corrected facts.

    Idempotent: running it twice leaves identical tables.
    """
    from warehouse import corrections

    applied = corrections.apply_corrections(con, corrections_path)
    stats = link_cases(con, key)
    return {
        "corrections": applied,
        "documents": stats.documents,
        "cases": stats.cases,
        "new_cases": stats.new_cases,
        "retired_cases": stats.retired_cases,
        **{f"linked_by_{reason}": count for reason, count in sorted(stats.reasons.items())},
    }
