import type { Command } from "commander";
import { EventEmitter } from "node:events";
import { type GlobalFlags, out, stackDir, withShared } from "../shared.js";

export function register(program: Command): void {
  const ops = program.command("ops").description("the ops service's own commands (it runs in the stack; see `status`)");
  withShared(ops.command("run"))
    .description(
      "renew certificates when due and run the autoscaler, until stopped (what the ops service runs); SIGHUP: look at the certificates now",
    )
    .action(async (f: GlobalFlags) => {
      const { runOps } = await import("./run.js");
      const stop = new AbortController();
      for (const s of ["SIGTERM", "SIGINT"] as const) process.once(s, () => stop.abort());
      const wake = new EventEmitter();
      process.on("SIGHUP", () => wake.emit("wake"));
      await runOps(stackDir(f), (l) => out(`${new Date().toISOString()} ${l}`), stop.signal, wake);
    });
}
