import type { Command } from "commander";
import { type GlobalFlags, intArg, confirmOrRefuse, withShared, stackDir, print, note } from "../shared.js";

export function register(program: Command): void {
  const host = program.command("host").description("prepare and check this host");
  withShared(host.command("prepare"))
    .description("install Docker Engine and the compose plugin if missing, start the daemon, provide the base image")
    .action(async (f: GlobalFlags) => {
      const { prepareHost } = await import("../../host/prepare.js");
      const r = await prepareHost({
        yes: Boolean(f.yes),
        confirm: confirmOrRefuse,
        log: note,
      });
      print(f, r, () =>
        r.actions.length
          ? `Host prepared: ${r.actions.join("; ")}.`
          : "Host already prepared: Docker engine, compose plugin, daemon and base image are present.",
      );
    });
  withShared(host.command("check"))
    .description("run the preflight checks and print their verdicts")
    .option("--http-port <port>", "HTTP port to check", intArg("--http-port", 1, 65535), 80)
    .option("--https-port <port>", "HTTPS port to check", intArg("--https-port", 1, 65535), 443)
    .action(async (f: GlobalFlags & { httpPort: number; httpsPort: number }) => {
      const { probeHost, evaluatePreflight, renderChecks } = await import("../../host/preflight.js");
      const checks = evaluatePreflight(
        await probeHost({ dir: stackDir(f), ports: [f.httpPort, f.httpsPort], bindAddress: "0.0.0.0" }),
      );
      print(f, checks, () => renderChecks(checks));
      if (checks.some((c) => c.status === "fail")) process.exitCode = 1;
    });
}
