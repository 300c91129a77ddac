#!/bin/sh
# Secrets reach the exporters as files (Docker secrets); the few that only read a variable get it here, inside the
# container, so the value never shows in `docker inspect`. Then the program named by the command runs.
set -eu
if [ -n "${REDIS_PASSWORD_FILE:-}" ]; then REDIS_PASSWORD=$(cat "$REDIS_PASSWORD_FILE"); export REDIS_PASSWORD; fi
exec "$@"
