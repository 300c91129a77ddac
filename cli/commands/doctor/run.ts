import { statfs } from "node:fs/promises";
import { INHIBIT_HOST_ADDRESS } from "../../stack/compose.js";
import { evaluatePreflight, probeHost, type CheckResult } from "../../host/preflight.js";
import { listBackups } from "../../pgbackrest/backup.js";
import { certificateExpiries, RENEW_DAYS, certificateExpiry } from "../../stack/tls.js";
import { liveCertificate, needsIssue } from "../../stack/acme.js";
import type { StevieConfig } from "../../config/schema.js";
import { collectStatus, oldestBuild, type StackStatus } from "../../stack/status.js";
import { loadStack } from "../../stack/load.js";
import { Engine, Host, Project } from "../../stack/handle.js";
import { PROJECT_LABEL } from "../../labels.js";
import { allDrills } from "../../pgbackrest/drill-records.js";
import { packageRoot } from "../../package-root.js";
import { serviceUse, sizeAdvice, type ServiceUse } from "../../stack/sizes.js";

/**
 * `stevie-stack doctor`: the preflight checks plus deep checks of the running stack, each with a verdict and a fix.
 * Facts are gathered first (collectDoctorFacts); evaluateDoctor judges them and is pure, so every rule is tested.
 */
export interface DoctorFacts {
  now: number;
  status: StackStatus;
  backup: Pick<StevieConfig["backup"], "diffEveryHours" | "drillEveryHours">;
  /** When the server certificate expires (ISO), if it could be read. */
  certNotAfter?: string;
  /** The service certificate that expires first (PostgreSQL's, etcd's, Redis's, Patroni's client one), if any. */
  serviceCertNotAfter?: { certificate: string; notAfter: string };
  /** tls.mode acme: renewal is due this many days before expiry; pending until the CA's certificate is live. */
  acme?: { renewDays: number; pending: boolean };
  /** End of the newest backup set (ISO); `backupError` when the repository could not be read. */
  newestBackup?: string;
  backupError?: string;
  /** With backup.s3: end of the newest set in S3 (absent: none there). */
  s3?: { newestBackup?: string };
  newestGoodDrill?: string;
  /** The newest drill, when it failed. */
  lastDrillFailure?: { at: string; why: string };
  disk?: { path: string; freeBytes: number; totalBytes: number };
  /** Every container writes json-file/local logs with a size cap. */
  logRotation?: { ok: boolean; uncapped: string[] };
  /** From timedatectl: whether the clock is synchronised (undefined: could not tell). */
  clockSynced?: boolean;
  /** Internal networks whose bridge has an address on the host (made by a version before compose.ts INTERNAL). */
  hostRoutedNetworks?: string[];
  /** Where the CLI is installed: the ops service runs it from there. */
  packageRoot?: string;
  /** Each service's 7-day peaks against its limits (sizes.ts); absent without monitoring or figures. */
  sizes?: ServiceUse[];
}

const hours = (ms: number) => ms / 3_600_000;
const GiB = 1024 ** 3;

export function evaluateDoctor(f: DoctorFacts): CheckResult[] {
  return [
    ...containerChecks(f),
    ...dataTierChecks(f),
    ...diskChecks(f),
    ...certificateChecks(f),
    ...backupChecks(f),
    ...drillChecks(f),
    ...hygieneChecks(f),
    ...imageChecks(f),
    ...alertChecks(f),
    ...clockChecks(f),
    ...opsChecks(f),
    ...sizeChecks(f),
  ];
}

/** The containers: every service running and healthy. */
function containerChecks(f: DoctorFacts): CheckResult[] {
  const out: CheckResult[] = [];
  const s = f.status;
  const bad = s.services.filter((x) => x.healthy < x.expected || x.running !== x.expected);
  out.push(
    bad.length
      ? {
          name: "containers",
          status: "fail",
          expected: "every service running and healthy",
          found: bad.map((x) => `${x.service} ${x.healthy}/${x.expected} healthy`).join(", "),
          fix: `stevie-stack logs ${bad.map((x) => x.service).join(" ")} --since 30m; then \`stevie-stack install --yes\` recreates missing containers`,
        }
      : {
          name: "containers",
          status: "ok",
          expected: "every service running and healthy",
          found: `${s.services.reduce((n, x) => n + x.running, 0)} containers healthy`,
        },
  );
  return out;
}

