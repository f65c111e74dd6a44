#!/usr/bin/env bash
# The message catalogue, with Babel (a dev dependency): extract the marked messages, merge them
# into the Chinese catalogue, compile it. Run after changing or adding a message; translate the new
# entries in pipeline/bulletin/locale/zh_CN/LC_MESSAGES/bulletin.po, then run it again.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
pybabel() { $py -c "import sys; from babel.messages.frontend import main; sys.argv[0] = \"pybabel\"; main()" "$@"; }
pot=$(mktemp --suffix=.pot)
pybabel extract -k _ -k ngettext:1,2 --no-location --sort-output \
    --project bulletin --copyright-holder "the bulletin authors" -o "$pot" pipeline/bulletin
po=pipeline/bulletin/locale/zh_CN/LC_MESSAGES/bulletin.po
if [ -f "$po" ]; then
  pybabel update -i "$pot" -d pipeline/bulletin/locale -D bulletin -l zh_CN \
      --no-fuzzy-matching --ignore-obsolete
else
  pybabel init -i "$pot" -d pipeline/bulletin/locale -D bulletin -l zh_CN
fi
pybabel compile -d pipeline/bulletin/locale -D bulletin --statistics
rm -f "$pot"
