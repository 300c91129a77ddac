#!/bin/sh
# Keeps nginx's list of API replicas current without an operator (docs/design.md, "nginx follows the replicas").
#
# Every second, each candidate address is probed (1-s timeout, all at once). The candidates: what Docker's DNS gives
# for the API service, and every address seen in the last 10 minutes: Docker 20.10's DNS can lose a replica's service
# name when its restart policy restarts it on the same address, and a replica is still one without its name. An
# address joins when /api/health/ready answers 200. A member is then asked /api/health/live, which needs no database
# and answers in milliseconds unless the process is stuck: it stays while it answers at all (a database failover, a
# busy second, draining) and leaves after two probes in a row without an answer (frozen, cut off), or after one when
# DNS no longer lists it either (removed, crashed): a rollout waits for that before nginx goes back on the list. The list never goes empty (nginx would refuse it): with no member, the service name
# stands in, or a placeholder when even the name is unknown (nginx then answers 502, as with every replica down).
#
# The list is written to $OUT; nginx reads it through api.conf (`include`), which the CLI replaces by an explicit list
# while it takes a replica out, then puts back. nginx reloads when the list changes, and only while api.conf includes
# it: a rollout's reloads are the CLI's. `stevie-follow once` writes the list and returns (before nginx starts).
set -u
HOST=${API_HOST:-api}
PORT=${API_PORT:-3000}
OUT=${FOLLOW_FILE:-/run/stevie/api-ready.conf}
STATE=$OUT.state   # address, member (0/1), probes missed in a row, last seen (epoch seconds)
CONF=/etc/stevie/upstream/api.conf
REMEMBER_S=600

listed() { getent ahostsv4 "$HOST" | awk '{ print $1 }' | sort -u; }

# "address code" for each "address path" on stdin (code 000: no answer).
probe() {
  while read -r a path; do printf 'url = "http://%s:%s/api/health/%s"\noutput = "/dev/null"\n' "$a" "$PORT" "$path"; done \
    | curl -sZ -m 1 -w '%{url.host} %{http_code}\n' -K - 2>/dev/null
}

round() {
  now=$(date +%s)
  dns=$(listed | tr '\n' ' ')
  answers=$({ listed; awk -v old=$((now - REMEMBER_S)) '$4 >= old || $2 == 1 { print $1 }' "$STATE"; } | sort -u \
    | awk -v members=" $(awk '$2 == 1 { printf "%s ", $1 }' "$STATE")" '{ print $1, index(members, " " $1 " ") ? "live" : "ready" }' \
    | probe)
  printf '%s\n' "$answers" | awk -v now="$now" -v dns=" $dns" -v keep=$((now - REMEMBER_S)) '
    FILENAME == "-" { if (NF == 2) code[$1] = $2; next }
    { member[$1] = $2; misses[$1] = $3; seen[$1] = $4 }
    END {
      for (a in code) if (!(a in seen)) { member[a] = 0; misses[a] = 0; seen[a] = now }
      for (a in seen) {
        c = (a in code) ? code[a] : "000"
        indns = index(dns, " " a " ")
        if (c != "000" || indns) seen[a] = now
        if (member[a]) { misses[a] = (c == "000") ? misses[a] + 1 : 0; if (misses[a] >= 2 || (misses[a] && !indns)) member[a] = 0 }
        else if (c == "200") { member[a] = 1; misses[a] = 0 }
        if (member[a] || seen[a] >= keep) print a, member[a], misses[a], seen[a]
      }
    }' - "$STATE" | sort >"$STATE.new"
  mv "$STATE.new" "$STATE"
  list=$(awk -v port="$PORT" '$2 == 1 { printf "server %s:%s max_fails=3 fail_timeout=10s;\n", $1, port }' "$STATE")
  if [ -z "$list" ]; then
    if getent hosts "$HOST" >/dev/null; then list="server $HOST:$PORT max_fails=3 fail_timeout=10s;"
    else list="server 127.0.0.1:$PORT down;"; fi
  fi
  [ -f "$OUT" ] && [ "$list" = "$(cat "$OUT")" ] && return 1
  printf '%s\n' "$list" >"$OUT.tmp" && mv "$OUT.tmp" "$OUT"
  echo "stevie-follow: API replicas now: $(printf '%s\n' "$list" | awk '{ print $2 }' | tr '\n' ' ')" >&2
}

mkdir -p "$(dirname "$OUT")"
touch "$STATE"
if [ "${1:-}" = once ]; then
  round || true
  exit 0
fi
while :; do
  if round && grep -q "$OUT" "$CONF" 2>/dev/null; then nginx -s reload 2>/dev/null || true; fi
  sleep 1
done
