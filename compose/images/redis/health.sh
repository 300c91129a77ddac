#!/bin/sh
# Healthy when the server (or, with `sentinel`, the Sentinel) answers PING with the password.
port=6379
[ "${1:-}" = "sentinel" ] && port=26379
REDISCLI_AUTH=$(tr -d '\n' < "$REDIS_PASSWORD_FILE") exec sh -c "stevie-redis-cli --no-auth-warning -h 127.0.0.1 -p $port ping | grep -q PONG"
