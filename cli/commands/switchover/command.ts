import type { Command } from "commander";
import { type GlobalFlags, withShared, stackDir, print } from "../shared.js";

export function register(program: Command): void {
  withShared(program.command("switchover"))
    .description("move the PostgreSQL leader to a replica on purpose (maintenance); writes pause for a few seconds")
    .option(
      "--to <member>",
      "the member to promote, e.g. postgres-2 (default: the synchronous standby, else any healthy replica)",
    )
    .action(async (f: GlobalFlags & { to?: string }) => {
      const { runSwitchover } = await import("./run.js");
      const r = await runSwitchover({ dir: stackDir(f), to: f.to });
      print(
        f,
        r,
        () =>
          `Switched over: ${r.to} is the leader now (was ${r.from}).${r.replicasReady ? "" : " The replicas are not all streaming yet: see `stevie-stack status` before another failover or switchover."}`,
      );
    });
}
