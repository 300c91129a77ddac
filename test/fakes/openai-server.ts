import { afterAll, beforeAll, beforeEach } from "vitest";
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small OpenAI-compatible server for tests: POST /v1/embeddings and POST /v1/chat/completions (plain or SSE),
 * deterministic output, and a switchable failure mode.
 *
 *   const fake = await startFakeOpenAI();
 *   new OpenAI({ apiKey: "sk-test", baseURL: fake.baseURL });
 *   fake.setMode({ kind: "status", status: 429, retryAfterS: 0.05 }, 2); // the next 2 requests get 429, then normal
 *   fake.setMode({ kind: "stream-break", afterChunks: 3, then: "drop" }); // a streamed chat answer breaks off
 *
 * The stream modes apply to streamed chat completions only; other requests are answered normally.
 */
export type FakeMode =
  | { kind: "normal" }
  | { kind: "slow"; ms: number }
  | { kind: "status"; status: number; retryAfterS?: number }
  | { kind: "hang" }
  | { kind: "drop" }
  /** A streamed chat answer that sends `afterChunks` content chunks, then drops the connection or stops sending. */
  | { kind: "stream-break"; afterChunks: number; then: "drop" | "hang"; chunkMs?: number }
  /** A streamed chat answer with `chunkMs` between chunks. */
  | { kind: "slow-stream"; chunkMs: number };

/** What happened to one streamed chat answer. */
export interface FakeStream {
  chunksSent: number;
  /** The whole answer and [DONE] were sent. */
  completed: boolean;
  /** The client closed the connection before the answer was complete (e.g. it aborted). */
  clientClosed: boolean;
}

export interface FakeOpenAIOptions {
  /** The assistant's text for a chat request (default: fakeChatReply). */
  chatReply?: (messages: Array<{ role?: unknown; content?: unknown }>) => string;
  /** The address to listen on (default 127.0.0.1; the host's Docker bridge address for an installed stack). */
  host?: string;
}

export interface FakeRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

export interface FakeOpenAI {
  /** Pass as the SDK's baseURL, e.g. http://127.0.0.1:41234/v1 */
  readonly baseURL: string;
  /** Requests received so far (including failed ones). */
  readonly requests: FakeRequest[];
  readonly requestCount: number;
  /** Streamed chat answers so far, in order. */
  readonly streams: FakeStream[];
  /** Use `mode` for the next `times` requests (default: until changed), then go back to normal. */
  setMode(mode: FakeMode, times?: number): void;
  close(): Promise<void>;
}

