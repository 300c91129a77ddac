import { Counter, type Registry } from "prom-client";
import type { OpenAIObserver } from "../openai/metrics.js";

/** answered: by the model. fallback: deterministic answer. aborted: the client left. failed: no answer at all. */
export type ChatOutcome = "answered" | "fallback" | "aborted" | "failed";

export interface ChatMetrics {
  turn(outcome: ChatOutcome): void;
}

/** `stevie_chat_turns_total{outcome}`; a fallback answer also counts in stevie_openai_fallbacks_total{operation="chat"}. */
export function registerChatMetrics(registry: Registry, openai?: OpenAIObserver): ChatMetrics {
  const turns = new Counter({
    name: "stevie_chat_turns_total",
    help: "Chat messages answered, by outcome",
    labelNames: ["outcome"],
    registers: [registry],
  });
  return {
    turn(outcome) {
      turns.inc({ outcome });
      if (outcome === "fallback") openai?.fallback("chat");
    },
  };
}
