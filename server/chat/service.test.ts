import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fakeChatReply, startFakeOpenAI, type FakeOpenAI } from "../../test/fakes/openai-server.js";
import { createLogger } from "../logger.js";
import { createOpenAIBreaker, type OpenAIBreaker } from "../openai/breaker.js";
import { createOpenAIChat, type OpenAIChatOptions } from "../openai/chat.js";
import type { Recommendation, RecommendResult } from "../recommend/engine.js";
import type { RecommendInput } from "../recommend/input.js";
import { FALLBACK_NOTICE } from "./prompt.js";
import { sendMessage, startSession, getHistory } from "./service.js";
import { createMemoryChatStore } from "./store.js";
import type { ChatDeps, ChatEvent } from "./types.js";

/** A retrieved category, as recommend() returns it. Retrieval itself is tested elsewhere: a stub returns these. */
function rec(code: string, name: string, program: [string, string]): Recommendation {
  return {
    rank: 1,
    score: 1,
    category: {
      id: code.length,
      code,
      name,
      description: `${name}: honours outstanding achievements.`,
      group: "New Product & Service",
    },
    program: { code: program[0], name: program[1] },
    why: { summary: "Recommended.", similarity: 0.8, textRank: 1, matchedTerms: [] },
    eligibility: {
      nomineeTypes: ["organization"],
      organizationTypes: ["any"],
      organizationSizes: ["any"],
      regions: ["worldwide"],
      entryFormats: ["written"],
      notes: ["Open to organizations worldwide"],
    },
  };
}
const CATEGORIES = [
  rec("ABA-TECH-001", "Technology Startup of the Year", ["ABA", "The American Business Awards"]),
  rec("TECH-SAAS-004", "Best SaaS Product", ["TECH", "The Stevie Awards for Technology Excellence"]),
  rec("IBA-NEW-010", "Best New Product", ["IBA", "The International Business Awards"]),
];

/** The fake model cites the first two categories it was given, then says something message-specific. */
function citingReply(messages: Array<{ role?: unknown; content?: unknown }>): string {
  const system = String(messages[0]?.content ?? "");
  const block = system.slice(system.indexOf("Catalogue categories"));
  const codes = [...block.matchAll(/^\[([A-Z0-9-]+)\]/gm)].map((m) => m[1]);
  return `For this nominee consider [${codes[0] ?? "none"}] and [${codes[1] ?? "none"}], which fit well. ${fakeChatReply(messages)}`;
}