/** A deterministic unit vector for `text`: SHA-256 in counter mode, bytes mapped to [-1, 1]. */
export function fakeVector(text: string, dimension: number): number[] {
  const v: number[] = [];
  for (let block = 0; v.length < dimension; block++) {
    const h = createHash("sha256").update(`${block}\0${text}`).digest();
    for (const byte of h) if (v.length < dimension) v.push(byte / 127.5 - 1);
  }
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** A rough token count (~4 characters a token), good enough for a usage block. */
export const fakeTokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

export function fakeChatReply(messages: Array<{ content?: unknown }>): string {
  const last = String(messages.at(-1)?.content ?? "");
  const tag = createHash("sha256").update(last).digest("hex").slice(0, 8);
  return `Fake reply ${tag} to: ${last.slice(0, 60)}`;
}

export async function startFakeOpenAI(fakeOptions: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  let mode: FakeMode = { kind: "normal" };
  let remaining = Infinity;
  const requests: FakeRequest[] = [];
  const streams: FakeStream[] = [];

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: { message: String(err), type: "server_error" } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = "";
    for await (const c of req) raw += String(c);
    const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    requests.push({ method: req.method ?? "GET", path, authorization: req.headers.authorization, body });

    const m = mode;
    if (--remaining <= 0) {
      mode = { kind: "normal" };
      remaining = Infinity;
    }
    if (m.kind === "hang") return; // never answer; close() destroys the socket
    if (m.kind === "drop") {
      req.socket.destroy();
      return;
    }
    if (m.kind === "slow") await new Promise((r) => setTimeout(r, m.ms));
    if (m.kind === "status") {
      const headers: Record<string, string> =
        m.retryAfterS !== undefined ? { "retry-after": String(m.retryAfterS) } : {};
      const type =
        m.status === 429 ? "rate_limit_exceeded" : m.status >= 500 ? "server_error" : "invalid_request_error";
      // Like OpenAI, a 401 echoes (part of) the key it was given: clients must not pass that on.
      const message =
        m.status === 401
          ? `Incorrect API key provided: ${req.headers.authorization?.replace(/^Bearer /, "")}`
          : `fake ${m.status}`;
      json(res, m.status, { error: { message, type, code: type } }, headers);
      return;
    }
    if (!req.headers.authorization?.startsWith("Bearer ")) {
      json(res, 401, {
        error: { message: "You didn't provide an API key.", type: "invalid_request_error", code: null },
      });
      return;
    }

    if (req.method === "POST" && path === "/v1/embeddings") return embeddings(body, res);
    if (req.method === "POST" && path === "/v1/chat/completions") return chat(body, req, res, m);
    json(res, 404, { error: { message: `no route ${req.method} ${path}`, type: "invalid_request_error" } });
  }

  function embeddings(body: Record<string, unknown>, res: ServerResponse): void {
    const input = typeof body.input === "string" ? [body.input] : (body.input as string[] | undefined);
    if (!Array.isArray(input) || input.length === 0 || input.some((t) => typeof t !== "string" || t === "")) {
      json(res, 400, { error: { message: "'$.input' is invalid.", type: "invalid_request_error", code: null } });
      return;
    }
    const dimension = typeof body.dimensions === "number" ? body.dimensions : 1536;
    const base64 = body.encoding_format === "base64";
    const data = input.map((text, index) => {
      const v = fakeVector(text, dimension);
      const embedding = base64 ? Buffer.from(new Float32Array(v).buffer).toString("base64") : v;
      return { object: "embedding", index, embedding };
    });
    const tokens = input.reduce((n, t) => n + fakeTokens(t), 0);
    json(res, 200, { object: "list", data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  }

  async function chat(
    body: Record<string, unknown>,
    req: IncomingMessage,
    res: ServerResponse,
    m: FakeMode,
  ): Promise<void> {
    const messages = (body.messages ?? []) as Array<{ role?: unknown; content?: unknown }>;
    const content = (fakeOptions.chatReply ?? fakeChatReply)(messages);
    const id = `chatcmpl-fake${requests.length}`;
    const created = 1_700_000_000;
    const model = body.model;
    const prompt = messages.reduce((n, msg) => n + fakeTokens(String(msg.content ?? "")), 0);
    const usage = {
      prompt_tokens: prompt,
      completion_tokens: fakeTokens(content),
      total_tokens: prompt + fakeTokens(content),
    };
    if (body.stream !== true) {
      const choice = {
        index: 0,
        message: { role: "assistant", content, refusal: null },
        logprobs: null,
        finish_reason: "stop",
      };
      json(res, 200, { id, object: "chat.completion", created, model, choices: [choice], usage });
      return;
    }
    const stream: FakeStream = { chunksSent: 0, completed: false, clientClosed: false };
    streams.push(stream);
    let broke = false;
    res.on("close", () => {
      if (!stream.completed && !broke) stream.clientClosed = true;
    });
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    const chunk = (delta: object, finish: string | null, extra: object = {}) =>
      res.write(
        `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra })}\n\n`,
      );
    chunk({ role: "assistant", content: "" }, null);
    const chunkMs = m.kind === "slow-stream" || m.kind === "stream-break" ? (m.chunkMs ?? 0) : 0;
    for (const piece of content.match(/\S+\s*/g) ?? []) {
      if (m.kind === "stream-break" && stream.chunksSent >= m.afterChunks) {
        broke = true;
        await new Promise((r) => setTimeout(r, 20)); // let the chunks already written reach the client
        if (m.then === "drop") req.socket.destroy();
        return; // "hang": send nothing more; close() destroys the socket
      }
      if (chunkMs > 0) await new Promise((r) => setTimeout(r, chunkMs));
      if (res.destroyed || stream.clientClosed) return;
      chunk({ content: piece }, null);
      stream.chunksSent++;
    }
    chunk({}, "stop");
    const opts = body.stream_options as { include_usage?: boolean } | undefined;
    if (opts?.include_usage)
      res.write(
        `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage })}\n\n`,
      );
    stream.completed = true;
    res.end("data: [DONE]\n\n");
  }

  const host = fakeOptions.host ?? "127.0.0.1";
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://${host}:${port}/v1`,
    requests,
    streams,
    get requestCount() {
      return requests.length;
    },
    setMode(next, times = Infinity) {
      mode = next;
      remaining = times;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * One fake server for a whole test file, back in "normal" mode with no recorded requests before each test.
 * Returns a stand-in that always refers to the running server.
 */
export function useFakeOpenAI(options: FakeOpenAIOptions = {}): FakeOpenAI {
  let current: FakeOpenAI | undefined;
  beforeAll(async () => {
    current = await startFakeOpenAI(options);
  });
  afterAll(async () => {
    await current?.close();
  });
  beforeEach(() => {
    current!.setMode({ kind: "normal" });
    current!.requests.length = 0;
  });
  return new Proxy({} as FakeOpenAI, {
    get: (_target, key) => {
      if (!current) throw new Error("the fake OpenAI server is not running (use it inside a test)");
      const value = (current as unknown as Record<string | symbol, unknown>)[key];
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(current) : value;
    },
  });
}
