#!/bin/sh
# Runs beside Patroni in every member; acts only on the leader. Every minute: a full backup when the newest full one
# is older than BACKUP_FULL_EVERY_HOURS (or there is none), else a differential when the newest backup of any type
# is older than BACKUP_DIFF_EVERY_HOURS. Then pgBackRest expires what the retention no longer needs.
# On a replica instead: a restore drill (stevie-scheduled-drill) when the newest drill record, or with none the oldest
# backup, is older than BACKUP_DRILL_EVERY_HOURS (0: never). The outcome of each run goes to the log as one JSON line.
# The leader also refreshes the backup and drill metrics (stevie-backup-metrics) every minute, deletes audit_log
# rows older than a year, and recommendation history older than HISTORY_DAYS (stevie-history-retention).
# With an S3 repository (BACKUP_S3_BUCKET), each repository keeps its own schedule: a full backup lands in both.
set -u
repos=1
[ -n "${BACKUP_S3_BUCKET:-}" ] && repos="1 2"
full_s=$(( ${BACKUP_FULL_EVERY_HOURS:-168} * 3600 ))
diff_s=$(( ${BACKUP_DIFF_EVERY_HOURS:-24} * 3600 ))
drill_s=$(( ${BACKUP_DRILL_EVERY_HOURS:-168} * 3600 ))
drill_due() {
  [ "$drill_s" -gt 0 ] || return 1
  newest=$(ls -1 /var/lib/pgbackrest/drills/*.json 2>/dev/null | sort | tail -1)
  if [ -n "$newest" ]; then since=$(stat -c %Y "$newest")
  else since=$(pgbackrest --stanza=stevie --output=json --log-level-console=off info 2>/dev/null | python3 -c '
import json, sys
data = json.load(sys.stdin)
backups = data[0].get("backup", []) if data else []
print(backups[0]["timestamp"]["stop"] if backups else "")' 2>/dev/null)
  fi
  [ -n "$since" ] && [ $(( $(date +%s) - since )) -ge "$drill_s" ]
}
ages() {
  # "<seconds since the newest full> <seconds since the newest backup>" in repository $1 (a huge number when none)
  pgbackrest --stanza=stevie --output=json --log-level-console=off info 2>/dev/null | python3 -c '
import json, sys, time
now = time.time()
data = json.load(sys.stdin)  # unreadable repository: no output, so no backup is attempted this minute
backups = [b for b in (data[0].get("backup", []) if data else []) if b["database"]["repo-key"] == int(sys.argv[1])]
full = [b["timestamp"]["stop"] for b in backups if b["type"] == "full"]
every = [b["timestamp"]["stop"] for b in backups]
print(int(now - max(full)) if full else 10**9, int(now - max(every)) if every else 10**9)' "$1"
}
sleep 30
while :; do
  if stevie-patroni-api primary 2>/dev/null; then
    for repo in $repos; do
      set -- $(ages "$repo")
      type=""
      if [ "${1:-0}" -ge "$full_s" ]; then type=full; elif [ "${2:-0}" -ge "$diff_s" ]; then type=diff; fi
      [ -n "$type" ] || continue
      start=$(date +%s)
      if out=$(pgbackrest --stanza=stevie --repo="$repo" --type="$type" backup 2>&1); then
        echo "{\"event\":\"backup\",\"repo\":$repo,\"type\":\"$type\",\"ok\":true,\"seconds\":$(( $(date +%s) - start ))}"
      else
        reason=$(echo "$out" | grep -m1 ERROR | tr '"' "'" )
        echo "{\"event\":\"backup\",\"repo\":$repo,\"type\":\"$type\",\"ok\":false,\"seconds\":$(( $(date +%s) - start )),\"error\":\"$reason\"}"
      fi
    done
    stevie-backup-metrics
    # The audit log keeps a year (the table refuses to lose a younger row); before the first migration it is absent.
    purged=$(psql -h /run/postgresql -d stevie -XAtq -c "WITH gone AS (DELETE FROM audit_log WHERE at < now() - interval '1 year' RETURNING 1) SELECT count(*) FROM gone" 2>/dev/null)
    [ "${purged:-0}" -gt 0 ] 2>/dev/null && echo "{\"event\":\"audit-retention\",\"deleted\":$purged}"
    stevie-history-retention
  elif stevie-patroni-api replica 2>/dev/null && drill_due; then
    stevie-scheduled-drill
  fi
  sleep 60
done
