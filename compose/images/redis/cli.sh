#!/bin/sh
# redis-cli as the stack's clients reach this container's Redis or Sentinel: over TLS, the certificate checked against
# the stack's CA, when the container has one. Arguments as redis-cli's; the caller gives the password (AUTH on standard
# input, or REDISCLI_AUTH), never a command line.
if [ -n "${REDIS_TLS_CA_FILE:-}" ]; then set -- --tls --cacert "$REDIS_TLS_CA_FILE" "$@"; fi
exec redis-cli "$@"
