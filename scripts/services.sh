#!/usr/bin/env bash
# Starts, stops and reports the real services on 127.0.0.1, idempotently (no systemd):
#   PostgreSQL (Debian cluster), Redis (Debian), Apache Solr 9 (Maven Central jars).
# Usage: scripts/services.sh start|stop|status
#        scripts/services.sh core NAME     # make sure a Solr core NAME exists (CKAN's schema)
#        scripts/services.sh database NAME # make sure a PostgreSQL database NAME exists
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SOLR_LOG="$SOCLE_HOME/solr.log"
SOLR_PID="$SOCLE_HOME/solr.pid"
PG_ROLE=ckan_default
PG_PASSWORD=pass

# ---------------------------------------------------------------- PostgreSQL
pg_start() {
  if ! pg_lsclusters -h 2>/dev/null | grep -q "^$PG_VERSION main"; then
    log "creating PostgreSQL $PG_VERSION cluster"
    as_root pg_createcluster "$PG_VERSION" main >/dev/null
  fi
  if ! pg_lsclusters -h | grep -q "^$PG_VERSION main .* online"; then
    log "starting PostgreSQL $PG_VERSION on 127.0.0.1:$PG_PORT"
    as_root pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start
  fi
  psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname='$PG_ROLE'" | grep -q 1 \
    || psql_admin -qc "CREATE ROLE $PG_ROLE LOGIN PASSWORD '$PG_PASSWORD'"
  local db
  for db in ckan_default ckan_test; do pg_database "$db"; done
}
psql_admin() { as_root su postgres -c "psql -p $PG_PORT -v ON_ERROR_STOP=1 $(printf '%q ' "$@")"; }
pg_database() {
  psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname='$1'" | grep -q 1 \
    || psql_admin -qc "CREATE DATABASE $1 OWNER $PG_ROLE ENCODING 'utf-8' TEMPLATE template0"
}
pg_stop() { as_root pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main stop 2>/dev/null || true; }

# --------------------------------------------------------------------- Redis
redis_up() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }
redis_start() {
  redis_up && return 0
  log "starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --logfile "$SOCLE_HOME/redis.log" --dir "$SOCLE_HOME"
  for _ in $(seq 50); do redis_up && return 0; sleep 0.1; done
  die "Redis did not start: see $SOCLE_HOME/redis.log"
}
redis_stop() { redis_up && redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave 2>/dev/null || true; }

# ---------------------------------------------------------------------- Solr
solr_url() { echo "http://127.0.0.1:$SOLR_PORT/solr"; }
solr_up() { curl -fsS "$(solr_url)/ckan/admin/ping" >/dev/null 2>&1; }

# A core directory: our solrconfig.xml + CKAN's own schema.xml (from the installed CKAN) with the
# float fields ckanext-spatial's solr-bbox backend needs, as the ckan/ckan-solr spatial image has.
solr_core_dir() {
  local name="$1" dir="$SOLR_RUN/$1"
  local ckan_schema
  ckan_schema="$("$PY" -c 'import ckan, os; print(os.path.join(os.path.dirname(ckan.__file__), "config", "solr", "schema.xml"))')"
  mkdir -p "$dir/conf"
  cp "$ROOT"/stack/solr/solrhome/ckan/conf/{solrconfig.xml,synonyms.txt,protwords.txt} "$dir/conf/"
  sed '/<field name="metadata_modified"/a\
    <!-- ckanext-spatial solr-bbox backend -->\
    <field name="minx" type="float" indexed="true" stored="true"/>\
    <field name="maxx" type="float" indexed="true" stored="true"/>\
    <field name="miny" type="float" indexed="true" stored="true"/>\
    <field name="maxy" type="float" indexed="true" stored="true"/>\
    <field name="bbox_area" type="float" indexed="true" stored="true"/>' \
    "$ckan_schema" > "$dir/conf/schema.xml"
  grep -q 'name="bbox_area"' "$dir/conf/schema.xml" || die "could not add spatial fields to $ckan_schema"
}

solr_start() {
  solr_up && return 0
  [ -n "$(ls -A "$SOLR_LIB" 2>/dev/null)" ] || die "no Solr jars in $SOLR_LIB: run scripts/install.sh"
  mkdir -p "$SOLR_RUN"
  cp "$ROOT"/stack/solr/solrhome/{solr.xml,log4j2.xml} "$SOLR_RUN/"
  local core
  for core in ckan ckan_test; do
    solr_core_dir "$core"
    echo "name=$core" > "$SOLR_RUN/$core/core.properties"
  done
  log "starting Solr $SOLR_VERSION on 127.0.0.1:$SOLR_PORT (log: $SOLR_LOG)"
  local classes="$SOCLE_HOME/solr-$SOLR_VERSION/classes"
  # setsid + nohup: the node outlives this script and the shell that ran it.
  setsid nohup java -Xms256m -Xmx1g -XX:+ExitOnOutOfMemoryError -Dsolr.log.dir="$SOCLE_HOME/solr-logs" \
    -cp "$classes:$SOLR_LIB/*" SolrLauncher "$SOLR_RUN" "$SOLR_PORT" ckan \
    >"$SOLR_LOG" 2>&1 < /dev/null &
  echo $! > "$SOLR_PID"
  for _ in $(seq 240); do
    grep -q '^SOLR_READY' "$SOLR_LOG" 2>/dev/null && solr_up && return 0
    kill -0 "$(cat "$SOLR_PID")" 2>/dev/null || { tail -n 30 "$SOLR_LOG" >&2; die "Solr exited"; }
    sleep 0.5
  done
  tail -n 30 "$SOLR_LOG" >&2; die "Solr did not answer within 120 s"
}

# Another core on the running node (e.g. one per parallel test run), created through CoreAdmin.
solr_core() {
  local name="$1"
  curl -fsS "$(solr_url)/$name/admin/ping" >/dev/null 2>&1 && return 0
  solr_core_dir "$name"
  curl -fsS "$(solr_url)/admin/cores?action=CREATE&name=$name&instanceDir=$SOLR_RUN/$name" >/dev/null \
    || die "could not create Solr core $name"
}

solr_stop() {
  [ -f "$SOLR_PID" ] || return 0
  local pid; pid="$(cat "$SOLR_PID")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"; for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$SOLR_PID"
}

status() {
  pg_lsclusters -h 2>/dev/null | grep -q "^$PG_VERSION main .* online" && echo "postgresql: up (127.0.0.1:$PG_PORT)" || echo "postgresql: down"
  redis_up && echo "redis: up (127.0.0.1:$REDIS_PORT)" || echo "redis: down"
  solr_up && echo "solr: up ($(solr_url)/ckan)" || echo "solr: down"
}

case "${1:-}" in
  start) mkdir -p "$SOCLE_HOME"; pg_start; redis_start; solr_start; status ;;
  stop) solr_stop; redis_stop; pg_stop ;;
  status) status ;;
  core) [ -n "${2:-}" ] || die "usage: $0 core NAME"; solr_core "$2" ;;
  database) [ -n "${2:-}" ] || die "usage: $0 database NAME"; pg_database "$2" ;;
  *) die "usage: $0 start|stop|status|core NAME|database NAME" ;;
esac
