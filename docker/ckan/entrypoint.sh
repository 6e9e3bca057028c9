#!/usr/bin/env bash
# web: configure from the environment, migrate, load reference data, serve with uWSGI-free
#      `ckan run` behind your reverse proxy (or replace by the base image's uwsgi start script).
# worker: run the background jobs (conformity checks, comparison refreshes).
set -euo pipefail
INI="${CKAN_INI:-/srv/app/ckan.ini}"
[ -f "$INI" ] || ckan generate config "$INI"
ckan config-tool "$INI" \
  "SECRET_KEY=${CKAN_SECRET_KEY}" \
  "ckan.plugins=${CKAN_PLUGINS}" \
  "ckan.locale_default=${CKAN_LOCALE_DEFAULT:-fr}" "ckan.locales_offered=fr en" \
  "ckanext.spatial.search_backend=solr-bbox" \
  "ckanext.dcat.rdf.profiles=euro_dcat_ap_3 socle"
case "${1:-web}" in
  web)
    ckan -c "$INI" db init
    ckan -c "$INI" db pending-migrations --apply
    ckan -c "$INI" socle communes load
    ckan -c "$INI" socle clauses seed || true
    ckan -c "$INI" sysadmin add "${CKAN_SYSADMIN_NAME}" "email=${CKAN_SYSADMIN_EMAIL}" \
      "password=${CKAN_SYSADMIN_PASSWORD}" 2>/dev/null || true
    exec ckan -c "$INI" run -H 0.0.0.0 -p 5000 --disable-reloader
    ;;
  worker)
    exec ckan -c "$INI" jobs worker socle_validation default
    ;;
  *) exec "$@" ;;
esac
