import Docker from "dockerode";
import { PassThrough, type Readable, type Writable } from "node:stream";

/** The only module that talks to the Docker engine API. Containers, volumes and networks are found by label. */

export { PROJECT_LABEL, TEST_LABEL } from "./labels.js";

export interface ContainerState {
  id: string;
  name: string;
  service: string;
  state: string; // running, exited, restarting, ...
  health: "healthy" | "unhealthy" | "starting" | "none";
  image: string;
  ports: { host: number; container: number; ip: string }[];
  startedAt?: string;
  restartCount?: number;
}

let client: Docker | undefined;
function docker(): Docker {
  client ??= new Docker({ socketPath: process.env.DOCKER_SOCKET ?? "/var/run/docker.sock" });
  return client;
}

export async function engineVersion(): Promise<{ version: string; apiVersion: string }> {
  const v = await docker().version();
  return { version: v.Version, apiVersion: v.ApiVersion };
}

/** Where the engine keeps its data (images, volumes): its DockerRootDir, /var/lib/docker when it does not say. */
export async function dataRoot(): Promise<string> {
  const info = (await docker()
    .info()
    .catch(() => ({}))) as { DockerRootDir?: string };
  return info.DockerRootDir || "/var/lib/docker";
}

export async function ping(): Promise<boolean> {
  try {
    await docker().ping();
    return true;
  } catch {
    return false;
  }
}

