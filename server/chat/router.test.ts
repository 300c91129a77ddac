import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from "@trpc/client";
import { createHTTPServer } from "@trpc/server/adapters/standalone";
import { EventSource } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "../../test/fakes/openai-server.js";
import type { Context } from "../context.js";
import { createLogger } from "../logger.js";
import { createOpenAIBreaker, type OpenAIBreaker } from "../openai/breaker.js";
import { createOpenAIChat } from "../openai/chat.js";
import type { Recommendation, RecommendResult } from "../recommend/engine.js";
import { createCallerFactory } from "../trpc.js";
import { chatRouter, type ChatRouter } from "./router.js";
import { createMemoryChatStore } from "./store.js";
import type { ChatAnswer, ChatDeps, ChatEvent } from "./types.js";

const rec = (code: string, name: string, program: [string, string]): Recommendation => ({
  rank: 1,
  score: 1,
  category: { id: 1, code, name, description: `${name}.`, group: "Companies" },
  program: { code: program[0], name: program[1] },
  why: { summary: "Recommended.", similarity: 0.8, textRank: 1, matchedTerms: [] },
  eligibility: {
    nomineeTypes: ["organization"],
    organizationTypes: ["any"],
    organizationSizes: ["any"],
    regions: ["worldwide"],
    entryFormats: ["written"],
    notes: [],
  },
});
const CATEGORIES = [rec("ABA-TECH-001", "Technology Startup of the Year", ["ABA", "The American Business Awards"])];

const waitFor = async (cond: () => boolean | Promise<boolean>, ms = 3_000) => {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
};

