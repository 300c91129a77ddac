import type { Command } from "commander";
import { UserError } from "../../errors.js";
import { sleep } from "../../wait.js";
import { type GlobalFlags, out, withShared, stackDir, print } from "../shared.js";

export function register(program: Command): void {
  withShared(program.command("scale"))
    .description("set the number of API replicas (2 to 20), e.g. `scale api=4`; no request is dropped while it changes")
    .argument("<spec>", "api=N")
    .action(async (spec: string, f: GlobalFlags) => {
      const { parseScaleSpec } = await import("./run.js");
      const { scaleApi } = await import("../../stack/scaling.js");
      const to = parseScaleSpec(spec);
      const r = await scaleApi(stackDir(f), to, f.json ? () => undefined : out);
      print(f, r, () =>
        r.changed ? `Scaled the API from ${r.from} to ${r.to} replicas.` : `The API already runs ${r.to} replicas.`,
      );
    });

  withShared(program.command("autoscale"))
    .description(
      "scale the API by the spec's policy (CPU, memory, requests per replica, p95; cooldowns), reading Prometheus; runs until stopped",
    )
    .option("--once", "one decision, then exit")
    .option("--dry-run", "decide and print, never scale")
    .option("--interval <seconds>", "seconds between decisions", "30")
    .action(async (f: GlobalFlags & { once?: boolean; dryRun?: boolean; interval: string }) => {
      const { autoscaleOnce } = await import("../../stack/scaling.js");
      const every = Number(f.interval);
      if (!Number.isInteger(every) || every < 5)
        throw new UserError(`--interval ${f.interval}: a whole number of seconds, at least 5`);
      for (;;) {
        const d = await autoscaleOnce(stackDir(f), {
          dryRun: Boolean(f.dryRun),
          log: f.json ? () => undefined : out,
        });
        out(
          f.json
            ? JSON.stringify(d)
            : `${new Date().toISOString()} ${d.action === "hold" ? "hold" : `${d.action} ${d.from} -> ${d.to}${d.applied ? "" : " (dry run)"}`}: ${d.reason}`,
        );
        if (f.once) return;
        await sleep(every * 1000);
      }
    });
}
