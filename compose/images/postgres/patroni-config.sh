#!/bin/sh
# Writes /run/patroni/patroni.yml (0600, owned by postgres) from the environment and the Docker secrets. Run by
# stevie-patroni at start, and by `stevie-stack rotate-secrets db` after the superuser and replication passwords
# changed in the secret files (then Patroni reloads it).
set -eu
run=/run/patroni
secret() { tr -d '\n' < "$1"; }
# TLS for clients (the API checks this certificate against the stack's CA and the host name): PostgreSQL wants the
# key owned by its own user, 0600.
tls=""
# Replication and pg_rewind between members: over TLS, the leader's certificate checked against the stack's CA and the
# leader's fixed address (verify-full); a member accepts replication connections over TLS only.
peer_tls=""
replication_hba="host replication replicator samenet scram-sha-256"
api_tls=""
ctl_tls=""
if [ -n "${POSTGRES_TLS_CERT_FILE:-}" ] && [ -s "$POSTGRES_TLS_CERT_FILE" ]; then
  (umask 077; cat "$POSTGRES_TLS_CERT_FILE" > "$run/server.crt"; cat "$POSTGRES_TLS_KEY_FILE" > "$run/server.key")
  tls="ssl: \"on\"
    ssl_cert_file: $run/server.crt
    ssl_key_file: $run/server.key
    ssl_min_protocol_version: TLSv1.2"
  if [ -n "${POSTGRES_TLS_CA_FILE:-}" ] && [ -s "$POSTGRES_TLS_CA_FILE" ]; then
    (umask 077; cat "$POSTGRES_TLS_CA_FILE" > "$run/ca.crt")
    peer_tls="sslmode: verify-full
      sslrootcert: $run/ca.crt"
    replication_hba="hostssl replication replicator samenet scram-sha-256"
    # Patroni's REST API: over TLS with the same certificate, answering only a caller that presents one from the
    # stack's CA (the other members, HAProxy's checks, Prometheus), reads included. A member presents its own when it
    # calls the others' (ctl) and checks theirs.
    api_tls="  certfile: $run/server.crt
  keyfile: $run/server.key
  cafile: $run/ca.crt
  verify_client: required"
    ctl_tls="  certfile: $run/server.crt
  keyfile: $run/server.key
  cacert: $run/ca.crt"
  fi
fi

hosts=$(echo "$ETCD_HOSTS" | sed 's/,/, /g')
# etcd over TLS, its certificate checked against the stack's CA and the member's name.
etcd_scheme=http
etcd_tls=""
etcd_ca=""
if [ -n "${ETCD_CA_FILE:-}" ] && [ -s "$ETCD_CA_FILE" ]; then
  etcd_scheme=https
  etcd_ca=$run/etcd-ca.crt
  (umask 077; cat "$ETCD_CA_FILE" > "$etcd_ca")
  etcd_tls="  protocol: https
  cacert: $run/etcd-ca.crt"
fi
umask 077
# etcd's account for Patroni (read and write under its namespace only), once etcd asks for one: cli/stack/etcd.ts turns
# authentication on after the members first start, then has them write this file again. Patroni 4.0 cannot be given
# the account before: it takes etcd 3.5's "authentication is not enabled" for an error and waits on etcd for good. So
# ask etcd (the password on standard input, never a command line); no answer within 30 s: assume it asks.
etcd_auth=""
if [ -n "${ETCD_PASSWORD_FILE:-}" ]; then
  answer=""
  deadline=$(($(date +%s) + 30))
  while [ -z "$answer" ] && [ "$(date +%s)" -lt "$deadline" ]; do
    for h in $(echo "${ETCD_HOSTS:-}" | tr ',' ' '); do
      if answer=$(printf '{"name":"patroni","password":"%s"}' "$(secret "$ETCD_PASSWORD_FILE")" |
        curl -s -m 2 ${etcd_ca:+--cacert "$etcd_ca"} -X POST --data-binary @- "$etcd_scheme://$h/v3/auth/authenticate"); then
        break
      fi
      answer=""
    done
    [ -n "$answer" ] || sleep 1
  done
  case $answer in
    *"authentication is not enabled"*) ;;
    *) etcd_auth="  username: patroni
  password: $(secret "$ETCD_PASSWORD_FILE")" ;;
  esac
fi
# Written beside and renamed: a Patroni reloading it never reads half a file.
cat > "$run/patroni.yml.new" <<YAML
scope: ${PATRONI_SCOPE}
name: ${PATRONI_NAME}
namespace: /stevie-stack/
log:
  level: INFO
