import type { Command } from "commander";
import { type GlobalFlags, intArg, out, confirmOrRefuse, withShared, stackDir, print } from "../shared.js";

export function register(program: Command): void {
  withShared(program.command("upgrade"))
    .description(
      "move the stack to this CLI's version: images built first, a verified backup, migrations, API replicas replaced one at a time (rolled back by itself if a new one is unhealthy)",
    )
    .option("--to <version>", "the version to upgrade to (must be this CLI's version)")
    .option("--dry-run", "print what would change (breaking changes, images, files, your edits) and change nothing")
    .option(
      "--refresh",
      "rebuild every image without Docker's cache, on Debian's current packages (security updates), and roll them in; also at the same version",
    )
    .option(
      "--replica-timeout <seconds>",
      "how long a new API replica may take to become healthy",
      intArg("--replica-timeout", 10, 3600),
      150,
    )
    .action(async (f: GlobalFlags & { to?: string; dryRun?: boolean; refresh?: boolean; replicaTimeout: number }) => {
      const { runUpgrade, renderUpgrade } = await import("./run.js");
      const r = await runUpgrade({
        dir: stackDir(f),
        ...(f.to ? { to: f.to } : {}),
        dryRun: Boolean(f.dryRun),
        refresh: Boolean(f.refresh),
        yes: Boolean(f.yes),
        replicaTimeoutMs: Number(f.replicaTimeout) * 1000,
        log: f.json ? () => undefined : out,
        confirm: confirmOrRefuse,
      });
      print(f, r, () => renderUpgrade(r));
      if (r.status === "rolled-back") process.exitCode = 4;
    });
}
