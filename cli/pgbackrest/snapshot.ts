import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { host, Stack } from "../stack/handle.js";
import { BACKUP_VOLUME, postgresRun } from "../stack/services/postgres.js";
import { Engine } from "../stack/handle.js";

/**
 * What a database backup does not hold, stored beside it in the repository: the stack directory (configuration,
 * secrets, certificates, generated files, state) and a Redis RDB dump from the master, in one tar.gz encrypted with
 * AES-256-GCM under a key derived (scrypt) from the repository's passphrase. One snapshot per backup set, named after
 * it; snapshots of sets pgBackRest has expired are removed with them.
 *
 * Keep a copy of `secrets/pgbackrest_cipher` away from this host: it opens both the database backups and these.
 */
const MAGIC = Buffer.from("STEVIESNAP1\n");
const DIR = "/var/lib/pgbackrest/stack-snapshots";
/** The Redis dump's name inside the archive, beside the stack directory's own files. */
export const REDIS_DUMP = "redis-dump.rdb";

export function encryptSnapshot(plain: Buffer, passphrase: string): Buffer {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", scryptSync(passphrase, salt, 32), iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([MAGIC, salt, iv, cipher.getAuthTag(), body]);
}

export function decryptSnapshot(data: Buffer, passphrase: string): Buffer {
  if (!data.subarray(0, MAGIC.length).equals(MAGIC))
    throw new UserError("this is not a stevie-stack snapshot (or it is damaged)");
  let at = MAGIC.length;
  const take = (n: number) => data.subarray(at, (at += n));
  const salt = take(16);
  const iv = take(12);
  const tag = take(16);
  const decipher = createDecipheriv("aes-256-gcm", scryptSync(passphrase, salt, 32), iv);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(data.subarray(at)), decipher.final()]);
  } catch {
    throw new UserError(
      "the snapshot does not open with this key: wrong key, or the file was altered",
      "use the pgbackrest_cipher of the stack that took it",
    );
  }
}

/** A shell script in a one-off container with the repository at /var/lib/pgbackrest and `hostDir` (if any) at /x. */
async function repoRun(
  project: string,
  version: string,
  script: string,
  opts: { writable?: boolean; hostDir?: string; args?: string[] } = {},
) {
  const volume = `${project}_${BACKUP_VOLUME}`;
  // `docker run -v` would quietly create an empty volume for a mistyped project.
  const exists = await new Engine().docker(["volume", "inspect", volume], { reject: false });
  if (exists.exitCode !== 0)
    throw new UserError(`there is no backup volume ${volume}`, "check the project name (`docker volume ls`)");
  return new Engine().docker(
    postgresRun(version, "sh", ["-euc", script, "sh", ...(opts.args ?? [])], {
      volumes: [
        `${volume}:/var/lib/pgbackrest${opts.writable ? "" : ":ro"}`,
        ...(opts.hostDir ? [`${opts.hostDir}:/x`] : []),
      ],
    }),
    { reject: false, timeoutMs: 10 * 60_000 },
  );
}

const why = (r: { stdout: string; stderr: string; exitCode: number }) =>
  (r.stderr || r.stdout).trim().split("\n").pop() || `exit ${r.exitCode}`;

/**
 * Take the snapshot for backup set `label` and drop the ones whose set is gone. `redisMaster`: the service to dump
 * (left out when Redis cannot be reached: the snapshot then says so by missing the dump).
 */
