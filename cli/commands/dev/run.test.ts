import { createServer, type Server } from "node:net";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRouter } from "../../../server/routers/_app.js";
import { loadCatalog } from "../../../server/catalog/load.js";
import { createLogger } from "../../../server/logger.js";
import { DEV_PORT, listenDev, runDev, type DevServer } from "./run.js";

/**
 * `stevie-stack dev` end to end, without Docker: PGlite, migrations, the bundled catalogue embedded with the offline
 * model (the slow part: 1,354 categories), the real HTTP server. Takes one to three minutes depending on the CPU.
 */

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

describe("stevie-stack dev", () => {
  let dev: DevServer;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    dev = await runDev({ port, log: createLogger("warn") });
  }, 600_000);

  afterAll(async () => {
    await dev?.close();
  }, 60_000);

  it("listens on the requested port of localhost", () => {
    expect(dev.url).toBe(`http://127.0.0.1:${port}`);
  });

  it("is ready but degraded: database and embeddings up, no Redis", async () => {
    const res = await fetch(`${dev.url}/api/health/ready`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; checks: Record<string, { state: string }> };
    expect(body.status).toBe("degraded");
    expect(body.checks).toMatchObject({
      database: { state: "up" },
      embeddings: { state: "up" },
      redis: { state: "down" },
    });
  });

  it("answers recommend and programs.list over tRPC", async () => {
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${dev.url}/api/trpc`, methodOverride: "POST" })],
    });
    const [rec, programs] = await Promise.all([
      client.recommend.query({
        description:
          "Our mobile banking app lets small businesses in Kenya get paid by card and mobile money, and get working-capital loans in minutes.",
        profile: { nomineeType: "product", country: "KE" },
        topK: 5,
      }),
      client.programs.list.query(),
    ]);
    expect(rec.model).toBe("use-lite-512");
    expect(rec.mode).toBe("hybrid");
    expect(rec.results).toHaveLength(5);
    expect(rec.results.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    for (const r of rec.results) expect(r.eligibility.nomineeTypes).toContain("product");
    expect(programs.length).toBeGreaterThan(0);
    expect(programs.reduce((n, p) => n + p.categoryCount, 0)).toBe(loadCatalog().categories.length);
  });

  it("lets a page on any origin call it (CORS, no credentials), as a web app in development does", async () => {
    const page = "http://localhost:5173";
    const preflight = await fetch(`${dev.url}/api/trpc/recommend?batch=1`, {
      method: "OPTIONS",
      headers: {
        origin: page,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("content-type");
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
    const res = await fetch(`${dev.url}/api/trpc/programs.list`, { headers: { origin: page } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("frees the port when closed", async () => {
    await dev.close();
    expect(await portIsFree(port)).toBe(true);
    await expect(fetch(`${dev.url}/api/health/live`)).rejects.toThrow();
  });
});

describe("dev's port", () => {
  const quiet = { warn: () => undefined };
  const occupy = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const s = createServer();
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => resolve(s));
    });
  const close = (s: Server) => new Promise((r) => s.close(r));

  it("is DEV_PORT by default, a free one when that is taken, and an error when an asked-for port is taken", async () => {
    expect([3000, 5173, 8080]).not.toContain(DEV_PORT);
    // Someone else on DEV_PORT (this machine's tests may already hold it: then that is the someone).
    const holder = (await portIsFree(DEV_PORT)) ? await occupy(DEV_PORT) : undefined;
    const a = createServer();
    try {
      const got = await listenDev(a, "127.0.0.1", undefined, quiet);
      expect(got.port).not.toBe(DEV_PORT);
      await expect(listenDev(createServer(), "127.0.0.1", got.port, quiet)).rejects.toThrow(/already in use/);
    } finally {
      await close(a);
      if (holder) await close(holder);
    }
    if (holder) {
      const b = createServer();
      expect((await listenDev(b, "127.0.0.1", undefined, quiet)).port).toBe(DEV_PORT);
      await close(b);
    }
  });
});
