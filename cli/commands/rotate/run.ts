import { withAlertsSilenced } from "../../stack/alerts.js";
import { recordAudit } from "../../stack/audit.js";
import { expectedContainers } from "../../stack/generate.js";
import { requireServing, summarise, unhealthyReport } from "../../stack/health.js";
import { runSteps, stepTask } from "../../stack/apply.js";
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

/** `stevie-stack rotate-secrets [db|redis|etcd|grafana|all]`: see cli/stack/rotate.ts for how each stays up meanwhile. */
export async function runRotateSecrets(opts: {
  dir: string;
  what?: string;
  replicaTimeoutMs: number;
  log: (l: string) => void;
}): Promise<{ rotated: RotationTarget[]; seconds: number }> {
  const started = Date.now();
  const { paths, config, stack } = await loadStack(opts.dir);
  const targets = rotationTargets(opts.what, config);
  requireServing(summarise(await stack.containers(), expectedContainers(config, hostSizing(config))), "rotate secrets");
  const o = { config, topology: await stackTopology(config), timeoutMs: opts.replicaTimeoutMs, log: opts.log };
  const rotate: Record<RotationTarget, (log: (l: string) => void) => Promise<unknown>> = {
    db: (log) => rotateDb(stack, { ...o, log }),
    redis: (log) => rotateRedis(stack, { ...o, log }),
    etcd: (log) => rotateEtcd(stack, { ...o, log }),
    grafana: (log) => rotateGrafana(paths, { ...o, log }),
  };
  const rotated: RotationTarget[] = [];
  // One named step per secret, run as the applier runs its steps: a failed one stops the rest.
  const steps = targets.map((t) => ({
    title: `New ${t} passwords`,
    run: async (report: (l: string) => void) => {
      await rotate[t](report);
      rotated.push(t);
    },
  }));
  try {
    await withAlertsSilenced(stack, "rotate-secrets", () =>
      runSteps(steps.map(stepTask), opts.log, () => unhealthyReport(stack)),
    );
  } finally {
    // Which secrets changed (never their values), also when a later one failed.
    await recordAudit(stack, {
      action: "rotate-secrets",
      target: targets.join(","),
      details: { rotated, ...(rotated.length < targets.length ? { failed: targets[rotated.length] } : {}) },
    });
  }
  return { rotated, seconds: (Date.now() - started) / 1000 };
}
