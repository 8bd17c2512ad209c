#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and benchmarks, from the machine's own packages
# (Debian: apt-get install postgresql).
#   scripts/postgres.sh start DIR   makes a cluster in DIR, starts it on a free port of
#                                   127.0.0.1 and prints its URL (role "chat", trusted)
#   scripts/postgres.sh stop DIR    stops it (`stop DIR immediate`: at once, as a crash would)
#   scripts/postgres.sh restart DIR starts it again, on the same port
# PostgreSQL refuses to run as root: as root it runs as the "postgres" user.
set -euo pipefail
command=${1:?start or stop}
dir=${2:?a folder for the cluster}

bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  bin=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
fi
if [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL is not installed (no initdb): on Debian, apt-get install postgresql; or set CHAT_TEST_DATABASE_URL." >&2
  exit 1
fi

as=()
if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi

case "$command" in
  start)
    mkdir -p "$dir"
    if [ ${#as[@]} -gt 0 ]; then chown postgres "$dir"; fi
    "${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U chat -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })" >"$dir/port"
    ;&
  restart)
    port=$(cat "$dir/port")
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 30 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null ||
      { cat "$dir/data/server.log" >&2; exit 1; }
    echo "postgres://chat@127.0.0.1:$port/postgres"
    ;;
  stop)
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m "${3:-fast}" -w stop >/dev/null
    ;;
  *)
    echo "usage: scripts/postgres.sh start|stop|restart DIR" >&2
    exit 2
    ;;
esac
