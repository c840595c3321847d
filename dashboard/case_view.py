"""The Case page's sections: summary, conflicts side by side, facts with their evidence, documents."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data, page_image
from dashboard.evidence import document_text, highlight_html, sentence_around

IDENTIFYING_FIELDS = ("patient_name", "identifier")
FIELD_ORDER = [
    "outcome", "diagnosis", "treatment", "treatment_unavailable_in_home_country", "cost", "date", "facility",
    "physician", "legal_org", "decision_authority", "parole_duration_months", "country_of_origin", "age_years",
    "patient_name", "identifier",
]  # fmt: skip


def _attributes(raw: Any) -> dict[str, Any]:
    try:
        value = json.loads(raw) if isinstance(raw, str) and raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def deidentified_facts(facts: pd.DataFrame) -> pd.DataFrame:
    """Facts without names, identifiers or dates of birth, and without their source text."""
    birth = facts["attributes"].map(lambda a: _attributes(a).get("role") == "birth")
    keep = ~facts["field"].isin(IDENTIFYING_FIELDS) & ~birth
    return facts.loc[keep, ["doc_type", "field", "value", "confidence"]].reset_index(drop=True)


def expiry_words(days: Any) -> str | None:
    """'in 40 days', 'today', 'expired 25 days ago'."""
    if days is None or pd.isna(days):
        return None
    days = int(days)
    if days == 0:
        return "ends today"
    return f"in {days:,} days" if days > 0 else f"expired {-days:,} days ago"


def summary(case: Mapping[str, Any], identity: Mapping[str, Any]) -> None:
    st.header(str(case["pseudonym"]))
    if identity.get("patient_names"):
        st.markdown(
            f"**{identity['patient_names']}** · A-number {identity.get('a_numbers') or '–'} · receipt "
            f"{identity.get('receipt_numbers') or '–'} · born {identity.get('dates_of_birth') or '–'}"
        )
    cols = st.columns(4)
    cols[0].metric("Outcome", str(case["latest_outcome"] or "–"))
    cols[1].metric("Days to decision", "–" if pd.isna(case["days_to_decision"]) else f"{case['days_to_decision']:,}")
    expiry = case["days_to_expiry"]
    cols[2].metric(
        "Parole ends", str(case["parole_end"] or "–"), expiry_words(expiry), delta_color="off", delta_arrow="off"
    )
    cols[3].metric("Documents", f"{case['documents']:,}")
    age = "–" if pd.isna(case["age_years"]) else f"{case['age_years']}"
    st.markdown(
        f"Age {age} · from {case['country'] or '–'} · **{case['primary_diagnosis'] or 'no diagnosis'}** "
        f"({case['icd10'] or 'no ICD-10'}) · {case['facility'] or 'no facility'} {case['facility_state'] or ''} · "
        f"{case['legal_org'] or 'no legal organisation named'}"
        + (" · :orange-badge[needs review]" if case["needs_review"] else "")
    )


def conflicts(frame: pd.DataFrame, show_text: bool) -> None:
    """Each disputed field: one column a value, with the documents (and words) stating it."""
    for field, rows in frame.groupby("field", sort=True):
        st.markdown(f"**{str(field).replace('_', ' ')}**")
        values = list(dict.fromkeys(rows["value"]))
        for column, value in zip(st.columns(len(values)), values, strict=True):
            with column.container(border=True):
                st.markdown(
                    f"`{value}`"
                    if show_text or field not in ("patient_name", "a_number", "date_of_birth")
                    else "hidden"
                )
                for _, row in rows[rows["value"] == value].iterrows():
                    where = f"{row['file_name']}, page {row['page']}" if show_text else "a document"
                    quote = f" — “{row['text']}”" if show_text else ""
                    st.caption(f"{where}{quote}")


def evidence(facts: pd.DataFrame, pages: Mapping[str, list[tuple[int, str]]]) -> None:
    """Facts by field; each with its value, confidence, document and the sentence with the span marked."""
    texts = {sha: document_text(p) for sha, p in pages.items()}
    order = {f: i for i, f in enumerate(FIELD_ORDER)}
    for field in sorted(facts["field"].unique(), key=lambda f: (order.get(f, 99), f)):
        rows = facts[facts["field"] == field]
        with st.expander(f"{field.replace('_', ' ')} ({len(rows)})", expanded=field in ("outcome", "diagnosis")):
            # Plain dicts: a row as a Series costs more than the HTML it makes.
            items = [_evidence_item(fact, texts.get(fact["sha256"], "")) for fact in rows.to_dict("records")]
            st.html("<div class='mp-evidence'>" + "".join(items) + "</div>" + _STYLE)


def _evidence_item(fact: Mapping[str, Any], text: str) -> str:
    attrs = _attributes(fact["attributes"])
    detail = ", ".join(f"{k} {v}" for k, v in attrs.items() if k not in ("monthly_usd",) and v not in (None, ""))
    found = None
    if not pd.isna(fact["start_offset"]) and not pd.isna(fact["end_offset"]):
        found = sentence_around(text, int(fact["start_offset"]), int(fact["end_offset"]))
    if found and found.span.strip():
        quote = highlight_html(found.sentence, found.start, found.end)
    else:
        quote = html.escape(str(fact["text"]))
    correction = (
        f" <span class='mp-badge'>{html.escape(str(fact['correction']))}ed</span>" if fact["correction"] else ""
    )
    confidence = "" if pd.isna(fact["confidence"]) else f"{float(fact['confidence']):.2f}"
    page = "" if pd.isna(fact["page"]) else f", page {int(fact['page'])}"
    return (
        f"<div class='mp-fact'><div><b>{html.escape(str(fact['value']))}</b>{correction}"
        f"<span class='mp-meta'> {html.escape(detail)} · confidence {confidence} · "
        f"{html.escape(str(fact['file_name']))}{page}</span></div>"
        f"<blockquote>{quote}</blockquote></div>"
    )


@st.cache_data(max_entries=32, show_spinner=False)
def _rendered(sha256: str, page: int, start: int, end: int, page_text: str) -> page_image.PageImage | str:
    """The boxed page (cached: a user flips between a few facts), or why there is none."""
    stored = data.stored_file(sha256)
    if stored is None:
        return "The original file is not in the store, so its page cannot be shown."
    try:
        return page_image.render(stored, page, start, end, page_text)
    except page_image.PageImageError as exc:
        return f"The page could not be drawn: {exc}"


def page_images(facts: pd.DataFrame, documents: pd.DataFrame, pages: Mapping[str, list[tuple[int, str]]]) -> None:
    """One fact at a time on its page image, the span boxed (PDFs and photos only)."""
    imageable = set(documents.loc[documents["media_type"].isin(page_image.IMAGE_TYPES), "sha256"])
    rows = facts[facts["sha256"].isin(imageable) & facts["start_offset"].notna() & facts["end_offset"].notna()]
    if rows.empty:
        st.caption("No fact of this case comes from a PDF or a photo, so there is no page image to show.")
        return
    labels = {
        index: f"{str(row['field']).replace('_', ' ')}: {row['value']} ({row['file_name']}, page {row['page']})"
        for index, row in rows.iterrows()
    }
    chosen = st.selectbox("Fact to show on its page", list(labels), format_func=labels.__getitem__, key="page_fact")
    fact = rows.loc[chosen]
    where = page_image.page_span(pages.get(fact["sha256"], []), int(fact["start_offset"]), int(fact["end_offset"]))
    if where is None:
        st.caption("The stored text of this document has no such page.")
        return
    number, start, end, text = where
    with st.spinner("Drawing the page…"):
        result = _rendered(str(fact["sha256"]), number, start, end, text)
    if isinstance(result, str):
        st.warning(result)
        return
    note = "read by OCR; " if result.ocr else ""
    placed = "the span is boxed" if result.boxes else "the span could not be placed on the image; see the text above"
    st.image(result.png, caption=f"{fact['file_name']}, page {number} ({note}{placed})")


_STYLE = """<style>
.mp-fact{margin:0 0 .8rem 0}
.mp-meta{color:#666;font-size:.85rem}
.mp-fact blockquote{margin:.2rem 0 0 0;padding:.3rem .6rem;border-left:3px solid #ccc;background:#fafafa}
.mp-fact mark{background:#ffe082;padding:0 .1rem}
.mp-badge{background:#e3f2fd;border-radius:.3rem;padding:0 .3rem;font-size:.8rem;margin-left:.3rem}
</style>"""


def documents(frame: pd.DataFrame, show_files: bool) -> None:
    """The case's documents with their dates; in identified mode, the source file of each to download."""
    shown = frame.drop(columns=["sha256", "media_type"] + ([] if show_files else ["file_name", "error_message"]))
    st.dataframe(shown, hide_index=True, column_config={"file_name": "Document", "doc_type": "Type"})
    if not show_files:
        return
    for _, doc in frame.iterrows():
        stored = data.stored_file(str(doc["sha256"]))
        if stored is None:
            st.caption(f"{doc['file_name']}: the original file is not in the store.")
            continue
        st.download_button(
            f"{doc['file_name']}",
            data=stored.read_bytes,
            file_name=str(doc["file_name"]),
            mime=str(doc["media_type"] or "application/octet-stream"),
            icon=":material/download:",
            on_click="ignore",
            key=f"source_{doc['sha256']}",
        )
