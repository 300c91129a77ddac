#!/bin/sh
# Three modes, chosen by the first argument:
#   server    (default) a standalone Redis; config regenerated on every start (tests, benchmarks).
#   node      a member of the replicated set. /data/redis.conf is written on the first start only: Sentinel rewrites
#             its `replicaof` line on failover, and that must survive a restart. REDIS_REPLICAOF=ip makes it start as
#             a replica of that address (a static address: Sentinel must not depend on Docker DNS, redis/redis#12753).
#   sentinel  a Sentinel watching REDIS_MASTER_NAME, first at REDIS_MASTER_IP; /data/sentinel.conf is written on the
#             first start only, since Sentinel records the current master and the other Sentinels there.
# Passwords come from the Docker secret and go into 0600 files owned by redis, never onto a command line.
#
# TLS only when the installer passes a certificate (REDIS_TLS_CERT_FILE, REDIS_TLS_KEY_FILE, REDIS_TLS_CA_FILE): no
# plaintext port; replication and Sentinel's links (to the servers and to each other) over TLS as well, each checking
# the other's certificate against the stack's CA. Clients show no certificate: they log in with the password. These
# lines are written again on every start, also into a config an earlier start wrote, so a stack from before moves.
set -eu
mode=${1:-server}
mkdir -p /run/redis /data
umask 077
pw=$(tr -d '\n' < "$REDIS_PASSWORD_FILE")
if [ -n "${REDIS_TLS_CERT_FILE:-}" ]; then
  cat "$REDIS_TLS_CERT_FILE" > /run/redis/tls.crt
  cat "$REDIS_TLS_KEY_FILE" > /run/redis/tls.key
  cat "$REDIS_TLS_CA_FILE" > /run/redis/ca.crt
fi
common() {
  echo "bind 0.0.0.0 -::*"
  echo "protected-mode yes"
  echo "dir /data"
}
# The listening port ($1), over TLS when there is a certificate.
listen_conf() {
  if [ -z "${REDIS_TLS_CERT_FILE:-}" ]; then
    echo "port $1"
    return
  fi
  echo "port 0"
  echo "tls-port $1"
  echo "tls-cert-file /run/redis/tls.crt"
  echo "tls-key-file /run/redis/tls.key"
  echo "tls-ca-cert-file /run/redis/ca.crt"
  echo "tls-auth-clients no"
  echo "tls-replication yes"
}
# A config written by an earlier start: its listening lines replaced by this start's.
relisten() {
  sed -i -e '/^port /d' -e '/^tls-/d' "$1"
  listen_conf "$2" >> "$1"
}
server_conf() {
  common
  listen_conf 6379
  echo "appendonly yes"
  echo "appendfsync everysec"
  echo "save 900 1 300 10 60 10000"
  echo "maxmemory ${REDIS_MAXMEMORY:-256mb}"
  echo "maxmemory-policy volatile-lru"
  echo "requirepass $pw"
}
case "$mode" in
  server)
    conf=/run/redis/redis.conf
    server_conf > "$conf"
    set -- redis-server "$conf" ;;
  node)
    conf=/data/redis.conf
    if [ ! -s "$conf" ]; then
      {
        server_conf
        echo "masterauth $pw"
        echo "replica-read-only yes"
        echo "repl-diskless-sync yes"
        if [ -n "${REDIS_REPLICAOF:-}" ]; then echo "replicaof $REDIS_REPLICAOF 6379"; fi
      } > "$conf"
    else
      # The operator may have resized the host: the memory ceiling follows the installer's sizing. Eviction takes
      # only keys with a TTL (cached answers, sessions), never the rate-limit counters (older installs had allkeys-lru).
      sed -i -e "s/^maxmemory .*/maxmemory ${REDIS_MAXMEMORY:-256mb}/" -e "s/^maxmemory-policy .*/maxmemory-policy volatile-lru/" "$conf"
      relisten "$conf" 6379
    fi
    set -- redis-server "$conf" ;;
  sentinel)
    conf=/data/sentinel.conf
    : "${REDIS_MASTER_NAME:?}" "${REDIS_MASTER_IP:?}"
    if [ ! -s "$conf" ]; then
      {
        common
        listen_conf 26379
        echo "requirepass $pw"
        echo "sentinel monitor $REDIS_MASTER_NAME $REDIS_MASTER_IP 6379 ${REDIS_QUORUM:-2}"
        echo "sentinel auth-pass $REDIS_MASTER_NAME $pw"
        echo "sentinel down-after-milliseconds $REDIS_MASTER_NAME ${REDIS_DOWN_AFTER_MS:-3000}"
        echo "sentinel failover-timeout $REDIS_MASTER_NAME 10000"
        echo "sentinel parallel-syncs $REDIS_MASTER_NAME 1"
      } > "$conf"
    else
      relisten "$conf" 26379
    fi
    set -- redis-sentinel "$conf" ;;
  *) exec "$@" ;;
esac
chown -R redis:redis /run/redis /data
exec setpriv --reuid=redis --regid=redis --init-groups -- "$@"
