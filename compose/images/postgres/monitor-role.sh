#!/bin/sh
# The read-only role postgres-exporter logs in as (pg_monitor), with the password from its Docker secret (copied to
# /run/patroni by stevie-patroni), at bootstrap. Afterwards `stevie-stack install`, `restore` and `rotate-secrets` set
# it from the stack's secret file themselves (cli/stack/credentials.ts), since this copy is only as new as the container.
set -eu
psql -h /run/postgresql -d postgres -v ON_ERROR_STOP=1 -q <<'SQL'
\set mpw `cat /run/patroni/monitor_password`
SELECT format('CREATE ROLE %I LOGIN IN ROLE pg_monitor', 'stevie_monitor') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'stevie_monitor') \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', 'stevie_monitor', :'mpw') \gexec
SQL
