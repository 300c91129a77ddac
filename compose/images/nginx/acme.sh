#!/bin/sh
# tls.mode acme: the edge certificate from an ACME CA (Let's Encrypt unless told otherwise) with lego, proven by
# HTTP-01 through this nginx's own webroot. nginx serves /etc/stevie/acme/live/server.{crt,key}: a temporary
# certificate from the stack's local CA until the first issuance, then the CA's.
#   stevie-acme issue   obtain the certificate now (or renew it when due), install it, reload nginx. The CLI runs this
#                       once its preflight showed that the domain reaches this nginx: nothing is asked of the CA before.
#   stevie-acme loop    runs beside nginx: every ACME_CHECK_INTERVAL seconds (12 h), renew when fewer than
#                       ACME_RENEW_DAYS days are left. Never the first issuance: that waits for the CLI's preflight.
# Each attempt is written for Prometheus (textfile collector) when /etc/stevie/textfile is mounted.
set -u
: "${ACME_DOMAIN:?}" "${ACME_EMAIL:?}" "${ACME_SERVER:?}"
dir=/etc/stevie/acme
live=$dir/live
data=$dir/lego
issued=$data/certificates/$ACME_DOMAIN
textfile=/etc/stevie/textfile
renew_days=${ACME_RENEW_DAYS:-30}
[ -n "${ACME_CA_FILE:-}" ] && export LEGO_CA_CERTIFICATES="$ACME_CA_FILE"

say() { echo "stevie-acme: $*"; }

lego_() {
  lego --accept-tos --email "$ACME_EMAIL" --domains "$ACME_DOMAIN" --server "$ACME_SERVER" --path "$data" \
    --http --http.webroot "$dir/webroot" --key-type ec256 "$@"
}

# A new certificate goes live by rename (key first), then nginx reloads: open connections finish on the old one.
install_issued() {
  cmp -s "$issued.crt" "$live/server.crt" && return 0
  (umask 077 && cp "$issued.key" "$live/.server.key.new")
  cp "$issued.crt" "$live/.server.crt.new" && chmod 644 "$live/.server.crt.new"
  mv "$live/.server.key.new" "$live/server.key"
  mv "$live/.server.crt.new" "$live/server.crt"
  nginx -s reload
  say "installed the certificate for $ACME_DOMAIN from $ACME_SERVER, valid until $(openssl x509 -in "$live/server.crt" -noout -enddate | cut -d= -f2)"
}

# $1: 1 when the attempt succeeded (or nothing was due), 0 when it failed.
write_metrics() {
  [ -d "$textfile" ] || return 0
  end=$(date -d "$(openssl x509 -in "$live/server.crt" -noout -enddate | cut -d= -f2)" +%s) || return 0
  tmp="$textfile/.acme.prom.$$"
  {
    echo "# HELP stevie_tls_certificate_expiry_timestamp_seconds When a certificate of the stack expires (Unix time); server: the one nginx serves"
    echo "# TYPE stevie_tls_certificate_expiry_timestamp_seconds gauge"
    echo "stevie_tls_certificate_expiry_timestamp_seconds{certificate=\"server\"} $end"
    echo "# HELP stevie_acme_last_check_success 1 when the newest ACME check or renewal succeeded"
    echo "# TYPE stevie_acme_last_check_success gauge"
    echo "stevie_acme_last_check_success $1"
    echo "# HELP stevie_acme_last_check_timestamp_seconds When the newest ACME check ran (Unix time)"
    echo "# TYPE stevie_acme_last_check_timestamp_seconds gauge"
    echo "stevie_acme_last_check_timestamp_seconds $(date +%s)"
  } > "$tmp" && chmod 644 "$tmp" && mv "$tmp" "$textfile/acme.prom"
}

# Renew when due (lego decides from the days left), else nothing; then install what lego holds if it is new.
renew() {
  lego_ renew --days "$renew_days" --no-random-sleep && install_issued
}

obtain() {
  if [ -f "$issued.crt" ]; then renew; else lego_ run && install_issued; fi
}

# One lego at a time (the CLI's issue and the loop share lego's directory).
locked() { (flock 9 && "$@") 9>"$dir/.lock"; }

case "${1:-}" in
  issue)
    mkdir -p "$dir/webroot" "$live"
    locked obtain
    ok=$?
    write_metrics "$([ $ok -eq 0 ] && echo 1 || echo 0)"
    exit $ok
    ;;
  loop)
    interval=${ACME_CHECK_INTERVAL:-43200}
    sleep 5 # nginx first
    while :; do
      ok=1
      # Before the first issuance there is nothing to check: the metrics stay what the CLI's `issue` wrote (a failed
      # first issuance must not read as a successful check a few seconds later).
      if [ -f "$issued.crt" ]; then
        locked renew || { ok=0; say "renewal failed; trying again in at most an hour (the certificate stays until it expires)"; }
        write_metrics $ok
      fi
      wait=$interval
      [ $ok -eq 0 ] && [ "$wait" -gt 3600 ] && wait=3600
      # Spread across hosts, so that renewals do not all reach the CA at the same minute.
      sleep $(( wait + $(od -An -N2 -tu2 /dev/urandom) % (wait / 10 + 1) ))
    done
    ;;
  *)
    echo "usage: stevie-acme issue|loop" >&2
    exit 2
    ;;
esac
