#!/bin/sh
# stevie-history-retention: run by the backup scheduler on the leader every minute. Deletes the recommendation history
# older than HISTORY_DAYS (api.historyDays, 90 unless set) oldest first, HISTORY_BATCH rows at a time, each batch its
# own short transaction, then rests four times as long as the batch took (at least 0.2 s): the purge holds PostgreSQL
# a fifth of the time at most, and the API's inserts (new rows only) never wait on it. One JSON line when it deleted
# something. No table yet (before the first migration), or no leader: nothing, silently.
set -u
days=${HISTORY_DAYS:-90}
batch=${HISTORY_BATCH:-1000}
total=0
while :; do
  started=$(date +%s%N)
  n=$(psql -h /run/postgresql -d stevie -XAtq -v ON_ERROR_STOP=1 -c "WITH gone AS (DELETE FROM recommendations WHERE id IN (SELECT id FROM recommendations WHERE created_at < now() - make_interval(days => $days) ORDER BY created_at LIMIT $batch) RETURNING 1) SELECT count(*) FROM gone" 2>/dev/null) || break
  total=$((total + n))
  [ "$n" -lt "$batch" ] && break
  rest=$(( ($(date +%s%N) - started) / 250000 ))
  [ "$rest" -ge 200 ] || rest=200
  sleep "$((rest / 1000)).$(printf %03d $((rest % 1000)))"
done
[ "$total" -gt 0 ] && echo "{\"event\":\"history-retention\",\"days\":$days,\"deleted\":$total}"
exit 0
