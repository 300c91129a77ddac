import { UserError } from "../../errors.js";
import { recordAudit } from "../../stack/audit.js";
import { expectedContainers } from "../../stack/generate.js";
import { runningHealthy, summarise } from "../../stack/health.js";
import {
  rotateDb,
  rotateEtcd,
  rotateGrafana,
  rotateRedis,
  rotationTargets,
  type RotationTarget,
} from "../../stack/rotate.js";
import { hostSizing } from "../../stack/sizing.js";
import { loadStack, stackTopology } from "../../stack/load.js";
import { Stack } from "../../stack/handle.js";

/** `stevie-stack rotate-secrets [db|redis|etcd|grafana|all]`: see cli/stack/rotate.ts for how each stays up meanwhile. */
export async function runRotateSecrets(opts: {
  dir: string;
  what?: string;
  replicaTimeoutMs: number;
  log: (l: string) => void;
}): Promise<{ rotated: RotationTarget[]; seconds: number }> {
  const started = Date.now();
  const { paths, config } = await loadStack(opts.dir);
  const targets = rotationTargets(opts.what, config);
  const project = config.projectName;
  // Replicas are replaced one at a time: that keeps the API serving only if every replica serves now.
  const observed = summarise(
    await new Stack(paths, project).containers(),
    expectedContainers(config, hostSizing(config)),
  );
  if (!runningHealthy(observed)) {
    const bad = observed
      .filter((x) => !runningHealthy([x]))
      .map((x) => `${x.service} ${x.healthy}/${x.expected} healthy`);
    throw new UserError(
      `cannot rotate secrets: the stack is not healthy (${bad.join(", ")})`,
      "fix it first (`stevie-stack doctor`, `stevie-stack status`); nothing was changed",
    );
  }
  const o = { config, topology: await stackTopology(config), timeoutMs: opts.replicaTimeoutMs, log: opts.log };
  const rotated: RotationTarget[] = [];
  try {
    for (const t of targets) {
      if (t === "db") await rotateDb(paths, project, o);
      if (t === "redis") await rotateRedis(paths, project, o);
      if (t === "etcd") await rotateEtcd(paths, project, o);
      if (t === "grafana") await rotateGrafana(paths, o);
      rotated.push(t);
    }
  } finally {
    // Which secrets changed (never their values), also when a later one failed.
    await recordAudit(paths, project, {
      action: "rotate-secrets",
      target: targets.join(","),
      details: { rotated, ...(rotated.length < targets.length ? { failed: targets[rotated.length] } : {}) },
    });
  }
  return { rotated, seconds: (Date.now() - started) / 1000 };
}
