#!/bin/sh
# Writes /etc/pgbackrest/pgbackrest.conf (0600, postgres) from the environment and the cipher secret. Run as root.
# BACKUP_CIPHER_FILE: the repository key; BACKUP_RETENTION_DAYS: full backups kept this many days
# (the differentials and WAL they need go with them). No variable here may start with PGBACKREST_: pgBackRest reads
# those as its own options and warns about unknown ones on every command.
# Repository 1 is the local volume (BACKUP_LOCAL_REPO=off leaves it out: a drill or restore from S3 alone).
# Repository 2, when BACKUP_S3_BUCKET is set, is on S3-compatible storage (BACKUP_S3_*: see cli/stack/s3.ts), with
# the same key. WAL is archived to both; a backup names its repository (--repo).
set -eu
mkdir -p /etc/pgbackrest
umask 077
cipher=$(tr -d '\n' < "$BACKUP_CIPHER_FILE")
{
  echo "[global]"
  if [ "${BACKUP_LOCAL_REPO:-on}" != off ]; then
    cat <<CONF
repo1-path=/var/lib/pgbackrest
repo1-cipher-type=aes-256-cbc
repo1-cipher-pass=$cipher
repo1-retention-full-type=time
repo1-retention-full=${BACKUP_RETENTION_DAYS:-30}
CONF
  fi
  if [ -n "${BACKUP_S3_BUCKET:-}" ]; then
    cat <<CONF
repo2-type=s3
repo2-s3-endpoint=$BACKUP_S3_ENDPOINT
repo2-storage-port=${BACKUP_S3_PORT:-443}
repo2-s3-bucket=$BACKUP_S3_BUCKET
repo2-s3-region=${BACKUP_S3_REGION:-us-east-1}
repo2-s3-uri-style=${BACKUP_S3_URI_STYLE:-host}
repo2-path=${BACKUP_S3_PATH:-/stevie}
repo2-s3-key=$(tr -d '\n' < "$BACKUP_S3_KEY_FILE")
repo2-s3-key-secret=$(tr -d '\n' < "$BACKUP_S3_SECRET_FILE")
repo2-cipher-type=aes-256-cbc
repo2-cipher-pass=$cipher
repo2-retention-full-type=time
repo2-retention-full=${BACKUP_S3_RETENTION_DAYS:-${BACKUP_RETENTION_DAYS:-30}}
CONF
    [ -n "${BACKUP_S3_CA_FILE:-}" ] && echo "repo2-storage-ca-file=$BACKUP_S3_CA_FILE"
  fi
  cat <<CONF
compress-type=zst
process-max=2
start-fast=y
log-level-console=warn
log-level-stderr=off
log-level-file=off
lock-path=/tmp/pgbackrest

[stevie]
pg1-path=${PGDATA}
pg1-socket-path=/run/postgresql
pg1-user=postgres
CONF
} > /etc/pgbackrest/pgbackrest.conf
chown -R postgres:postgres /etc/pgbackrest