/** The data tier: a Patroni leader, streaming replicas, a Redis master with a Sentinel quorum. */
function dataTierChecks(f: DoctorFacts): CheckResult[] {
  const out: CheckResult[] = [];
  const s = f.status;
  const pg = s.dataTier.postgres;
  out.push(
    pg.leader
      ? { name: "postgres leader", status: "ok", expected: "one Patroni leader", found: pg.leader }
      : {
          name: "postgres leader",
          status: "fail",
          expected: "one Patroni leader",
          found: pg.error ?? "no leader: writes are failing",
          fix: "see docs/runbooks/failover.md (etcd quorum, member logs)",
        },
  );
  for (const m of pg.members.filter((x) => x.role !== "leader")) {
    const lag = m.lagMb ?? 0;
    const status = m.state !== "streaming" ? "fail" : lag > 64 ? "fail" : lag > 16 ? "warn" : "ok";
    out.push({
      name: `replication ${m.member}`,
      status,
      expected: "streaming, under 16 MB behind",
      found: `${m.state}, ${m.lagMb ?? "?"} MB behind`,
      ...(status !== "ok"
        ? {
            fix: `stevie-stack logs ${m.member} --since 30m; a member that cannot catch up re-clones when restarted (docs/runbooks/failover.md)`,
          }
        : {}),
    });
  }

  const r = s.dataTier.redis;
  const quorumOk = /^OK/.test(r.quorum);
  out.push(
    r.master && quorumOk
      ? {
          name: "redis and sentinel quorum",
          status: "ok",
          expected: "a master and a Sentinel quorum",
          found: `master ${r.master}, ${r.nodes.length - 1} replicas, quorum OK`,
        }
      : {
          name: "redis and sentinel quorum",
          status: "fail",
          expected: "a master and a Sentinel quorum",
          found: r.error ?? `master ${r.master ?? "none"}, quorum: ${r.quorum}`,
          fix: "stevie-stack logs sentinel-1 sentinel-2 sentinel-3 redis-1 redis-2 redis-3 --since 30m",
        },
  );
  return out;
}

/** Room where Docker keeps the volumes. */
function diskChecks(f: DoctorFacts): CheckResult[] {
  const out: CheckResult[] = [];
  if (f.disk) {
    const share = f.disk.freeBytes / f.disk.totalBytes;
    const status =
      share < 0.1 || f.disk.freeBytes < 2 * GiB ? "fail" : share < 0.2 || f.disk.freeBytes < 5 * GiB ? "warn" : "ok";
    out.push({
      name: "disk headroom (volumes)",
      status,
      expected: "at least 20 % and 5 GiB free where Docker keeps volumes",
      found: `${(f.disk.freeBytes / GiB).toFixed(1)} GiB free (${(share * 100).toFixed(0)} %) on ${f.disk.path}`,
      ...(status !== "ok"
        ? {
            fix: "free space or grow the disk; lower backup.retentionDays to keep fewer backups; `docker system prune` removes unused images",
          }
        : {}),
    });
  }
  return out;
}

