import type { Command } from "commander";
import { type GlobalFlags, print, confirmOrRefuse, withShared, stackDir, note } from "../shared.js";

export function register(program: Command): void {
  withShared(program.command("uninstall"))
    .description("stop and remove the stack (data is kept unless --purge-data)")
    .option("--purge-data", "also delete the data volumes and the stack directory")
    .action(async (f: GlobalFlags & { purgeData?: boolean }) => {
      const { runUninstall } = await import("./run.js");
      const r = await runUninstall(
        { dir: stackDir(f), purgeData: Boolean(f.purgeData), yes: Boolean(f.yes) },
        confirmOrRefuse,
      );
      // Docker keeps a network while any container is on it: say which is left, so nothing is left unknowingly.
      for (const l of r.left ?? [])
        note(
          `warning: left behind network ${l.network} (${l.why}); disconnect what still uses it (\`docker network inspect\`) and run uninstall again`,
        );
      print(
        f,
        r,
        () =>
          `Removed ${r.containers} containers, ${r.networks.length} networks${r.volumes.length ? `, ${r.volumes.length} volumes` : ""}${r.removedDir ? " and the stack directory" : "; data volumes kept"}.`,
      );
    });
}
