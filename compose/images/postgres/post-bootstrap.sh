#!/bin/sh
# Run once by Patroni on the member that initialised the cluster, as the postgres user over the local socket:
# the application role (password from the secret copied by stevie-patroni), its database, pgvector, and the
# read-only monitoring role (pg_monitor) that postgres-exporter logs in as.
set -eu
psql -h /run/postgresql -d postgres -v ON_ERROR_STOP=1 -q <<'SQL'
\set pw `cat /run/patroni/app_password`
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', 'stevie', :'pw') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'stevie') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', 'stevie', 'stevie') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'stevie') \gexec
SQL
psql -h /run/postgresql -d stevie -v ON_ERROR_STOP=1 -q -c 'CREATE EXTENSION IF NOT EXISTS vector'
stevie-monitor-role
# The backup repository's stanza (idempotent); the scheduler takes the first full backup within a minute.
pgbackrest --stanza=stevie stanza-create
