import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { z } from "zod";
import type { OpenAIErrorKind } from "./retry.js";

/**
 * OpenAI metrics and token spend. Counters live in the process: Prometheus sums them across replicas
 * (`sum(increase(stevie_openai_cost_usd_total[30d]))`). The "today"/"month" gauges are this process's totals for
 * the current UTC day and month since it started; sum them across replicas for the stack's figure (a restart
 * resets them, the counters' increase() does not lose anything).
 */

export type OpenAIOperation = "embeddings" | "chat" | "summary";
export type TokenKind = "prompt" | "completion" | "embedding";
export type BreakerState = "closed" | "half-open" | "open";

/** What the OpenAI clients and the breaker report. `noopObserver` when metrics are not wanted (tests). */
export interface OpenAIObserver {
  /** One HTTP attempt ended (for a stream: when the stream ended). */
  attempt(op: OpenAIOperation, seconds: number, error?: OpenAIErrorKind): void;
  retry(op: OpenAIOperation, kind: OpenAIErrorKind): void;
  /** The circuit breaker refused a call without sending it. */
  rejected(op: OpenAIOperation): void;
  /** An answer came from the fallback (offline model / deterministic chat answer). */
  fallback(op: OpenAIOperation): void;
  tokens(kind: TokenKind, model: string, n: number): void;
  breakerState(breaker: string, state: BreakerState): void;
}

export const noopObserver: OpenAIObserver = {
  attempt() {},
  retry() {},
  rejected() {},
  fallback() {},
  tokens() {},
  breakerState() {},
};

/** USD per 1M tokens, per model. A model matches the longest key it starts with ("gpt-4o-mini-2024-07-18" → "gpt-4o-mini"). */
export type PriceTable = Record<string, Partial<Record<TokenKind, number>>>;

/** OpenAI list prices (standard tier) when this was written; override with OPENAI_PRICES. */
export const DEFAULT_PRICES: PriceTable = {
  "gpt-4o-mini": { prompt: 0.15, completion: 0.6 },
  "text-embedding-3-small": { embedding: 0.02 },
};

const priceSchema = z.record(
  z.string().min(1),
  z
    .object({
      prompt: z.number().min(0).optional(),
      completion: z.number().min(0).optional(),
      embedding: z.number().min(0).optional(),
    })
    .strict(),
);

/** The defaults with the models in `json` (e.g. OPENAI_PRICES='{"gpt-4o-mini":{"prompt":0.15,"completion":0.6}}') replaced. */
export function parsePriceTable(json: string | undefined): PriceTable {
  if (!json?.trim()) return { ...DEFAULT_PRICES };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error(
      'OPENAI_PRICES must be JSON such as {"gpt-4o-mini":{"prompt":0.15,"completion":0.6}} (USD per 1M tokens)',
    );
  }
  const r = priceSchema.safeParse(raw);
  if (!r.success)
    throw new Error(
      `OPENAI_PRICES: ${r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`,
    );
  return { ...DEFAULT_PRICES, ...r.data };
}

export function priceFor(prices: PriceTable, model: string, kind: TokenKind): number {
  const key = Object.keys(prices)
    .filter((k) => model === k || model.startsWith(`${k}-`))
    .sort((a, b) => b.length - a.length)[0];
  return (key && prices[key]?.[kind]) || 0;
}

export interface UsagePeriod {
  /** "2025-06-01" for a day, "2025-06" for a month (UTC). */
  period: string;
  tokens: Array<{ kind: TokenKind; model: string; tokens: number }>;
  costUsd: Record<string, number>;
}

export interface OpenAIMetrics extends OpenAIObserver {
  readonly prices: PriceTable;
  /** This process's spend for the current UTC day and month. */
  usage(): { day: UsagePeriod; month: UsagePeriod };
}

class Period {
  tokens = new Map<string, number>();
  cost = new Map<string, number>();
  constructor(readonly key: string) {}
  add(kind: TokenKind, model: string, n: number, usd: number): void {
    const k = `${kind}\0${model}`;
    this.tokens.set(k, (this.tokens.get(k) ?? 0) + n);
    this.cost.set(model, (this.cost.get(model) ?? 0) + usd);
  }
  snapshot(): UsagePeriod {
    return {
      period: this.key,
      tokens: [...this.tokens].map(([k, tokens]) => {
        const [kind, model] = k.split("\0") as [TokenKind, string];
        return { kind, model, tokens };
      }),
      costUsd: Object.fromEntries(this.cost),
    };
  }
}

const STATE_VALUE: Record<BreakerState, number> = { closed: 0, "half-open": 1, open: 2 };

/**
 * `models`: the models this process may bill; their spend and token counters start at 0 (and the rate-limit error
 * counters and the latency histograms too), so the alerts and the dashboards have a series before the first call.
 */
