#!/bin/sh
# Standalone (CMD postgres, for tests and benchmarks) or a Patroni member (CMD patroni, see stevie-patroni).
# Standalone first start: initdb (checksums on, SCRAM only), create the application role, database and pgvector.
# Every start: run postgres as the postgres user with the sizing passed in by the installer.
set -eu
# A Patroni member: Patroni owns initdb, replication and the server's lifecycle.
if [ "${1:-}" = "patroni" ]; then exec /usr/local/bin/stevie-patroni; fi
# A restore drill's throwaway copy (see stevie-drill).
if [ "${1:-}" = "drill" ]; then exec /usr/local/bin/stevie-drill; fi
as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }

mkdir -p "$PGDATA" /run/postgresql
chown -R postgres:postgres "$(dirname "$PGDATA")" /run/postgresql
chmod 0700 "$PGDATA"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  # psql reads the password from this file itself, so it is never on a command line.
  pwfile=/run/postgresql/.initpw
  (umask 077; cat "$POSTGRES_PASSWORD_FILE" > "$pwfile")
  chown postgres "$pwfile"
  as_pg initdb --data-checksums --auth-local=peer --auth-host=scram-sha-256 \
    --username=postgres --encoding=UTF8 --locale=C.UTF-8 -D "$PGDATA" >/dev/null
  {
    echo "# stevie-stack: the app connects over the internal data network only"
    echo "local all all peer"
    echo "host all all 127.0.0.1/32 scram-sha-256"
    echo "host all all samenet scram-sha-256"
    echo "host all all 0.0.0.0/0 scram-sha-256"
  } > "$PGDATA/pg_hba.conf"
  as_pg pg_ctl -D "$PGDATA" -w -o "-c listen_addresses=''" start >/dev/null
  as_pg psql -v ON_ERROR_STOP=1 -q -d postgres -v user="$POSTGRES_USER" -v db="$POSTGRES_DB" <<'SQL'
\set pw `cat /run/postgresql/.initpw`
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'user', :'pw') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user') \gexec
SQL
  as_pg psql -v ON_ERROR_STOP=1 -q -d "$POSTGRES_DB" -c 'CREATE EXTENSION IF NOT EXISTS vector'
  as_pg pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  rm -f "$pwfile"
fi

if [ "${1:-}" = "postgres" ]; then
  shift
  exec setpriv --reuid=postgres --regid=postgres --init-groups -- postgres -D "$PGDATA" \
    -c listen_addresses='*' \
    -c shared_buffers="${PG_SHARED_BUFFERS:-128MB}" \
    -c effective_cache_size="${PG_EFFECTIVE_CACHE_SIZE:-512MB}" \
    -c max_connections="${PG_MAX_CONNECTIONS:-300}" \
    -c password_encryption=scram-sha-256 \
    -c log_min_duration_statement=500 \
    -c unix_socket_directories=/run/postgresql \
    "$@"
fi
exec "$@"
