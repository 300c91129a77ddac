#!/bin/sh
# A restore drill's throwaway server: restores the stack's repository (mounted read-only) into this container and
# starts PostgreSQL on it, alone (no network, no archiving, no replication). DRILL_SET picks a backup set (default:
# the newest), DRILL_TARGET_TIME a point in time to stop at (default: the end of the archived WAL).
# Prints "restored in N s" and keeps PostgreSQL in the foreground; the CLI verifies it with psql over docker exec.
set -eu
stevie-pgbackrest-conf
mkdir -p "$PGDATA" /run/postgresql /tmp/pgbackrest
chown -R postgres:postgres "$(dirname "$PGDATA")" /run/postgresql /tmp/pgbackrest
chmod 0700 "$PGDATA"
set -- --stanza=stevie --pg1-path="$PGDATA" --archive-mode=off
[ -n "${DRILL_SET:-}" ] && set -- "$@" --set="$DRILL_SET"
if [ -n "${DRILL_TARGET_TIME:-}" ]; then set -- "$@" --type=time --target="$DRILL_TARGET_TIME" --target-action=promote; fi
start=$(date +%s)
setpriv --reuid=postgres --regid=postgres --init-groups -- pgbackrest "$@" restore
echo "restored in $(( $(date +%s) - start )) s"
exec setpriv --reuid=postgres --regid=postgres --init-groups -- postgres -D "$PGDATA" \
  -c listen_addresses='' -c unix_socket_directories=/run/postgresql -c port=5432 \
  -c archive_mode=off -c archive_command='' -c synchronous_standby_names='' -c primary_conninfo='' \
  -c hba_file="$PGDATA/pg_hba.conf" -c ident_file="$PGDATA/pg_ident.conf" \
  -c shared_buffers=128MB
