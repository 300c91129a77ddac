import { newApiKey } from "../../server/apikeys.js";
import { UserError } from "../errors.js";
import { cliActor } from "./audit.js";
import { psqlOnLeader } from "./cluster.js";
import { Stack } from "./handle.js";

/**
 * `stevie-stack apikey`: keys for callers the operator trusts with a limit of their own (a web app's backend). The
 * key is made here and shown once; the database gets its SHA-256 hash, and the audit log its name and prefix only.
 * SQL runs through psql on the Patroni leader with the values as psql variables, quoted by psql itself.
 *
 * Unlike recordAudit (which must never fail the action it records), a key's change and its audit entry are one
 * statement: a key is never issued or revoked without its entry.
 */
export const API_KEY_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export interface ApiKeyRecord {
  name: string;
  prefix: string;
  rateLimitPerHour: number | null;
  createdAt: string;
  revokedAt: string | null;
}

const CREATE_SQL = `WITH k AS (
  INSERT INTO api_keys (name, prefix, hash, rate_limit_per_hour) VALUES (:'name', :'prefix', :'hash', NULLIF(:'limit', '')::int)
  RETURNING name, prefix, rate_limit_per_hour, created_at
), audited AS (
  INSERT INTO audit_log (actor, action, target, details)
  SELECT :'actor', 'apikey.create', name, jsonb_build_object('prefix', prefix, 'rateLimitPerHour', rate_limit_per_hour) FROM k
)
SELECT json_build_object('createdAt', created_at) FROM k;
`;

const REVOKE_SQL = `WITH r AS (
  UPDATE api_keys SET revoked_at = now() WHERE name = :'name' AND revoked_at IS NULL RETURNING name, prefix
), audited AS (
  INSERT INTO audit_log (actor, action, target, details)
  SELECT :'actor', 'apikey.revoke', name, jsonb_build_object('prefix', prefix) FROM r
)
SELECT prefix FROM r;
`;

async function leaderSql(
  stack: Stack,
  sql: string,
  vars: Record<string, string>,
): Promise<{ ok: boolean; out: string; error: string }> {
  const r = await psqlOnLeader(stack, { database: "stevie", rows: true, vars, input: sql });
  const lines = (r.stderr || r.stdout).trim().split("\n");
  return {
    ok: r.exitCode === 0,
    out: r.stdout.trim(),
    error: (lines.find((l) => l.includes("ERROR:")) ?? lines.at(-1) ?? "").replace(/^.*?ERROR:\s*/, ""),
  };
}

export async function createApiKey(
  stack: Stack,
  opts: { name: string; rateLimitPerHour?: number },
): Promise<ApiKeyRecord & { key: string }> {
  if (!API_KEY_NAME.test(opts.name))
    throw new UserError(
      `"${opts.name}" is not a usable key name`,
      "use lower-case letters, digits, dots, dashes or underscores, e.g. webapp-prod",
    );
  const { key, prefix, hash } = newApiKey();
  const r = await leaderSql(stack, CREATE_SQL, {
    name: opts.name,
    prefix,
    hash,
    limit: opts.rateLimitPerHour ? String(opts.rateLimitPerHour) : "",
    actor: cliActor(),
  });
  if (!r.ok) {
    if (/api_keys_live_name_idx/.test(r.error))
      throw new UserError(
        `an API key named ${opts.name} exists already`,
        `revoke it first (stevie-stack apikey revoke ${opts.name}) or choose another name`,
      );
    throw new UserError(
      `creating the API key failed: ${r.error}`,
      "check `stevie-stack status` (is there a PostgreSQL leader?) and run the command again",
    );
  }
  const { createdAt } = JSON.parse(r.out) as { createdAt: string };
  return { key, name: opts.name, prefix, rateLimitPerHour: opts.rateLimitPerHour ?? null, createdAt, revokedAt: null };
}

export async function listApiKeys(stack: Stack): Promise<ApiKeyRecord[]> {
  const r = await leaderSql(
    stack,
    `SELECT coalesce(json_agg(json_build_object('name', name, 'prefix', prefix, 'rateLimitPerHour', rate_limit_per_hour, 'createdAt', created_at, 'revokedAt', revoked_at) ORDER BY id), '[]') FROM api_keys;\n`,
    {},
  );
  if (!r.ok)
    throw new UserError(
      `reading the API keys failed: ${r.error}`,
      "check `stevie-stack status` (is there a PostgreSQL leader?) and run the command again",
    );
  return JSON.parse(r.out) as ApiKeyRecord[];
}

export async function revokeApiKey(stack: Stack, name: string): Promise<{ name: string; prefix: string }> {
  const r = await leaderSql(stack, REVOKE_SQL, { name, actor: cliActor() });
  if (!r.ok)
    throw new UserError(
      `revoking the API key failed: ${r.error}`,
      "check `stevie-stack status` (is there a PostgreSQL leader?) and run the command again",
    );
  if (!r.out) throw new UserError(`no live API key is named ${name}`, "see the keys with `stevie-stack apikey list`");
  return { name, prefix: r.out };
}
