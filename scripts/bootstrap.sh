#!/bin/sh
# Creates .venv with Python >= 3.12 and installs medparole with its dev and dask extras; installs the Debian
# packages the project needs when run as root (otherwise it says which to install). Safe to run again: it only
# reinstalls when pyproject.toml changed.
set -eu
cd "$(dirname "$0")/.."

missing=""
command -v tesseract >/dev/null 2>&1 || missing="$missing tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa"
if command -v tesseract >/dev/null 2>&1; then
    langs=$(tesseract --list-langs 2>/dev/null || true)
    echo "$langs" | grep -qx eng || missing="$missing tesseract-ocr-eng"
    echo "$langs" | grep -qx spa || missing="$missing tesseract-ocr-spa"
fi
[ -x /usr/bin/chromium ] || missing="$missing chromium"
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing Debian packages:$missing" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
        echo "medparole needs these system packages:$missing" >&2
        echo "  Debian/Ubuntu: sudo apt-get install$missing" >&2
        echo "  macOS:         brew install tesseract tesseract-lang chromium" >&2
        echo "(OCR of scans needs Tesseract; the browser test needs Chromium.) Continuing without them." >&2
    fi
fi

PY=$(sh scripts/find-python.sh)
stamp=.venv/.medparole-installed
want=$(cat pyproject.toml | cksum | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
    echo "creating .venv with $PY" >&2
    rm -rf .venv
    "$PY" -m venv .venv
fi
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    echo "installing medparole and its dependencies into .venv (a few minutes the first time)" >&2
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[dev,dask]"
    echo "$want" > "$stamp"
fi
