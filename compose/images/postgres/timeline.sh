#!/bin/sh
# stevie-timeline NAME: prints the timeline of the latest checkpoint in data directory NAME on a member's volume
# (DATA_ROOT, /data in the one-off container the CLI runs with the volume mounted). `restore` asks every member when
# the cluster has no leader to ask, and follows the newest timeline. Prints nothing and exits 1 when NAME has no
# readable control file (a member that never started); exits 2 when NAME is not a single directory name.
set -eu
root=${DATA_ROOT:-/data}
[ $# -eq 1 ] || { echo "usage: stevie-timeline NAME" >&2; exit 2; }
case $1 in
  "" | . | .. | *[!A-Za-z0-9.-]*) echo "stevie-timeline: not a directory name: '$1'" >&2; exit 2 ;;
esac
# pg_controldata translates its labels: only the C locale's are known here.
control=$(LC_ALL=C pg_controldata "$root/$1") || exit 1
tli=$(printf '%s\n' "$control" | sed -n "s/^Latest checkpoint's TimeLineID: *//p")
case $tli in
  "" | *[!0-9]*) echo "stevie-timeline: no timeline in the control file of $1" >&2; exit 1 ;;
esac
echo "$tli"
