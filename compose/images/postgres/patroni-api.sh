#!/bin/sh
# stevie-patroni-api PATH: GET this member's own Patroni REST API at PATH; exits 0 on a 2xx answer. Over TLS, as the
# member presents itself to the others: its certificate (Patroni asks every caller for one from the stack's CA), and
# the API's checked against the CA and the member's address. For the health check and the backup scheduler.
set -eu
run=/run/patroni
if [ -s "$run/ca.crt" ]; then
  exec curl -fsS -o /dev/null -m 5 --cacert "$run/ca.crt" --cert "$run/server.crt" --key "$run/server.key" \
    "https://${PATRONI_ADDRESS:-127.0.0.1}:8008/$1"
fi
exec curl -fsS -o /dev/null -m 5 "http://${PATRONI_ADDRESS:-127.0.0.1}:8008/$1"
