#!/bin/sh
# The password goes into a config file on tmpfs readable only by redis, never onto the command line.
set -eu
conf=/run/redis/redis.conf
mkdir -p /run/redis /data
umask 077
{
  echo "bind 0.0.0.0 -::*"
  echo "port 6379"
  echo "protected-mode yes"
  echo "dir /data"
  echo "appendonly yes"
  echo "appendfsync everysec"
  echo "save 900 1 300 10 60 10000"
  echo "maxmemory ${REDIS_MAXMEMORY:-256mb}"
  echo "maxmemory-policy allkeys-lru"
  echo "requirepass $(cat "$REDIS_PASSWORD_FILE")"
} > "$conf"
chown -R redis:redis /run/redis /data
exec setpriv --reuid=redis --regid=redis --init-groups -- redis-server "$conf"