/** The edge certificate: issued (ACME) and far from expiry. */
function certificateChecks(f: DoctorFacts): CheckResult[] {
  const out: CheckResult[] = [];
  if (f.acme?.pending) {
    out.push({
      name: "ACME certificate",
      status: "fail",
      expected: "the CA's certificate for the domain, live",
      found: "not issued yet: nginx serves a temporary certificate from the local CA",
      fix: "`stevie-stack install --yes` checks that the domain reaches this host, then asks the CA (its message says what failed)",
    });
  } else if (f.certNotAfter) {
    const days = (Date.parse(f.certNotAfter) - f.now) / 86_400_000;
    // An ACME certificate is renewed when renewDays are left, checked twice a day: fewer left means renewals fail.
    const warnBelow = f.acme ? f.acme.renewDays - 2 : 30;
    const status = days < 7 ? "fail" : days < warnBelow ? "warn" : "ok";
    const fix = f.acme
      ? "renewals are failing: `stevie-stack logs nginx` shows stevie-acme's and lego's messages; `stevie-stack install --yes` tries again at once"
      : "renew it: `stevie-stack install --yes` re-issues the self-signed one; replace your own files in the tls directory";
    out.push({
      name: "TLS certificate",
      status,
      expected: `valid for ${warnBelow} days or more`,
      found: `expires ${f.certNotAfter} (${days.toFixed(0)} days)`,
      ...(status !== "ok" ? { fix } : {}),
    });
  } else
    out.push({
      name: "TLS certificate",
      status: "fail",
      expected: "a readable server certificate",
      found: "tls/server.crt missing or unreadable",
      fix: "`stevie-stack install --yes` creates it",
    });
  if (f.serviceCertNotAfter) {
    const { certificate, notAfter } = f.serviceCertNotAfter;
    const days = (Date.parse(notAfter) - f.now) / 86_400_000;
    const status = days < 7 ? "fail" : days < RENEW_DAYS ? "warn" : "ok";
    out.push({
      name: "service certificates",
      status,
      expected: `each valid for ${RENEW_DAYS} days or more (the ops service, install and upgrade renew one with fewer left)`,
      found: `the first to expire is ${certificate}'s, on ${notAfter} (${days.toFixed(0)} days)`,
      ...(status !== "ok"
        ? {
            fix: "the ops service renews it (`stevie-stack status` shows its last round); `stevie-stack install --yes` does it now, recreating the containers that present it",
          }
        : {}),
    });
  }
  return out;
}

/** The ops service: on, its rounds succeeding, and run from a CLI that stays where it is. */
function opsChecks(f: DoctorFacts): CheckResult[] {
  const ops = f.status.ops;
  const name = "ops service";
  const expected = "on, its last round done (certificate renewals, the autoscaler)";
  if (!ops)
    return [
      {
        name,
        status: "warn",
        expected,
        found: "off (ops.enabled: false): certificates renew only when install or upgrade runs, and nothing autoscales",
        fix: "stevie-stack config set ops.enabled true",
      },
    ];
  const failed =
    ops.state.error ??
    (ops.state.renewed?.ok === false
      ? { at: ops.state.renewed.at, message: ops.state.renewed.error ?? "" }
      : undefined);
  if (failed)
    return [
      {
        name,
        status: "warn",
        expected,
        found: `its round at ${failed.at} failed: ${failed.message}`,
        fix: "stevie-stack logs ops; fix the cause (it tries again every 30 s; certificates every 10 minutes)",
      },
    ];
  if (f.packageRoot?.includes("/_npx/"))
    return [
      {
        name,
        status: "warn",
        expected: `${expected}, from an installed CLI`,
        found: `it runs the CLI from npx's cache (${f.packageRoot}), which npm may clean`,
        fix: "install the CLI with install.sh (README), then run `stevie-stack install` from it",
      },
    ];
  return [
    {
      name,
      status: "ok",
      expected,
      found: `autoscaler ${ops.autoscale}, last round ${ops.state.heartbeat ?? "not yet"}`,
    },
  ];
}

/** Right-sizing: each service's memory peak of the last 7 days against its limit, with a suggested limit. */
function sizeChecks(f: DoctorFacts): CheckResult[] {
  if (!f.sizes?.length) return [];
  const { tight, loose, peaks } = sizeAdvice(f.sizes);
  const name = "container sizes";
  const expected = "each service's memory peak (7 days) under 90 % of its limit";
  if (tight.length)
    return [
      {
        name,
        status: "warn",
        expected,
        found: tight.join("; "),
        fix: "limits follow the host's memory and resources.profile: give the host more memory, or set resources.profile: standard, then stevie-stack install",
      },
    ];
  return [
    {
      name,
      status: "ok",
      expected,
      found: `peaks: ${peaks}${loose.length ? `. Could be smaller: ${loose.join("; ")}` : ""}`,
    },
  ];
}

