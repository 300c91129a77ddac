import type { Command } from "commander";
import { type GlobalFlags, withShared, stackDir, print } from "../shared.js";

export function register(program: Command): void {
  withShared(program.command("status"))
    .description("show every service of the stack and its health")
    .action(async (f: GlobalFlags) => {
      const { collectStatus, renderStatus } = await import("../../stack/status.js");
      const s = await collectStatus(stackDir(f));
      print(f, s, () => renderStatus(s));
      if (!s.healthy) process.exitCode = 3;
    });
}