const waitFor = async (cond: () => boolean | Promise<boolean>, ms = 3_000) => {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("chat service (memory store, fake OpenAI)", () => {
  let fake: FakeOpenAI;
  let breaker: OpenAIBreaker;
  let retrievals: RecommendInput[];
  beforeAll(async () => {
    fake = await startFakeOpenAI({ chatReply: citingReply });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.setMode({ kind: "normal" });
    fake.requests.length = 0;
    fake.streams.length = 0;
    retrievals = [];
    breaker?.shutdown();
    breaker = createOpenAIBreaker({ failureThreshold: 5, resetTimeoutMs: 60_000 });
  });

  const deps = (
    o: {
      openai?: Partial<OpenAIChatOptions> | false;
      config?: ChatDeps["config"];
      recommend?: ChatDeps["recommend"];
    } = {},
  ): ChatDeps => ({
    store: createMemoryChatStore(),
    openai:
      o.openai === false
        ? undefined
        : createOpenAIChat({
            apiKey: "sk-test",
            baseURL: fake.baseURL,
            timeoutMs: 2_000,
            maxRetries: 0,
            breaker,
            ...o.openai,
          }),
    recommend:
      o.recommend ??
      (async (input): Promise<RecommendResult> => {
        retrievals.push(input);
        return {
          model: "use-lite-512",
          mode: input.mode,
          filters: [],
          results: CATEGORIES,
          timings: { embedMs: 1, searchMs: 1 },
          degraded: null,
        };
      }),
    log: createLogger("silent"),
    config: o.config,
  });
  const send = async (
    d: ChatDeps,
    sessionId: string,
    message: string,
    o: { signal?: AbortSignal; messageId?: string; onEvent?: (e: ChatEvent) => void } = {},
  ) => {
    const events: ChatEvent[] = [];
    const answer = await sendMessage(
      d,
      { sessionId, message, messageId: o.messageId },
      { signal: o.signal, onEvent: (e) => (events.push(e), o.onEvent?.(e)) },
    );
    return { answer, events, deltas: events.flatMap((e) => (e.type === "delta" ? [e.text] : [])) };
  };

  it("answers with the model, streaming, and cites the retrieved categories it mentions", async () => {
    const d = deps();
    const { sessionId } = await startSession(d);
    const { answer, events, deltas } = await send(
      d,
      sessionId,
      "We built a SaaS invoicing platform for small businesses.",
    );
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join("")).toBe(answer.text);
    expect(events.at(-1)).toEqual({ type: "done", answer });
    expect(answer).toMatchObject({ fallback: false, interrupted: false, model: "gpt-4o-mini" });
    expect(answer.citations).toEqual([
      {
        code: "ABA-TECH-001",
        name: "Technology Startup of the Year",
        program: "ABA",
        programName: "The American Business Awards",
      },
      {
        code: "TECH-SAAS-004",
        name: "Best SaaS Product",
        program: "TECH",
        programName: "The Stevie Awards for Technology Excellence",
      },
    ]);
    expect(retrievals[0]!.description).toContain("SaaS invoicing platform");
    const sent = fake.requests[0]!.body.messages as Array<{ role: string; content: string }>;
    expect(sent[0]!.content).toContain("[IBA-NEW-010] Best New Product");
    expect(sent.at(-1)).toEqual({ role: "user", content: "We built a SaaS invoicing platform for small businesses." });

    const h = await getHistory(d, sessionId);
    expect(h.turns.map((t) => [t.role, t.status])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
    ]);
    expect(h.turns[1]!.replyTo).toBe(h.turns[0]!.id);

    // the next message carries the conversation
    await send(d, sessionId, "Any category for the founders?");
    const second = fake.requests[1]!.body.messages as Array<{ role: string; content: string }>;
    expect(second.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(retrievals[1]!.description).toBe(
      "We built a SaaS invoicing platform for small businesses.\nAny category for the founders?",
    );
  });

  it("without an OpenAI key, answers deterministically from the retrieved categories, marked as fallback", async () => {
    const d = deps({ openai: false });
    const { sessionId } = await startSession(d);
    const { answer, deltas } = await send(d, sessionId, "Best new product launch of the year");
    expect(deltas).toEqual([]);
    expect(answer.fallback).toBe(true);
    expect(answer.model).toBeNull();
    expect(answer.text.startsWith(FALLBACK_NOTICE)).toBe(true);
    expect(answer.text).toContain("1. [ABA-TECH-001] Technology Startup of the Year (The American Business Awards)");
    expect(answer.citations.map((c) => c.code)).toEqual(["ABA-TECH-001", "TECH-SAAS-004", "IBA-NEW-010"]);
    const h = await getHistory(d, sessionId);
    expect(h.turns[1]).toMatchObject({ status: "complete", fallback: true, error: "not_configured" });
  });

  it("falls back when OpenAI fails, and once the circuit opens stops calling it", async () => {
    fake.setMode({ kind: "status", status: 500 });
    const d = deps();
    const { sessionId } = await startSession(d);
    for (let i = 0; i < 6; i++) {
      const { answer } = await send(d, sessionId, `message ${i}`);
      expect(answer.fallback).toBe(true);
      expect(answer.text.startsWith(FALLBACK_NOTICE)).toBe(true);
    }
    expect(fake.requestCount).toBe(5);
    const h = await getHistory(d, sessionId);
    expect(h.turns.filter((t) => t.role === "assistant").map((t) => t.error)).toEqual([
      "server",
      "server",
      "server",
      "server",
      "server",
      "circuit_open",
    ]);
  });

  it("loses nothing when the model breaks off mid-answer: the partial answer is kept as failed, and the fallback answers", async () => {
    fake.setMode({ kind: "stream-break", afterChunks: 3, then: "drop" });
    const d = deps();
    const { sessionId } = await startSession(d);
    const { answer, deltas } = await send(d, sessionId, "Our nurse team cut waiting times in half");
    expect(deltas).toHaveLength(3);
    expect(answer).toMatchObject({ fallback: true, interrupted: true });
    const h = await getHistory(d, sessionId);
    expect(h.turns.map((t) => [t.role, t.status, t.fallback ?? false])).toEqual([
      ["user", "complete", false],
      ["assistant", "failed", false],
      ["assistant", "complete", true],
    ]);
    expect(h.turns[0]!.text).toBe("Our nurse team cut waiting times in half");
    expect(h.turns[1]!.text).toBe(deltas.join(""));
    expect(h.turns[1]!.error).toBe("connection");
    expect(h.turns[2]!.id).toBe(answer.turnId);

    // the failed turn is never sent back to the model
    fake.setMode({ kind: "normal" });
    await send(d, sessionId, "And for the hospital?");
    const msgs = fake.requests.at(-1)!.body.messages as Array<{ role: string; content: string }>;
    expect(msgs.some((m) => m.content === deltas.join(""))).toBe(false);
  });

  it("ends a turn at its deadline when OpenAI hangs, answering with the fallback and freeing the session", async () => {
    fake.setMode({ kind: "hang" });
    const d = deps({ openai: { timeoutMs: 10_000 }, config: { turnTimeoutMs: 500 } });
    const { sessionId } = await startSession(d);
    const t0 = Date.now();
    const { answer } = await send(d, sessionId, "anything");
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(answer.fallback).toBe(true);
    expect((await getHistory(d, sessionId)).turns[1]!.error).toBe("timeout");
    fake.setMode({ kind: "normal" });
    expect((await send(d, sessionId, "again")).answer.fallback).toBe(false);
  });

  it("answers one message at a time per session: a second send gets CONFLICT while the first streams", async () => {
    fake.setMode({ kind: "slow-stream", chunkMs: 40 });
    const d = deps();
    const { sessionId } = await startSession(d);
    let started = false;
    const first = send(d, sessionId, "first message", { onEvent: () => (started = true) });
    await waitFor(() => started);
    await expect(send(d, sessionId, "second message")).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await first).answer.fallback).toBe(false);
    // other sessions are not blocked, and the lock is free afterwards
    const other = await startSession(d);
    fake.setMode({ kind: "normal" });
    await send(d, other.sessionId, "elsewhere");
    await send(d, sessionId, "second message");
    expect((await getHistory(d, sessionId)).turns.filter((t) => t.role === "user").map((t) => t.text)).toEqual([
      "first message",
      "second message",
    ]);
  });

  it("never answers the same messageId twice (an EventSource reconnect re-runs the subscription)", async () => {
    const d = deps();
    const { sessionId } = await startSession(d);
    const a = await send(d, sessionId, "hello there", { messageId: "m-1" });
    const b = await send(d, sessionId, "hello there", { messageId: "m-1" });
    expect(b.answer.turnId).toBe(a.answer.turnId);
    expect(b.answer.text).toBe(a.answer.text);
    expect(b.deltas).toEqual([]);
    expect(fake.requestCount).toBe(1);
    expect((await getHistory(d, sessionId)).turns).toHaveLength(2);
  });

  it("a resend that arrives while the dropped attempt is still winding down waits for it, then answers once", async () => {
    fake.setMode({ kind: "slow-stream", chunkMs: 40 });
    const d = deps();
    const { sessionId } = await startSession(d);
    const ac = new AbortController();
    let n = 0;
    const dropped = send(d, sessionId, "hello again", {
      messageId: "m-2",
      signal: ac.signal,
      onEvent: () => ++n === 2 && ac.abort(new Error("connection lost")),
    });
    await waitFor(() => n >= 1);
    const resent = send(d, sessionId, "hello again", { messageId: "m-2" }); // the EventSource reconnect
    await expect(dropped).rejects.toThrow("connection lost");
    const { answer } = await resent;
    expect(answer.fallback).toBe(false);
    const h = await getHistory(d, sessionId);
    expect(h.turns.map((t) => [t.role, t.status])).toEqual([
      ["user", "complete"],
      ["assistant", "aborted"],
      ["assistant", "complete"],
    ]);
  });

  it("stops the model when the client goes away, keeping the partial answer as aborted", async () => {
    fake.setMode({ kind: "slow-stream", chunkMs: 40 });
    const d = deps();
    const { sessionId } = await startSession(d);
    const ac = new AbortController();
    let n = 0;
    const p = send(d, sessionId, "tell me everything", {
      signal: ac.signal,
      onEvent: () => ++n === 2 && ac.abort(new Error("client left")),
    });
    await expect(p).rejects.toThrow("client left");
    await waitFor(() => fake.streams[0]?.clientClosed === true);
    const h = await getHistory(d, sessionId);
    expect(h.turns.map((t) => [t.role, t.status])).toEqual([
      ["user", "complete"],
      ["assistant", "aborted"],
    ]);
    expect(h.turns[1]!.text.length).toBeGreaterThan(0);
  });

  it("keeps the last turns verbatim and folds older ones into a deterministic note without the model", async () => {
    const d = deps({ openai: false, config: { keepTurns: 4, compactAfter: 6 } });
    const { sessionId } = await startSession(d);
    for (let i = 1; i <= 4; i++) await send(d, sessionId, `message number ${i}`);
    const h = await getHistory(d, sessionId);
    expect(h.summarisedTurns).toBe(3);
    expect(h.turns).toHaveLength(5); // 4 kept + this answer
    expect(h.turns[0]!.text).toMatch(/^The AI assistant/); // the answer to message 2
    expect(h.summary).toContain("older messages were shortened without the model");
    expect(h.summary).toContain("“message number 1”; “message number 2”");
  });

  it("summarises older turns with the model when it is available, and sends the summary with the next prompt", async () => {
    const d = deps({ config: { keepTurns: 4, compactAfter: 6 } });
    const { sessionId } = await startSession(d);
    for (let i = 1; i <= 4; i++) await send(d, sessionId, `message number ${i}`);
    const h = await getHistory(d, sessionId);
    expect(h.summarisedTurns).toBe(3);
    const summaryRequest = fake.requests.find((r) => r.body.stream !== true)!;
    expect(String((summaryRequest.body.messages as Array<{ content: string }>)[0]!.content)).toMatch(
      /^Summarise this conversation/,
    );
    expect(h.summary).toMatch(/Fake reply/);
    const last = fake.requests.at(-1)!.body.messages as Array<{ role: string; content: string }>;
    expect(last[0]!.content).toContain(`Summary of the earlier conversation:\n${h.summary}`);
    expect(last.length).toBe(1 + 3 + 1); // system, 3 kept turns before this message, the message
  });

  it("answers from the fallback, saying so, when the catalogue search fails too", async () => {
    const d = deps({
      openai: false,
      recommend: async () => {
        throw new Error("database down");
      },
    });
    const { sessionId } = await startSession(d);
    const { answer } = await send(d, sessionId, "anything");
    expect(answer.text).toContain("The catalogue search failed as well");
    expect(answer.citations).toEqual([]);
  });

  it("rejects an unknown or expired session with NOT_FOUND", async () => {
    await expect(send(deps(), "7d0c8f7e-7a43-4c1e-9a0e-2b7f2d1c9e11", "hi")).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});
