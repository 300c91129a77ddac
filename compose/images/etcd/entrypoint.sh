#!/bin/sh
# One member of a static three-member etcd cluster. The installer passes ETCD_NAME and ETCD_INITIAL_CLUSTER;
# etcd reads its other ETCD_* settings from the environment. The data directory is owned by the etcd user.
#
# TLS on both ports when the installer passes a certificate (ETCD_TLS_CERT_FILE, ETCD_TLS_KEY_FILE, ETCD_TLS_CA_FILE):
# clients (Patroni, the leader watch, etcdctl) check it against the stack's CA and log in with a password; a peer
# must present a certificate from that CA naming CN etcd, so nothing else on the consensus network joins the cluster.
set -eu
: "${ETCD_NAME:?ETCD_NAME is required}"
export ETCD_DATA_DIR=/var/lib/etcd/data
scheme=http
if [ -n "${ETCD_TLS_CERT_FILE:-}" ]; then
  scheme=https
  export ETCD_CERT_FILE="$ETCD_TLS_CERT_FILE" ETCD_KEY_FILE="$ETCD_TLS_KEY_FILE"
  export ETCD_PEER_CERT_FILE="$ETCD_TLS_CERT_FILE" ETCD_PEER_KEY_FILE="$ETCD_TLS_KEY_FILE"
  export ETCD_PEER_TRUSTED_CA_FILE="$ETCD_TLS_CA_FILE" ETCD_PEER_CLIENT_CERT_AUTH=true ETCD_PEER_CERT_ALLOWED_CN=etcd
fi
export ETCD_LISTEN_CLIENT_URLS=$scheme://0.0.0.0:2379
export ETCD_LISTEN_PEER_URLS=$scheme://0.0.0.0:2380
export ETCD_ADVERTISE_CLIENT_URLS="$scheme://$ETCD_NAME:2379"
export ETCD_INITIAL_ADVERTISE_PEER_URLS="$scheme://$ETCD_NAME:2380"
export ETCD_INITIAL_CLUSTER_STATE=new
# Small by design: Patroni keeps a few keys here. Compact history hourly; a 256 MB quota is plenty.
export ETCD_AUTO_COMPACTION_RETENTION=1
export ETCD_QUOTA_BACKEND_BYTES=268435456
mkdir -p /var/lib/etcd
# The stack runs it as etcd from the start (no capability needed); started as root, it gives etcd the volume first.
if [ "$(id -u)" = 0 ]; then
  chown -R etcd:etcd /var/lib/etcd
  chmod 0700 /var/lib/etcd
  exec setpriv --reuid=etcd --regid=etcd --init-groups -- "$0" "$@"
fi
chmod 0700 /var/lib/etcd
# A cluster made with the other scheme records its members' peer addresses in its data, and cannot reach them under
# this one: the members leave that data and form the cluster again (the installer recreates all three at once). etcd
# holds only Patroni's state, which Patroni writes again; its leader goes on taking writes meanwhile (failsafe mode),
# and the installer turns authentication on again.
marker=/var/lib/etcd/scheme
if [ -d "$ETCD_DATA_DIR/member" ] && [ "$(cat "$marker" 2>/dev/null || echo http)" != "$scheme" ]; then
  echo "stevie-etcd: the data was made for $(cat "$marker" 2>/dev/null || echo http) peers; forming the cluster again over $scheme" >&2
  rm -rf "$ETCD_DATA_DIR"
fi
echo "$scheme" > "$marker"
exec etcd
