import semver from "semver";

/**
 * What an upgrade between two versions of stevie-stack must know before it writes anything. Pure, unit-tested.
 * A release that changes something an operator must act on adds an entry to BREAKING_CHANGES.
 */

export interface BreakingChange {
  /** The first version with the change. */
  version: string;
  what: string;
  /** What the operator does about it. */
  action: string;
}

export const BREAKING_CHANGES: BreakingChange[] = [
  {
    version: "0.2.0",
    what: "images are tagged by the hash of their build context (stevie-stack/NAME:c-HASH) besides the version; the first upgrade recreates every container once",
    action:
      "none: the upgrade replaces the API replicas one at a time, the other services are recreated once (a few seconds each)",
  },
  {
    version: "0.3.0",
    what: "the API talks TLS to PostgreSQL (verify-full against tls/ca.crt) and logs in as one of two roles (rotate-secrets); the PostgreSQL members are recreated with their certificate and a fixed address on the data network before the API replicas are replaced; replication becomes synchronous at two members as well (postgres.synchronous: false keeps it asynchronous)",
    action:
      "plan for a pause of database writes of up to half a minute while both members restart (reads from the cache go on); nothing to configure",
  },
  {
    version: "0.4.0",
    what: "etcd speaks TLS to its clients and between its members, from a local CA whose scope now names etcd's members and Patroni's API clients (a new CA, certified by the previous one); the three etcd members are recreated together and form their cluster again, and Patroni writes its state back into it; Patroni's REST API answers over TLS only to a certificate from the stack's CA (HAProxy and Prometheus are recreated with one)",
    action:
      "none: the PostgreSQL leader keeps its writes while etcd forms again (failsafe mode); plan for the members' restart as in 0.3.0",
  },
];

/** The PostgreSQL major version the stack's image runs: an upgrade never changes it silently. */
export const POSTGRES_MAJOR = 17;

export type UpgradeVerdict =
  { kind: "upgrade"; breaking: BreakingChange[] } | { kind: "same" } | { kind: "refused"; why: string; fix: string };

/** Whether `from` (the stack's stamp; undefined for stacks older than the stamp) may go to `to` (this CLI). */
export function upgradeVerdict(
  from: string | undefined,
  to: string,
  dataMajor?: number,
  changes: BreakingChange[] = BREAKING_CHANGES,
): UpgradeVerdict {
  if (!semver.valid(to))
    return {
      kind: "refused",
      why: `this CLI's version ${to} is not a version number`,
      fix: "install a released stevie-stack",
    };
  if (from !== undefined && !semver.valid(from))
    return {
      kind: "refused",
      why: `the stack's version stamp "${from}" is not a version number`,
      fix: "put the version that installed the stack into .stevie/version",
    };
  if (dataMajor !== undefined && dataMajor !== POSTGRES_MAJOR) {
    return {
      kind: "refused",
      why: `the database files are PostgreSQL ${dataMajor} and this version runs PostgreSQL ${POSTGRES_MAJOR}; a major version change needs pg_upgrade and is never done silently`,
      fix: 'see docs/runbooks/upgrade.md, section "PostgreSQL major version"',
    };
  }
  if (from !== undefined && semver.eq(from, to)) return { kind: "same" };
  if (from !== undefined && semver.lt(to, from)) {
    return {
      kind: "refused",
      why: `the stack runs ${from}, newer than this CLI (${to}); downgrades are not supported`,
      fix: `use stevie-stack ${from} (npx stevie-stack@${from}), or restore the backup taken before the upgrade`,
    };
  }
  const breaking = changes.filter(
    (c) => (from === undefined || semver.gt(c.version, from)) && semver.lte(c.version, to),
  );
  return { kind: "upgrade", breaking };
}
