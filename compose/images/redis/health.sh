#!/bin/sh
REDISCLI_AUTH=$(cat "$REDIS_PASSWORD_FILE") exec sh -c 'redis-cli --no-auth-warning -h 127.0.0.1 ping | grep -q PONG'
