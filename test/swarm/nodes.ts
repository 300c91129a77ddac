import { run, type RunOptions, type RunResult } from "../../cli/exec.js";
import * as docker from "../../cli/docker.js";
import { BASE_IMAGE } from "../../cli/host/prepare.js";
import { waitFor } from "../../cli/wait.js";
import { freshHostRunArgs } from "../fresh-vm/hosts.js";

/**
 * A Docker Swarm of Docker-in-Docker nodes on this machine, for issue 27's tests: each node is a container running its
 * own engine (MACHINES.md's flags, as the fresh-VM hosts), all on one user network, every one a manager so that the
 * cluster keeps a Raft quorum when one of three dies. Images reach a node with `docker save | docker load` (nested
 * engines reach no registry).
 */
export const NODE_IMAGE = "stevie-stack-test/swarm-node:1";
const NODE_LABEL = "io.stevie-stack.test=swarm";

const NODE_DOCKERFILE = `FROM ${BASE_IMAGE}
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \\
      docker.io docker-cli iptables ca-certificates >/dev/null && rm -rf /var/lib/apt/lists/*
`;

/** The node image, built once and kept (Debian's docker.io in the base image the host prepared). */
export async function ensureNodeImage(): Promise<void> {
  if (await docker.imageExists(NODE_IMAGE)) return;
  await run("docker", ["build", "-q", "-t", NODE_IMAGE, "-"], { input: NODE_DOCKERFILE, timeoutMs: 15 * 60_000 });
}

export interface SwarmNode {
  /** The container's name, also the node's hostname in the Swarm. */
  name: string;
  /** Its address on the cluster's network. */
  address: string;
}

export class SwarmCluster {
  readonly nodes: SwarmNode[] = [];
  readonly network: string;

  constructor(
    readonly prefix: string,
    private readonly size = 3,
  ) {
    this.network = `${prefix}-net`;
  }

  /** `docker ARGS` on NODE's own engine. */
  docker(node: SwarmNode | string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
    const name = typeof node === "string" ? node : node.name;
    return run("docker", ["exec", ...(opts.input !== undefined ? ["-i"] : []), name, "docker", ...args], {
      timeoutMs: 120_000,
      ...opts,
    });
  }

  /** Starts the nodes, their engines, and the Swarm: the first node initialises it, the others join as managers. */
  async start(log: (line: string) => void): Promise<void> {
    await ensureNodeImage();
    await this.destroy();
    await run("docker", ["network", "create", "--label", NODE_LABEL, this.network]);
    for (let i = 1; i <= this.size; i++) {
      const name = `${this.prefix}-${i}`;
      const args = freshHostRunArgs({ name, label: NODE_LABEL, image: NODE_IMAGE, mounts: [], env: {} });
      // The engine, not `sleep`, is the node's main process: killing the container kills the node at once.
      const at = args.indexOf(NODE_IMAGE);
      await run("docker", [
        // /run on a tmpfs: a node started again after a kill finds no stale pid files of its engine.
        ...args
          .slice(0, at)
          .flatMap((a) => (a === "run" ? ["run", "--network", this.network, "--tmpfs", "/run"] : [a])),
        NODE_IMAGE,
        "dockerd",
        "--host=unix:///var/run/docker.sock",
      ]);
      this.nodes.push({ name, address: "" });
    }
    for (const n of this.nodes) {
      await this.engineUp(n);
      n.address = (
        await run("docker", [
          "inspect",
          "-f",
          `{{(index .NetworkSettings.Networks "${this.network}").IPAddress}}`,
          n.name,
        ])
      ).stdout.trim();
    }
    const [first, ...rest] = this.nodes;
    await this.docker(first!, ["swarm", "init", "--advertise-addr", first!.address]);
    const token = (await this.docker(first!, ["swarm", "join-token", "-q", "manager"])).stdout.trim();
    for (const n of rest)
      await this.docker(n, [
        "swarm",
        "join",
        "--advertise-addr",
        n.address,
        "--token",
        token,
        `${first!.address}:2377`,
      ]);
    log(`swarm of ${this.size} managers on ${this.network}: ${this.nodes.map((n) => n.address).join(", ")}`);
  }

  /** Waits until NODE's engine answers. */
  async engineUp(node: SwarmNode, timeoutMs = 90_000): Promise<void> {
    await waitFor(
      `${node.name}'s Docker engine`,
      async () =>
        (await this.docker(node, ["info", "-f", "{{.ServerVersion}}"], { reject: false })).exitCode === 0
          ? true
          : undefined,
      { timeoutMs, everyMs: 1_000 },
    );
  }

  /** The Swarm's nodes as ASKER sees them: hostname, status (Ready/Down), manager status (Leader/Reachable/…). */
  async nodeList(asker: SwarmNode): Promise<{ name: string; status: string; manager: string }[]> {
    const r = await this.docker(asker, ["node", "ls", "--format", "{{.Hostname}}\t{{.Status}}\t{{.ManagerStatus}}"]);
    return r.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => {
        const [name, status, manager] = l.split("\t");
        return { name: name!, status: status!, manager: manager ?? "" };
      });
  }

  /** Copies an image of this machine's engine into every node's (nested engines reach no registry). */
  async loadImage(ref: string): Promise<void> {
    for (const n of this.nodes)
      await run("sh", ["-c", 'docker save "$1" | docker exec -i "$2" docker load -q', "sh", ref, n.name], {
        timeoutMs: 10 * 60_000,
      });
  }

  /** Removes the nodes (with their engines' volumes) and the network. */
  async destroy(): Promise<void> {
    const old = await docker.listContainers("io.stevie-stack.test", "swarm");
    for (const c of old.filter((c) => c.name.startsWith(`${this.prefix}-`)))
      await run("docker", ["rm", "-f", "-v", c.id], { reject: false });
    await run("docker", ["network", "rm", this.network], { reject: false });
  }
}
