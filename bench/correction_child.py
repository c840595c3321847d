"""A coordinator who never stops correcting: drives the dashboard's Review page (Streamlit's AppTest runs the real
page code, button handler and all) to add one fact after another, and prints `ACK <value>` to stdout once the page
shows the correction saved. bench/correction_kill_bench.py and a test kill this process at random moments.

    MEDPAROLE_DATA_DIR=... .venv/bin/python bench/correction_child.py TAG
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")


def main(tag: str) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("app_pages/review.py")
    at.session_state["review_tab"] = "Add a missing fact"  # the tab a coordinator opens to add facts
    at.run()
    at.text_input(key="review_author").input("Kill Bench").run()
    number = 0
    while True:
        number += 1
        value = f"Org {tag}-{number}"
        at.selectbox(key="add_field").set_value("legal_org")
        at.text_input(key="add_value").input(value)
        at.text_input(key="add_reason").input("bench: correcting while the app is killed")
        at.button(key="add_submit").click().run()
        if at.exception:
            raise SystemExit(f"the page failed: {at.exception[0].message}")
        history = at.dataframe[-1].value
        if value in set(history["new_value"]):
            print(f"ACK {value}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
