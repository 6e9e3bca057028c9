# Shared settings of the project's scripts (sourced, not run).
# Everything heavy (virtualenv, Solr jars, Solr index, uploads, reference data) lives outside the
# git tree, under SOCLE_HOME, so a fresh clone reuses what an earlier run installed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SOCLE_HOME="${SOCLE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/ckanext-socle}"
VENV="${SOCLE_VENV:-$SOCLE_HOME/venv}"
SOLR_VERSION="${SOLR_VERSION:-9.7.0}"
SOLR_LIB="$SOCLE_HOME/solr-$SOLR_VERSION/lib"
SOLR_RUN="$SOCLE_HOME/solr-home"
SOLR_PORT="${SOLR_PORT:-8983}"
PG_VERSION="${PG_VERSION:-15}"
PG_PORT="${PG_PORT:-5432}"
REDIS_PORT="${REDIS_PORT:-6379}"
CKAN_PORT="${CKAN_PORT:-5000}"
PY="$VENV/bin/python"
export PATH="$VENV/bin:$PATH"

log() { printf '\033[1;34m[socle]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[socle] %s\033[0m\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
