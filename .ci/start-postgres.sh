#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL cluster for the test suite and print the line to export.
#
#   eval "$(.ci/start-postgres.sh)"      # exports BAIXING_TEST_PG_URL
#   .ci/start-postgres.sh --stop         # stops the cluster (data is kept for the next start)
#
# Works as root on a fresh Debian 12 (installs Debian's `postgresql` package when no server binaries
# are found; the server then runs as the `postgres` OS user) or as an ordinary user who already has
# the binaries. The cluster lives in $BAIXING_PG_DIR (default /tmp/baixing-pg), listens on 127.0.0.1
# only, on $BAIXING_PG_PORT or the first free port from 55432. It is tuned for tests (fsync=off):
# never point it at data you care about. The URL is also written to $BAIXING_PG_DIR/url.
# Only the export line goes to stdout; progress goes to stderr.
set -euo pipefail

PG_DIR=${BAIXING_PG_DIR:-/tmp/baixing-pg}
PG_ROLE=${BAIXING_PG_ROLE:-baixing}
PG_PASSWORD=${BAIXING_PG_PASSWORD:-baixing-test}
PG_DB=${BAIXING_PG_DB:-baixing_test}
DATA="$PG_DIR/data"
SOCK="$PG_DIR/sock"
LOG="$PG_DIR/server.log"

say() { printf 'start-postgres: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

find_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
        printf '%s\n' "$dir"
    fi
}

BINDIR=$(find_bindir)
if [[ -z "$BINDIR" ]]; then
    [[ $EUID -eq 0 ]] || die "PostgreSQL binaries not found and not root: install Debian's postgresql package."
    say "installing PostgreSQL from the Debian package registry"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >&2
    BINDIR=$(find_bindir)
    [[ -n "$BINDIR" ]] || die "postgresql installed but no /usr/lib/postgresql/*/bin/initdb found"
fi

# Run a command as the cluster owner: `postgres` when we are root, ourselves otherwise.
if [[ $EUID -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    OWNER=postgres
    as_owner() { runuser -u postgres -- "$@"; }
else
    OWNER=$(id -un)
    as_owner() { "$@"; }
fi

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_port() {
    local port=${BAIXING_PG_PORT:-55432}
    if [[ -n "${BAIXING_PG_PORT:-}" ]]; then
        port_busy "$port" && die "port $port is already in use"
        printf '%s\n' "$port"; return
    fi
    while port_busy "$port"; do
        port=$((port + 1))
        ((port < 55532)) || die "no free port in 55432..55531"
    done
    printf '%s\n' "$port"
}

running() { [[ -f "$DATA/PG_VERSION" ]] && as_owner "$BINDIR/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

if [[ "${1:-}" == "--stop" ]]; then
    if running; then as_owner "$BINDIR/pg_ctl" -D "$DATA" -m fast -w stop >&2; else say "not running"; fi
    exit 0
fi

if [[ ! -f "$DATA/PG_VERSION" ]]; then
    say "creating a test cluster in $DATA"
    mkdir -p "$PG_DIR"
    chown "$OWNER" "$PG_DIR"
    chmod 700 "$PG_DIR"
    as_owner mkdir -p "$SOCK"
    # Local socket: trust, but the socket dir is private to the owner. TCP: password (scram).
    as_owner "$BINDIR/initdb" -D "$DATA" -U postgres --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 \
        || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    cat >>"$DATA/postgresql.conf" <<EOF
# --- baixing test cluster (throwaway: durability off) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCK'
unix_socket_permissions = 0700
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
EOF
fi

if running; then
    PORT=$(cat "$PG_DIR/port")
    say "reusing the running cluster on port $PORT"
else
    PORT=$(pick_port)
    as_owner "$BINDIR/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 -o "-p $PORT" start >&2 \
        || { tail -n 30 "$LOG" >&2 || true; die "the server did not start"; }
    printf '%s\n' "$PORT" >"$PG_DIR/port"
    say "server started on port $PORT (log: $LOG)"
fi

psql_admin() { as_owner "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PORT" -U postgres -d postgres "$@"; }

# Role with CREATEDB: the tests create (and drop) one database per test.
psql_admin >&2 <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE') THEN
    CREATE ROLE "$PG_ROLE" LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  ELSE
    ALTER ROLE "$PG_ROLE" LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  END IF;
END
\$\$;
SELECT format('CREATE DATABASE %I OWNER %I', '$PG_DB', '$PG_ROLE')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB') \gexec
SQL

URL="postgresql+psycopg://$PG_ROLE:$PG_PASSWORD@127.0.0.1:$PORT/$PG_DB"
printf '%s\n' "$URL" >"$PG_DIR/url"
chmod 644 "$PG_DIR/url"
printf 'export BAIXING_TEST_PG_URL=%s\n' "$URL"
