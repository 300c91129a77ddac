import { readFile } from "node:fs/promises";
import * as docker from "../../cli/docker.js";
import { run } from "../../cli/exec.js";
import { listeningSockets } from "../../cli/host/ports.js";

/**
 * Which of a stack's listening ports a place can reach (issue 25): every TCP socket that a container of the project
 * listens on, from its own /proc/PID/net/tcp{,6} (nothing is missed by a port list), probed from inside that
 * container's network namespace (the reference answer) and from elsewhere: the host's namespace, or another
 * container's (nsenter). A probe connects, sends one line of HTTP and keeps the first line of whatever comes back.
 * A port counts as reached when the probe from elsewhere connected and got the same first line as the reference: a
 * refusal, a timeout, or an answer that is not the service's (a proxy on the way, as on the development machines) is
 * not the service.
 */

export interface Listener {
  service: string;
  container: string;
  pid: number;
  address: string;
  port: number;
}

export interface Answer {
  /** connected, or how connecting failed (ECONNREFUSED, EHOSTUNREACH, timeout, …). */
  outcome: string;
  /** The first line of the reply ("" for none). */
  first: string;
}

/** Runs in a Node process in the probing namespace: argv[1] is the JSON list of targets, the answers go to stdout. */
const PROBE = `const net = require("node:net");
const probe = ({ address, port }) => new Promise((resolve) => {
  const s = net.connect({ host: address, port });
  let connected = false, reply = "";
  const done = (outcome) => { s.destroy(); resolve({ outcome, first: reply.split("\\r\\n")[0].slice(0, 80) }); };
  s.setTimeout(2500, () => done(connected ? "connected" : "timeout"));
  s.on("connect", () => { connected = true; s.write("GET / HTTP/1.0\\r\\n\\r\\n"); });
  s.on("data", (d) => (reply += d.toString("latin1")));
  s.on("close", () => done(connected ? "connected" : "closed"));
  s.on("error", (e) => done(connected ? "connected" : e.code || "error"));
});
Promise.all(JSON.parse(process.argv[1]).map(probe)).then((r) => console.log(JSON.stringify(r)));`;

/** The answers to `targets` from the network namespace of `pid` (a container's), or from the host's with no pid. */
export async function probe(targets: { address: string; port: number }[], pid?: number): Promise<Answer[]> {
  const node = [process.execPath, "-e", PROBE, JSON.stringify(targets)];
  const r = pid ? await run("nsenter", ["-t", String(pid), "-n", ...node]) : await run(node[0]!, node.slice(1));
  return JSON.parse(r.stdout) as Answer[];
}

/** Every listening TCP socket of every running container of `project`, one entry per address it can be reached on. */
export async function listeners(project: string): Promise<Listener[]> {
  const out: Listener[] = [];
  for (const c of await docker.listContainers(docker.PROJECT_LABEL, project)) {
    if (c.state !== "running") continue;
    const { pid } = await docker.inspectContainer(c.id);
    const addresses = Object.values(await docker.containerAddresses(c.id));
    const seen = new Set<string>();
    for (const file of ["tcp", "tcp6"]) {
      const table = await readFile(`/proc/${pid}/net/${file}`, "utf8").catch(() => "");
      for (const { address, port } of listeningSockets(table)) {
        if (address.startsWith("127.") || address === "v6") continue; // loopback: the container's own
        for (const a of address === "0.0.0.0" ? addresses : [address]) {
          if (seen.has(`${a}:${port}`)) continue;
          seen.add(`${a}:${port}`);
          out.push({ service: c.service, container: c.id, pid, address: a, port });
        }
      }
    }
  }
  return out;
}

/** For each listener, whether the probe from `pid`'s namespace (the host's without one) reached the service. */
export async function reachedFrom(all: Listener[], pid?: number): Promise<{ listener: Listener; answer: Answer }[]> {
  const byContainer = new Map<number, Listener[]>();
  for (const l of all) byContainer.set(l.pid, [...(byContainer.get(l.pid) ?? []), l]);
  const references = new Map<Listener, Answer>();
  await Promise.all(
    [...byContainer].map(async ([own, list]) => {
      const answers = await probe(list, own);
      list.forEach((l, i) => references.set(l, answers[i]!));
    }),
  );
  const answers = await probe(all, pid);
  return all
    .map((listener, i) => ({ listener, answer: answers[i]!, reference: references.get(listener)! }))
    .filter(
      ({ answer, reference }) =>
        reference.outcome === "connected" && answer.outcome === "connected" && answer.first === reference.first,
    )
    .map(({ listener, answer }) => ({ listener, answer }));
}