/** Backups: recent enough in every repository. */
function backupChecks(f: DoctorFacts): CheckResult[] {
  const out: CheckResult[] = [];
  if (f.backupError)
    out.push({
      name: "last backup",
      status: "fail",
      expected: "a readable backup repository",
      found: f.backupError,
      fix: "stevie-stack backup list; see the leader's log",
    });
  else if (!f.newestBackup)
    out.push({
      name: "last backup",
      status: "fail",
      expected: "at least one backup",
      found: "none",
      fix: "stevie-stack backup",
    });
  else {
    const age = hours(f.now - Date.parse(f.newestBackup));
    const every = f.backup.diffEveryHours;
    const status = age <= every + 2 ? "ok" : age <= 2 * every + 2 ? "warn" : "fail";
    out.push({
      name: "last backup",
      status,
      expected: `newer than ${every + 2} h (backup.diffEveryHours + 2)`,
      found: `${age.toFixed(1)} h old`,
      ...(status !== "ok"
        ? {
            fix: 'stevie-stack backup; then look for `"event":"backup"` errors in `stevie-stack logs postgres-1 postgres-2`',
          }
        : {}),
    });
  }
  if (f.s3 && !f.backupError) {
    const every = f.backup.diffEveryHours;
    const age = f.s3.newestBackup ? hours(f.now - Date.parse(f.s3.newestBackup)) : Infinity;
    const status = age <= every + 2 ? "ok" : age <= 2 * every + 2 ? "warn" : "fail";
    const fix =
      "stevie-stack backup --repo s3 says why it fails (credentials, bucket, the service's certificate, or no route out)";
    out.push({
      name: "last S3 backup",
      status,
      expected: `newer than ${every + 2} h (backup.diffEveryHours + 2)`,
      found: f.s3.newestBackup ? `${age.toFixed(1)} h old` : "none in S3",
      ...(status !== "ok" ? { fix } : {}),
    });
  }
  return out;
}

/** Restore drills: the newest passed, recently, and they are scheduled. */
function drillChecks(f: DoctorFacts): CheckResult[] {
  const out: CheckResult[] = [];
  const drillEvery = f.backup.drillEveryHours;
  if (f.lastDrillFailure)
    out.push({
      name: "last restore drill",
      status: "fail",
      expected: "the newest drill passed",
      found: `FAIL at ${f.lastDrillFailure.at}: ${f.lastDrillFailure.why}`,
      fix: "stevie-stack drill list; run `stevie-stack drill` again, and take a new full backup if a set is damaged",
    });
  else if (!f.newestGoodDrill)
    out.push({
      name: "last restore drill",
      status: "warn",
      expected: "a passed drill",
      found: "no drill yet",
      fix: "stevie-stack drill",
    });
  else {
    const age = hours(f.now - Date.parse(f.newestGoodDrill));
    const limit = drillEvery > 0 ? drillEvery * 1.5 : 24 * 14;
    out.push({
      name: "last restore drill",
      status: age <= limit ? "ok" : "warn",
      expected: `a passed drill within ${limit.toFixed(0)} h`,
      found: `passed ${age.toFixed(1)} h ago`,
      ...(age > limit ? { fix: "stevie-stack drill" } : {}),
    });
  }
  if (drillEvery === 0)
    out.push({
      name: "scheduled drills",
      status: "warn",
      expected: "backup.drillEveryHours > 0",
      found: "off",
      fix: "set backup.drillEveryHours (168 = weekly) and run `stevie-stack install --yes`",
    });
  return out;
}

/** Host hygiene: capped container logs, no internal network routed from the host. */
function hygieneChecks(f: DoctorFacts): CheckResult[] {
  const out: CheckResult[] = [];
  if (f.logRotation) {
    out.push(
      f.logRotation.ok
        ? {
            name: "docker log rotation",
            status: "ok",
            expected: "every container's log capped",
            found: "json-file, max-size set",
          }
        : {
            name: "docker log rotation",
            status: "warn",
            expected: "every container's log capped",
            found: `uncapped: ${f.logRotation.uncapped.join(", ")}`,
            fix: "`stevie-stack install --yes` recreates the containers with capped logs",
          },
    );
  }
  if (f.hostRoutedNetworks?.length)
    out.push({
      name: "internal networks",
      status: "warn",
      expected: "no address on the host (nothing on them answers the host)",
      found: `the host routes into ${f.hostRoutedNetworks.join(", ")} (made by an earlier version)`,
      fix: "`stevie-stack uninstall --yes` (data volumes are kept), then `stevie-stack install --yes`: the networks are made again",
    });
  return out;
}

