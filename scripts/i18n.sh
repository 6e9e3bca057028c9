#!/usr/bin/env bash
# Refresh the gettext catalogues of the ckanext-socle domain from the code and templates:
#   bash scripts/i18n.sh        # extract → i18n/ckanext-socle.pot, update fr and en .po, compile .mo
# Messages are written in French in the code (French first); the en catalogue translates them.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
pybabel -q extract -F i18n/babel.cfg -k _ -k N_ -k ungettext:1,2 -k ngettext:1,2 \
  --sort-by-file --project=ckanext-socle --copyright-holder="ckanext-socle contributors" \
  -o i18n/ckanext-socle.pot ckanext
for locale in fr en; do
  po="i18n/$locale/LC_MESSAGES/ckanext-socle.po"
  if [ -f "$po" ]; then
    pybabel -q update -D ckanext-socle -l "$locale" -i i18n/ckanext-socle.pot -d i18n --no-fuzzy-matching
  else
    pybabel -q init -D ckanext-socle -l "$locale" -i i18n/ckanext-socle.pot -d i18n
  fi
  pybabel -q compile -D ckanext-socle -l "$locale" -d i18n --use-fuzzy 2>/dev/null || true
done
grep -c '^msgid ' i18n/ckanext-socle.pot | xargs -I{} echo "{} messages"
