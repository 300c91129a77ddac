import { readFileSync } from "node:fs";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { Agent, EventSource, fetch as undiciFetch } from "undici";
import { describe, expect, inject, it } from "vitest";
import type { AppRouter } from "../../server/api.js";
import type { ChatEvent } from "../../server/chat/types.js";

const stack = inject("stack");
const dispatcher = new Agent({ connect: { ca: readFileSync(stack.caFile) } });
const url = `${stack.baseUrl}/api/trpc`;

/** What a web app does: subscriptions over SSE, everything else over HTTP, through nginx, trusting the stack's CA. */
class TrustingEventSource extends EventSource {
  constructor(u: string | URL, init?: ConstructorParameters<typeof EventSource>[1]) {
    super(u, { ...init, dispatcher });
  }
}
const api = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === "subscription",
      true: httpSubscriptionLink({ url, EventSource: TrustingEventSource as unknown as typeof globalThis.EventSource }),
      false: httpBatchLink({
        url,
        methodOverride: "POST",
        fetch: ((u: string, init: object) => undiciFetch(u, { ...init, dispatcher })) as unknown as typeof fetch,
      }),
    }),
  ],
});

describe("chat assistant through nginx (no OpenAI key: catalogue-built answers)", () => {
  it(
    "streams an answer over SSE that cites catalogue categories, and keeps the history",
    { timeout: 120_000 },
    async () => {
      const { sessionId } = await api.chat.start.mutate();
      const events: ChatEvent[] = [];
      await new Promise<void>((resolve, reject) => {
        const sub = api.chat.send.subscribe(
          {
            sessionId,
            message: "Which categories fit our hospital's new patient-triage app that cut emergency waits by 40%?",
          },
          {
            onData: (e) => {
              events.push(e as ChatEvent);
              if ((e as ChatEvent).type === "done") {
                sub.unsubscribe();
                resolve();
              }
            },
            onError: reject,
          },
        );
      });
      const done = events.find((e): e is Extract<ChatEvent, { type: "done" }> => e.type === "done")!;
      expect(done.answer.fallback).toBe(true);
      expect(done.answer.citations.length).toBeGreaterThan(0);
      for (const c of done.answer.citations) expect(done.answer.text).toContain(c.code);

      const history = await api.chat.history.query({ sessionId });
      expect(history.turns.map((t) => t.role)).toEqual(["user", "assistant"]);
    },
  );

  it("answers the long-poll fallback too", { timeout: 120_000 }, async () => {
    const { sessionId } = await api.chat.start.mutate();
    const answer = await api.chat.sendAndWait.mutate({
      sessionId,
      message: "We are a nonprofit food bank in Ohio; what should we enter?",
    });
    expect(answer.fallback).toBe(true);
    expect(answer.citations.length).toBeGreaterThan(0);
  });
});
