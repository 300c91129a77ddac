import { afterAll, describe, expect, it } from "vitest";
import { createOfflineEmbedder, loadModel, MODEL_MAX_CHARS, prepareForModel, resolveModelDir } from "./offline.js";
import { l2normalise, normaliseText } from "./types.js";

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] as number), 0);

// Real model, no mocks. Loading takes ~1-2 s and each text ~30-60 ms on a 2-core host.
describe("offline embedder (USE lite)", { timeout: 60_000 }, () => {
  const e = createOfflineEmbedder();
  afterAll(async () => {
    await e.close?.();
  });

  it("returns 512-d unit vectors, the same for the same text", async () => {
    expect(e.model).toBe("use-lite-512");
    expect(e.dimension).toBe(512);
    const [a, b] = await Promise.all([
      e.embed(["Best new product of the year"]),
      e.embed(["Best new product of the year"]),
    ]); // one shared load
    expect(a[0]).toHaveLength(512);
    expect(Math.hypot(...a[0]!)).toBeCloseTo(1, 5);
    expect(a[0]).toEqual(b[0]);
  });

  it("ranks by meaning", async () => {
    const [startup, tech, nurse] = await e.embed([
      "We are a cloud software startup: our SaaS platform helps small businesses automate invoicing, and we grew to 2,000 customers in our second year.",
      "Technology startup of the year",
      "Nurse of the year",
    ]);
    expect(dot(startup!, tech!)).toBeGreaterThan(dot(startup!, nurse!));
  });

  it("gives the same vectors in a batch as one by one, in input order", async () => {
    const texts = [
      "short",
      "a rather longer sentence about customer service excellence",
      "",
      "  Mixed\tCase   text  ",
      "Innovation in healthcare",
    ];
    const batch = await e.embed(texts);
    expect(batch).toHaveLength(texts.length);
    for (const [i, t] of texts.entries()) {
      const [single] = await e.embed([t]);
      for (let j = 0; j < 512; j++) expect(Math.abs(batch[i]![j]! - single![j]!)).toBeLessThan(1e-5);
    }
  });

  it("handles empty input and blank texts", async () => {
    expect(await e.embed([])).toEqual([]);
    const v = await e.embed(["", "   "]);
    expect(v).toHaveLength(2);
    expect(Math.hypot(...v[0]!)).toBeCloseTo(1, 5);
  });

  it("releases the loaded weight file and still gives the library's own vectors", async () => {
    const texts = [
      "Customer service team of the year",
      "A regional credit union that grew deposits 22 % and launched a mobile app",
    ];
    const ours = await e.embed(texts);
    // The weight file alone is 27 MB of ArrayBuffer; with it released, far less is left.
    expect(process.memoryUsage().arrayBuffers).toBeLessThan(16 * 2 ** 20);
    // The library's own model, its weight file kept.
    const reference = await loadModel(resolveModelDir());
    try {
      const theirs = await reference.use.embed(texts.map(prepareForModel));
      for (const [i, row] of theirs.entries()) {
        const want = l2normalise(row);
        for (let j = 0; j < 512; j++) expect(Math.abs(ours[i]![j]! - want[j]!)).toBeLessThan(1e-6);
      }
    } finally {
      reference.graph.dispose();
    }
  });

  it("sees only the first 128 tokens, so a text cut at MODEL_MAX_CHARS keeps its vector", async () => {
    // "the" is one token: 128 of them, then a word the model would notice within its window.
    const window = Array.from({ length: 128 }, () => "the").join(" ");
    const [inside, past] = await e.embed(["the elephant " + window, window + " elephant"]);
    const [alone] = await e.embed([window]);
    expect(dot(past!, alone!)).toBeCloseTo(1, 5);
    expect(dot(inside!, alone!)).toBeLessThan(0.999);

    const long = "Our regional bakery employs refugees and trains them as bakers. ".repeat(200); // 12,800 characters
    const [capped] = await e.embed([long]);
    const reference = await loadModel(resolveModelDir());
    try {
      const [uncapped] = await reference.use.embed([long.replace(/\s+/g, " ").trim()]);
      const want = l2normalise(uncapped!);
      for (let j = 0; j < 512; j++) expect(Math.abs(capped![j]! - want[j]!)).toBeLessThan(1e-6);
    } finally {
      reference.graph.dispose();
    }
  });

  it("stops between batches when aborted", async () => {
    const ac = new AbortController();
    ac.abort(new Error("stop"));
    await expect(e.embed(["x"], { signal: ac.signal })).rejects.toThrow("stop");
  });
});

describe("text normalisation", () => {
  it("normaliseText: NFKC, lower-case, collapsed whitespace", () => {
    expect(normaliseText("  Ｔｅｃｈ\u00a0\n Startup  ")).toBe("tech startup");
  });
  it("prepareForModel keeps case and never returns an empty string", () => {
    expect(prepareForModel(" Tech \t startup\n")).toBe("Tech startup");
    expect(prepareForModel(" \n ")).toBe(" ");
  });
  it("prepareForModel cuts a long text at the last space within MODEL_MAX_CHARS, after collapsing whitespace", () => {
    const words = "innovation ".repeat(1_000); // 11 characters a word
    const cut = prepareForModel(words);
    expect(cut.length).toBeLessThanOrEqual(MODEL_MAX_CHARS);
    expect(cut.length).toBeGreaterThan(MODEL_MAX_CHARS - 11);
    expect(cut.endsWith("innovation")).toBe(true);
    // Whitespace runs count once: 1,999 characters as given, 1,499 collapsed, so nothing is cut.
    expect(prepareForModel("ab\t\n".repeat(500))).toBe(Array.from({ length: 500 }, () => "ab").join(" "));
    // No space to cut at: a hard cut.
    expect(prepareForModel("x".repeat(5_000))).toBe("x".repeat(MODEL_MAX_CHARS));
    const short = "A bakery that hires refugees.";
    expect(prepareForModel(short)).toBe(short);
  });
});
