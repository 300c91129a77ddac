#!/bin/sh
# nginx in the foreground, with the loop that keeps its list of API replicas current (stevie-follow) beside it, and
# with tls.mode acme (ACME_DOMAIN set) the certificate renewal loop.
set -eu
# A socket left by a killed nginx would make the status server's listen fail (nginx unlinks it on clean exits only).
rm -f /run/stevie-status/nginx.sock
stevie-follow once
stevie-follow &
if [ -n "${ACME_DOMAIN:-}" ]; then stevie-acme loop & fi
exec nginx -g "daemon off;"
