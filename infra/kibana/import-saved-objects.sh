#!/bin/sh
# One-shot init job of docker compose (service kibana-init, profile kibana), idempotent: imports
# the saved objects beside this file with overwrite, so a re-run replaces them: the "Chat
# messages" data view over the messages alias, the "Chat messages" saved search, and the "Chat
# activity" dashboard (messages per room over time, top senders, the latest messages). With ELASTICSEARCH_INDEX_PREFIX other than `chat`, the
# data view is pointed at `<prefix>-messages`, the alias the adapter writes through.
# Credentials go to curl through a private .curlrc (CURL_HOME), never the command line.
set -eu
: "${ELASTIC_PASSWORD:?set ELASTIC_PASSWORD (see .env.example)}"
KIBANA_URL="${KIBANA_URL:-http://kibana:5601}"
PREFIX="${ELASTICSEARCH_INDEX_PREFIX:-chat}"
WAIT_SECONDS="${KIBANA_WAIT_SECONDS:-300}"
HERE=$(cd "$(dirname "$0")" && pwd)

umask 077
work=$(mktemp -d)
CURL_HOME="$work"
export CURL_HOME
trap 'rm -rf "$work"' EXIT
escape() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }
printf 'user = "elastic:%s"\n' "$(escape "$ELASTIC_PASSWORD")" >"$work/.curlrc"

echo "waiting for Kibana at $KIBANA_URL"
deadline=$(($(date +%s) + WAIT_SECONDS))
until curl -fsS -o /dev/null "$KIBANA_URL/api/status"; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "Kibana did not answer within ${WAIT_SECONDS}s" >&2
    exit 1
  fi
  sleep 3
done

# The data view's title is the index pattern it searches: the alias for this prefix.
PREFIX="$PREFIX" node -e '
  const fs = require("fs");
  const lines = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
  const out = lines.map((line) => {
    const object = JSON.parse(line);
    if (object.type === "index-pattern") object.attributes.title = process.env.PREFIX + "-messages";
    return JSON.stringify(object);
  });
  fs.writeFileSync(process.argv[2], out.join("\n") + "\n");
' "$HERE/chat-messages.ndjson" "$work/saved-objects.ndjson"

result=$(curl -fsS -X POST "$KIBANA_URL/api/saved_objects/_import?overwrite=true" \
  -H 'kbn-xsrf: true' --form "file=@$work/saved-objects.ndjson")
echo "$result"
# Kibana answers 200 even when an object fails; the body says whether all were imported.
case "$result" in
  *'"success":true'*) echo "kibana-init: done" ;;
  *) echo "kibana-init: import failed" >&2 && exit 1 ;;
esac