export async function imageExists(ref: string): Promise<boolean> {
  try {
    await docker().getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

export async function imageLabels(ref: string): Promise<Record<string, string> | undefined> {
  try {
    const info = await docker().getImage(ref).inspect();
    return info.Config?.Labels ?? {};
  } catch {
    return undefined;
  }
}

/**
 * When an image's Debian packages were installed (ISO): the oldest of its layers that ran apt-get, since a layer that
 * Docker's cache reused keeps the date it was first made (an image built today from a cached apt-get layer has last
 * month's packages); else when the image was made. Undefined when it is not on this host.
 */
export async function imageBuilt(ref: string): Promise<string | undefined> {
  try {
    const image = docker().getImage(ref);
    const layers = (await image.history()) as { Created: number; CreatedBy?: string }[];
    const apt = layers.filter((l) => l.CreatedBy?.includes("apt-get")).map((l) => l.Created);
    return apt.length ? new Date(Math.min(...apt) * 1000).toISOString() : (await image.inspect()).Created;
  } catch {
    return undefined;
  }
}

function healthOf(status: string): ContainerState["health"] {
  if (status.includes("(healthy)")) return "healthy";
  if (status.includes("(unhealthy)")) return "unhealthy";
  if (status.includes("health: starting")) return "starting";
  return "none";
}

/** Containers carrying label=value (or just the label), running or not. */
export async function listContainers(label: string, value?: string): Promise<ContainerState[]> {
  const filter = value === undefined ? label : `${label}=${value}`;
  const list = await docker().listContainers({ all: true, filters: { label: [filter] } });
  return list.map((c) => ({
    id: c.Id,
    name: (c.Names[0] ?? c.Id).replace(/^\//, ""),
    service: c.Labels["com.docker.compose.service"] ?? "",
    state: c.State,
    health: healthOf(c.Status),
    image: c.Image,
    ports: (c.Ports ?? [])
      .filter((p) => p.PublicPort)
      .map((p) => ({ host: p.PublicPort, container: p.PrivatePort, ip: p.IP ?? "" })),
  }));
}

export async function inspectContainer(
  id: string,
): Promise<{ restartCount: number; startedAt: string; exitCode: number; healthLog: string[]; pid: number }> {
  const info = await docker().getContainer(id).inspect();
  return {
    pid: info.State.Pid,
    restartCount: info.RestartCount,
    startedAt: info.State.StartedAt,
    exitCode: info.State.ExitCode,
    healthLog: (info.State.Health?.Log ?? []).map((l) => `${l.ExitCode}: ${l.Output.trim()}`),
  };
}

/**
 * What a running container uses, from one reading of the engine's stats (no second sample: `one-shot`): its CPU time so
 * far, its memory as the kernel would reclaim it last (usage less inactive file pages, as `docker stats` shows it),
 * its memory limit, and how often the engine restarted it.
 */
export async function containerStats(id: string): Promise<{
  cpuSeconds: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  restarts: number;
  oomKilled: boolean;
}> {
  const c = docker().getContainer(id);
  const [stats, info] = await Promise.all([
    c.stats({ stream: false, "one-shot": true } as { stream: false }),
    c.inspect(),
  ]);
  const mem = stats.memory_stats as { usage?: number; limit?: number; stats?: Record<string, number> };
  const inactive = mem.stats?.inactive_file ?? mem.stats?.total_inactive_file ?? 0;
  return {
    cpuSeconds: (stats.cpu_stats?.cpu_usage?.total_usage ?? 0) / 1e9,
    memoryBytes: Math.max(0, (mem.usage ?? 0) - inactive),
    memoryLimitBytes: mem.limit ?? 0,
    restarts: info.RestartCount,
    oomKilled: info.State.OOMKilled,
  };
}

export async function containerLogs(id: string, tail: number): Promise<string> {
  const buf = (await docker()
    .getContainer(id)
    .logs({ stdout: true, stderr: true, tail, follow: false })) as unknown as Buffer;
  return demux(buf);
}

/** Docker multiplexes stdout/stderr with 8-byte frame headers when no TTY is attached. */
function demux(buf: Buffer): string {
  const out: string[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const type = buf[i];
    const len = buf.readUInt32BE(i + 4);
    if (type === undefined || type > 2) return buf.toString("utf8");
    out.push(buf.subarray(i + 8, i + 8 + len).toString("utf8"));
    i += 8 + len;
  }
  return out.join("");
}

export async function removeContainer(id: string): Promise<void> {
  await docker().getContainer(id).remove({ force: true, v: true });
}

export async function listVolumes(label: string, value?: string): Promise<string[]> {
  const filter = value === undefined ? label : `${label}=${value}`;
  const r = await docker().listVolumes({ filters: { label: [filter] } });
  return (r.Volumes ?? []).map((v) => v.Name);
}

export async function removeVolume(name: string): Promise<void> {
  await docker().getVolume(name).remove();
}

export async function listNetworks(
  label: string,
  value?: string,
): Promise<{ id: string; name: string; internal: boolean; options: Record<string, string> }[]> {
  const filter = value === undefined ? label : `${label}=${value}`;
  const r = await docker().listNetworks({ filters: { label: [filter] } });
  return r.map((n) => ({ id: n.Id, name: n.Name, internal: Boolean(n.Internal), options: n.Options ?? {} }));
}

/** Every network's IPv4 subnets (all networks, not only ours): a new subnet must not overlap any of them. */
export async function networkSubnets(): Promise<{ name: string; subnets: string[] }[]> {
  const r = await docker().listNetworks();
  return r.map((n) => ({
    name: n.Name,
    subnets: (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? "").filter((x) => x.includes(".")),
  }));
}

export async function removeNetwork(id: string): Promise<void> {
  await docker().getNetwork(id).remove();
}

/** Which running container publishes a host port, if any. */
export async function containerPublishing(port: number): Promise<ContainerState | undefined> {
  const list = await docker().listContainers({ filters: { publish: [String(port)] } });
  const c = list[0];
  if (!c) return undefined;
  const all = await listContainersById(c.Id);
  return all;
}

async function listContainersById(id: string): Promise<ContainerState | undefined> {
  const list = await docker().listContainers({ all: true, filters: { id: [id] } });
  const c = list[0];
  if (!c) return undefined;
  return {
    id: c.Id,
    name: (c.Names[0] ?? c.Id).replace(/^\//, ""),
    service: c.Labels["com.docker.compose.service"] ?? "",
    state: c.State,
    health: healthOf(c.Status),
    image: c.Image,
    ports: [],
  };
}

export async function containerLabels(id: string): Promise<Record<string, string>> {
  const info = await docker().getContainer(id).inspect();
  return info.Config.Labels ?? {};
}

/**
 * Build an image from a context directory through the engine API (no buildx needed, works with any client).
 * Each line of build output goes to onLine; a build error rejects with the engine's message.
 */
export async function buildImage(opts: {
  context: string;
  files: string[];
  tag: string;
  labels: Record<string, string>;
  /** Run every step again (a refresh: apt-get then installs what Debian has now). */
  noCache?: boolean;
  onLine?: (line: string) => void;
}): Promise<void> {
  const stream = await docker().buildImage(
    { context: opts.context, src: opts.files },
    { t: opts.tag, labels: opts.labels, rm: true, forcerm: true, nocache: opts.noCache ?? false },
  );
  await new Promise<void>((resolve, reject) => {
    let failure: string | undefined;
    docker().modem.followProgress(
      stream,
      (err: Error | null) => (err ? reject(err) : failure ? reject(new Error(failure)) : resolve()),
      (event: { stream?: string; error?: string; errorDetail?: { message?: string } }) => {
        if (event.error) failure = event.errorDetail?.message ?? event.error;
        const line = event.stream?.trimEnd();
        if (line) for (const l of line.split("\n")) opts.onLine?.(l);
      },
    );
  });
}

export async function tagImage(source: string, repo: string, tag: string): Promise<void> {
  await docker().getImage(source).tag({ repo, tag });
}

/** Addresses of a container on each network it joins, by network name. */
export async function containerAddresses(id: string): Promise<Record<string, string>> {
  const info = await docker().getContainer(id).inspect();
  const out: Record<string, string> = {};
  for (const [name, n] of Object.entries(info.NetworkSettings.Networks ?? {})) if (n.IPAddress) out[name] = n.IPAddress;
  return out;
}

/** The environment and command a container was created with (what `docker inspect` shows anyone with Docker access). */
export async function containerConfig(id: string): Promise<{ env: string[]; cmd: string[] }> {
  const info = await docker().getContainer(id).inspect();
  return { env: info.Config.Env ?? [], cmd: [...(info.Config.Entrypoint ?? []), ...(info.Config.Cmd ?? [])] };
}

/**
 * A command in a running container with its standard input and output as streams (its errors dropped): what a
 * `docker exec -i` gives, without a terminal and without a `docker` process per call. `close()` ends both.
 */
export async function execPipe(
  id: string,
  cmd: string[],
): Promise<{ input: Writable; output: Readable; close: () => void }> {
  const exec = await docker().getContainer(id).exec({ Cmd: cmd, AttachStdin: true, AttachStdout: true });
  const stream = await exec.start({ hijack: true, stdin: true });
  const output = new PassThrough();
  docker().modem.demuxStream(stream, output, new PassThrough().resume());
  stream.on("end", () => output.end());
  stream.on("error", () => output.destroy());
  return { input: stream, output, close: () => stream.destroy() };
}
