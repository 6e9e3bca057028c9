#!/usr/bin/env bash
# The Infocom94 demo portal, from a fresh Debian machine:
#   bash scripts/demo.sh            # install, start services, load the demo, serve on :5000
#   bash scripts/demo.sh --detach   # same, but CKAN and its worker run in the background
# Idempotent: a second run reuses the database and the datasets already loaded.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEMO_DIR="$SOCLE_HOME/demo"
INI="$DEMO_DIR/ckan.ini"
PLUGINS="${SOCLE_DEMO_PLUGINS:-socle socle_validation socle_publish socle_clauses socle_compare scheming_datasets scheming_organizations dcat spatial_metadata spatial_query activity}"
DETACH=0; [ "${1:-}" = "--detach" ] && DETACH=1

bash "$ROOT/scripts/install.sh"
bash "$ROOT/scripts/services.sh" start >/dev/null
mkdir -p "$DEMO_DIR/storage"

if [ ! -f "$INI" ]; then
  log "writing $INI"
  ckan generate config "$INI" >/dev/null
fi
# Applied on every run, so a newer checkout's settings reach an existing demo.
ckan config-tool "$INI" \
  "sqlalchemy.url=postgresql://ckan_default:pass@127.0.0.1:$PG_PORT/ckan_default" \
  "solr_url=http://127.0.0.1:$SOLR_PORT/solr/ckan" \
  "ckan.redis.url=redis://127.0.0.1:$REDIS_PORT/0" \
  "ckan.site_url=http://127.0.0.1:$CKAN_PORT" \
  "ckan.site_title=Infocom94 — données locales (démonstration)" \
  "ckan.site_description=Portail de démonstration de ckanext-socle : le socle commun des données locales des communes d'Infocom94" \
  "ckan.storage_path=$DEMO_DIR/storage" \
  "ckan.plugins=$PLUGINS" \
  "ckan.locale_default=fr" "ckan.locales_offered=fr en" \
  "ckan.gravatar_default=disabled" \
  "ckanext.spatial.search_backend=solr-bbox" \
  "ckanext.spatial.common_map.type=custom" \
  "ckanext.spatial.common_map.custom.url=" \
  "ckanext.dcat.rdf.profiles=euro_dcat_ap_3 socle" \
  "scheming.dataset_fallback=true" >/dev/null

log "database"
ckan -c "$INI" db init >/dev/null
ckan -c "$INI" db pending-migrations --apply >/dev/null 2>&1 || ckan -c "$INI" db upgrade >/dev/null
log "commune reference data"
ckan -c "$INI" socle communes load >/dev/null
log "Infocom94 demo organisations and datasets"
ckan -c "$INI" socle demo load --password-file "$DEMO_DIR/admin-password" | tee "$DEMO_DIR/load.log"
log "contract clauses: the 15 templates and a few filled clauses"
ckan -c "$INI" socle clauses demo
ckan -c "$INI" search-index rebuild -r >/dev/null 2>&1 || true

stop_previous() {
  local pidfile="$DEMO_DIR/$1.pid"
  [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  rm -f "$pidfile"
}
stop_previous worker; stop_previous web

# The worker runs the conformity jobs first, then the rest (comparison refreshes, default queue).
setsid nohup ckan -c "$INI" jobs worker socle_validation default \
  >"$DEMO_DIR/worker.log" 2>&1 < /dev/null &
echo $! > "$DEMO_DIR/worker.pid"

cat <<MSG

  ckanext-socle demo: http://127.0.0.1:$CKAN_PORT
  Administrator login: admin / $(cat "$DEMO_DIR/admin-password" 2>/dev/null || echo "(see ckan -c $INI user setpass admin)")
  Stop: kill \$(cat $DEMO_DIR/web.pid) \$(cat $DEMO_DIR/worker.pid); bash scripts/services.sh stop

MSG
if [ "$DETACH" = 1 ]; then
  setsid nohup ckan -c "$INI" run -H 127.0.0.1 -p "$CKAN_PORT" --disable-reloader \
    >"$DEMO_DIR/web.log" 2>&1 < /dev/null &
  echo $! > "$DEMO_DIR/web.pid"
  for _ in $(seq 120); do curl -fsS "http://127.0.0.1:$CKAN_PORT/api/3/action/status_show" >/dev/null 2>&1 && exit 0; sleep 0.5; done
  tail -n 40 "$DEMO_DIR/web.log" >&2; die "CKAN did not answer on port $CKAN_PORT"
fi
exec ckan -c "$INI" run -H 127.0.0.1 -p "$CKAN_PORT" --disable-reloader
