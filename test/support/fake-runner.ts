import { PassThrough } from "node:stream";
import type { ContainerState } from "../../cli/docker.js";
import type { Runner, RunOptions, RunResult } from "../../cli/stack/handle.js";

/**
 * An in-memory machine for the Stack handle. It records every command (file, argv, options) and answers each from
 * `answer` (exit 0 with no output unless it says otherwise); its engine holds the containers, volumes and networks a
 * test puts in it, and removing one takes it out. Nothing runs.
 */
export class FakeRunner implements Runner {
  readonly calls: { file: string; args: string[]; opts: RunOptions }[] = [];
  /** What the engine was asked to do, in order: "remove container ID", "remove volume NAME", … */
  readonly changes: string[] = [];
  containerList: ContainerState[] = [];
  volumeList: string[] = [];
  networkList: { id: string; name: string; internal: boolean; options: Record<string, string> }[] = [];
  logsOf: Record<string, string> = {};
  /** What containerStats answers, by container id (a container without: the engine refuses, as for a gone one). */
  statsOf: Record<string, Awaited<ReturnType<Runner["engine"]["containerStats"]>>> = {};
  images = new Set<string>();
  /** Networks a container outside the fake engine's list is still on: removing one fails as Docker's does. */
  busyNetworks = new Set<string>();
  /** Programs `which` does not find (every other one is on PATH). */
  missing = new Set<string>();

  constructor(private readonly answer: (args: string[]) => Partial<RunResult> | undefined = () => undefined) {}

  async run(file: string, args: string[], opts: RunOptions): Promise<RunResult> {
    this.calls.push({ file, args, opts });
    return { exitCode: 0, stdout: "", stderr: "", ...this.answer(args) };
  }

  async which(file: string): Promise<boolean> {
    return !this.missing.has(file);
  }

  async startDetached(file: string, args: string[], logFile: string): Promise<number | undefined> {
    this.changes.push(`start ${[file, ...args].join(" ")} >> ${logFile}`);
    return 4242;
  }

  readonly engine: Runner["engine"] = {
    listContainers: async () => this.containerList,
    inspectContainer: async () => ({ restartCount: 0, startedAt: "", exitCode: 0, healthLog: [], pid: 1 }),
    containerStats: async (id) => {
      const s = this.statsOf[id];
      if (!s) throw new Error(`no such container: ${id}`);
      return s;
    },
    containerLogs: async (id) => this.logsOf[id] ?? "",
    removeContainer: async (id) => {
      this.changes.push(`remove container ${id}`);
      this.containerList = this.containerList.filter((c) => c.id !== id);
    },
    containerAddresses: async () => ({}),
    listVolumes: async () => this.volumeList,
    removeVolume: async (name) => {
      this.changes.push(`remove volume ${name}`);
      this.volumeList = this.volumeList.filter((v) => v !== name);
    },
    listNetworks: async () => this.networkList,
    removeNetwork: async (id) => {
      if (this.busyNetworks.has(id)) throw new Error(`network ${id} has active endpoints`);
      this.changes.push(`remove network ${id}`);
      this.networkList = this.networkList.filter((n) => n.id !== id);
    },
    execPipe: async () => ({ input: new PassThrough(), output: new PassThrough(), close: () => undefined }),
    containerLabels: async () => ({}),
    containerPublishing: async () => undefined,
    networkSubnets: async () => this.networkList.map((n) => ({ name: n.name, subnets: [] })),
    ping: async () => true,
    engineVersion: async () => ({ version: "28.0.0", apiVersion: "1.48" }),
    dataRoot: async () => "/var/lib/docker",
    imageExists: async (ref) => this.images.has(ref),
    imageLabels: async (ref) => (this.images.has(ref) ? {} : undefined),
    imageBuilt: async (ref) => (this.images.has(ref) ? "2026-01-01T00:00:00Z" : undefined),
    tagImage: async (source, repo, tag) => {
      this.changes.push(`tag ${source} ${repo}:${tag}`);
      this.images.add(`${repo}:${tag}`);
    },
    buildImage: async (opts) => {
      this.changes.push(`build ${opts.tag}`);
      this.images.add(opts.tag);
    },
  };
}

export const container = (service: string, state = "running", health: ContainerState["health"] = "healthy") => ({
  id: `${service}-id`,
  name: `stevie-${service}-1`,
  service,
  state,
  health,
  image: "stevie/x",
  ports: [],
});
