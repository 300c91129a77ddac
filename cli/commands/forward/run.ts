import { createServer, type Socket } from "node:net";
import { UserError } from "../../errors.js";
import { ALERTMANAGER_PORT, PROMETHEUS_PORT } from "../../stack/services/monitoring.js";
import { loadStack } from "../../stack/load.js";
import { Project } from "../../stack/handle.js";

/**
 * `stevie-stack forward <service>`: an internal web UI (Prometheus, Alertmanager) on 127.0.0.1 of this host, for as
 * long as the command runs. The stack's internal networks have no address on the host, and nothing of them is
 * published; each connection instead goes through the Docker API into the service's own container (bash's /dev/tcp
 * there), so only who may use Docker (root, the docker group) can open them: the same check as `docker exec`.
 */
const TARGETS: Record<string, { port: number; onDataAddress: boolean }> = {
  prometheus: { port: PROMETHEUS_PORT, onDataAddress: false },
  alertmanager: { port: ALERTMANAGER_PORT, onDataAddress: true },
};

export async function startForward(opts: {
  dir: string;
  service: string;
  port?: number;
}): Promise<{ url: string; stop: () => Promise<void> }> {
  const target = TARGETS[opts.service];
  if (!target)
    throw new UserError(`stevie-stack forward serves no ${opts.service}`, `one of: ${Object.keys(TARGETS).join(", ")}`);
  const { config } = await loadStack(opts.dir);
  const project = config.projectName;
  const stack = new Project(project);
  const container = (await stack.containers()).find((c) => c.service === opts.service && c.state === "running");
  if (!container)
    throw new UserError(
      `${opts.service} is not running in ${project}`,
      config.monitoring.enabled ? "`stevie-stack status`" : "monitoring is off in stevie.yaml (monitoring.enabled)",
    );
  // Alertmanager listens on its data-network address only (see services/monitoring.ts).
  const host = target.onDataAddress ? (await stack.addresses(container.id))[`${project}_data`] : "127.0.0.1";
  if (!host) throw new UserError(`${opts.service} has no address on the data network`, "`stevie-stack status`");
  // The reader stops once the browser has closed its side: a kept-alive connection would otherwise stay open.
  const relay = [
    "bash",
    "-c",
    `exec 3<>/dev/tcp/${host}/${target.port} || exit 1; cat <&3 & cat >&3; kill $! 2>/dev/null`,
  ];
  const open = new Set<Socket>();
  const server = createServer((client) => {
    open.add(client);
    client.on("close", () => open.delete(client));
    client.on("error", () => undefined);
    stack.pipe(container.id, relay).then(
      (pipe) => {
        client.pipe(pipe.input);
        pipe.output.pipe(client);
        client.on("close", pipe.close);
      },
      () => client.destroy(),
    );
  });
  const port = opts.port ?? target.port;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        err.code === "EADDRINUSE"
          ? new UserError(`127.0.0.1:${port} is taken on this host`, "choose another with --port")
          : err,
      ),
    );
    server.listen(port, "127.0.0.1", resolve);
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const c of open) c.destroy();
    });
  return { url: `http://127.0.0.1:${port}/`, stop };
}
