#!/bin/sh
# Three modes, chosen by the first argument:
#   server    (default) a standalone Redis; config regenerated on every start (tests, benchmarks).
#   node      a member of the replicated set. /data/redis.conf is written on the first start only: Sentinel rewrites
#             its `replicaof` line on failover, and that must survive a restart. REDIS_REPLICAOF=ip makes it start as
#             a replica of that address (a static address: Sentinel must not depend on Docker DNS, redis/redis#12753).
#   sentinel  a Sentinel watching REDIS_MASTER_NAME, first at REDIS_MASTER_IP; /data/sentinel.conf is written on the
#             first start only, since Sentinel records the current master and the other Sentinels there.
# Passwords come from the Docker secret and go into 0600 files owned by redis, never onto a command line.
set -eu
mode=${1:-server}
mkdir -p /run/redis /data
umask 077
pw=$(tr -d '\n' < "$REDIS_PASSWORD_FILE")
common() {
  echo "bind 0.0.0.0 -::*"
  echo "protected-mode yes"
  echo "dir /data"
}
server_conf() {
  common
  echo "port 6379"
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
    fi
    set -- redis-server "$conf" ;;
  sentinel)
    conf=/data/sentinel.conf
    : "${REDIS_MASTER_NAME:?}" "${REDIS_MASTER_IP:?}"
    if [ ! -s "$conf" ]; then
      {
        common
        echo "port 26379"
        echo "requirepass $pw"
        echo "sentinel monitor $REDIS_MASTER_NAME $REDIS_MASTER_IP 6379 ${REDIS_QUORUM:-2}"
        echo "sentinel auth-pass $REDIS_MASTER_NAME $pw"
        echo "sentinel down-after-milliseconds $REDIS_MASTER_NAME ${REDIS_DOWN_AFTER_MS:-3000}"
        echo "sentinel failover-timeout $REDIS_MASTER_NAME 10000"
        echo "sentinel parallel-syncs $REDIS_MASTER_NAME 1"
      } > "$conf"
    fi
    set -- redis-sentinel "$conf" ;;
  *) exec "$@" ;;
esac
chown -R redis:redis /run/redis /data
exec setpriv --reuid=redis --regid=redis --init-groups -- "$@"
