# Sourced by .ci/run. Uses the Postgres answering on 127.0.0.1:5432 when there is one; otherwise
# starts a throw-away cluster (initdb + pg_ctl) on a free port and stops it when CI exits.

pg_bin_dir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  return 1
}

postgres_answers() {
  python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.settimeout(1)
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
    s.sendall(b"\x00\x00\x00\x08\x04\xd2\x16\x2f")  # SSLRequest: any Postgres answers S or N
    sys.exit(0 if s.recv(1) in (b"S", b"N") else 1)
except OSError:
    sys.exit(1)
PY
}

start_postgres() {
  if postgres_answers 5432; then
    export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
    return 0
  fi
  local bin
  if ! bin=$(pg_bin_dir); then
    echo "no Postgres here: installing Debian's postgresql"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin=$(pg_bin_dir)
  fi
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  PG_SCRATCH=$(mktemp -d /tmp/cognate-pg.XXXXXX)
  chown postgres "$PG_SCRATCH"
  runuser -u postgres -- "$bin/initdb" -D "$PG_SCRATCH/data" -U postgres --auth=trust >/dev/null
  runuser -u postgres -- "$bin/pg_ctl" -D "$PG_SCRATCH/data" -l "$PG_SCRATCH/log" -w \
    -o "-p $port -k $PG_SCRATCH -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" start >/dev/null
  export PG_BIN="$bin"
  trap stop_postgres EXIT
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

stop_postgres() {
  if [ -n "${PG_SCRATCH:-}" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_SCRATCH/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PG_SCRATCH"
  fi
}
