#!/bin/sh
# nginx in the foreground; with tls.mode acme (ACME_DOMAIN set) the certificate renewal loop beside it.
set -eu
if [ -n "${ACME_DOMAIN:-}" ]; then stevie-acme loop & fi
exec nginx -g "daemon off;"