export async function snapshotStack(
  stack: Stack,
  version: string,
  label: string,
  keep: string[],
  redisMaster?: string,
): Promise<{ bytes: number; redis: boolean }> {
  const { paths, project } = stack;
  const tmp = await mkdtemp(join(tmpdir(), "stevie-snapshot-"));
  try {
    let redis = false;
    if (redisMaster) {
      // On the volume: `docker cp` cannot read a tmpfs, and the root filesystem is read-only.
      const dumpIn = "/data/stevie-snapshot.rdb";
      const dump = await stack.compose(
        [
          "exec",
          "-T",
          redisMaster,
          "sh",
          "-c",
          `REDISCLI_AUTH=$(tr -d '\\n' < "$REDIS_PASSWORD_FILE") stevie-redis-cli --no-auth-warning --rdb ${dumpIn} >/dev/null`,
        ],
        { reject: false, timeoutMs: 5 * 60_000 },
      );
      if (dump.exitCode === 0) {
        const cp = await stack.compose(["cp", `${redisMaster}:${dumpIn}`, join(tmp, REDIS_DUMP)], {
          reject: false,
        });
        redis = cp.exitCode === 0;
        await stack.exec(redisMaster, ["rm", "-f", dumpIn]);
      }
    }
    const tgz = join(tmp, "snapshot.tgz");
    await host.run("tar", ["-czf", tgz, "-C", paths.dir, ".", ...(redis ? ["-C", tmp, REDIS_DUMP] : [])]);
    const passphrase = (await readFile(join(paths.secrets, "pgbackrest_cipher"), "utf8")).trim();
    const sealed = encryptSnapshot(await readFile(tgz), passphrase);
    await rm(tgz);
    await writeFile(join(tmp, "snapshot.enc"), sealed, { mode: 0o600 });
    const w = await repoRun(
      project,
      version,
      `mkdir -p ${DIR}; cp /x/snapshot.enc ${DIR}/$1.tmp; mv ${DIR}/$1.tmp ${DIR}/$1.enc; chmod 0600 ${DIR}/$1.enc; chown -R postgres:postgres ${DIR}
       shift; for f in ${DIR}/*.enc; do n=$(basename "$f" .enc); case " $* " in *" $n "*) ;; *) rm -f "$f";; esac; done`,
      { writable: true, hostDir: tmp, args: [label, ...keep] },
    );
    if (w.exitCode !== 0)
      throw new UserError(
        `could not store the stack snapshot: ${why(w)}`,
        /space/i.test(w.stderr) ? "the backup volume is full" : undefined,
      );
    return { bytes: sealed.length, redis };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Labels of the sets that have a snapshot. */
export async function listSnapshots(project: string, version: string): Promise<string[]> {
  const r = await repoRun(project, version, `ls ${DIR} 2>/dev/null || true`).catch(() => ({ stdout: "" }));
  return r.stdout
    .split("\n")
    .filter((l) => l.endsWith(".enc"))
    .map((l) => l.slice(0, -4));
}

/** Decrypt set `label`'s snapshot into `to` (which must not exist or be empty), with the key in `keyFile`. */
export async function exportSnapshot(
  project: string,
  version: string,
  label: string,
  keyFile: string,
  to: string,
): Promise<{ files: number; redis: boolean }> {
  const existing = await readdir(to).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return [];
    if (e.code === "ENOTDIR") return [to];
    throw e;
  });
  if (existing.length) throw new UserError(`${to} is not empty`, "export into a new directory");
  const passphrase = (await readFile(keyFile, "utf8")).trim();
  const tmp = await mkdtemp(join(tmpdir(), "stevie-export-"));
  try {
    const r = await repoRun(
      project,
      version,
      `f=${DIR}/$1.enc; [ -f "$f" ] || { echo "no stack snapshot for backup set $1" >&2; exit 3; }; cp "$f" /x/snapshot.enc`,
      { hostDir: tmp, args: [label] },
    );
    if (r.exitCode !== 0) throw new UserError(why(r), "`stevie-stack backup list` shows which sets have one");
    const plain = decryptSnapshot(await readFile(join(tmp, "snapshot.enc")), passphrase);
    await host.run("mkdir", ["-p", to]);
    await host.run("chmod", ["0700", to]);
    const tgz = join(tmp, "snapshot.tgz");
    await writeFile(tgz, plain, { mode: 0o600 });
    await host.run("tar", ["-xzf", tgz, "-C", to]);
    const names = (await host.run("tar", ["-tzf", tgz])).stdout.split("\n").filter((l) => l && !l.endsWith("/"));
    return { files: names.length, redis: names.some((n) => n.endsWith(REDIS_DUMP)) };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