export function registerOpenAIMetrics(
  registry: Registry,
  opts: { prices?: PriceTable; now?: () => Date; models?: string[] } = {},
): OpenAIMetrics {
  const prices = opts.prices ?? DEFAULT_PRICES;
  const now = opts.now ?? (() => new Date());
  const dayKey = () => now().toISOString().slice(0, 10);
  const monthKey = () => now().toISOString().slice(0, 7);
  let day = new Period(dayKey());
  let month = new Period(monthKey());
  const roll = () => {
    if (day.key !== dayKey()) day = new Period(dayKey());
    if (month.key !== monthKey()) month = new Period(monthKey());
  };
  const registers = [registry];

  const duration = new Histogram({
    name: "stevie_openai_request_duration_seconds",
    help: "OpenAI HTTP attempts (a stream: until it ended), by operation and outcome",
    labelNames: ["operation", "outcome"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60],
    registers,
  });
  const errors = new Counter({
    name: "stevie_openai_errors_total",
    help: "Failed OpenAI attempts and calls refused by the open circuit (kind=circuit_open), by operation and kind",
    labelNames: ["operation", "kind"],
    registers,
  });
  const retries = new Counter({
    name: "stevie_openai_retries_total",
    help: "OpenAI attempts retried, by operation and the error that caused it",
    labelNames: ["operation", "kind"],
    registers,
  });
  const fallbacks = new Counter({
    name: "stevie_openai_fallbacks_total",
    help: "Answers served by the fallback (offline embeddings, deterministic chat answer)",
    labelNames: ["operation"],
    registers,
  });
  const breaker = new Gauge({
    name: "stevie_openai_circuit_state",
    help: "OpenAI circuit breaker: 0 closed, 1 half-open, 2 open",
    labelNames: ["breaker"],
    registers,
  });
  const tokens = new Counter({
    name: "stevie_openai_tokens_total",
    help: "OpenAI tokens used, by kind (prompt, completion, embedding) and model",
    labelNames: ["kind", "model"],
    registers,
  });
  const cost = new Counter({
    name: "stevie_openai_cost_usd_total",
    help: "Estimated OpenAI spend in USD (price table × tokens), by model",
    labelNames: ["model"],
    registers,
  });
  for (const model of opts.models ?? []) cost.inc({ model }, 0);
  for (const operation of ["embeddings", "chat", "summary"] satisfies OpenAIOperation[]) {
    errors.inc({ operation, kind: "rate_limit" }, 0);
    duration.zero({ operation, outcome: "ok" });
  }
  for (const model of opts.models ?? [])
    for (const kind of ["prompt", "completion", "embedding"] satisfies TokenKind[]) tokens.inc({ kind, model }, 0);

  const periodGauges = (p: () => Period, which: "today" | "month") => {
    new Gauge({
      name: `stevie_openai_tokens_${which}`,
      help: `OpenAI tokens used by this process in the current UTC ${which === "today" ? "day" : "month"}`,
      labelNames: ["kind", "model"],
      registers,
      collect() {
        roll();
        this.reset();
        for (const t of p().snapshot().tokens) this.set({ kind: t.kind, model: t.model }, t.tokens);
      },
    });
    new Gauge({
      name: `stevie_openai_cost_usd_${which}`,
      help: `Estimated OpenAI spend (USD) of this process in the current UTC ${which === "today" ? "day" : "month"}`,
      labelNames: ["model"],
      registers,
      collect() {
        roll();
        this.reset();
        for (const [model, usd] of p().cost) this.set({ model }, usd);
      },
    });
  };
  periodGauges(() => day, "today");
  periodGauges(() => month, "month");

  return {
    prices,
    attempt(op, seconds, error) {
      duration.observe({ operation: op, outcome: error ? "error" : "ok" }, seconds);
      if (error) errors.inc({ operation: op, kind: error });
    },
    retry(op, kind) {
      retries.inc({ operation: op, kind });
    },
    rejected(op) {
      errors.inc({ operation: op, kind: "circuit_open" });
    },
    fallback(op) {
      fallbacks.inc({ operation: op });
    },
    tokens(kind, model, n) {
      if (!(n > 0)) return;
      const usd = (n * priceFor(prices, model, kind)) / 1_000_000;
      tokens.inc({ kind, model }, n);
      cost.inc({ model }, usd);
      roll();
      day.add(kind, model, n, usd);
      month.add(kind, model, n, usd);
    },
    breakerState(name, state) {
      breaker.set({ breaker: name }, STATE_VALUE[state]);
    },
    usage() {
      roll();
      return { day: day.snapshot(), month: month.snapshot() };
    },
  };
}
