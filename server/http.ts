import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import type { Deps } from "./context.js";
import { drainServer } from "./drain.js";
import { checkReadiness } from "./health.js";
import type { Metrics } from "./metrics.js";
import { buildOpenApi } from "./openapi.js";
import { rateLimitResponseMeta } from "./ratelimit/trpc.js";
import { appRouter } from "./routers/_app.js";

const TRPC_BASE = "/api/trpc/";
const MAX_BODY_BYTES = 1024 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

const KNOWN_PROCEDURES = new Set(Object.keys((appRouter._def as unknown as { procedures: Record<string, unknown> }).procedures));

/** The procedure(s) a tRPC URL calls ("recommend", "categories.get,programs.list"); unknown names collapse to one label. */
export function proceduresOf(url: string): string {
  const path = (url.split("?")[0] ?? "").slice(TRPC_BASE.length);
  const names = decodeURIComponent(path).split(",");
  return names.every((n) => KNOWN_PROCEDURES.has(n)) ? names.join(",") : "unknown";
}

function routeOf(url: string): string {
  if (url.startsWith(TRPC_BASE)) return "trpc";
  const path = url.split("?")[0] ?? url;
  return ["/api/health/live", "/api/health/ready", "/api/openapi.json", "/metrics"].includes(path) ? path : "other";
}

/**
 * Whom the application rate limit counts. There are no API keys yet, so an `x-api-key` is only a bucket name;
 * then a session (`x-stevie-session`), else the client address nginx saw. nginx's per-IP limit applies regardless.
 */
export function clientKeyOf(req: IncomingMessage): string | undefined {
  const header = (name: string) => {
    const v = req.headers[name];
    return typeof v === "string" && v.length > 0 && v.length <= 200 ? v : undefined;
  };
  const key = header("x-api-key");
  if (key) return `key:${key}`;
  const session = header("x-stevie-session");
  if (session) return `session:${session}`;
  const ip = header("x-real-ip") ?? req.socket.remoteAddress;
  return ip ? `ip:${ip}` : undefined;
}

export interface ApiServer {
  server: Server;
  /** Stop taking new connections, let in-flight requests finish (up to graceMs), then resolve. */
  /** Answer with `Connection: close` for lingerMs, then stop listening; cut what is open after graceMs more. */
  drain(graceMs: number, lingerMs?: number): Promise<void>;
  isDraining(): boolean;
}

export function createApiServer(deps: Deps, metrics: Metrics, embeddingsReady: () => Promise<unknown>): ApiServer {
  let draining = false;
  let openapi: string | undefined;
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: TRPC_BASE,
    maxBodySize: MAX_BODY_BYTES,
    // Long nominee descriptions don't fit in a URL: clients may send queries as POST (httpBatchLink methodOverride).
    allowMethodOverride: true,
    createContext: ({ req }) => ({ ...deps, requestId: String(req.headers["x-request-id"] ?? ""), clientKey: clientKeyOf(req) }),
    responseMeta: rateLimitResponseMeta,
    onError: ({ error, path, ctx }) => {
      const level = error.code === "INTERNAL_SERVER_ERROR" ? "error" : "warn";
      deps.log[level]({ requestId: ctx?.requestId, procedure: path, code: error.code, err: level === "error" ? error.cause ?? error : undefined }, error.code === "INTERNAL_SERVER_ERROR" ? "procedure failed" : error.message);
    },
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? "/";
    const path = url.split("?")[0] ?? url;
    if (path === "/api/health/live") return sendJson(res, 200, { status: "live", version: deps.version });
    if (path === "/api/health/ready") {
      if (draining) return sendJson(res, 503, { status: "draining" });
      const r = await checkReadiness(deps, embeddingsReady);
      return sendJson(res, r.status === "down" ? 503 : 200, r);
    }
    if (path === "/metrics") {
      const text = await metrics.registry.metrics();
      res.writeHead(200, { "content-type": metrics.registry.contentType });
      res.end(text);
      return;
    }
    if (path === "/api/openapi.json") {
      openapi ??= JSON.stringify(buildOpenApi(deps.version));
      res.writeHead(200, { "content-type": "application/json", "cache-control": "public, max-age=300" });
      res.end(openapi);
      return;
    }
    if (url.startsWith(TRPC_BASE)) return trpc(req, res);
    sendJson(res, 404, { error: { code: "NOT_FOUND", message: "no such endpoint" } });
  }

  const server = createServer((req, res) => {
    const requestId = typeof req.headers["x-request-id"] === "string" && req.headers["x-request-id"].length <= 128 ? req.headers["x-request-id"] : randomUUID();
    req.headers["x-request-id"] = requestId;
    res.setHeader("x-request-id", requestId);
    if (draining) res.setHeader("connection", "close");
    const route = routeOf(req.url ?? "/");
    const end = metrics.httpDuration.startTimer({ route, method: req.method ?? "GET" });
    const endProcedure = route === "trpc" ? metrics.procedureDuration.startTimer({ procedure: proceduresOf(req.url ?? "/"), type: req.method === "GET" ? "query" : "post" }) : undefined;
    res.on("finish", () => {
      end();
      endProcedure?.({ status: String(res.statusCode) });
      metrics.httpRequests.inc({ route, method: req.method ?? "GET", status: String(res.statusCode) });
      // nginx's access log has every request with its id. Here: a line for what failed (info), and for every call at
      // debug. A line per answered call cost 15 % of the warm throughput (pino, Docker's log pipe, the log shipper).
      if (route === "trpc" || res.statusCode >= 500) {
        deps.log[res.statusCode >= 400 ? "info" : "debug"]({ requestId, method: req.method, url: req.url?.slice(0, 200), status: res.statusCode }, "request");
      }
    });
    handle(req, res).catch((err: unknown) => {
      deps.log.error({ requestId, err }, "unhandled request error");
      if (!res.headersSent) sendJson(res, 500, { error: { code: "INTERNAL_SERVER_ERROR", message: "internal error", requestId } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000; // longer than nginx's upstream keepalive_timeout so nginx closes first
  server.headersTimeout = 66_000;

  return {
    server,
    isDraining: () => draining,
    drain(graceMs, lingerMs = 0) {
      draining = true;
      return drainServer(server, { lingerMs, graceMs });
    },
  };
}
