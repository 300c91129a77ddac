#!/bin/sh
# Writes /etc/pgbackrest/pgbackrest.conf (0600, postgres) from the environment and the cipher secret. Run as root.
# BACKUP_CIPHER_FILE: the repository key; BACKUP_RETENTION_DAYS: full backups kept this many days
# (the differentials and WAL they need go with them). No variable here may start with PGBACKREST_: pgBackRest reads
# those as its own options and warns about unknown ones on every command.
set -eu
mkdir -p /etc/pgbackrest
umask 077
cat > /etc/pgbackrest/pgbackrest.conf <<CONF
[global]
repo1-path=/var/lib/pgbackrest
repo1-cipher-type=aes-256-cbc
repo1-cipher-pass=$(tr -d '\n' < "$BACKUP_CIPHER_FILE")
repo1-retention-full-type=time
repo1-retention-full=${BACKUP_RETENTION_DAYS:-30}
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
chown -R postgres:postgres /etc/pgbackrest
