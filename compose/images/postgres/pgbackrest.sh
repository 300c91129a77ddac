#!/bin/sh
# stevie-pgbackrest ARG...: pgbackrest ARG... as postgres, after writing its configuration (stevie-pgbackrest-conf,
# from the environment) and its lock directory. For the CLI's one-off containers of this image, which start as root
# with nothing prepared (a tmpfs at /tmp): the backup list when the cluster has no leader, and stevie-push-history.
# The members write the configuration when they start (stevie-patroni) and run pgbackrest directly.
set -eu
[ $# -gt 0 ] || { echo "usage: stevie-pgbackrest ARG..." >&2; exit 2; }
stevie-pgbackrest-conf
mkdir -p /tmp/pgbackrest
chown postgres /tmp/pgbackrest
exec setpriv --reuid=postgres --regid=postgres --init-groups -- pgbackrest "$@"
