import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { DEFAULT_PRICES, parsePriceTable, priceFor, registerOpenAIMetrics } from "./metrics.js";

describe("price table", () => {
  it("defaults to gpt-4o-mini and text-embedding-3-small, and lets OPENAI_PRICES override or add models", () => {
    expect(parsePriceTable(undefined)).toEqual(DEFAULT_PRICES);
    const t = parsePriceTable('{"gpt-4o-mini":{"prompt":0.3,"completion":1.2},"gpt-4.1":{"prompt":2,"completion":8}}');
    expect(t["gpt-4o-mini"]).toEqual({ prompt: 0.3, completion: 1.2 });
    expect(t["text-embedding-3-small"]).toEqual({ embedding: 0.02 });
    expect(t["gpt-4.1"]).toEqual({ prompt: 2, completion: 8 });
  });

  it("rejects a malformed table with a message that says what is wrong", () => {
    expect(() => parsePriceTable("{nope")).toThrow(/OPENAI_PRICES must be JSON/);
    expect(() => parsePriceTable('{"gpt-4o-mini":{"prompt":-1}}')).toThrow(/gpt-4o-mini\.prompt/);
    expect(() => parsePriceTable('{"gpt-4o-mini":{"input":1}}')).toThrow(/OPENAI_PRICES/);
  });

  it("prices a dated model by its family, and an unknown model at zero", () => {
    expect(priceFor(DEFAULT_PRICES, "gpt-4o-mini-2024-07-18", "completion")).toBe(0.6);
    expect(priceFor(DEFAULT_PRICES, "gpt-4o", "prompt")).toBe(0);
    expect(priceFor(DEFAULT_PRICES, "text-embedding-3-small", "embedding")).toBe(0.02);
  });
});

describe("token spend", () => {
  it("counts tokens and cost per UTC day and month, resetting the gauges when the day or month changes", async () => {
    let now = new Date("2025-01-31T23:59:00Z");
    const registry = new Registry();
    const m = registerOpenAIMetrics(registry, { now: () => now });
    m.tokens("prompt", "gpt-4o-mini", 1_000_000);
    m.tokens("completion", "gpt-4o-mini", 500_000);
    m.tokens("embedding", "text-embedding-3-small", 2_000_000);
    const u = m.usage();
    expect(u.day.period).toBe("2025-01-31");
    expect(u.month.period).toBe("2025-01");
    expect(u.day.costUsd["gpt-4o-mini"]).toBeCloseTo(0.15 + 0.3, 10);
    expect(u.month.costUsd["text-embedding-3-small"]).toBeCloseTo(0.04, 10);
    let text = await registry.metrics();
    expect(text).toContain('stevie_openai_tokens_today{kind="prompt",model="gpt-4o-mini"} 1000000');
    expect(text).toMatch(/stevie_openai_cost_usd_month{model="gpt-4o-mini"} 0\.4(5|49999)/);
    expect(text).toContain('stevie_openai_cost_usd_total{model="text-embedding-3-small"} 0.04');

    now = new Date("2025-02-01T00:00:01Z"); // a new day and a new month
    m.tokens("prompt", "gpt-4o-mini", 10);
    text = await registry.metrics();
    expect(text).toContain('stevie_openai_tokens_today{kind="prompt",model="gpt-4o-mini"} 10');
    expect(text).not.toContain('stevie_openai_tokens_today{kind="completion"');
    expect(text).toContain('stevie_openai_tokens_month{kind="prompt",model="gpt-4o-mini"} 10');
    expect(text).toContain('stevie_openai_tokens_total{kind="prompt",model="gpt-4o-mini"} 1000010'); // counters never reset

    now = new Date("2025-02-02T08:00:00Z"); // next day, same month, nothing used yet
    text = await registry.metrics();
    expect(text).not.toContain("stevie_openai_tokens_today{");
    expect(text).toContain('stevie_openai_tokens_month{kind="prompt",model="gpt-4o-mini"} 10');
  });
});
