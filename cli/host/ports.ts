import { readFile, readdir, readlink } from "node:fs/promises";
import { createServer } from "node:net";

/** Can we listen on address:port right now? */
export function portIsFree(port: number, address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen({ port, host: address, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Socket inodes listening on a TCP port, from /proc/net/tcp{,6} (state 0A = LISTEN). */
export function listeningInodes(procNetTcp: string, port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes: string[] = [];
  for (const line of procNetTcp.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    const local = f[1];
    if (!local || f[3] !== "0A") continue;
    if (local.split(":")[1] === hexPort && f[9]) inodes.push(f[9]);
  }
  return inodes;
}

/** Name and pid of the process holding a listening port, found through /proc (needs root for other users' processes). */
export async function whoListensOn(port: number): Promise<{ pid: number; command: string } | undefined> {
  let tables = "";
  for (const f of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    tables += await readFile(f, "utf8").catch(() => "");
  }
  const inodes = new Set(listeningInodes(tables, port));
  if (!inodes.size) return undefined;
  const pids = (await readdir("/proc").catch(() => [] as string[])).filter((d) => /^\d+$/.test(d));
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m?.[1] && inodes.has(m[1])) {
        const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
        const command = cmdline.split("\0").filter(Boolean).slice(0, 3).join(" ") || "unknown";
        return { pid: Number(pid), command };
      }
    }
  }
  return undefined;
}