/** Images older than this miss Debian's security updates for too long. */
const IMAGE_MAX_AGE_DAYS = 30;

/** The images the stack runs: on this host, and built within IMAGE_MAX_AGE_DAYS (Debian's fixes are in them). */
function imageChecks(f: DoctorFacts): CheckResult[] {
  const images = f.status.images;
  const expected = `every image on this host, built within ${IMAGE_MAX_AGE_DAYS} days`;
  const missing = images.filter((i) => !i.built).map((i) => i.ref);
  if (missing.length)
    return [
      {
        name: "images",
        status: "warn",
        expected,
        found: `not on this host: ${missing.join(", ")}`,
        fix: "`stevie-stack install --yes` builds them (a container that restarts needs its image)",
      },
    ];
  const oldest = oldestBuild(images, f.now);
  if (!oldest) return [];
  const { at, days } = oldest;
  return [
    days > IMAGE_MAX_AGE_DAYS
      ? {
          name: "images",
          status: "warn",
          expected,
          found: `the oldest was built ${at.slice(0, 10)}, ${days} days ago: Debian's security updates since are not in it`,
          fix: "`stevie-stack upgrade --refresh` rebuilds every image on current Debian packages and rolls them in like an upgrade; the database pauses while its containers are recreated, so run it in a quiet hour (docs/runbooks/upgrade.md)",
        }
      : { name: "images", status: "ok", expected, found: `${images.length} images, the oldest built ${days} days ago` },
  ];
}

/** What Prometheus has firing. */
function alertChecks(f: DoctorFacts): CheckResult[] {
  const out: CheckResult[] = [];
  const s = f.status;
  // Prometheus's view: what it has firing is listed (a warning here; the checks above judge the stack themselves).
  const alerts = s.alerts;
  if (alerts && "error" in alerts)
    out.push({
      name: "alerts",
      status: "warn",
      expected: "Prometheus answers",
      found: alerts.error,
      fix: "stevie-stack logs prometheus --since 30m",
    });
  else if (alerts) {
    const firing = alerts.filter((a) => a.state === "firing");
    out.push(
      firing.length
        ? {
            name: "alerts",
            status: "warn",
            expected: "no alert firing",
            found: firing.map((a) => `${a.name} (${a.severity})`).join(", "),
            fix: "stevie-stack status lists each with its summary; docs/runbooks/ has what to do",
          }
        : {
            name: "alerts",
            status: "ok",
            expected: "no alert firing",
            found: `none firing${alerts.length ? ` (${alerts.length} pending)` : ""}`,
          },
    );
  }
  return out;
}

/** The clock, which certificates, backups and drills depend on. */
function clockChecks(f: DoctorFacts): CheckResult[] {
  const out: CheckResult[] = [];
  out.push(
    f.clockSynced === undefined
      ? {
          name: "clock",
          status: "warn",
          expected: "synchronised by NTP",
          found: "cannot tell (no timedatectl)",
          fix: "make sure the host runs an NTP client (systemd-timesyncd or chrony): certificates, backups' times and drills depend on the clock",
        }
      : f.clockSynced
        ? { name: "clock", status: "ok", expected: "synchronised by NTP", found: "synchronised" }
        : {
            name: "clock",
            status: "warn",
            expected: "synchronised by NTP",
            found: "not synchronised",
            fix: "timedatectl set-ntp true (or install chrony)",
          },
  );
  return out;
}

