#!/bin/sh
# A Patroni member. Writes /run/patroni/patroni.yml from the environment and the Docker secrets (stevie-patroni-config,
# readable only by the postgres user), then runs Patroni as postgres. Patroni bootstraps the cluster (first member to win the
# initialize key), clones replicas with pg_basebackup, rewinds a former leader with pg_rewind, and calls
# stevie-post-bootstrap once to create the application role, database and pgvector.
set -eu
: "${PATRONI_NAME:?}" "${PATRONI_SCOPE:?}" "${ETCD_HOSTS:?}"
run=/run/patroni
mkdir -p "$run" /run/postgresql "$(dirname "$PGDATA")"
chown postgres:postgres "$run" /run/postgresql "$(dirname "$PGDATA")"
chmod 0700 "$run"
secret() { tr -d '\n' < "$1"; }
(umask 077; secret "$POSTGRES_PASSWORD_FILE" > "$run/app_password")
(umask 077; secret "$POSTGRES_MONITOR_PASSWORD_FILE" > "$run/monitor_password")
# pgBackRest: one encrypted repository on the shared backup volume; whichever member leads archives WAL into it.
stevie-pgbackrest-conf
mkdir -p /var/lib/pgbackrest
chown postgres:postgres /var/lib/pgbackrest
chmod 0750 /var/lib/pgbackrest
# The backup figures for Prometheus: readable by node-exporter (as nobody), written by this member as postgres.
mkdir -p /var/lib/stevie-metrics
chown postgres:postgres /var/lib/stevie-metrics
chmod 0755 /var/lib/stevie-metrics
rm -rf /var/lib/pgbackrest/metrics # where they were before that volume

stevie-patroni-config
# The postgres user's own home: libpq looks for a client certificate in ~/.postgresql, and one it may not even look
# into (root's, kept by setpriv) fails every TLS connection to another member.
export HOME=/var/lib/postgresql
# The backup scheduler: a loop beside Patroni that acts only while this member is the leader.
setpriv --reuid=postgres --regid=postgres --init-groups -- stevie-backup-scheduler &
# A member off the data network must not lead (stevie-data-watch): wait for its address, then watch it. Patroni runs
# as this shell's process ($$, kept by exec).
if [ -n "${PATRONI_ADDRESS:-}" ]; then
  stevie-data-watch wait
  setpriv --reuid=postgres --regid=postgres --init-groups -- stevie-data-watch $$ &
  # A leader whose address stops answering TCP handshakes has crashed: end its term now, not 20 s later.
  setpriv --reuid=postgres --regid=postgres --init-groups -- stevie-leader-watch &
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups -- patroni "$run/patroni.yml"
