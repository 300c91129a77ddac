import { createServer } from "node:net";

/** Ports handed out by this process: the kernel may give a just-released port again, and two callers would share it. */
const given = new Set<number>();

/** A TCP port nothing listens on right now (the kernel picks it), never one this process gave before. */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once("error", reject);
      srv.listen(0, host, () => {
        const addr = srv.address();
        srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
      });
    });
    if (!given.has(port)) {
      given.add(port);
      return port;
    }
  }
}