async function logRotation(project: string): Promise<DoctorFacts["logRotation"]> {
  const ids = await new Engine().docker(["ps", "-q", "--filter", `label=${PROJECT_LABEL}=${project}`], {
    reject: false,
  });
  const list = ids.stdout.split("\n").filter(Boolean);
  if (!list.length) return undefined;
  const r = await new Engine().docker(
    [
      "inspect",
      "-f",
      '{{.Name}} {{.HostConfig.LogConfig.Type}} {{index .HostConfig.LogConfig.Config "max-size"}}',
      ...list,
    ],
    { reject: false },
  );
  const uncapped = r.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => l.trim().split(/\s+/))
    .filter(
      ([, type, size]) =>
        !(type === "local" || (type === "json-file" && size && size !== "<no" && size !== "<no value>")),
    )
    .map(([name]) => name!.replace(/^\//, ""));
  return { ok: uncapped.length === 0, uncapped };
}

export async function collectDoctorFacts(dir: string): Promise<{ facts: DoctorFacts; preflight: CheckResult[] }> {
  const { paths, config, stack } = await loadStack(dir);
  const project = config.projectName;
  const status = await collectStatus(dir);
  const facts: DoctorFacts = { now: Date.now(), status, backup: config.backup, packageRoot: packageRoot() };
  if (config.monitoring.enabled) {
    const sizes = await serviceUse(stack).catch(() => undefined);
    if (sizes) facts.sizes = sizes;
  }
  facts.hostRoutedNetworks = (await new Project(project).networks())
    .filter((n) => n.internal && n.options[INHIBIT_HOST_ADDRESS] !== "true")
    .map((n) => n.name);
  const acme = config.tls.mode === "acme" ? config.tls.acme : undefined;
  const notAfter = await certificateExpiry(paths.tls, acme ? liveCertificate(paths) : undefined);
  if (acme) facts.acme = { renewDays: acme.renewDays, pending: await needsIssue(paths, config.domain) };
  if (notAfter) facts.certNotAfter = notAfter.toISOString();
  const first = (await certificateExpiries(paths.tls, config.tls.mode)).find((c) => c.certificate !== "server");
  if (first) facts.serviceCertNotAfter = { certificate: first.certificate, notAfter: first.notAfter.toISOString() };
  let labels: string[] | undefined;
  try {
    const sets = await listBackups(stack);
    labels = sets.map((x) => x.label);
    const local = sets.filter((x) => x.repo === "local");
    if (local.length) facts.newestBackup = local.at(-1)!.stop;
    if (config.backup.s3) facts.s3 = { newestBackup: sets.filter((x) => x.repo === "s3").at(-1)?.stop };
  } catch (e) {
    facts.backupError = (e as Error).message;
  }
  // A drill of a set that has since been expired (a damaged one, say) says nothing about today's backups.
  const drills = (await allDrills(stack)).filter((d) => !d.set || !labels || labels.includes(d.set));
  const last = drills.at(-1);
  if (last && !last.pass) facts.lastDrillFailure = { at: last.at, why: last.failures[0] ?? "failed" };
  const good = drills.filter((d) => d.pass).at(-1);
  if (good) facts.newestGoodDrill = good.at;
  const root = await new Engine().dataRoot();
  const fs = await statfs(root).catch(() => undefined);
  if (fs)
    facts.disk = {
      path: root,
      freeBytes: Number(fs.bavail) * Number(fs.bsize),
      totalBytes: Number(fs.blocks) * Number(fs.bsize),
    };
  facts.logRotation = await logRotation(project);
  const ntp = await new Host()
    .run("timedatectl", ["show", "-p", "NTPSynchronized", "--value"], { reject: false })
    .catch(() => undefined);
  if (ntp && ntp.exitCode === 0 && ntp.stdout.trim()) facts.clockSynced = ntp.stdout.trim() === "yes";
  const host = await probeHost({
    dir: paths.dir,
    ports: [config.network.httpPort, config.network.httpsPort],
    bindAddress: config.network.bindAddress,
    projectName: project,
  });
  return { facts, preflight: evaluatePreflight(host) };
}

export async function runDoctor(dir: string): Promise<{ checks: CheckResult[]; verdict: "ok" | "warn" | "fail" }> {
  const { facts, preflight } = await collectDoctorFacts(dir);
  const checks = [...preflight, ...evaluateDoctor(facts)];
  const verdict = checks.some((c) => c.status === "fail")
    ? "fail"
    : checks.some((c) => c.status === "warn")
      ? "warn"
      : "ok";
  return { checks, verdict };
}
