import type { Command } from "commander";
import { type GlobalFlags, intArg, withShared, stackDir } from "../shared.js";

export function register(program: Command): void {
  withShared(program.command("logs"))
    .description("show the containers' logs (all services, or the ones named)")
    .argument("[services...]", "services, e.g. api nginx postgres-1")
    .option("--since <when>", "only newer than this: 30s, 10m, 2h, 1d or a date")
    .option("--tail <n>", "only the last n lines of each container", intArg("--tail", 0, 1_000_000))
    .option("-f, --follow", "keep printing new lines")
    .action(async (services: string[], f: GlobalFlags & { since?: string; tail?: number; follow?: boolean }) => {
      const { runLogs } = await import("./run.js");
      process.exitCode = await runLogs({
        dir: stackDir(f),
        services,
        since: f.since,
        tail: f.tail,
        follow: Boolean(f.follow),
      });
    });
}
