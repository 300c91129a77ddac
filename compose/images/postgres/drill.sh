#!/bin/sh
# A restored copy of the stack's repository, started alone (no network, no archiving, no replication): a restore
# drill's throwaway server, or the new cluster `stevie-stack restore` checks before switching to it.
# DRILL_SET picks a backup set (default: the newest); DRILL_TARGET_TIME a point in time to stop at; DRILL_IMMEDIATE=1
# stops as soon as the set is consistent; neither: the end of the archived WAL. DRILL_TIMELINE: see below.
# DRILL_REPO=2 restores from the S3 repository (started with BACKUP_LOCAL_REPO=off: nothing comes from the volume).
# PROMOTE_EXISTING=1 restores nothing: the data already in PGDATA (kept from before a restore) is recovered to the end
# of its own timeline and promoted, with the repository's history in view, so its new timeline is one the archive never had.
# Prints "restored in N s" and keeps PostgreSQL in the foreground; the CLI verifies it with psql over docker exec.
set -eu
stevie-pgbackrest-conf
mkdir -p "$PGDATA" /run/postgresql /tmp/pgbackrest
chown postgres:postgres "$(dirname "$PGDATA")" "$PGDATA" /run/postgresql /tmp/pgbackrest
chmod 0700 "$PGDATA"
set -- --stanza=stevie --pg1-path="$PGDATA" --archive-mode=off
[ -n "${DRILL_SET:-}" ] && set -- "$@" --set="$DRILL_SET"
[ -n "${DRILL_REPO:-}" ] && set -- "$@" --repo="$DRILL_REPO"
# Recovery follows DRILL_TIMELINE (production's) through the archive, else stays on the backup's own timeline:
# never "latest", which could be an abandoned branch that does not descend from the backup.
set -- "$@" --target-timeline="${DRILL_TIMELINE:-current}"
if [ -n "${DRILL_TARGET_TIME:-}" ]; then set -- "$@" --type=time --target="$DRILL_TARGET_TIME" --target-action=promote
elif [ -n "${DRILL_IMMEDIATE:-}" ]; then set -- "$@" --type=immediate --target-action=promote; fi
start=$(date +%s)
if [ -n "${PROMOTE_EXISTING:-}" ]; then
  # In postgresql.auto.conf, as pgBackRest writes them: read after Patroni's postgresql.conf, whose empty
  # recovery_target_* lines would clash with the same settings given on the command line.
  rm -f "$PGDATA/standby.signal"
  touch "$PGDATA/recovery.signal"
  sed -i '/^\(restore_command\|recovery_target[a-z_]*\) /d' "$PGDATA/postgresql.auto.conf"  # an earlier attempt's
  cat >> "$PGDATA/postgresql.auto.conf" <<'CONF'
restore_command = 'pgbackrest --stanza=stevie archive-get %f "%p"'
recovery_target_timeline = 'current'
CONF
  chown postgres "$PGDATA/recovery.signal" "$PGDATA/postgresql.auto.conf"
  set --
else
  setpriv --reuid=postgres --regid=postgres --init-groups -- pgbackrest "$@" restore
  set --
fi
echo "restored in $(( $(date +%s) - start )) s"
exec setpriv --reuid=postgres --regid=postgres --init-groups -- postgres -D "$PGDATA" \
  -c listen_addresses='' -c unix_socket_directories=/run/postgresql -c port=5432 \
  -c archive_mode=off -c archive_command='' -c ssl=off \
  -c synchronous_standby_names='' -c primary_conninfo='' \
  -c hba_file="$PGDATA/pg_hba.conf" -c ident_file="$PGDATA/pg_ident.conf" \
  -c shared_buffers=128MB "$@"
