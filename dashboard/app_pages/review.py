"""Review: what waits for a person; confirm, edit or reject a fact, or add a missing one. Each correction is
kept with who, when and why, and shows at once."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, privacy, review_actions, sidebar
from dashboard.privacy import Mode
from warehouse import corrections
from warehouse.corrections import Action, CorrectionError
from warehouse.db import WarehouseError

st.title("Review")
mode = sidebar.current_mode()
sidebar.mode_banner(mode)
flt = sidebar.current_filter()
try:
    queue = data.review_queue(flt)
except WarehouseError as exc:
    st.info(str(exc))
    st.stop()

kinds = queue["kind"].value_counts()
st.caption(f"For {privacy.shown_sentence(flt, queue['case_id'].nunique(), mode)}")
for column, kind in zip(st.columns(len(review_actions.KIND_LABELS)), review_actions.KIND_LABELS, strict=True):
    column.metric(review_actions.KIND_LABELS[kind], privacy.shown_count(int(kinds.get(kind, 0)), mode), border=True)
if mode is not Mode.identified:
    st.info("Reviewing means reading the documents' words, which can hold names: switch to Identified mode.")
    st.stop()

author = st.user.get("email") if st.user.get("is_logged_in") else None
if not author:
    author = st.text_input("Your name", key="review_author", help="Kept with every correction you make.")


def _low_confidence(queue: pd.DataFrame, author: str | None) -> None:
    """Facts below confidence 0.6; one selected opens a form to confirm, edit or reject it."""
    facts = queue[queue["kind"] == "low_confidence"].reset_index(drop=True)
    st.caption(f"{len(facts):,} facts below confidence 0.6 and not yet reviewed. Select one to correct it.")
    picked = st.dataframe(
        facts[["pseudonym", "file_name", "field", "value", "text", "confidence"]],
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="review_facts",
        column_config={
            "pseudonym": "Case", "file_name": "Document", "field": "Field", "value": "Value",
            "text": st.column_config.TextColumn("Words in the document", width="medium"),
            "confidence": st.column_config.ProgressColumn("Confidence", min_value=0.0, max_value=1.0, format="%.2f"),
        },
    )  # fmt: skip
    rows = picked.selection.rows if picked else []
    if rows:
        fact = facts.iloc[rows[0]].to_dict()
        with st.form("correct_fact", clear_on_submit=True):
            st.markdown(f"**{fact['field'].replace('_', ' ')}**: `{fact['value']}` — “{fact['text']}”")
            action = st.radio("Action", list(Action)[:3], format_func=str.capitalize, horizontal=True, key="fix_action")
            new_value = st.text_input("Corrected value (for an edit)", key="fix_value")
            reason = st.text_input("Why", key="fix_reason")
            if st.form_submit_button("Save correction", type="primary", key="fix_submit"):
                try:
                    correction = review_actions.correction_for(
                        fact, Action(action), author or "", reason, new_value or None
                    )
                    corrections.record_correction(data.settings().corrections_db, correction)
                except CorrectionError as exc:
                    st.error(str(exc))
                else:
                    st.toast(f"Saved: {action} {fact['field']}", icon=":material/check:")
                    st.rerun()


def _conflicts(queue: pd.DataFrame, author: str | None) -> None:
    """Where a case's documents disagree."""
    rows = queue[queue["kind"] == "conflict"]
    st.caption("Where a case's documents disagree; open the case to see them side by side.")
    st.dataframe(
        rows[["pseudonym", "field", "value", "detail"]],
        hide_index=True,
        column_config={"pseudonym": "Case", "field": "Field", "value": "Values", "detail": "Why"},
    )


def _unread(queue: pd.DataFrame, author: str | None) -> None:
    """Documents that could not be read, or only partly."""
    st.caption("Documents that could not be read, or only partly, and what to do about each.")
    failed = data.failed_documents()
    st.dataframe(failed.drop(columns=["sha256"]), hide_index=True, column_config={
        "file_name": "Document", "status": "Status", "error_code": "Error",
        "error_message": st.column_config.TextColumn("What to do", width="large"), "media_type": "Type",
        "extracted_at": "Read at"})  # fmt: skip


def _links(queue: pd.DataFrame, author: str | None) -> None:
    """Documents linked to their case by weak evidence, or to none."""
    rows = queue[queue["kind"].isin(["weak_link", "unlinked_document"])]
    st.dataframe(
        rows[["pseudonym", "file_name", "detail"]],
        hide_index=True,
        column_config={"pseudonym": "Case", "file_name": "Document", "detail": "Why"},
    )


def _add_missing(queue: pd.DataFrame, author: str | None) -> None:
    """A fact the extraction missed, added to a document by hand."""
    search = st.text_input(
        "Find the document",
        key="add_search",
        placeholder="Part of its file name, or its case (case-7f3a…)",
        help="The list below shows the 50 most recently read documents that match.",
    )
    docs = data.document_choices(search, limit=50)
    if not docs:
        st.caption("No document's file name or case matches that.")
    with st.form("add_fact", clear_on_submit=True):
        names = dict(docs)
        sha = st.selectbox("Document", list(names), format_func=names.get, key="add_document")
        field = st.selectbox("Field", data.fields(data.published_version()), key="add_field")
        value = st.text_input(
            "Value", key="add_value", help="Normalized as the contract says: dates YYYY-MM-DD, outcome granted..."
        )
        role = st.text_input(
            "Role or kind (optional)",
            help="For a date its role (decision, parole_end...); for an identifier its kind (a_number...)",
        )
        reason = st.text_input("Why", key="add_reason")
        if st.form_submit_button("Add fact", type="primary", key="add_submit"):
            attributes = {("role" if field == "date" else "kind"): role.strip()} if role.strip() else {}
            try:
                correction = review_actions.missing_fact(str(sha), str(field), value, author or "", reason, attributes)
                corrections.record_correction(data.settings().corrections_db, correction)
            except CorrectionError as exc:
                st.error(str(exc))
            else:
                st.toast(f"Added {field} to the document", icon=":material/check:")
                st.rerun()


# Lazy tabs: only the open tab is read and drawn, so a filter change costs one table rather than five, and the
# document list of "Add a missing fact" and the unread documents are read only where they are shown.
SECTIONS = {
    "Low-confidence facts": _low_confidence,
    "Conflicts": _conflicts,
    "Unread documents": _unread,
    "Links to check": _links,
    "Add a missing fact": _add_missing,
}
for tab, draw in zip(st.tabs(list(SECTIONS), key="review_tab", on_change="rerun"), SECTIONS.values(), strict=True):
    if tab.open:
        with tab:
            draw(queue, author)

st.subheader("Recent corrections")
history = corrections.read_corrections(data.settings().corrections_db).sort_values("created_at", ascending=False)
st.dataframe(
    history[["created_at", "author", "action", "field", "old_value", "new_value", "reason"]].head(50), hide_index=True
)
