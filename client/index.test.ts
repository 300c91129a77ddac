import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHTTPServer } from "@trpc/server/adapters/standalone";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryChatStore } from "../server/chat/store.js";
import type { ChatDeps } from "../server/chat/types.js";
import type { Context } from "../server/context.js";
import { createLogger } from "../server/logger.js";
import type { Recommendation } from "../server/recommend/engine.js";
import { appRouter } from "../server/routers/_app.js";
import { createStevieClient, isStevieClientError, type ChatEvent, type StevieClient } from "./index.js";

const category: Recommendation = {
  rank: 1,
  score: 1,
  category: {
    id: 1,
    code: "ABA-TECH-001",
    name: "Technology Startup of the Year",
    description: "Startups.",
    group: "Companies",
  },
  program: { code: "ABA", name: "The American Business Awards" },
  why: { summary: "Recommended.", similarity: 0.8, textRank: 1, matchedTerms: [] },
  eligibility: {
    nomineeTypes: ["organization"],
    organizationTypes: ["any"],
    organizationSizes: ["any"],
    regions: ["worldwide"],
    entryFormats: ["written"],
    notes: [],
  },
};

// The API's router over a real HTTP server, with only the chat's dependencies (no OpenAI key: catalogue-built
// answers). Each request is recorded with its method and headers.
describe("createStevieClient against the API's router", () => {
  let server: Server;
  let url: string;
  const requests: { method: string; path: string; headers: IncomingHttpHeaders }[] = [];

  beforeAll(async () => {
    const chat: ChatDeps = {
      store: createMemoryChatStore(),
      recommend: async (input) => ({
        model: "use-lite-512",
        mode: input.mode,
        filters: [],
        results: [category],
        timings: { embedMs: 0, searchMs: 0 },
        degraded: null,
      }),
      log: createLogger("silent"),
    };
    server = createHTTPServer({
      router: appRouter,
      allowMethodOverride: true,
      maxBatchSize: 10,
      createContext: () => ({ chat, requestId: "t" }) as unknown as Context,
    });
    server.prependListener("request", (req) =>
      requests.push({ method: req.method ?? "", path: (req.url ?? "").split("?")[0]!, headers: req.headers }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const stream = (api: StevieClient, sessionId: string) =>
    new Promise<ChatEvent[]>((resolve, reject) => {
      const events: ChatEvent[] = [];
      const sub = api.chat.send.subscribe(
        { sessionId, message: "Which categories fit our startup?" },
        {
          onData: (e) => {
            events.push(e);
            if (e.type === "done") {
              sub.unsubscribe();
              resolve(events);
            }
          },
          onError: reject,
        },
      );
    });

  it("streams chat.send over SSE in Node 20 (no EventSource of its own), sending the headers there too", async () => {
    expect((globalThis as { EventSource?: unknown }).EventSource).toBeUndefined();
    const api = createStevieClient(url, { headers: { "x-api-key": "stv_test" } });
    const { sessionId } = await api.chat.start.mutate();
    const events = await stream(api, sessionId);
    const done = events.at(-1);
    expect(done?.type === "done" && done.answer.citations.map((c) => c.code)).toEqual(["ABA-TECH-001"]);
    const sse = requests.find((r) => r.path === "/chat.send")!;
    expect(sse).toMatchObject({ method: "GET", headers: { accept: "text/event-stream", "x-api-key": "stv_test" } });
    expect(requests.find((r) => r.path === "/chat.start")!.headers["x-api-key"]).toBe("stv_test");
  });

  it("batches calls as POST requests of at most 10 calls, or maxItems", async () => {
    const api = createStevieClient(url);
    const { sessionId } = await api.chat.start.mutate();
    const count = async (client: StevieClient) => {
      requests.length = 0;
      await Promise.all(Array.from({ length: 12 }, () => client.chat.history.query({ sessionId })));
      return requests.map((r) => `${r.method} ${r.path.split(",").length}`);
    };
    expect(await count(api)).toEqual(["POST 10", "POST 2"]);
    expect(await count(createStevieClient(url, { maxItems: 5 }))).toEqual(["POST 5", "POST 5", "POST 2"]);
  });

  it("raises invalid input as a typed error with the invalid fields", async () => {
    const api = createStevieClient(url);
    const { sessionId } = await api.chat.start.mutate();
    const err = await api.chat.sendAndWait.mutate({ sessionId, message: " " }).catch((e: unknown) => e);
    expect(isStevieClientError(err)).toBe(true);
    if (!isStevieClientError(err)) return;
    expect(err.data?.code).toBe("BAD_REQUEST");
    expect(err.data?.fieldErrors).toEqual([{ path: ["message"], message: "the message is empty" }]);
    expect(err.message).toBe("message: the message is empty");
  });

  it("stops every call once the client's signal is aborted", async () => {
    const stop = new AbortController();
    const api = createStevieClient(url, { signal: stop.signal });
    const { sessionId } = await api.chat.start.mutate();
    stop.abort();
    await expect(api.chat.history.query({ sessionId })).rejects.toThrow(/abort/i);
  });
});
