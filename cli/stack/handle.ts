import { existsSync } from "node:fs";
import * as docker from "../docker.js";
import { PROJECT_LABEL } from "../labels.js";
import { run, startDetached, which, type RunOptions, type RunResult } from "../exec.js";
import type { StackPaths } from "./paths.js";

/**
 * The stack's one door to the machine (issue 26): `docker compose` with the stack's files and project, commands in
 * its containers, its containers' states. Every argv is built by a pure function below (compared in handle.test.ts)
 * and run by a `Runner`: the host's (execa and dockerode, through exec.ts and docker.ts) or an in-memory fake that
 * records what would run and answers as a test says (test/support/fake-runner.ts).
 *
 * The host's own tools go through the same runner (`Host`), so no module but this one imports exec.ts or docker.ts
 * (eslint.config.js).
 */
export interface Runner {
  run(file: string, args: string[], opts: RunOptions): Promise<RunResult>;
  /** Whether a program is on PATH. */
  which(file: string): Promise<boolean>;
  /** Starts a program that outlives us, its output appended to LOGFILE; its pid. */
  startDetached(file: string, args: string[], logFile: string): Promise<number | undefined>;
  /** The engine's API, for what the CLI asks about containers, volumes and networks. */
  engine: Pick<
    typeof docker,
    | "listContainers"
    | "inspectContainer"
    | "containerStats"
    | "containerLogs"
    | "removeContainer"
    | "containerAddresses"
    | "containerLabels"
    | "containerPublishing"
    | "listVolumes"
    | "removeVolume"
    | "listNetworks"
    | "removeNetwork"
    | "networkSubnets"
    | "execPipe"
    | "ping"
    | "engineVersion"
    | "dataRoot"
    | "imageExists"
    | "imageLabels"
    | "imageBuilt"
    | "tagImage"
    | "buildImage"
  >;
}

export const HOST_RUNNER: Runner = { run, which, startDetached, engine: docker };

export type { ContainerState } from "../docker.js";
export type { RunOptions, RunResult } from "../exec.js";

/**
 * The files Compose reads: the generated compose.yaml, then the operator's compose.override.yaml when there is one
 * (the extension point: install never writes it, and every command that runs Compose honours it).
 */
export const composeFiles = (paths: StackPaths): string[] => [
  paths.compose,
  ...(existsSync(paths.composeOverride) ? [paths.composeOverride] : []),
];

/** `docker compose ARGS` for one stack directory and project. */
export function composeArgv(dir: string, project: string, files: string[], args: string[]): string[] {
  return ["compose", "--project-directory", dir, ...files.flatMap((f) => ["-f", f]), "-p", project, ...args];
}

/** Compose's arguments for ARGV inside SERVICE's container, without a TTY, as USER when given. */
export function execArgs(service: string, argv: string[], user?: string): string[] {
  return ["exec", "-T", ...(user ? ["-u", user] : []), service, ...argv];
}

/** `docker exec`'s arguments for ARGV in container ID, without a TTY, its standard input open only when it is given one. */
export function dockerExecArgs(id: string, argv: string[], opts: { user?: string; stdin: boolean }): string[] {
  return ["exec", ...(opts.stdin ? ["-i"] : []), ...(opts.user ? ["-u", opts.user] : []), id, ...argv];
}

/** The container `compose exec SERVICE` means: its running one with the lowest number (api-3 once api-1 is replaced). */
export function serviceContainer(
  containers: docker.ContainerState[],
  service: string,
): docker.ContainerState | undefined {
  const number = (name: string) => Number(/-(\d+)$/.exec(name)?.[1] ?? 0);
  return containers
    .filter((c) => c.service === service && c.state === "running")
    .sort((a, b) => number(a.name) - number(b.name))[0];
}

/**
 * The machine's own tools: openssl, tar, df, apt-get, systemctl, dockerd. Behind the same runner as Engine so a test
 * can fake them too; `docker` itself is Engine's (lint).
 */
export class Host {
  constructor(private readonly runner: Runner = HOST_RUNNER) {}

  /** FILE ARGS; throws on failure unless `reject: false`. */
  run(file: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return this.runner.run(file, args, opts);
  }

  which(file: string): Promise<boolean> {
    return this.runner.which(file);
  }

  /** A daemon we start and leave running (dockerd without systemd); its pid. */
  startDetached(file: string, args: string[], logFile: string): Promise<number | undefined> {
    return this.runner.startDetached(file, args, logFile);
  }
}

/** This machine's tools, for modules that do not take a runner. */
export const host = new Host();

/**
 * The Docker engine itself: whether it answers, its version and data root, images, every network's subnets, which
 * container publishes a port, and `docker` commands that name their own containers (one-off `docker run`, a restored
 * copy by name). No other module runs `docker` (lint).
 */
export class Engine {
  constructor(protected readonly runner: Runner = HOST_RUNNER) {}

