#!/bin/sh
# The read-only role postgres-exporter logs in as (pg_monitor), with the password from its Docker secret (copied to
# /run/patroni by stevie-patroni). Idempotent: run at bootstrap and by `stevie-stack install` on the leader, so a
# cluster created before monitoring existed gets the role, and a changed secret reaches the database.
set -eu
psql -h /run/postgresql -d postgres -v ON_ERROR_STOP=1 -q <<'SQL'
\set mpw `cat /run/patroni/monitor_password`
SELECT format('CREATE ROLE %I LOGIN IN ROLE pg_monitor', 'stevie_monitor') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'stevie_monitor') \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', 'stevie_monitor', :'mpw') \gexec
SQL
