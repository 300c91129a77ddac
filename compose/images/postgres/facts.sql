-- What a restore drill compares between production and a restored copy, as one JSON line (psql -qAt).
-- Read by the CLI (drill, restore) and by the scheduled drill in the image; row counts are exact for every table.
SET hnsw.ef_search = 100;
SELECT json_build_object(
  'migration', (SELECT name FROM pgmigrations ORDER BY id DESC LIMIT 1),
  'vector', (SELECT extversion FROM pg_extension WHERE extname = 'vector'),
  'invalidIndexes', (SELECT coalesce(json_agg(indexrelid::regclass::text), '[]'::json) FROM pg_index WHERE NOT indisvalid),
  'indexes', (SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'),
  'counts', (SELECT coalesce(json_object_agg(table_name, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM public.%I', table_name), false, true, '')))[1]::text::bigint), '{}'::json)
               FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'),
  'topk', (SELECT coalesce(json_object_agg(q.code, q.ids), '{}'::json) FROM (
             SELECT c.code, (SELECT json_agg(n.category_id) FROM (
                 SELECT e2.category_id FROM category_embeddings e2 WHERE e2.model = 'use-lite-512'
                  ORDER BY e2.embedding::vector(512) <=> e.embedding::vector(512) LIMIT 10) n) AS ids
               FROM categories c JOIN category_embeddings e ON e.category_id = c.id AND e.model = 'use-lite-512'
              WHERE c.id IN (SELECT id FROM categories ORDER BY code LIMIT 5)) q),
  'newest', (SELECT max(at) FROM audit_log),
  'archivedAt', (SELECT last_archived_time FROM pg_stat_archiver),
  'timeline', CASE WHEN pg_is_in_recovery() THEN (SELECT received_tli FROM pg_stat_wal_receiver)
                   ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END
);
