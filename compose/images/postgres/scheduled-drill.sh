#!/bin/sh
# A restore drill run inside the stack, by the backup scheduler of a replica (never the leader), as postgres:
# the newest backup set and the WAL archived after it are restored into a scratch directory of this member's volume,
# started alone on a private socket (no TCP, no archiving), and its facts are recorded beside this replica's own
# (facts.sql, the same query the CLI's drill runs). The CLI compares the two (`drill list`, `backup list`):
# one comparison, in one place. The record is one JSON file in the repository's drills/ directory.
# A directory lock in the shared repository keeps two members from drilling at once.
set -u
out=/var/lib/pgbackrest/drills
dir="$(dirname "$PGDATA")/scheduled-drill"
sock=/tmp/scheduled-drill
facts=/usr/local/share/stevie/facts.sql
mkdir -p "$out" "$sock"
# A lock older than two hours is a crashed drill's.
find "$out" -maxdepth 1 -name .running -mmin +120 -exec rm -rf {} + 2>/dev/null
mkdir "$out/.running" 2>/dev/null || exit 0
cleanup() {
  pg_ctl -D "$dir" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$dir" "$dir.log" "$out/.running"
}
trap cleanup EXIT
at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
start=$(date +%s)
label=$(pgbackrest --stanza=stevie --output=json --log-level-console=off info 2>/dev/null | python3 -c '
import json, sys
data = json.load(sys.stdin)
backups = data[0].get("backup", []) if data else []
print(backups[-1]["label"] if backups else "")' 2>/dev/null)
[ -n "$label" ] || exit 0

record() {  # $1: error ("" when none); reads source.json and restored.json from $sock when present
  python3 - "$at" "$label" "$(( $(date +%s) - start ))" "$1" "$sock" > "$out/$at.json.tmp" <<'PY'
import json, os, sys
at, label, seconds, error, sock = sys.argv[1:6]
def facts(name):
    path = os.path.join(sock, name)
    return json.load(open(path)) if os.path.exists(path) and os.path.getsize(path) else None
rec = {"at": at, "set": label, "scheduled": True, "rtoSeconds": int(seconds), "source": facts("source.json"), "restored": facts("restored.json")}
if error:
    rec["error"] = error
print(json.dumps(rec))
PY
  mv "$out/$at.json.tmp" "$out/$at.json"
  if [ -z "$1" ]; then ok=true; else ok=false; fi
  echo "{\"event\":\"drill\",\"set\":\"$label\",\"restored\":$ok,\"seconds\":$(( $(date +%s) - start )),\"error\":\"$(echo "$1" | tr '"' "'")\"}"
  # Keep the newest 100 records.
  ls -1 "$out"/*.json 2>/dev/null | sort | head -n -100 | xargs -r rm -f
}

rm -rf "$dir" "$sock"/*.json
psql -h /run/postgresql -d stevie -qAt -f "$facts" 2>/dev/null | grep '^{' > "$sock/source.json"
# Follow the timeline this replica receives (production's), else the backup's own.
tli=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("timeline") or "current")' "$sock/source.json" 2>/dev/null || echo current)
if ! err=$(pgbackrest --stanza=stevie --pg1-path="$dir" --set="$label" --archive-mode=off --target-timeline="${tli:-current}" \
    --log-level-console=error --log-level-stderr=off restore 2>&1); then
  record "restore failed: $(echo "$err" | grep -m1 ERROR | cut -c1-300)"; exit 0
fi
# Not a hot standby while recovering (so its limits need not match production's); queryable once promoted.
postgres -D "$dir" -c port=5440 -c listen_addresses='' -c unix_socket_directories="$sock" \
  -c archive_mode=off -c archive_command='' -c ssl=off -c synchronous_standby_names='' -c primary_conninfo='' \
  -c hot_standby=off -c max_connections=20 -c shared_buffers=64MB \
  -c hba_file="$dir/pg_hba.conf" -c ident_file="$dir/pg_ident.conf" > "$dir.log" 2>&1 &
pid=$!
deadline=$(( $(date +%s) + 1800 ))
until [ "$(psql -h "$sock" -p 5440 -d stevie -Atc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ]; do
  if ! kill -0 "$pid" 2>/dev/null; then record "the restored copy stopped: $(grep -m1 -E 'FATAL|PANIC' "$dir.log" | cut -c1-300)"; exit 0; fi
  if [ "$(date +%s)" -gt "$deadline" ]; then record "the restored copy did not finish recovery within 30 minutes"; exit 0; fi
  sleep 2
done
psql -h "$sock" -p 5440 -d stevie -qAt -f "$facts" 2>/dev/null | grep '^{' > "$sock/restored.json"
[ -s "$sock/restored.json" ] || { record "the restored copy does not answer the checks"; exit 0; }
record ""
