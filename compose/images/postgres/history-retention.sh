#!/bin/sh
# stevie-history-retention: run by the backup scheduler on the leader every minute. Deletes the recommendation history
# older than HISTORY_DAYS (api.historyDays, 90 unless set) oldest first, HISTORY_BATCH rows at a time, each batch its
# own short transaction with a pause after it: deleting a million rows never holds one long transaction, and the API's
# inserts (new rows only) never wait on it. One JSON line when it deleted something. No table yet (before the first
# migration), or no leader: nothing, silently.
set -u
days=${HISTORY_DAYS:-90}
batch=${HISTORY_BATCH:-5000}
total=0
while :; do
  n=$(psql -h /run/postgresql -d stevie -XAtq -v ON_ERROR_STOP=1 -c "WITH gone AS (DELETE FROM recommendations WHERE id IN (SELECT id FROM recommendations WHERE created_at < now() - make_interval(days => $days) ORDER BY created_at LIMIT $batch) RETURNING 1) SELECT count(*) FROM gone" 2>/dev/null) || break
  total=$((total + n))
  [ "$n" -lt "$batch" ] && break
  sleep 0.2
done
[ "$total" -gt 0 ] && echo "{\"event\":\"history-retention\",\"days\":$days,\"deleted\":$total}"
exit 0
