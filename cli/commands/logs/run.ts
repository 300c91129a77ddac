import { UserError } from "../../errors.js";
import { hostSizing } from "../../stack/sizing.js";
import { expectedContainers } from "../../stack/generate.js";
import { loadStack } from "../../stack/load.js";
import { compose } from "../../stack/handle.js";

/** `stevie-stack logs [service...]`: the containers' logs through `docker compose logs`, with a check of the names. */
export async function runLogs(opts: {
  dir: string;
  services: string[];
  since?: string;
  tail?: number;
  follow?: boolean;
}): Promise<number> {
  const { paths, config } = await loadStack(opts.dir);
  const known = [...Object.keys(expectedContainers(config, hostSizing(config))), "migrate"];
  const unknown = opts.services.filter((s) => !known.includes(s));
  if (unknown.length)
    throw new UserError(`no service ${unknown.join(", ")} in this stack`, `services: ${known.join(", ")}`);
  if (opts.since && !/^(\d+[smhd]|\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?)$/.test(opts.since)) {
    throw new UserError(
      `--since ${opts.since} is neither a duration (30s, 10m, 2h, 1d) nor a date (2026-11-30 or 2026-11-30T14:00:00Z)`,
    );
  }
  const args = [
    "logs",
    "--timestamps",
    ...(opts.since ? ["--since", opts.since] : []),
    ...(opts.tail !== undefined ? ["--tail", String(opts.tail)] : []),
    ...(opts.follow ? ["--follow"] : []),
    ...opts.services,
  ];
  const r = await compose(paths, config.projectName, args, {
    inherit: true,
    reject: false,
    timeoutMs: opts.follow ? 0 : 10 * 60_000,
  });
  return r.exitCode ?? 1;
}
