#!/bin/sh
# Entrypoint of the web image: renders the one NGINX template, infra/nginx/nginx.conf.template
# (the local cluster and the browser tests render the same file), and runs nginx in the
# foreground. Only the template's own placeholders are substituted; NGINX's $variables stay.
#   UPSTREAMS       comma-separated host:port of what /chat/ is proxied to (Kong in compose)
#   LISTEN, WEB_ROOT, RUNTIME_DIR, MIME_TYPES, NGINX_TEMPLATE   set in the image
# `--check` renders and runs `nginx -t` only (the deploy checks run it with Debian's nginx).
set -eu
: "${UPSTREAMS:?set UPSTREAMS, e.g. kong:8000}"
: "${LISTEN:?}" "${WEB_ROOT:?}" "${RUNTIME_DIR:?}" "${MIME_TYPES:?}" "${NGINX_TEMPLATE:?}"

# One "server host:port;" line per upstream, laid out as packages/local-cluster/src/nginx.ts does.
UPSTREAM_SERVERS=$(printf '%s' "$UPSTREAMS" | awk -v RS=, '
  { gsub(/^[ \t\n]+|[ \t\n]+$/, "") }
  $0 != "" { printf "%sserver %s;", (n++ ? "\n    " : ""), $0 }')
export LISTEN UPSTREAM_SERVERS WEB_ROOT RUNTIME_DIR MIME_TYPES

for dir in "" client_body proxy fastcgi uwsgi scgi; do mkdir -p "$RUNTIME_DIR/$dir"; done
conf="$RUNTIME_DIR/nginx.conf"
# shellcheck disable=SC2016 # the names are for envsubst, not the shell
envsubst '${LISTEN} ${UPSTREAM_SERVERS} ${WEB_ROOT} ${RUNTIME_DIR} ${MIME_TYPES}' \
  <"$NGINX_TEMPLATE" >"$conf"

if [ "${1:-}" = "--check" ]; then
  exec nginx -t -c "$conf" -e "$RUNTIME_DIR/error.log"
fi
# The template logs to RUNTIME_DIR/error.log; in a container that is the log stream.
ln -sf /dev/stderr "$RUNTIME_DIR/error.log"
exec nginx -c "$conf" -e "$RUNTIME_DIR/error.log" -g 'daemon off;'
