#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL server:
#
#   bash scripts/pg-test-server.sh .venv/bin/python -m pytest tests/web
#
# The server comes from the machine's own PostgreSQL binaries (initdb, pg_ctl, postgres), runs as a
# non-root user in a fresh temporary cluster that listens only on a unix socket in that temporary
# directory (no TCP port, so nothing can clash with another run or a system server), and is stopped
# and deleted when the command ends, whether it passed, failed or was interrupted. The command sees
# DEMOZONE_DATABASE_URL pointing at the database `demozone` as the cluster's superuser `demozone`,
# so pytest-django can create and drop its test databases, and DEMOZONE_E2E_DATABASE_URL pointing
# at `demozone_e2e` for the end-to-end tests' server. The command's exit status is returned.
#
# PG_BINDIR overrides where the binaries are looked for; PG_TEST_USER the system user the server
# runs as when this script runs as root (created if absent; default demozone-pg).
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

log() { echo "pg-test-server: $*" >&2; }

find_bindir() {
    local candidate
    if [ -n "${PG_BINDIR:-}" ]; then
        echo "$PG_BINDIR"
        return
    fi
    # pg_config may come from libpq-dev without the server; only a directory with initdb will do.
    if command -v pg_config >/dev/null 2>&1; then
        candidate="$(pg_config --bindir 2>/dev/null || true)"
        if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
            echo "$candidate"
            return
        fi
    fi
    # Debian keeps each major version apart; take the newest one installed.
    candidate="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -n "$candidate" ] && [ -x "$candidate/initdb" ]; then
        echo "$candidate"
        return
    fi
    for candidate in /usr/local/pgsql/bin /usr/pgsql-*/bin; do
        if [ -x "$candidate/initdb" ]; then
            echo "$candidate"
            return
        fi
    done
}

BINDIR="$(find_bindir)"
if [ -z "$BINDIR" ] || [ ! -x "$BINDIR/initdb" ] || [ ! -x "$BINDIR/pg_ctl" ]; then
    log "no PostgreSQL server binaries found (initdb, pg_ctl); install them with: bash scripts/system-deps.sh"
    exit 1
fi

# initdb and postgres refuse to run as root: use a dedicated unprivileged system user.
if [ "$(id -u)" -eq 0 ]; then
    PG_USER="${PG_TEST_USER:-demozone-pg}"
    if ! id -u "$PG_USER" >/dev/null 2>&1; then
        log "creating system user $PG_USER"
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_USER"
    fi
    as_pg() { runuser -u "$PG_USER" -- "$@"; }
else
    PG_USER="$(id -un)"
    as_pg() { "$@"; }
fi

# Short path: the socket's full name must stay under the 107-byte limit of unix sockets.
WORKDIR="$(mktemp -d /tmp/dz-pg.XXXXXX)"
DATADIR="$WORKDIR/data"
SOCKDIR="$WORKDIR/sock"
PGLOG="$WORKDIR/server.log"
PORT=5432  # only names the socket file inside SOCKDIR; nothing listens on TCP
mkdir -p "$SOCKDIR"
chmod 700 "$WORKDIR"
if [ "$(id -u)" -eq 0 ]; then chown -R "$PG_USER" "$WORKDIR"; fi

started=0
child=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM HUP
    if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
        kill -TERM -- "-$child" 2>/dev/null || true
        wait "$child" 2>/dev/null || true
    fi
    if [ "$started" -eq 1 ]; then
        # Immediate: the data is thrown away, so there is nothing to flush.
        as_pg "$BINDIR/pg_ctl" -D "$DATADIR" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$WORKDIR"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

log "initdb in $DATADIR ($BINDIR, user $PG_USER)"
if ! as_pg "$BINDIR/initdb" -D "$DATADIR" -U demozone --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 --no-sync >"$WORKDIR/initdb.log" 2>&1; then
    cat "$WORKDIR/initdb.log" >&2
    exit 1
fi

# Durability is pointless for a cluster deleted afterwards; turning it off makes the test
# databases' create/flush cycles several times faster.
started=1
if ! as_pg "$BINDIR/pg_ctl" -D "$DATADIR" -l "$PGLOG" -w -t 60 \
    -o "-c listen_addresses='' -k $SOCKDIR -p $PORT -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60" \
    start >/dev/null; then
    log "server did not start:"
    cat "$PGLOG" >&2 || true
    exit 1
fi

"$BINDIR/createdb" -h "$SOCKDIR" -p "$PORT" -U demozone demozone
"$BINDIR/createdb" -h "$SOCKDIR" -p "$PORT" -U demozone demozone_e2e

# dj-database-url reads a percent-encoded host as a socket directory.
ENCODED_SOCKDIR="$(printf '%s' "$SOCKDIR" | sed 's|/|%2F|g')"
export DEMOZONE_DATABASE_URL="postgres://demozone@${ENCODED_SOCKDIR}:${PORT}/demozone"
# The end-to-end tests' production server migrates a real (not pytest-django) database: its own.
export DEMOZONE_E2E_DATABASE_URL="postgres://demozone@${ENCODED_SOCKDIR}:${PORT}/demozone_e2e"
export PGHOST="$SOCKDIR" PGPORT="$PORT" PGUSER=demozone PGDATABASE=demozone
log "PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') ready: $DEMOZONE_DATABASE_URL"

# The command runs as a job of its own (set -m), so that a signal reaches this script at once
# rather than after the command ends; the traps below hand it on, then wait for the command.
set -m
"$@" &
child=$!
trap 'kill -INT -- "-$child" 2>/dev/null || true' INT
trap 'kill -TERM -- "-$child" 2>/dev/null || true' TERM
trap 'kill -HUP -- "-$child" 2>/dev/null || true' HUP
status=0
while :; do
    set +e
    wait "$child"
    status=$?
    set -e
    # A trapped signal interrupts `wait` (status > 128) while the command may still be running.
    kill -0 "$child" 2>/dev/null || break
done
exit "$status"
