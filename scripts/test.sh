#!/usr/bin/env bash
# The whole test suite against the real services, from a fresh machine:
#   bash scripts/test.sh                 # everything
#   bash scripts/test.sh tests/stack -x  # any pytest arguments
# Installs what is missing, starts PostgreSQL, Redis and Solr, then runs pytest --ckan-ini=test.ini.
# SOCLE_TEST_SLOT=name gives a run its own database, Solr core and Redis db (parallel runs).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash "$ROOT/scripts/install.sh"
bash "$ROOT/scripts/services.sh" start >/dev/null

if [ -n "${SOCLE_TEST_SLOT:-}" ]; then
  slot="ckan_test_${SOCLE_TEST_SLOT//[^a-z0-9_]/_}"
  bash "$ROOT/scripts/services.sh" database "$slot"
  bash "$ROOT/scripts/services.sh" core "$slot"
  export CKAN_SQLALCHEMY_URL="postgresql://ckan_default:pass@127.0.0.1/$slot"
  export CKAN_SOLR_URL="http://127.0.0.1:$SOLR_PORT/solr/$slot"
  export CKAN_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/$(( $(printf '%s' "$slot" | cksum | cut -d' ' -f1) % 12 + 3 ))"
  export CKAN_STORAGE_PATH="/tmp/ckanext-socle-test-storage-$slot"
fi

cd "$ROOT"
set +e
"$PY" -m pytest --ckan-ini=test.ini --durations=20 "${@:-tests}"
code=$?
set -e
# pytest's 5 means "no test collected": a suite that ran nothing is a failure here.
exit $code