// The router over a real HTTP server (tRPC's standalone adapter), called with @trpc/client: subscriptions over SSE
// (undici's EventSource: Node 20 has no global one), everything else batched.
describe("chat router over HTTP", () => {
  let fake: FakeOpenAI;
  let server: Server;
  let chat: ChatDeps;
  let breaker: OpenAIBreaker;
  let client: ReturnType<typeof createTRPCClient<ChatRouter>>;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    breaker = createOpenAIBreaker({ failureThreshold: 5, resetTimeoutMs: 60_000 });
    chat = {
      store: createMemoryChatStore(),
      openai: createOpenAIChat({ apiKey: "sk-test", baseURL: fake.baseURL, timeoutMs: 2_000, maxRetries: 0, breaker }),
      recommend: async (input): Promise<RecommendResult> => ({
        model: "use-lite-512",
        mode: input.mode,
        filters: [],
        results: CATEGORIES,
        timings: { embedMs: 0, searchMs: 0 },
        degraded: null,
      }),
      log: createLogger("silent"),
    };
    // Only ctx.chat is used by these procedures; the rest of the API's context is not needed here.
    server = createHTTPServer({ router: chatRouter, createContext: () => ({ chat }) as unknown as Context });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = createTRPCClient<ChatRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({ url, EventSource }),
          false: httpBatchLink({ url }),
        }),
      ],
    });
  });
  afterAll(async () => {
    breaker.shutdown();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await fake.close();
  });
  beforeEach(() => {
    fake.setMode({ kind: "normal" });
    fake.requests.length = 0;
    fake.streams.length = 0;
  });

  /** Subscribe to chat.send; resolves with the events when the server ends the stream. */
  const subscribe = (
    input: { sessionId: string; message: string; messageId?: string },
    onEvent?: (e: ChatEvent, stop: () => void) => void,
  ) =>
    new Promise<ChatEvent[]>((resolve, reject) => {
      const events: ChatEvent[] = [];
      const sub = client.send.subscribe(input, {
        onData: (e) => {
          events.push(e);
          onEvent?.(e, () => {
            sub.unsubscribe();
            resolve(events);
          });
        },
        onError: reject,
        onComplete: () => resolve(events),
      });
    });

  it("streams an answer over SSE, then serves it in the history", async () => {
    const { sessionId } = await client.start.mutate();
    const events = await subscribe({
      sessionId,
      message: "We are a fintech startup with 40 staff",
      messageId: "web-1",
    });
    const deltas = events.filter((e) => e.type === "delta");
    const done = events.at(-1) as { type: "done"; answer: ChatAnswer };
    expect(deltas.length).toBeGreaterThan(3);
    expect(done.type).toBe("done");
    expect(deltas.map((e) => e.text).join("")).toBe(done.answer.text);
    expect(done.answer.fallback).toBe(false);

    const h = await client.history.query({ sessionId });
    expect(h.turns.map((t) => t.role)).toEqual(["user", "assistant"]);
    expect(h.turns[1]!.text).toBe(done.answer.text);
  });

  it("answers in one response through chat.sendAndWait", async () => {
    const { sessionId } = await client.start.mutate();
    const answer = await client.sendAndWait.mutate({ sessionId, message: "Best customer service team" });
    expect(answer.text).toMatch(/^Fake reply/);
    expect(answer.citations).toEqual([]); // the fake model cites nothing
  });

  it("gives a clear CONFLICT to a second message while the first is streaming", async () => {
    fake.setMode({ kind: "slow-stream", chunkMs: 40 });
    const { sessionId } = await client.start.mutate();
    let started!: () => void;
    const first = new Promise<void>((r) => (started = r));
    const streaming = subscribe({ sessionId, message: "first" }, () => started());
    await first;
    const err = await client.sendAndWait.mutate({ sessionId, message: "second" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCClientError);
    expect((err as TRPCClientError<ChatRouter>).data?.code).toBe("CONFLICT");
    expect((err as Error).message).toMatch(/still answering the previous message/);
    await streaming;
  });

  it("stops the upstream OpenAI stream when the client unsubscribes, and records the partial answer as aborted", async () => {
    fake.setMode({ kind: "slow-stream", chunkMs: 50 });
    const { sessionId } = await client.start.mutate();
    let n = 0;
    await subscribe({ sessionId, message: "tell me a long story" }, (_e, stop) => {
      if (++n === 2) stop();
    });
    await waitFor(() => fake.streams[0]?.clientClosed === true);
    expect(fake.streams[0]!.completed).toBe(false);
    await waitFor(async () => (await client.history.query({ sessionId })).turns.length === 2);
    const h = await client.history.query({ sessionId });
    expect(h.turns[1]).toMatchObject({ role: "assistant", status: "aborted" });
  });

  it("reports errors with their codes: unknown session, invalid input", async () => {
    const missing = await subscribe({ sessionId: "7d0c8f7e-7a43-4c1e-9a0e-2b7f2d1c9e11", message: "hi" }).catch(
      (e: unknown) => e,
    );
    expect((missing as TRPCClientError<ChatRouter>).data?.code).toBe("NOT_FOUND");
    const { sessionId } = await client.start.mutate();
    const tooLong = await client.sendAndWait.mutate({ sessionId, message: "x".repeat(2_001) }).catch((e: unknown) => e);
    expect((tooLong as TRPCClientError<ChatRouter>).data?.code).toBe("BAD_REQUEST");
    const badId = await client.history.query({ sessionId: "not-a-session" }).catch((e: unknown) => e);
    expect((badId as TRPCClientError<ChatRouter>).data?.code).toBe("BAD_REQUEST");
  });
});

describe("chat router through createCaller", () => {
  it("the subscription is an async generator of events ending with the answer; no key means a fallback answer", async () => {
    const chat: ChatDeps = {
      store: createMemoryChatStore(),
      recommend: async (input) => ({
        model: "use-lite-512",
        mode: input.mode,
        filters: [],
        results: CATEGORIES,
        timings: { embedMs: 0, searchMs: 0 },
        degraded: null,
      }),
      log: createLogger("silent"),
    };
    const caller = createCallerFactory(chatRouter)({ chat } as unknown as Context);
    const { sessionId } = await caller.start();
    const events: ChatEvent[] = [];
    for await (const e of await caller.send({ sessionId, message: "Startup of the year" })) events.push(e);
    expect(events).toHaveLength(1);
    const done = events[0] as { type: "done"; answer: ChatAnswer };
    expect(done.answer).toMatchObject({ fallback: true, citations: [{ code: "ABA-TECH-001" }] });
    expect(done.answer.text).toMatch(/^The AI assistant is unavailable right now/);
  });

  it("fails clearly when the context has no chat dependencies", async () => {
    const caller = createCallerFactory(chatRouter)({} as unknown as Context);
    await expect(caller.start()).rejects.toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
  });
});
