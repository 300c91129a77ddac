import { hostname, userInfo } from "node:os";
import { UserError } from "../errors.js";
import { leaderService, psqlOnLeader } from "./cluster.js";
import { Stack } from "./handle.js";
import { insideOps } from "./ops.js";

/**
 * Administrative CLI actions go to the stack's append-only `audit_log` table (the database refuses UPDATE and
 * DELETE on it). Written through psql inside the Patroni leader's container as its local superuser; values travel as psql
 * variables, quoted by psql itself. Recording must never fail the action it records: it returns false instead.
 */
export interface AuditEntry {
  action: string;
  target?: string;
  details?: Record<string, unknown>;
}

export function cliActor(): string {
  if (insideOps()) return "ops-service";
  let user = "unknown";
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): keep "unknown"
  }
  return `cli:${user}@${hostname()}`;
}

export async function recordAudit(stack: Stack, entry: AuditEntry): Promise<boolean> {
  const leader = await leaderService(stack).catch(() => undefined);
  if (!leader) return false;
  const vars = {
    actor: cliActor(),
    action: entry.action,
    target: entry.target ?? "",
    details: JSON.stringify(entry.details ?? {}),
  };
  const r = await psqlOnLeader(stack, {
    database: "stevie",
    vars,
    leader,
    timeoutMs: 30_000,
    input:
      "INSERT INTO audit_log (actor, action, target, details) VALUES (:'actor', :'action', NULLIF(:'target', ''), :'details'::jsonb);\n",
  }).catch(() => undefined);
  return r?.exitCode === 0;
}

export interface AuditRecord extends Required<AuditEntry> {
  at: string;
  actor: string;
}

/** The newest `limit` entries (of one action, if given), newest first. Read through the leader's local socket. */
export async function readAudit(stack: Stack, opts: { limit: number; action?: string }): Promise<AuditRecord[]> {
  const leader = await leaderService(stack);
  if (!leader)
    throw new UserError(
      "the Postgres cluster has no leader right now",
      "wait a few seconds (Patroni elects one) and check `stevie-stack status`",
    );
  const sql = `SELECT coalesce(json_agg(r ORDER BY r.id DESC), '[]') FROM (SELECT id, at, actor, action, coalesce(target, '') AS target, details FROM audit_log WHERE :'action' = '' OR action = :'action' ORDER BY id DESC LIMIT ${opts.limit}) r;\n`;
  const r = await psqlOnLeader(stack, {
    database: "stevie",
    rows: true,
    vars: { action: opts.action ?? "" },
    input: sql,
    leader,
  });
  if (r.exitCode !== 0)
    throw new UserError(`reading the audit log failed: ${(r.stderr || r.stdout).trim().split("\n").at(-1) ?? ""}`);
  return (JSON.parse(r.stdout.trim()) as (AuditRecord & { id: number })[]).map(({ id: _id, ...rest }) => rest);
}