restapi:
  # On the data network only: a member also on the egress network (S3 backups) is not answering there.
  listen: ${PATRONI_ADDRESS:-0.0.0.0}:8008
  # By address (fixed in the data network): a member looking up a crashed one by name waits on Docker's DNS.
  connect_address: ${PATRONI_ADDRESS:-$PATRONI_NAME}:8008
  authentication:
    username: patroni
    password: $(secret "$PATRONI_API_PASSWORD_FILE")
  # The unsafe endpoints (restart, switchover, reinitialize, a change of the cluster's settings, a leader's failsafe
  # check) answer the members' own addresses only, with the password: an API replica or HAProxy on the same network
  # gets 403 whatever it knows. Listed by address, not allowlist_include_members: Patroni checks POST /failsafe
  # against this list alone, and that is the call that keeps a leader leading while etcd is away.
  allowlist: [127.0.0.1${PATRONI_API_ALLOWLIST:+, $(echo "$PATRONI_API_ALLOWLIST" | sed 's/,/, /g')}]
${api_tls}
ctl:
  authentication:
    username: patroni
    password: $(secret "$PATRONI_API_PASSWORD_FILE")
${ctl_tls}
etcd3:
  hosts: [${hosts}]
${etcd_tls}
${etcd_auth}
bootstrap:
  dcs:
    # A crashed leader's key lives out its ttl (20 s, Patroni's minimum); a turn every second starts the race for it
    # at once. stevie-stack install applies loop_wait and synchronous_mode to older clusters as well.
    ttl: 20
    loop_wait: 1
    retry_timeout: 5
    maximum_lag_on_failover: 16777216
    synchronous_mode: ${PG_SYNCHRONOUS:-false}
    synchronous_mode_strict: false
    # An etcd that cannot answer within retry_timeout (an election on a starved host) must not demote a healthy
    # leader while every member still answers it: stevie-stack install applies this to older clusters as well.
    failsafe_mode: true
    postgresql:
      use_pg_rewind: true
      use_slots: true
      remove_data_directory_on_rewind_failure: true
      remove_data_directory_on_diverged_timelines: true
      parameters:
        max_connections: ${PG_MAX_CONNECTIONS:-300}
        wal_level: replica
        wal_log_hints: "on"
        hot_standby: "on"
        max_wal_senders: 10
        max_replication_slots: 10
        wal_keep_size: 256MB
        password_encryption: scram-sha-256
        archive_mode: "on"
        archive_command: pgbackrest --stanza=stevie archive-push %p
        # A WAL segment is archived at least once a minute: the recovery point is about a minute old at worst.
        archive_timeout: 60
  initdb:
    - encoding: UTF8
    - locale: C.UTF-8
    - data-checksums
    - auth-local: peer
    - auth-host: scram-sha-256
  post_bootstrap: /usr/local/bin/stevie-post-bootstrap
postgresql:
  listen: 0.0.0.0:5432
  connect_address: ${PATRONI_ADDRESS:-$PATRONI_NAME}:5432
  data_dir: ${PGDATA}
  bin_dir: /usr/lib/postgresql/17/bin
  pgpass: ${run}/pgpass
  use_unix_socket: true
  authentication:
    superuser:
      username: postgres
      password: $(secret "$POSTGRES_SUPERUSER_PASSWORD_FILE")
      ${peer_tls}
    replication:
      username: replicator
      password: $(secret "$POSTGRES_REPLICATION_PASSWORD_FILE")
      ${peer_tls}
  basebackup:
    - checkpoint: fast
  parameters:
    unix_socket_directories: /run/postgresql
    shared_buffers: ${PG_SHARED_BUFFERS:-128MB}
    effective_cache_size: ${PG_EFFECTIVE_CACHE_SIZE:-512MB}
    log_min_duration_statement: 500
    # Synchronous replication waits for the standby on every commit: a standby that froze or vanished without a word
    # is let go after 5 s (not the default 60), then Patroni drops it from synchronous_standby_names.
    wal_sender_timeout: 5s
    wal_receiver_status_interval: 1s
    ${tls}
  pg_hba:
    - local all all peer
    - ${replication_hba}
    - host all all 127.0.0.1/32 scram-sha-256
    - host all all samenet scram-sha-256
tags:
  nofailover: false
  noloadbalance: false
YAML
chown -R postgres:postgres "$run"
mv "$run/patroni.yml.new" "$run/patroni.yml"
