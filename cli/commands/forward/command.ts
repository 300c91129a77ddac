import type { Command } from "commander";
import { type GlobalFlags, intArg, out, withShared, stackDir } from "../shared.js";

export function register(program: Command): void {
  withShared(program.command("forward"))
    .description(
      "open an internal web UI (prometheus, alertmanager) on 127.0.0.1 of this host while the command runs; it goes through Docker, so only who may use Docker can",
    )
    .argument("<service>", "prometheus or alertmanager")
    .option("--port <n>", "the local port (default: the service's own)", intArg("--port", 1, 65535))
    .action(async (service: string, f: GlobalFlags & { port?: number }) => {
      const { startForward } = await import("./run.js");
      const { url, stop } = await startForward({ dir: stackDir(f), service, port: f.port });
      out(f.json ? JSON.stringify({ service, url }) : `${service} on ${url} (Ctrl-C to stop)`);
      await new Promise<void>((resolve) => {
        const end = () => void stop().then(resolve);
        process.once("SIGINT", end);
        process.once("SIGTERM", end);
      });
    });
}
