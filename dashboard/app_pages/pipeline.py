"""Pipeline: recent runs and their counts, documents that could not be read and why, uploads, runs."""

from __future__ import annotations

import streamlit as st

from dashboard import data, privacy, sidebar, uploads
from dashboard.privacy import Mode
from warehouse.db import WarehouseError
from warehouse.settings import load_settings

st.title("Pipeline")
mode = sidebar.current_mode()
sidebar.mode_banner(mode)
settings = load_settings()
inbox = settings.data_dir / "inbox"
log = settings.data_dir / "runs" / "dashboard-run.log"

RUN_COUNTS = ("seen", "new", "skipped", "failed", "pages")

st.subheader("Recent runs")
try:
    runs = data.recent_runs(data.published_version())
    if mode is Mode.shared:  # counts of documents from 1 to 10 are hidden here as on every page
        for column in RUN_COUNTS:
            runs = privacy.display_counts(privacy.suppress(runs, (column,)), column).drop(columns=["suppressed"])
    st.dataframe(
        runs,
        hide_index=True,
        column_config={
            "started_at": st.column_config.DatetimeColumn("Started", format="YYYY-MM-DD HH:mm"),
            "flow": "Flow",
            "status": "State",
            "seen": "Files seen",
            "new": "Extracted",
            "skipped": "Already known",
            "failed": "Failed",
            "pages": "Pages",
            "duration_s": st.column_config.NumberColumn("Seconds", format="%.1f"),
            "extractor_version": "Rules version",
        },
    )
    unreadable = data.unreadable_documents(data.published_version())
    st.subheader(f"Documents that could not be read ({privacy.shown_count(len(unreadable), mode)})")
    if mode is not Mode.identified:
        unreadable = unreadable.drop(columns=["file_name"])
    if mode is Mode.shared:  # one row per document would count them
        unreadable = unreadable.groupby(["error_code"], dropna=False).size().reset_index(name="documents")
        unreadable = privacy.display_counts(privacy.suppress(unreadable, ("documents",)), "documents")
        unreadable = unreadable.drop(columns=["suppressed"]).assign(sha256="")
    st.dataframe(
        unreadable.drop(columns=["sha256"]),
        hide_index=True,
        column_config={
            "file_name": "Document",
            "status": "State",
            "error_code": "Error",
            "error_message": st.column_config.TextColumn("What to do", width="large"),
            "documents": "Documents",
            "media_type": "Type",
            "extracted_at": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm"),
        },
    )
except WarehouseError as exc:
    st.info(str(exc))

st.subheader("Add documents")
st.caption(
    "PDF, Word (.docx), photos (PNG, JPEG, TIFF), text and e-mail (.eml). Files are checked by their content, "
    f"kept in {inbox}, and read by the same ingest flow an analyst runs; nothing is lost if a file fails."
)
files = st.file_uploader("Documents", accept_multiple_files=True, key="uploads")
for item in files or []:
    try:
        kept = uploads.accept_upload(item.name, item.getvalue(), inbox, settings.max_file_mb)
        st.success(f"{item.name}: kept as {kept.name}")
    except uploads.UploadRejected as exc:
        st.error(str(exc))

running = uploads.running_flow(settings.data_dir)
left, right = st.columns(2)
if left.button("Ingest the inbox now", disabled=running is not None, icon=":material/play_arrow:"):
    uploads.start_flow(["ingest", str(inbox)], settings.data_dir, log)
    st.rerun()
if right.button("Re-extract after a rule change", disabled=running is not None, icon=":material/refresh:"):
    uploads.start_flow(["reextract"], settings.data_dir, log)
    st.rerun()
if running is not None:
    st.info("A run is in progress; this page shows its latest output. Reload to follow it.")
tail = uploads.log_tail(log) if mode is Mode.identified else ""  # a failed run's details may quote a file name
if tail:
    st.code(tail, language=None)
