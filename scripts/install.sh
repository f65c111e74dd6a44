#!/usr/bin/env bash
# Install everything bulletin needs into ./.venv (and, on Debian as root, the system packages).
#   bash scripts/install.sh          # run-time: Chinese fonts for the PDF + the package
#   bash scripts/install.sh --test   # also LibreOffice (the real-client test), poppler, test extras
set -euo pipefail
cd "$(dirname "$0")/.."

test_mode=0
[ "${1:-}" = "--test" ] && test_mode=1

debs="fontconfig fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei fonts-lxgw-wenkai fonts-liberation2 fonts-noto-cjk"
[ "$test_mode" = 1 ] && debs="$debs poppler-utils libreoffice-writer-nogui pandoc qpdf"

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  missing=$(for p in $debs; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
  if [ -n "$missing" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
else
  echo "note: not Debian as root; install these (or equivalents) yourself: $debs" >&2
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
if [ "$test_mode" = 1 ]; then
  .venv/bin/python -m pip install -q -e '.[dev,dask]'
else
  .venv/bin/python -m pip install -q -e .
fi
# Byte-compile the package: the environment may forbid Python to write .pyc files
# (PYTHONDONTWRITEBYTECODE), and compiling its modules at every start costs ~0.1 s.
.venv/bin/python -m compileall -q pipeline/bulletin >/dev/null
# Resolve the fonts once now: a CFF title face (Noto Serif CJK SC Bold) gets its TrueType copy here
# (~35 s, once per user) rather than in the first conversion.
.venv/bin/bulletin fonts >/dev/null 2>&1 || true
