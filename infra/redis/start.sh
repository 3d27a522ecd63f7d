#!/bin/sh
# Entrypoint of the redis service: infra/redis/redis.conf plus `requirepass` from REDIS_PASSWORD
# and `maxmemory` from REDIS_MAXMEMORY (e.g. 1gb; required: `noeviction` needs a cap to apply).
# The password goes into a private config file, not onto the command line, where `ps` on the
# host would show it. Extra arguments are passed on to redis-server (the tests use them to pick a
# port and a data folder).
set -eu
: "${REDIS_PASSWORD:?set REDIS_PASSWORD (see .env.example)}"
: "${REDIS_MAXMEMORY:?set REDIS_MAXMEMORY, e.g. 1gb (see .env.example)}"
case "$REDIS_MAXMEMORY" in
  *[!0-9a-zA-Z]* | '') echo "REDIS_MAXMEMORY must be a size such as 1gb or 512mb" >&2 && exit 2 ;;
esac
conf_dir="${REDIS_CONF_DIR:-/usr/local/etc/redis}"
runtime_dir="${REDIS_RUNTIME_DIR:-/tmp/redis}"

umask 077
mkdir -p "$runtime_dir"
# Inside double quotes redis unescapes \\ and \", so escape those two.
escaped=$(printf '%s' "$REDIS_PASSWORD" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')
{
  printf 'include %s/redis.conf\n' "$conf_dir"
  printf 'requirepass "%s"\n' "$escaped"
  printf 'maxmemory %s\n' "$REDIS_MAXMEMORY"
} >"$runtime_dir/redis.conf"

exec redis-server "$runtime_dir/redis.conf" "$@"
