#!/bin/sh
# A member that lost its address on the data network must not lead, nor be able to become leader: clients reach the
# cluster only through HAProxy on that network, yet Patroni still reaches etcd over the consensus network and would
# keep (or win) the leader key, with writes down for as long as the cut lasts (measured: 32 s of a 30-s cut).
#
# `stevie-data-watch wait`: return once $PATRONI_ADDRESS is on one of this container's interfaces (before Patroni
# starts: after a cut, the restarted container waits here until the network is back).
# `stevie-data-watch PID`: every second, check the address; missing twice in a row, stop Patroni (PID) with SIGTERM:
# it shuts PostgreSQL down and, as leader, gives up the key, so the other member takes over; the container then exits,
# its restart policy starts it again, and it waits (above) until the network is back, then rejoins as a replica.
set -u
: "${PATRONI_ADDRESS:?}"
present() { hostname -I | tr ' ' '\n' | grep -qx "$PATRONI_ADDRESS"; }

if [ "${1:-}" = wait ]; then
  present && exit 0
  echo "stevie-data-watch: $PATRONI_ADDRESS is not on the data network yet; waiting for it before Patroni starts" >&2
  until present; do sleep 1; done
  echo "stevie-data-watch: $PATRONI_ADDRESS is back" >&2
  exit 0
fi

pid=${1:?usage: stevie-data-watch wait|PID}
missing=0
while kill -0 "$pid" 2>/dev/null; do
  if present; then missing=0; else missing=$((missing + 1)); fi
  if [ "$missing" -ge 2 ]; then
    echo "stevie-data-watch: $PATRONI_ADDRESS left the data network; stopping Patroni so that a reachable member leads" >&2
    kill -TERM "$pid"
    exit 0
  fi
  sleep 1
done
