#!/usr/bin/env bash
# Installs everything the project needs on a Debian 12 machine, idempotently:
# Debian packages, a virtualenv with CKAN 2.12 and the pinned extensions, the Solr 9 jars from
# Maven Central, the commune reference data. A second run only checks and reuses.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

APT_PACKAGES=(
  postgresql redis-server            # real services for CKAN and its job queue
  libpq-dev gcc python3-dev           # psycopg2 builds from source
  python3-venv libmagic1              # virtualenv; python-magic (CKAN uploads)
  default-jdk-headless maven          # Solr 9 runs from its Maven Central jars
  chromium chromium-driver            # headless browser checks (never a downloaded browser)
  npm                                 # fetches @etalab/decoupage-administratif (communes)
  libreoffice-writer-nogui            # checks the DOCX/ODT clause exports convert
  curl ca-certificates
)

install_debian_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  # This machine kind may ship Java, Maven and npm outside Debian's package database.
  command -v java >/dev/null && command -v javac >/dev/null && missing=("${missing[@]/default-jdk-headless}")
  command -v mvn >/dev/null && missing=("${missing[@]/maven}")
  command -v npm >/dev/null && missing=("${missing[@]/npm}")
  command -v python3 >/dev/null && python3 -m venv --help >/dev/null 2>&1 && missing=("${missing[@]/python3-venv}")
  local wanted=()
  for pkg in "${missing[@]}"; do [ -n "$pkg" ] && wanted+=("$pkg"); done
  [ ${#wanted[@]} -eq 0 ] && return 0
  log "apt-get install ${wanted[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
}

install_python_packages() {
  local stamp="$VENV/.socle-requirements" want
  want="$(cat "$ROOT/requirements.txt" "$ROOT/dev-requirements.txt" | sha256sum | cut -c1-16)"
  [ -x "$PY" ] || { log "creating virtualenv $VENV"; python3 -m venv "$VENV"; }
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "pip install (CKAN 2.12.0 with its pins, extensions, test tools)"
    "$PY" -m pip install -q --upgrade pip wheel "setuptools<81"
    # One command, so CKAN's exact pins constrain the extensions' open ranges.
    "$PY" -m pip install -q -r "$ROOT/requirements.txt" -r "$ROOT/dev-requirements.txt"
    echo "$want" > "$stamp"
  fi
  # Editable: CKAN finds templates, schemas/ and i18n/ in the working tree.
  "$PY" -m pip install -q --no-deps --no-build-isolation -e "$ROOT" 2>/dev/null \
    || "$PY" -m pip install -q --no-deps -e "$ROOT"
}

install_solr_jars() {
  if [ -z "$(ls -A "$SOLR_LIB" 2>/dev/null)" ]; then
    log "downloading Solr $SOLR_VERSION jars from Maven Central into $SOLR_LIB"
    mkdir -p "$SOLR_LIB"
    mvn -B -q -f "$ROOT/stack/solr/pom.xml" dependency:copy-dependencies \
      -Dsolr.version="$SOLR_VERSION" -Druntime.lib.dir="$SOLR_LIB"
  fi
  local classes="$SOCLE_HOME/solr-$SOLR_VERSION/classes"
  if [ ! -f "$classes/SolrLauncher.class" ] || [ "$ROOT/stack/solr/SolrLauncher.java" -nt "$classes/SolrLauncher.class" ]; then
    mkdir -p "$classes"
    javac -nowarn -cp "$SOLR_LIB/*" -d "$classes" "$ROOT/stack/solr/SolrLauncher.java"
  fi
}

compile_translations() {
  local po
  for po in "$ROOT"/i18n/*/LC_MESSAGES/ckanext-socle.po; do
    [ -f "$po" ] || continue
    "$PY" -m babel.messages.frontend compile -i "$po" -o "${po%.po}.mo" -q 2>/dev/null \
      || "$VENV/bin/pybabel" -q compile -i "$po" -o "${po%.po}.mo"
  done
}

mkdir -p "$SOCLE_HOME"
install_debian_packages
install_python_packages
install_solr_jars
compile_translations
if [ -x "$ROOT/scripts/fetch-reference.sh" ] || [ -f "$ROOT/scripts/fetch-reference.sh" ]; then
  bash "$ROOT/scripts/fetch-reference.sh"
fi
log "install: ok"
