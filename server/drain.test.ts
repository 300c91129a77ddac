import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { drainServer } from "./drain.js";

/** One POST over `agent`: the status, the Connection header, or the socket error. */
function post(port: number, agent: Agent): Promise<{ status?: number; connection?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = request({ port, method: "POST", path: "/", agent }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode, connection: String(res.headers.connection) }));
    });
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end("{}");
  });
}

describe("drainServer", () => {
  it("keeps answering on pooled connections (each answer closing its connection) until the linger ends, then refuses", async () => {
    let draining = false;
    const server = createServer((_req, res) => {
      if (draining) res.setHeader("connection", "close");
      res.end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    // Four pooled keep-alive connections, as nginx holds to a replica.
    await Promise.all(Array.from({ length: 4 }, () => post(port, agent)));
    expect(Object.values(agent.freeSockets).flat().length).toBeGreaterThan(0);

    draining = true;
    const done = drainServer(server, { lingerMs: 400, graceMs: 2_000 });
    // Within the linger, the pooled connections still answer, and say they close.
    const during = await Promise.all(Array.from({ length: 4 }, () => post(port, agent)));
    expect(during.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(during.every((r) => r.connection === "close")).toBe(true);
    await new Promise((r) => setTimeout(r, 600));
    // After it: not listening any more (a proxy retries a refused connection on another replica).
    expect((await post(port, new Agent({ keepAlive: false }))).error).toBe("ECONNREFUSED");
    await done;
    agent.destroy();
  });

  it("cuts connections still open when the grace period ends", async () => {
    const server = createServer(() => undefined); // never answers
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    const pending = post(port, new Agent({ keepAlive: true }));
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await drainServer(server, { lingerMs: 0, graceMs: 300 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await pending).error).toBe("ECONNRESET");
  });
});
