#!/bin/sh
# Prints the path of a Python >= 3.12 interpreter, or explains what to install and exits 1.
# Tries $PYTHON, then python3.12 / 3.13 / 3.14 and python3 on PATH, then pyenv's and uv's installs
# (a pyenv shim on PATH may exist without a version behind it, so each candidate is actually run).
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
for candidate in ${PYTHON:-} python3.12 python3.13 python3.14 python3 \
    "$HOME"/.pyenv/versions/3.12*/bin/python3 "$HOME"/.pyenv/versions/3.13*/bin/python3 \
    "$HOME"/.local/share/uv/python/cpython-3.12*/bin/python3 "$HOME"/.local/share/uv/python/cpython-3.13*/bin/python3 \
    /usr/local/bin/python3.12 /usr/local/bin/python3.13 /opt/homebrew/bin/python3.12 /opt/homebrew/bin/python3.13; do
    [ -n "$candidate" ] || continue
    if ok "$candidate"; then
        command -v "$candidate" 2>/dev/null || echo "$candidate"
        exit 0
    fi
done
cat >&2 <<'MSG'
medparole needs Python 3.12 or newer, and none was found.
Install one, then run the command again:
  Debian/Ubuntu:  sudo apt-get install python3.12 python3.12-venv   (Ubuntu 24.04+, Debian 13+)
  macOS:          brew install python@3.12
  any system:     https://www.python.org/downloads/  or  `uv python install 3.12`
Or point PYTHON at one:  make test PYTHON=/path/to/python3.12
MSG
exit 1
