#!/bin/sh
# One-shot init job of docker compose (service elasticsearch-init), idempotent: safe to run on
# every `docker compose up`.
#   1. waits for the cluster (security on: the `elastic` superuser, ELASTIC_PASSWORD);
#   2. sets the password of the built-in `kibana_system` user (KIBANA_SYSTEM_PASSWORD);
#   3. creates the role and user the gateway and sink workers connect as (ELASTICSEARCH_USERNAME,
#      ELASTICSEARCH_PASSWORD), limited to the messages indices and their template;
#   4. applies the messages index template and alias with apply-template.sh beside this file,
#      which reads packages/adapters/src/elasticsearch/index-template.json, the adapter's own file.
# Credentials go to curl through a private .curlrc (CURL_HOME), never the command line.
set -eu
: "${ELASTIC_PASSWORD:?set ELASTIC_PASSWORD (see .env.example)}"
: "${KIBANA_SYSTEM_PASSWORD:?set KIBANA_SYSTEM_PASSWORD (see .env.example)}"
: "${ELASTICSEARCH_PASSWORD:?set ELASTICSEARCH_PASSWORD (see .env.example)}"
ES_URL="${ES_URL:-http://elasticsearch:9200}"
APP_USER="${ELASTICSEARCH_USERNAME:-chat_app}"
PREFIX="${ELASTICSEARCH_INDEX_PREFIX:-chat}"
WAIT_SECONDS="${ES_WAIT_SECONDS:-300}"
HERE=$(cd "$(dirname "$0")" && pwd)

umask 077
CURL_HOME=$(mktemp -d)
export CURL_HOME
trap 'rm -rf "$CURL_HOME"' EXIT
escape() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }
printf 'user = "elastic:%s"\n' "$(escape "$ELASTIC_PASSWORD")" >"$CURL_HOME/.curlrc"

# JSON bodies are built by node from the environment and piped to curl, so no secret is ever an
# argument of either.
json() { node -e "process.stdout.write(JSON.stringify($1))"; }
es() {
  curl -fsS -X "$1" "$ES_URL$2" -H 'Content-Type: application/json' --data-binary @-
  echo
}

echo "waiting for Elasticsearch at $ES_URL"
deadline=$(($(date +%s) + WAIT_SECONDS))
until curl -fsS -o /dev/null "$ES_URL/_cluster/health?wait_for_status=yellow&timeout=5s"; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "Elasticsearch did not answer within ${WAIT_SECONDS}s" >&2
    exit 1
  fi
  sleep 2
done

KP="$KIBANA_SYSTEM_PASSWORD" json '{ password: process.env.KP }' |
  es POST /_security/user/kibana_system/_password

P="$PREFIX" json '{
  cluster: ["monitor", "manage_index_templates"],
  indices: [{
    names: [process.env.P + "-messages", process.env.P + "-messages-*"],
    privileges: ["create_index", "manage", "read", "write", "view_index_metadata"],
  }],
}' | es PUT /_security/role/chat_app

AP="$ELASTICSEARCH_PASSWORD" json '{ password: process.env.AP, roles: ["chat_app"] }' |
  es PUT "/_security/user/$APP_USER"

ELASTICSEARCH_URL="$ES_URL" ES_PREFIX="$PREFIX" sh "$HERE/apply-template.sh"
echo "elasticsearch-init: done"
