#!/usr/bin/env bash
# Refresh each app's translation catalogue (fr, nl) from the source, then compile.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
# The loop runs inside each app folder: make a relative BIN absolute first.
case "$BIN" in /*) ;; *) BIN="$PWD/$BIN" ;; esac
export CITYRIGHTS_DATA_DIR="$PWD/var"
for app in src/cityrights/*/; do
    [ -f "$app/apps.py" ] || continue
    mkdir -p "$app/locale"
    (cd "$app" && DJANGO_SETTINGS_MODULE=cityrights.settings.dev "$BIN/cityrights" makemessages \
        -l fr -l nl --no-obsolete --no-location --ignore "migrations/*" -v 0)
done
"$BIN/python" scripts/compile_messages.py
