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

/**
 * The listening sockets (state 0A) of a /proc/net/tcp or tcp6 table: local address, port and socket inode. Addresses
 * are stored as hex words in host byte order (little-endian here); an IPv6 "any" reads as 0.0.0.0 and an IPv4-mapped
 * one as its IPv4 address; any other IPv6 address as "v6".
 */
export function listeningSockets(procNetTcp: string): { address: string; port: number; inode: string }[] {
  const out: { address: string; port: number; inode: string }[] = [];
  for (const line of procNetTcp.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    const [a = "", p = ""] = f[1]?.split(":") ?? [];
    if (!p || f[3] !== "0A") continue;
    const bytes = (a.match(/.{8}/g) ?? []).flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
    const v4 = (b: number[]) => b.join(".");
    const address =
      bytes.length === 4
        ? v4(bytes)
        : bytes.every((b) => b === 0)
          ? "0.0.0.0"
          : bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255
            ? v4(bytes.slice(12))
            : "v6";
    out.push({ address, port: parseInt(p, 16), inode: f[9] ?? "" });
  }
  return out;
}

/** Socket inodes listening on a TCP port, from /proc/net/tcp{,6}. */
export function listeningInodes(procNetTcp: string, port: number): string[] {
  return listeningSockets(procNetTcp)
    .filter((s) => s.port === port && s.inode)
    .map((s) => s.inode);
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
