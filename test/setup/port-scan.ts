import { connect } from "node:net";

/** A TCP connect scan of every port of one address (500 at a time): the ports that accept a connection. */
export async function openPorts(host: string, timeoutMs = 1000): Promise<number[]> {
  const open: number[] = [];
  const probe = (port: number) =>
    new Promise<void>((done) => {
      const s = connect({ host, port });
      const end = (accepted: boolean) => {
        if (accepted) open.push(port);
        s.destroy();
        done();
      };
      s.setTimeout(timeoutMs, () => end(false));
      s.once("connect", () => end(true));
      s.once("error", () => end(false));
    });
  let next = 1;
  await Promise.all(
    Array.from({ length: 500 }, async () => {
      while (next <= 65535) await probe(next++);
    }),
  );
  return open.sort((a, b) => a - b);
}

/** What Docker's userland proxy forwards: host address and port to a container address (from its command lines). */
export function dockerForwards(psArgs: string): { hostIp: string; hostPort: number; containerIp: string }[] {
  return psArgs
    .split("\n")
    .filter((l) => l.includes("docker-proxy"))
    .map((l) => ({
      hostIp: /-host-ip (\S+)/.exec(l)?.[1] ?? "",
      hostPort: Number(/-host-port (\d+)/.exec(l)?.[1]),
      containerIp: /-container-ip (\S+)/.exec(l)?.[1] ?? "",
    }));
}
