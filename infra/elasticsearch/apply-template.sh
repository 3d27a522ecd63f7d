#!/usr/bin/env sh
# Puts the messages index template (the adapter's JSON file, the one source) and creates the
# first index behind the alias, as ElasticsearchSearchIndex.ensureIndex() does. Idempotent.
set -eu
ES_URL="${ELASTICSEARCH_URL:-http://localhost:9200}"
PREFIX="${ES_PREFIX:-chat}"
HERE=$(cd "$(dirname "$0")" && pwd)
TEMPLATE="$HERE/../../packages/adapters/src/elasticsearch/index-template.json"

body=$(PREFIX="$PREFIX" node -e '
  const t = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  t.index_patterns = [process.env.PREFIX + "-messages-*"];
  process.stdout.write(JSON.stringify(t));
' "$TEMPLATE")

curl -fsS -X PUT "$ES_URL/_index_template/$PREFIX-messages" \
  -H 'Content-Type: application/json' -d "$body"
echo
if curl -fsS -o /dev/null -I "$ES_URL/_alias/$PREFIX-messages"; then
  echo "alias $PREFIX-messages exists"
else
  curl -fsS -X PUT "$ES_URL/$PREFIX-messages-000001" -H 'Content-Type: application/json' \
    -d "{\"aliases\":{\"$PREFIX-messages\":{\"is_write_index\":true}}}"
  echo
fi