  /** `docker ARGS`; throws on failure unless `reject: false`. */
  docker(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return this.runner.run("docker", args, opts);
  }

  ping(): Promise<boolean> {
    return this.runner.engine.ping();
  }

  version() {
    return this.runner.engine.engineVersion();
  }

  /** Where the engine keeps its volumes and images. */
  dataRoot(): Promise<string> {
    return this.runner.engine.dataRoot();
  }

  imageExists(ref: string): Promise<boolean> {
    return this.runner.engine.imageExists(ref);
  }

  imageLabels(ref: string) {
    return this.runner.engine.imageLabels(ref);
  }

  /** When the image's Debian packages were installed (ISO, see docker.imageBuilt); undefined when it is not here. */
  imageBuilt(ref: string) {
    return this.runner.engine.imageBuilt(ref);
  }

  tagImage(source: string, repo: string, tag: string): Promise<void> {
    return this.runner.engine.tagImage(source, repo, tag);
  }

  buildImage(opts: Parameters<typeof docker.buildImage>[0]): Promise<void> {
    return this.runner.engine.buildImage(opts);
  }

  /** Every network's IPv4 subnets, ours or not. */
  subnets() {
    return this.runner.engine.networkSubnets();
  }

  /** The running container that publishes a host port, and its labels. */
  async publishing(port: number) {
    const c = await this.runner.engine.containerPublishing(port);
    return c && { ...c, labels: await this.runner.engine.containerLabels(c.id).catch(() => ({})) };
  }
}

/**
 * A Compose project's containers, volumes and networks (found by its label), and one-off `docker` commands: what
 * needs only the project's name (health, logs, uninstall).
 */
export class Project extends Engine {
  constructor(
    readonly project: string,
    runner: Runner = HOST_RUNNER,
  ) {
    super(runner);
  }

  /** The project's containers, running or not. */
  containers(): Promise<docker.ContainerState[]> {
    return this.runner.engine.listContainers(PROJECT_LABEL, this.project);
  }

  inspect(id: string) {
    return this.runner.engine.inspectContainer(id);
  }

  /** A running container's CPU time, memory, memory limit and restarts (docker.ts containerStats). */
  stats(id: string) {
    return this.runner.engine.containerStats(id);
  }

  /** The last TAIL lines a container wrote (stdout and stderr). */
  logs(id: string, tail: number): Promise<string> {
    return this.runner.engine.containerLogs(id, tail);
  }

  /** Removes a container, running or not, with its anonymous volumes. */
  remove(id: string): Promise<void> {
    return this.runner.engine.removeContainer(id);
  }

  /** A container's address on each network it joins, by network name. */
  addresses(id: string): Promise<Record<string, string>> {
    return this.runner.engine.containerAddresses(id);
  }

  volumes(): Promise<string[]> {
    return this.runner.engine.listVolumes(PROJECT_LABEL, this.project);
  }

  removeVolume(name: string): Promise<void> {
    return this.runner.engine.removeVolume(name);
  }

  networks() {
    return this.runner.engine.listNetworks(PROJECT_LABEL, this.project);
  }

  removeNetwork(id: string): Promise<void> {
    return this.runner.engine.removeNetwork(id);
  }

  /** A command in a container with its standard input and output as streams (see docker.ts execPipe). */
  pipe(id: string, cmd: string[]) {
    return this.runner.engine.execPipe(id, cmd);
  }
}

/** A stack: its project, and the directory whose compose files define it. */
export class Stack extends Project {
  constructor(
    readonly paths: StackPaths,
    project: string,
    runner: Runner = HOST_RUNNER,
  ) {
    super(project, runner);
  }

  /** `docker compose` against this stack (15 minutes unless said; throws on failure unless `reject: false`). */
  compose(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return this.runner.run("docker", composeArgv(this.paths.dir, this.project, composeFiles(this.paths), args), {
      cwd: this.paths.dir,
      timeoutMs: 15 * 60_000,
      ...opts,
    });
  }

  /**
   * ARGV in SERVICE's container; the result whatever its exit code. With `docker exec` on the container found through
   * the engine's API: Compose spends 0.4-0.7 s more on every call reading the project (measured: 0.73 against 0.30 s),
   * and status, doctor, backups and rolling updates make dozens. Compose answers for a service with no running
   * container, in its own words.
   */
  async exec(service: string, argv: string[], opts: RunOptions & { user?: string } = {}): Promise<RunResult> {
    const { user, ...rest } = opts;
    const target = serviceContainer(await this.containers(), service);
    if (!target) return this.compose(execArgs(service, argv, user), { reject: false, ...rest });
    return this.runner.run("docker", dockerExecArgs(target.id, argv, { user, stdin: rest.input !== undefined }), {
      timeoutMs: 15 * 60_000,
      reject: false,
      ...rest,
    });
  }
}

/** `docker compose` against one stack directory and project (for callers that do not hold a Stack yet). */
export function compose(paths: StackPaths, project: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Stack(paths, project).compose(args, opts);
}
