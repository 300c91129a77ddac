import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { BlockList, isIPv4 } from "node:net";
import { getTRPCErrorShape, TRPCError } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import type { ApiKeyStore } from "./apikeys.js";
import type { Context, Deps } from "./context.js";
import {
  allowedOrigin,
  CORS_EXPOSED_HEADERS,
  CORS_MAX_AGE_SECONDS,
  CORS_METHODS,
  CORS_REQUEST_HEADERS,
} from "./cors.js";
import { drainServer } from "./drain.js";
import { checkReadiness } from "./health.js";
import type { Metrics } from "./metrics.js";
import { buildOpenApi } from "./openapi.js";
import { rateLimitResponseMeta, type RateLimitClient } from "./ratelimit/trpc.js";
import { appRouter } from "./routers/_app.js";

const TRPC_BASE = "/api/trpc/";
const MAX_BODY_BYTES = 1024 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

interface ProcedureDef {
  type: "query" | "mutation" | "subscription";
  inputs: { safeParse(v: unknown): { success: boolean; error?: unknown } }[];
}
const PROCEDURES = (appRouter._def as unknown as { procedures: Record<string, { _def: ProcedureDef }> }).procedures;

/** A URL path's percent-escapes decoded; undefined when they are not valid UTF-8 (`%E0%A4`, `%C0`, `%FF`). */
function decodePath(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

/** The procedure(s) a tRPC URL calls ("recommend", "categories.get,programs.list"); unknown names collapse to one label. */
export function proceduresOf(url: string): string {
  const names = decodePath((url.split("?")[0] ?? "").slice(TRPC_BASE.length))?.split(",");
  return names?.every((n) => n in PROCEDURES) ? names.join(",") : "unknown";
}

function routeOf(url: string): string {
  if (url.startsWith(TRPC_BASE)) return "trpc";
  const path = url.split("?")[0] ?? url;
  return ["/api/health/live", "/api/health/ready", "/api/openapi.json", "/metrics"].includes(path) ? path : "other";
}

/**
 * Whom the application rate limits count. A caller the operator issued an API key is counted by that key, with the
 * key's own limit; a key that is not valid is refused (a client should learn its key is wrong, not be counted as
 * anonymous). Everyone else is counted by the address nginx saw (X-Real-IP, which nginx sets from the connection or,
 * behind `edge.trustedProxies`, from X-Forwarded-For); no header a client chooses can move it to another bucket.
 */
export async function clientOf(
  req: IncomingMessage,
  apiKeys: ApiKeyStore | undefined,
): Promise<RateLimitClient | undefined> {
  const raw = req.headers["x-api-key"];
  if (raw !== undefined) {
    let key: Awaited<ReturnType<ApiKeyStore["resolve"]>> = null;
    try {
      key = typeof raw === "string" && apiKeys ? await apiKeys.resolve(raw) : null;
    } catch (cause) {
      throw new TRPCError({
        code: "SERVICE_UNAVAILABLE",
        message: "API keys cannot be checked right now; retry shortly",
        cause,
      });
    }
    if (!key)
      throw new TRPCError({
        code: "UNAUTHORIZED",
        message: "unknown or revoked API key (x-api-key); send no key to be limited by address",
      });
    return { key: `key:${key.id}`, ...(key.rateLimitPerHour ? { limit: key.rateLimitPerHour } : {}) };
  }
  const realIp = req.headers["x-real-ip"];
  const ip = typeof realIp === "string" && realIp.length > 0 && realIp.length <= 64 ? realIp : req.socket.remoteAddress;
  return ip ? { key: `ip:${ip}` } : undefined;
}

export interface ApiServerOptions {
  apiKeys?: ApiKeyStore;
  /** The most calls a batched request may carry (STEVIE_MAX_BATCH). */
  maxBatch?: number;
  /**
   * Answer CORS for these exact origins, or ["*"] for any, as nginx does in the stack: for `stevie-stack dev`, which
   * has no nginx. Unset (the stack's replicas): no CORS headers; nginx answers it there.
   */
  corsOrigins?: readonly string[];
  /** METRICS_NETWORK: /metrics for connections that arrived on an address in this subnet only. */
  metricsNetwork?: string;
}

/**
 * Whether a connection arrived on an address in `cidr`, or on loopback (from inside the container itself: `docker
 * exec`), by its own (server-side) address; an IPv4-mapped IPv6 address counts as IPv4.
 */
function arrivedOn(cidr: BlockList | undefined, localAddress: string | undefined): boolean {
  if (!cidr) return true;
  const address = (localAddress ?? "").replace(/^::ffff:/, "");
  if (address === "::1" || address.startsWith("127.")) return true;
  return isIPv4(address) && cidr.check(address, "ipv4");
}

function subnet(cidr: string | undefined): BlockList | undefined {
  if (!cidr) return undefined;
  const [network = "", prefix = ""] = cidr.split("/");
  const list = new BlockList();
  list.addSubnet(network, Number(prefix), "ipv4");
  return list;
}

const TRPC_METHODS = "GET, POST, OPTIONS";

/**
 * What the API refuses before tRPC sees a request, as tRPC-shaped errors: a method tRPC does not use, a path that is
 * not valid percent-encoding, a batch over the limit, and a subscription's invalid input. tRPC would answer the last
 * with a 200 event stream that carries the error, which clients and metrics take for a success.
 */
function precheck(req: IncomingMessage, url: URL, maxBatch: number): TRPCError | undefined {
  if (req.method !== "GET" && req.method !== "POST") {
    return new TRPCError({
      code: "METHOD_NOT_SUPPORTED",
      message: `${req.method} is not supported; tRPC calls use GET or POST`,
    });
  }
  const path = decodePath(url.pathname.slice(TRPC_BASE.length));
  if (path === undefined)
    return new TRPCError({ code: "BAD_REQUEST", message: "the path is not valid percent-encoded UTF-8" });
  const calls = path.split(",");
  if (url.searchParams.get("batch") === "1" && calls.length > maxBatch) {
    return new TRPCError({
      code: "BAD_REQUEST",
      message: `a batch may carry at most ${maxBatch} calls (the API's batch limit); this one has ${calls.length}`,
    });
  }
  const proc = PROCEDURES[path]?._def;
  if (proc?.type !== "subscription" || url.searchParams.get("batch") === "1") return undefined;
  if (req.method !== "GET")
    return new TRPCError({
      code: "METHOD_NOT_SUPPORTED",
      message: "a subscription is a GET (an EventSource) with its input in the URL",
    });
  let input: unknown;
  try {
    const text = url.searchParams.get("input");
    input = text === null ? undefined : JSON.parse(text);
  } catch {
    return new TRPCError({ code: "PARSE_ERROR", message: "the input is not valid JSON" });
  }
  for (const parser of proc.inputs) {
    const r = parser.safeParse(input);
    if (!r.success)
      return new TRPCError({
        code: "BAD_REQUEST",
        message: String((r.error as Error | undefined)?.message ?? "invalid input"),
        cause: r.error,
      });
  }
  return undefined;
}

function sendTrpcError(res: ServerResponse, error: TRPCError, path: string): void {
  const shape = getTRPCErrorShape({
    config: appRouter._def._config,
    error,
    type: "unknown",
    path,
    input: undefined,
    ctx: undefined,
  });
  if (error.code === "METHOD_NOT_SUPPORTED") res.setHeader("allow", TRPC_METHODS);
  sendJson(res, getHTTPStatusCodeFromError(error), { error: shape });
}

export interface ApiServer {
  server: Server;
  /** Stop taking new connections, let in-flight requests finish (up to graceMs), then resolve. */
  /** Answer with `Connection: close` for lingerMs, then stop listening; cut what is open after graceMs more. */
  drain(graceMs: number, lingerMs?: number): Promise<void>;
  isDraining(): boolean;
}

/** Access-Control-Allow-Origin and the headers a page may read, when the request's origin is allowed. */
function setCorsHeaders(req: IncomingMessage, res: ServerResponse, allowed: readonly string[]): void {
  res.setHeader("vary", "Origin");
  const origin = allowedOrigin(typeof req.headers.origin === "string" ? req.headers.origin : undefined, allowed);
  if (!origin) return;
  res.setHeader("access-control-allow-origin", origin);
  res.setHeader("access-control-expose-headers", CORS_EXPOSED_HEADERS);
}

/** tRPC's answers carry a Vary of their own, which replaces the one setCorsHeaders set; an array is added to it. */
function withVaryOrigin(opts: Parameters<typeof rateLimitResponseMeta>[0]): ReturnType<typeof rateLimitResponseMeta> {
  const meta = rateLimitResponseMeta(opts);
  return { ...meta, headers: { ...meta.headers, vary: ["Origin"] } };
}

const PREFLIGHT_HEADERS = {
  "access-control-allow-methods": CORS_METHODS,
  "access-control-allow-headers": CORS_REQUEST_HEADERS,
  "access-control-max-age": String(CORS_MAX_AGE_SECONDS),
};

export function createApiServer(
  deps: Deps,
  metrics: Metrics,
  embeddingsReady: () => Promise<unknown>,
  opts: ApiServerOptions = {},
): ApiServer {
  const maxBatch = opts.maxBatch ?? 10;
  const cors = opts.corsOrigins;
  const metricsNetwork = subnet(opts.metricsNetwork);
  let draining = false;
  let openapi: string | undefined;
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: TRPC_BASE,
    maxBodySize: MAX_BODY_BYTES,
    // Long nominee descriptions don't fit in a URL: clients may send queries as POST (httpBatchLink methodOverride).
    allowMethodOverride: true,
    maxBatchSize: maxBatch,
    createContext: async ({ req }): Promise<Context> => ({
      ...deps,
      requestId: String(req.headers["x-request-id"] ?? ""),
      client: await clientOf(req, opts.apiKeys),
    }),
    responseMeta: cors ? withVaryOrigin : rateLimitResponseMeta,
    onError: ({ error, path, ctx, type, req }) => {
      // A subscription's error travels inside its 200 event stream: the metrics take the status it stands for.
      if (type === "subscription") streamErrorStatus.set(req, getHTTPStatusCodeFromError(error));
      const level = error.code === "INTERNAL_SERVER_ERROR" ? "error" : "warn";
      deps.log[level](
        {
          requestId: ctx?.requestId,
          procedure: path,
          code: error.code,
          // What failed underneath: the whole error for a fault, the cause's message for an outage (Redis, database).
          err:
            level === "error"
              ? (error.cause ?? error)
              : error.code === "SERVICE_UNAVAILABLE"
                ? error.cause?.message
                : undefined,
        },
        error.code === "INTERNAL_SERVER_ERROR" ? "procedure failed" : error.message,
      );
    },
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? "/";
    const path = url.split("?")[0] ?? url;
    if (url.startsWith(TRPC_BASE)) {
      if (req.method === "OPTIONS") {
        res.writeHead(204, { allow: TRPC_METHODS, ...(cors ? PREFLIGHT_HEADERS : {}) });
        res.end();
        return;
      }
      const refusal = precheck(req, new URL(url, "http://api"), maxBatch);
      if (refusal) return sendTrpcError(res, refusal, path.slice(TRPC_BASE.length));
      return trpc(req, res);
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      return sendJson(res, 405, {
        error: { code: "METHOD_NOT_SUPPORTED", message: `${req.method} is not supported here` },
      });
    }
    if (path === "/api/health/live") return sendJson(res, 200, { status: "live", version: deps.version });
    if (path === "/api/health/ready") {
      if (draining) return sendJson(res, 503, { status: "draining" });
      const r = await checkReadiness(deps, embeddingsReady);
      return sendJson(res, r.status === "down" ? 503 : 200, r);
    }
    if (path === "/metrics" && arrivedOn(metricsNetwork, req.socket.localAddress)) {
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
    sendJson(res, 404, { error: { code: "NOT_FOUND", message: "no such endpoint" } });
  }

  const streamErrorStatus = new WeakMap<IncomingMessage, number>();
  const server = createServer((req, res) => {
    // Nothing a request carries may end the process: a throw here would be uncaught and stop every caller's requests.
    try {
      serve(req, res);
    } catch (err) {
      deps.log.error({ err }, "request could not be handled");
      if (!res.headersSent) sendJson(res, 400, { error: { code: "BAD_REQUEST", message: "malformed request" } });
      else res.destroy();
    }
  });

  function serve(req: IncomingMessage, res: ServerResponse): void {
    const requestId =
      typeof req.headers["x-request-id"] === "string" && req.headers["x-request-id"].length <= 128
        ? req.headers["x-request-id"]
        : randomUUID();
    req.headers["x-request-id"] = requestId;
    res.setHeader("x-request-id", requestId);
    if (cors) setCorsHeaders(req, res, cors);
    if (draining) res.setHeader("connection", "close");
    const route = routeOf(req.url ?? "/");
    const end = metrics.httpDuration.startTimer({ route, method: req.method ?? "GET" });
    const endProcedure =
      route === "trpc"
        ? metrics.procedureDuration.startTimer({
            procedure: proceduresOf(req.url ?? "/"),
            type: req.method === "GET" ? "query" : "post",
          })
        : undefined;
    res.on("finish", () => {
      const status = String(streamErrorStatus.get(req) ?? res.statusCode);
      end();
      endProcedure?.({ status });
      metrics.httpRequests.inc({ route, method: req.method ?? "GET", status });
      // nginx's access log has every request with its id. Here: a line for what failed (info), and for every call at
      // debug. A line per answered call cost 15 % of the warm throughput (pino, Docker's log pipe, the log shipper).
      if (route === "trpc" || res.statusCode >= 500) {
        deps.log[res.statusCode >= 400 ? "info" : "debug"](
          { requestId, method: req.method, url: req.url?.slice(0, 200), status: res.statusCode },
          "request",
        );
      }
    });
    handle(req, res).catch((err: unknown) => {
      deps.log.error({ requestId, err }, "unhandled request error");
      if (!res.headersSent)
        sendJson(res, 500, { error: { code: "INTERNAL_SERVER_ERROR", message: "internal error", requestId } });
      else res.destroy();
    });
  }
  // What Node's parser refuses (headers too large, a malformed request line) gets the same JSON error as the rest,
  // not an empty answer; the connection is closed after it.
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || (err as { code?: string }).code === "ECONNRESET") return socket.destroy();
    const tooLarge = err.code === "HPE_HEADER_OVERFLOW";
    const status = tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request";
    const body = JSON.stringify({
      error: { code: "BAD_REQUEST", message: tooLarge ? "request headers too large" : "malformed request" },
    });
    socket.end(
      `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  server.keepAliveTimeout = 65_000; // longer than nginx's upstream keepalive_timeout so nginx closes first
  server.headersTimeout = 66_000;
  // nginx buffers a body before it sends it on (and gives a client 10 s), so only a caller inside the stack's network
  // can trickle one: it gets 70 s for the whole request, not Node's default of 300 s.
  server.requestTimeout = 70_000;

  return {
    server,
    isDraining: () => draining,
    drain(graceMs, lingerMs = 0) {
      draining = true;
      return drainServer(server, { lingerMs, graceMs });
    },
  };
}
