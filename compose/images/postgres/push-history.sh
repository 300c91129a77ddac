#!/bin/sh
# stevie-push-history NAME: puts the history file of the newest timeline in data directory NAME on a member's volume
# (DATA_ROOT, /data in the one-off container the CLI runs with the volume mounted) into the stack's repositories,
# through stevie-pgbackrest (run as root, with the repositories' volume, secrets and environment). For `restore` and
# `restore rollback`: a copy promoted beside production started a timeline the archive has not seen; with its history
# there, a later promotion picks a timeline never used and a recovery can follow this one.
# Exits 1 when NAME has no history file (it was never promoted), 2 when NAME is not a single directory name.
set -eu
export LC_ALL=C # the glob sorts byte-wise: history files are named by the timeline in 8 upper-case hex digits
root=${DATA_ROOT:-/data}
[ $# -eq 1 ] || { echo "usage: stevie-push-history NAME" >&2; exit 2; }
case $1 in
  "" | . | .. | *[!A-Za-z0-9.-]*) echo "stevie-push-history: not a directory name: '$1'" >&2; exit 2 ;;
esac
newest=
for f in "$root/$1"/pg_wal/*.history; do
  if [ -f "$f" ]; then newest=$f; fi
done
[ -n "$newest" ] || { echo "stevie-push-history: no timeline history in $1" >&2; exit 1; }
# pgBackRest checks the file against the cluster it came from: the configuration's pg1-path is PGDATA.
export PGDATA="$root/$1"
exec stevie-pgbackrest --stanza=stevie archive-push "$newest"
