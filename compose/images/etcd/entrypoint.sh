#!/bin/sh
# One member of a static three-member etcd cluster. The installer passes ETCD_NAME and ETCD_INITIAL_CLUSTER;
# etcd reads its other ETCD_* settings from the environment. The data directory is owned by the etcd user.
set -eu
: "${ETCD_NAME:?ETCD_NAME is required}"
export ETCD_DATA_DIR=/var/lib/etcd/data
export ETCD_LISTEN_CLIENT_URLS=http://0.0.0.0:2379
export ETCD_LISTEN_PEER_URLS=http://0.0.0.0:2380
export ETCD_ADVERTISE_CLIENT_URLS="http://$ETCD_NAME:2379"
export ETCD_INITIAL_ADVERTISE_PEER_URLS="http://$ETCD_NAME:2380"
export ETCD_INITIAL_CLUSTER_STATE=new
# Small by design: Patroni keeps a few keys here. Compact history hourly; a 256 MB quota is plenty.
export ETCD_AUTO_COMPACTION_RETENTION=1
export ETCD_QUOTA_BACKEND_BYTES=268435456
mkdir -p /var/lib/etcd
# The stack runs it as etcd from the start (no capability needed); started as root, it gives etcd the volume first.
if [ "$(id -u)" = 0 ]; then
  chown -R etcd:etcd /var/lib/etcd
  chmod 0700 /var/lib/etcd
  exec setpriv --reuid=etcd --regid=etcd --init-groups -- etcd
fi
chmod 0700 /var/lib/etcd
exec etcd
