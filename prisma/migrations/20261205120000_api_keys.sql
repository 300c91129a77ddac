-- Up Migration
-- API keys the operator issues (`stevie-stack apikey`). Only a SHA-256 hash of each key is kept; the prefix (the
-- key's first characters, not enough to use it) tells keys apart in listings. A revoked key stays for the record.
CREATE TABLE api_keys (
  id                  bigserial PRIMARY KEY,
  name                text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
  prefix              text NOT NULL,
  hash                text NOT NULL UNIQUE,
  rate_limit_per_hour integer CHECK (rate_limit_per_hour > 0),
  created_at          timestamptz NOT NULL DEFAULT now(),
  revoked_at          timestamptz
);
-- A name belongs to one live key at a time; a revoked key's name can be given again.
CREATE UNIQUE INDEX api_keys_live_name_idx ON api_keys(name) WHERE revoked_at IS NULL;

-- Down Migration
DROP TABLE IF EXISTS api_keys;
