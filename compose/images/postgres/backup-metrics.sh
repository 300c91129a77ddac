#!/bin/sh
# Backup and drill figures for Prometheus, in the text format, written atomically to the backup-metrics volume,
# which node-exporter reads (textfile collector) without access to the repository. Run by the backup scheduler on the
# leader every minute and by the CLI after its backups. An unreadable repository writes stevie_backup_repository_ok 0
# and no ages.
set -u
dir=/var/lib/stevie-metrics
mkdir -p "$dir"
info=$(pgbackrest --stanza=stevie --output=json --log-level-console=off info 2>/dev/null)
repo_bytes=$(du -sb /var/lib/pgbackrest/backup /var/lib/pgbackrest/archive 2>/dev/null | awk '{s += $1} END {print s + 0}')
printf '%s' "$info" | python3 -c '
import glob, json, os, sys
repo_bytes = int(sys.argv[1])
out = []
def metric(name, kind, help, samples):
    out.append(f"# HELP {name} {help}")
    out.append(f"# TYPE {name} {kind}")
    for labels, value in samples:
        lab = ",".join(f"{k}=\"{v}\"" for k, v in labels.items())
        out.append(f"{name}{{{lab}}} {value}" if lab else f"{name} {value}")
NAMES = {1: "local", 2: "s3"}
try:
    data = json.loads(sys.stdin.read())
    backups = data[0].get("backup", []) if data else []
    repos = {r["key"]: r["status"]["code"] == 0 for r in (data[0].get("repo", []) if data else [])} or {1: False}
except Exception:
    backups, repos = [], {1: False}
# One series per repository (local: the volume; s3: backup.s3), so a stale or unreadable S3 copy alerts on its own.
metric("stevie_backup_repository_ok", "gauge", "1 when pgBackRest could read the repository", [({"repo": NAMES.get(k, str(k))}, int(ok)) for k, ok in sorted(repos.items())])
newest = {}
for b in backups:
    key = (NAMES.get(b["database"]["repo-key"], "?"), b["type"])
    newest[key] = max(newest.get(key, 0), b["timestamp"]["stop"])
metric("stevie_backup_last_success_timestamp_seconds", "gauge", "When the newest backup of each type finished (Unix time), by repository", [({"repo": r, "type": t}, v) for (r, t), v in sorted(newest.items())])
metric("stevie_backup_sets", "gauge", "Backup sets, by repository", [({"repo": NAMES.get(k, str(k))}, sum(1 for b in backups if b["database"]["repo-key"] == k)) for k in sorted(repos)])
if backups:
    metric("stevie_backup_last_duration_seconds", "gauge", "How long the newest backup took", [({"type": backups[-1]["type"]}, backups[-1]["timestamp"]["stop"] - backups[-1]["timestamp"]["start"])])
metric("stevie_backup_repository_bytes", "gauge", "Bytes used by backups and archived WAL", [({"repo": "local"}, repo_bytes)])
drills = []
for path in sorted(glob.glob("/var/lib/pgbackrest/drills/*.json")):
    try:
        drills.append(json.load(open(path)))
    except Exception:
        pass
def passed(d):
    return not d.get("error") and d.get("restored") is not None
if drills:
    last = drills[-1]
    import datetime
    ts = lambda d: int(datetime.datetime.strptime(d["at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp())
    metric("stevie_drill_last_timestamp_seconds", "gauge", "When the newest restore drill ran (Unix time), by who ran it", [({"runner": "stack"}, ts(last))])
    metric("stevie_drill_last_pass", "gauge", "1 when the newest restore drill restored and started", [({"runner": "stack"}, 1 if passed(last) else 0)])
    metric("stevie_drill_last_rto_seconds", "gauge", "Recovery time of the newest restore drill", [({"runner": "stack"}, last.get("rtoSeconds", 0))])
    good = [d for d in drills if passed(d)]
    if good:
        metric("stevie_drill_last_success_timestamp_seconds", "gauge", "When the newest passing restore drill ran (Unix time)", [({"runner": "stack"}, ts(good[-1]))])
print("\n".join(out))
' "$repo_bytes" > "$dir/backup.prom.tmp" && mv "$dir/backup.prom.tmp" "$dir/backup.prom"
chmod 0644 "$dir/backup.prom" 2>/dev/null
exit 0
