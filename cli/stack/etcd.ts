import { UserError } from "../errors.js";
import { reloadMemberConfigs } from "./cluster.js";
import { ETCD_HEALTH_USER, ETCD_MEMBERS, ETCD_NAMESPACE, ETCD_PATRONI_SECRET, ETCD_ROOT_SECRET } from "./topology.js";
import { Stack } from "./handle.js";

/**
 * etcd with authentication (issue 25). Three users: `root` (the CLI's, for setting up and for clearing the cluster's
 * keys in a restore), `patroni` (read and write under Patroni's namespace, nothing else) and `health` (no role at
 * all: the containers' health check, which etcd answers "permission denied" for a read, enough to show a quorum
 * committed the request). The passwords of the first two are secrets; etcd keeps only their hashes. The etcd
 * containers mount the root password and run as etcd, which cannot read it: `docker exec -u 0` can (the file is
 * root's), so the password reaches etcdctl through its environment or its standard input, never a command line.
 */

const AS_ROOT = `ETCDCTL_USER="root:$(cat /run/secrets/${ETCD_ROOT_SECRET})"`;

/** Run `script` (sh) as uid 0 in the first etcd member that takes it; its output, or a UserError naming each failure. */
async function inEtcd(stack: Stack, script: string, what: string, input?: string): Promise<string> {
  const errors: string[] = [];
  for (const m of ETCD_MEMBERS) {
    const r = await stack.exec(m, ["sh", "-euc", script], {
      user: "0",
      timeoutMs: 60_000,
      ...(input === undefined ? {} : { input }),
    });
    if (r.exitCode === 0) return r.stdout;
    errors.push(`${m}: ${(r.stderr || r.stdout).trim().split("\n").pop()}`);
  }
  throw new UserError(
    `could not ${what} in etcd: ${errors.join("; ")}`,
    "etcd needs a quorum (2 of 3 members): `stevie-stack status`",
  );
}

/**
 * Turn authentication on, once: the users and the patroni role, then `auth enable`, then every running member writes
 * its Patroni config again, now with the account (patroni-config.sh leaves it out while etcd does not ask), and
 * reloads it. Until a member has reloaded, its calls to etcd fail; the leader stays (Patroni's failsafe mode). True
 * when it was turned on now.
 */
export async function ensureEtcdAuth(stack: Stack, members: string[]): Promise<boolean> {
  const [healthUser, healthPassword] = ETCD_HEALTH_USER.split(":");
  const out = await inEtcd(
    stack,
    // once: a step an interrupted earlier run already took is done. Passwords go in on standard input.
    `once() { out=$("$@" 2>&1) && return 0; case $out in *"already exists"*|*"already granted"*) return 0;; esac; echo "$out" >&2; return 1; }
     if ${AS_ROOT} etcdctl auth status 2>/dev/null | grep -q 'Status: true'; then echo on; exit 0; fi
     once etcdctl user add root --interactive=false < /run/secrets/${ETCD_ROOT_SECRET}
     once etcdctl user grant-role root root
     once etcdctl user add patroni --interactive=false < /run/secrets/${ETCD_PATRONI_SECRET}
     once etcdctl role add patroni
     once etcdctl role grant-permission patroni --prefix=true readwrite ${ETCD_NAMESPACE}
     once etcdctl user grant-role patroni patroni
     echo ${healthPassword} | once etcdctl user add ${healthUser} --interactive=false
     etcdctl auth enable >/dev/null
     echo enabled`,
    "turn authentication on",
  );
  if (out.trim() !== "enabled") return false;
  const failed = await reloadMemberConfigs(stack, members);
  if (failed)
    throw new UserError(
      `etcd asks for a password now, but ${failed.member} could not take its own: ${failed.detail}`,
      `\`docker restart\` that member: it reads its etcd password when it starts`,
    );
  return true;
}

/** Delete every key under `prefix`, as root. */
export async function clearEtcdPrefix(stack: Stack, prefix: string): Promise<void> {
  await inEtcd(stack, `${AS_ROOT} etcdctl del --prefix ${prefix} >/dev/null`, "clear the cluster state");
}

/**
 * A new password for an etcd user, given as root. `root`: the new value comes on standard input (root logs in with
 * the password its secret file still holds; the caller rewrites that file afterwards). `patroni`: etcd reads it from
 * its secret file, which the caller has rewritten in place (the members see the same file).
 */
export async function setEtcdPassword(stack: Stack, user: "root" | "patroni", newRootPassword?: string): Promise<void> {
  const script =
    user === "root"
      ? `${AS_ROOT} etcdctl user passwd root --interactive=false >/dev/null`
      : `${AS_ROOT} etcdctl user passwd patroni --interactive=false < /run/secrets/${ETCD_PATRONI_SECRET} >/dev/null`;
  await inEtcd(stack, script, `change ${user}'s password`, user === "root" ? `${newRootPassword}\n` : undefined);
}
