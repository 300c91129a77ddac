import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { realDeps } from "../test/setup/deps.js";
import { createApiServer, type ApiServer } from "./http.js";
import { createMetrics } from "./metrics.js";
import { createRateLimiter } from "./ratelimit/limiter.js";

/**
 * The API's HTTP edge against hostile requests (issue 22), over real PostgreSQL and Redis: each case here once
 * failed (a dead process, a 500, a limit a header could move around). test/e2e/hostile-input.test.ts sends
 * generated garbage at the installed stack; these are the named cases, each with its expected answer.
 */
const run = randomBytes(4).toString("hex");
const base = realDeps();
const deps = {
  ...base,
  rateLimiter: createRateLimiter(base.redis, { name: `t${run}-calls`, limit: 6 }),
  creationLimiter: createRateLimiter(base.redis, { name: `t${run}-create`, unit: "new sessions", limit: 2 }),
};
const metrics = createMetrics();
let api: ApiServer;
let origin: string;

beforeAll(async () => {
  api = createApiServer(deps, metrics, async () => undefined, { maxBatch: 3 });
  await new Promise<void>((resolve) => api.server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => api.server.close(resolve));
  await base.close();
});

/** A raw request: fetch refuses some methods (TRACE) and normalises paths; node:http sends what it is given. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${origin}${path}`,
      { method, headers: { "x-real-ip": `192.0.2.${Math.floor(Math.random() * 250)}`, ...headers } },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
const input = (v: unknown) => encodeURIComponent(JSON.stringify(v));
const codeOf = (text: string) => (JSON.parse(text) as { error: { data: { code: string } } }).error.data.code;

describe("malformed requests cost that request, never the process", () => {
  it("answers a procedure path that is not valid percent-encoded UTF-8 with 400, and keeps serving", async () => {
    for (const bad of ["programs.list%E0%A4", "programs.list%C0", "programs.list%FF", "programs.list%"]) {
      const r = await raw("GET", `/api/trpc/${bad}`);
      expect(r.status, bad).toBe(400);
      expect(codeOf(r.text)).toBe("BAD_REQUEST");
    }
    expect((await raw("GET", "/api/health/live")).status).toBe(200);
    const m = await metrics.registry.getSingleMetricAsString("stevie_trpc_procedure_duration_seconds");
    expect(m).toMatch(/procedure="unknown"/);
  });

  it("answers methods tRPC does not use with 405 and Allow, and a preflight with 204", async () => {
    for (const method of ["TRACE", "PUT", "DELETE", "PATCH", "HEAD"]) {
      const r = await raw(method, "/api/trpc/programs.list");
      expect(r.status, method).toBe(405);
      expect(r.headers.allow).toBe("GET, POST, OPTIONS");
    }
    expect((await raw("TRACE", "/api/health/live")).status).toBe(405);
    expect((await raw("OPTIONS", "/api/trpc/recommend")).status).toBe(204);
  });

  it("refuses NUL and other control characters with 400, and a chat session stays usable after one", async () => {
    const desc = "A 40-person software startup in Austin whose platform books clinic patients online";
    for (const bad of [`${desc}\u0000`, `${desc}\u001b[31m`, `${desc}\ud800`]) {
      const r = await raw("GET", `/api/trpc/recommend?input=${input({ description: bad })}`);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.text).toMatch(/control characters|well-formed/);
    }
    expect(
      (await raw("GET", `/api/trpc/categories.search?input=${input({ query: "customer\u0000service" })}`)).status,
    ).toBe(400);

    const ip = { "x-real-ip": "192.0.2.250" };
    const start = await raw("POST", "/api/trpc/chat.start", { ...ip, "content-type": "application/json" }, "{}");
    const sessionId = (JSON.parse(start.text) as { result: { data: { sessionId: string } } }).result.data.sessionId;
    const nul = await raw(
      "POST",
      "/api/trpc/chat.sendAndWait",
      { ...ip, "content-type": "application/json" },
      JSON.stringify({ sessionId, message: "awards\u0000for teams" }),
    );
    expect(nul.status).toBe(400);
    const clean = await raw(
      "POST",
      "/api/trpc/chat.sendAndWait",
      { ...ip, "content-type": "application/json" },
      JSON.stringify({ sessionId, message: "Which awards fit a customer service team?" }),
    );
    expect(clean.status).toBe(200);
    const answer = (JSON.parse(clean.text) as { result: { data: { text: string; citations: unknown[] } } }).result.data;
    expect(answer.text).not.toMatch(/search failed/);
    expect(answer.citations.length).toBeGreaterThan(0);
  });

  it("bounds every number: a cursor past int4 is a 400, not a database error", async () => {
    for (const cursor of [2147483648, 2 ** 53, -1, 1.5]) {
      const r = await raw("GET", `/api/trpc/categories.list?input=${input({ cursor })}`);
      expect(r.status, String(cursor)).toBe(400);
    }
    expect(
      (await raw("GET", `/api/trpc/categories.list?input=${input({ cursor: 2147483647, limit: 1 })}`)).status,
    ).toBe(200);
  });

  it("answers a subscription's invalid input with 400, not a 200 event stream, and counts it as a 400", async () => {
    const r = await raw("GET", `/api/trpc/chat.send?input=${input({ sessionId: "not-a-uuid", message: "" })}`, {
      accept: "text/event-stream",
    });
    expect(r.status).toBe(400);
    expect(r.headers["content-type"]).toBe("application/json");
    expect(codeOf(r.text)).toBe("BAD_REQUEST");
    expect((await raw("GET", "/api/trpc/chat.send?input=%7Bnot-json", { accept: "text/event-stream" })).status).toBe(
      400,
    );
    const posted = await raw(
      "POST",
      "/api/trpc/chat.send",
      { "content-type": "application/json" },
      JSON.stringify({ sessionId: "x", message: "" }),
    );
    expect(posted.status).toBe(405);
    const m = await metrics.registry.getSingleMetricAsString("stevie_trpc_procedure_duration_seconds");
    expect(m).toMatch(/stevie_trpc_procedure_duration_seconds_count\{[^}]*procedure="chat.send"[^}]*status="400"/);
  });

  it("refuses a batch over the limit with a 400 that names it", async () => {
    const r = await raw("GET", `/api/trpc/${Array(4).fill("programs.list").join(",")}?batch=1&input=%7B%7D`);
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/a batch may carry at most 3 calls \(the API's batch limit\); this one has 4/);
    expect(
      (await raw("GET", `/api/trpc/${Array(3).fill("programs.list").join(",")}?batch=1&input=%7B%7D`)).status,
    ).toBe(200);
  });

  it("does not tell the public which database versions it runs", async () => {
    const r = await raw("GET", "/api/trpc/system.info");
    expect(r.status).toBe(200);
    expect(r.text).not.toMatch(/postgres|pgvector|debian/i);
  });
});

describe("limits a client cannot get around", () => {
  it("counts every call of a batch, by the address nginx saw, whatever key or session header the client invents", async () => {
    const ip = { "x-real-ip": "198.51.100.7" };
    const batch = await raw("GET", `/api/trpc/programs.list,programs.list,programs.list?batch=1&input=%7B%7D`, ip);
    expect(batch.status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await raw("GET", "/api/trpc/programs.list", ip)).status).toBe(200);
    // Six calls used: the seventh is refused, and no invented header buys another bucket.
    expect((await raw("GET", "/api/trpc/programs.list", ip)).status).toBe(429);
    const session = await raw("GET", "/api/trpc/programs.list", {
      ...ip,
      "x-stevie-session": "AAAAAAAAAAAAAAAAAAAAAA",
    });
    expect(session.status).toBe(429);
    expect(Number(session.headers["retry-after"])).toBeGreaterThan(0);
    // An invented API key is not a bucket either: it is refused.
    const key = await raw("GET", "/api/trpc/programs.list", { ...ip, "x-api-key": "stv_invented" });
    expect(key.status).toBe(401);
    expect(codeOf(key.text)).toBe("UNAUTHORIZED");
    expect((await raw("GET", "/api/trpc/programs.list", { "x-real-ip": "198.51.100.8" })).status).toBe(200);
  });

  it("limits new sessions and chats per client, batched or not", async () => {
    const ip = { "x-real-ip": "198.51.100.9", "content-type": "application/json" };
    const r = await raw(
      "POST",
      "/api/trpc/session.start,chat.start,session.start?batch=1",
      ip,
      JSON.stringify({ 0: {}, 1: {}, 2: {} }),
    );
    const results = JSON.parse(r.text) as { error?: { data: { code: string } } }[];
    expect(results.map((x) => x.error?.data.code ?? "OK")).toEqual(["OK", "OK", "TOO_MANY_REQUESTS"]);
    const again = await raw("POST", "/api/trpc/chat.start", ip, "{}");
    expect(again.status).toBe(429);
    expect(again.text).toMatch(/rate limit of 2 new sessions per hour/);
  });
});

describe("CORS under stevie-stack dev, which has no nginx (issue 24)", () => {
  const page = "http://127.0.0.1:5999";
  let cors: ApiServer;
  let at: string;
  beforeAll(async () => {
    cors = createApiServer(deps, metrics, async () => undefined, { corsOrigins: [page] });
    await new Promise<void>((resolve) => cors.server.listen(0, "127.0.0.1", resolve));
    at = `http://127.0.0.1:${(cors.server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => cors.server.close(resolve)));
  const preflight = (from: string) =>
    fetch(`${at}/api/trpc/recommend?batch=1`, {
      method: "OPTIONS",
      headers: {
        origin: from,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });

  it("answers a preflight from a listed origin with 204 and what the tRPC client may send; no credentials", async () => {
    const r = await preflight(page);
    expect(r.status).toBe(204);
    expect(r.headers.get("access-control-allow-origin")).toBe(page);
    expect(r.headers.get("access-control-allow-methods")).toBe("GET, POST, OPTIONS");
    expect(r.headers.get("access-control-allow-headers")).toBe("content-type, trpc-accept, last-event-id");
    expect(r.headers.get("access-control-max-age")).toBe("600");
    expect(r.headers.get("vary")).toBe("Origin");
    expect(r.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("names no origin to a page elsewhere, so its browser refuses the call", async () => {
    for (const other of ["https://evil.example", "http://127.0.0.1:5998", "null"])
      expect((await preflight(other)).headers.get("access-control-allow-origin"), other).toBeNull();
  });

  it("sends Allow-Origin, once, with a batched POST's answer and its errors, and lets the page read Retry-After", async () => {
    const description = "A 40-person software startup in Austin whose platform books clinic patients online";
    const r = await fetch(`${at}/api/trpc/recommend?batch=1`, {
      method: "POST",
      headers: { origin: page, "content-type": "application/json", "x-real-ip": "198.51.100.20" },
      body: JSON.stringify({ 0: { description, topK: 3 } }),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("access-control-allow-origin")).toBe(page);
    expect(r.headers.get("access-control-expose-headers")).toBe("retry-after, x-request-id");
    // tRPC's own Vary stays, with Origin added.
    expect(r.headers.get("vary")).toBe("trpc-accept, accept, Origin");
    const bad = await fetch(`${at}/api/trpc/chat.send?input=%7Bnot-json`, {
      headers: { origin: page, accept: "text/event-stream" },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("access-control-allow-origin")).toBe(page);
  });

  it("is off where no list is given: the stack's replicas leave CORS to nginx", async () => {
    const r = await fetch(`${origin}/api/trpc/programs.list`, { headers: { origin: page } });
    expect(r.status).toBe(200);
    expect(r.headers.get("access-control-allow-origin")).toBeNull();
    expect(
      (await fetch(`${origin}/api/trpc/recommend`, { method: "OPTIONS", headers: { origin: page } })).headers.get(
        "access-control-allow-methods",
      ),
    ).toBeNull();
  });
});

describe("/metrics only on the network Prometheus scrapes from (issue 25)", () => {
  // This host's own non-loopback address stands for a container's address on one network or another.
  const own = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === "IPv4" && !a.internal)!.address;
  const serve = async (metricsNetwork: string, host: string) => {
    const s = createApiServer(deps, metrics, async () => undefined, { metricsNetwork });
    await new Promise<void>((resolve) => s.server.listen(0, host, resolve));
    const res = await fetch(`http://${host}:${(s.server.address() as AddressInfo).port}/metrics`);
    await new Promise((resolve) => s.server.close(resolve));
    return { status: res.status, text: await res.text() };
  };

  it("answers a connection that arrived on an address inside METRICS_NETWORK, or on loopback", async () => {
    const inside = await serve(`${own}/32`, own);
    expect(inside.status).toBe(200);
    expect(inside.text).toMatch(/^process_resident_memory_bytes /m);
    expect((await serve("10.213.7.0/24", "127.0.0.1")).status).toBe(200);
  });

  it("answers 404 to one that arrived on any other address, as for a path that does not exist", async () => {
    const outside = await serve("10.213.7.0/24", own);
    expect(outside.status).toBe(404);
    expect(outside.text).not.toMatch(/process_/);
  });
});
