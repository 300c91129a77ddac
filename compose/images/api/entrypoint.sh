#!/bin/sh
# Docker secrets are root-only files. Read each NAME_FILE as root into NAME for the API process alone
# (not visible in `docker inspect`), then drop to the unprivileged user for good.
set -eu
for var in $(env | sed -n 's/^\([A-Z0-9_]*\)_FILE=.*/\1/p'); do
  eval "src=\${${var}_FILE}"
  value=$(cat "$src")
  export "$var=$value"
  unset "${var}_FILE"
done
unset value src
exec setpriv --reuid=stevie --regid=stevie --clear-groups -- "$@"
