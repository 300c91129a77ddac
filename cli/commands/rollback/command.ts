import type { Command } from "commander";
import { type GlobalFlags, intArg, out, confirmOrRefuse, withShared, stackDir, print } from "../shared.js";

export function register(program: Command): void {
  withShared(program.command("rollback"))
    .description(
      "undo the last upgrade: the previous version's images and files back, API replicas replaced one at a time with the same health gates (migrations only ever add, so the data stays)",
    )
    .option(
      "--replica-timeout <seconds>",
      "how long a replica of the previous version may take to become healthy",
      intArg("--replica-timeout", 10, 3600),
      150,
    )
    .action(async (f: GlobalFlags & { replicaTimeout: number }) => {
      const { runRollback, renderRollback } = await import("./run.js");
      const r = await runRollback({
        dir: stackDir(f),
        yes: Boolean(f.yes),
        replicaTimeoutMs: Number(f.replicaTimeout) * 1000,
        log: f.json ? () => undefined : out,
        confirm: confirmOrRefuse,
      });
      print(f, r, () => renderRollback(r));
      if (r.status === "failed") process.exitCode = 4;
    });
}
