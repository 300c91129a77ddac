import type { Command } from "commander";
import { type GlobalFlags, withShared, stackDir, print } from "../shared.js";

export function register(program: Command): void {
  withShared(program.command("doctor"))
    .description(
      "the preflight checks plus deep checks of the running stack (leader, replication, quorum, disk, certificate, backups, drills, logs, clock), each with a fix",
    )
    .option(
      "--bundle [file]",
      "write a support archive instead (doctor, status, redacted configuration, generated files, recent logs, host facts); secrets are replaced, the file is 0600",
    )
    .action(async (f: GlobalFlags & { bundle?: string | boolean }) => {
      if (f.bundle) {
        const { writeSupportBundle } = await import("./bundle.js");
        const b = await writeSupportBundle(stackDir(f), typeof f.bundle === "string" ? f.bundle : undefined);
        print(
          f,
          b,
          () => `Support bundle: ${b.file} (${b.entries.length} files, ${b.redactions} secret values replaced)`,
        );
        return;
      }
      const { runDoctor } = await import("./run.js");
      const { renderChecks } = await import("../../host/preflight.js");
      const r = await runDoctor(stackDir(f));
      print(
        f,
        r,
        () =>
          `${renderChecks(r.checks)}\n\nVerdict: ${r.verdict === "ok" ? "all good" : r.verdict === "warn" ? "working, with warnings" : "PROBLEMS FOUND"}`,
      );
      if (r.verdict === "fail") process.exitCode = 3;
    });
}
