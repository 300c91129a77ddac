#!/bin/sh
# stevie-drill-records: prints the records of the stack's own restore drills (stevie-scheduled-drill writes one JSON
# file per drill, on one line, into the repository's drills/ directory; DRILLS_DIR overrides it), oldest first, one
# per line; nothing when there are none. The CLI reads them on the leader for `drill list` and `backup list`.
set -eu
dir=${DRILLS_DIR:-/var/lib/pgbackrest/drills}
[ $# -eq 0 ] || { echo "usage: stevie-drill-records" >&2; exit 2; }
export LC_ALL=C # named by the time they ran: byte order is time order
for f in "$dir"/*.json; do
  # A record may be pruned meanwhile (the drill keeps the newest 100): skip it. awk ends every record with a newline.
  if [ -f "$f" ]; then awk 1 "$f" 2>/dev/null || :; fi
done
