-- Up Migration
-- The Stevie Awards catalogue, its embeddings, recommendation history and the audit log.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE programs (
  id          smallserial PRIMARY KEY,
  code        text NOT NULL UNIQUE,
  name        text NOT NULL,
  geography   text NOT NULL,
  season      text NOT NULL,
  description text NOT NULL,
  url         text,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE category_groups (
  id         serial PRIMARY KEY,
  code       text NOT NULL UNIQUE,
  program_id smallint NOT NULL REFERENCES programs(id) ON DELETE RESTRICT,
  name       text NOT NULL
);
CREATE INDEX category_groups_program_idx ON category_groups(program_id);

CREATE TABLE categories (
  id                 serial PRIMARY KEY,
  code               text NOT NULL UNIQUE,
  program_id         smallint NOT NULL REFERENCES programs(id) ON DELETE RESTRICT,
  group_id           integer NOT NULL REFERENCES category_groups(id) ON DELETE RESTRICT,
  name               text NOT NULL,
  description        text NOT NULL,
  keywords           text[] NOT NULL DEFAULT '{}',
  nominee_types      text[] NOT NULL,
  organization_types text[] NOT NULL,
  organization_sizes text[] NOT NULL,
  regions            text[] NOT NULL,
  entry_formats      text[] NOT NULL,
  provenance         text NOT NULL CHECK (provenance IN ('sourced', 'synthesised')),
  -- Weighted full-text document: name (A), keywords (B), description (C); kept current by a trigger.
  search             tsvector NOT NULL DEFAULT ''::tsvector,
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX categories_program_idx ON categories(program_id);
CREATE INDEX categories_group_idx ON categories(group_id);
CREATE INDEX categories_search_idx ON categories USING gin(search);

CREATE FUNCTION categories_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search :=
    setweight(to_tsvector('english', NEW.name), 'A') ||
    setweight(to_tsvector('english', array_to_string(NEW.keywords, ' ')), 'B') ||
    setweight(to_tsvector('english', NEW.description), 'C');
  RETURN NEW;
END $$;
CREATE TRIGGER categories_search_trigger BEFORE INSERT OR UPDATE OF name, keywords, description ON categories
  FOR EACH ROW EXECUTE FUNCTION categories_search_update();

-- One vector per category and model. The model and its dimension are stored with every vector, and each
-- model has its own HNSW index over a fixed-dimension cast, so vectors of two models are never compared.
CREATE TABLE category_embeddings (
  category_id integer NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
  model       text NOT NULL,
  dimension   integer NOT NULL,
  embedding   vector NOT NULL,
  source_text text NOT NULL,
  source_hash text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (category_id, model),
  CHECK (vector_dims(embedding) = dimension)
);
CREATE INDEX category_embeddings_use_lite_512_hnsw ON category_embeddings
  USING hnsw ((embedding::vector(512)) vector_cosine_ops) WITH (m = 16, ef_construction = 128)
  WHERE model = 'use-lite-512';
CREATE INDEX category_embeddings_te3_small_hnsw ON category_embeddings
  USING hnsw ((embedding::vector(1536)) vector_cosine_ops) WITH (m = 16, ef_construction = 128)
  WHERE model = 'text-embedding-3-small';

-- What was loaded: catalogue version and which models have complete embeddings.
CREATE TABLE catalog_state (
  key        text PRIMARY KEY,
  value      text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE recommendations (
  id               bigserial PRIMARY KEY,
  created_at       timestamptz NOT NULL DEFAULT now(),
  request_id       text,
  session_id       text,
  description_hash text NOT NULL,
  profile          jsonb NOT NULL DEFAULT '{}',
  model            text NOT NULL,
  mode             text NOT NULL,
  results          jsonb NOT NULL,
  latency_ms       real NOT NULL
);
CREATE INDEX recommendations_created_idx ON recommendations(created_at);

-- Append-only: the database itself refuses to change or remove a row.
CREATE TABLE audit_log (
  id      bigserial PRIMARY KEY,
  at      timestamptz NOT NULL DEFAULT now(),
  actor   text NOT NULL,
  action  text NOT NULL,
  target  text,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at_idx ON audit_log(at);
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- Down Migration
DROP TABLE IF EXISTS audit_log;
DROP FUNCTION IF EXISTS audit_log_refuse_change();
DROP TABLE IF EXISTS recommendations;
DROP TABLE IF EXISTS catalog_state;
DROP TABLE IF EXISTS category_embeddings;
DROP TABLE IF EXISTS categories;
DROP FUNCTION IF EXISTS categories_search_update();
DROP TABLE IF EXISTS category_groups;
DROP TABLE IF EXISTS programs;
