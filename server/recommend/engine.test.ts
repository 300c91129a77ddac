import { describe, expect, it } from "vitest";
import { DESCRIPTION_LEAD_CHARS, orQuery, queryText, splitLead } from "./engine.js";

// A long description: 80 sentences, ~4,500 characters and over 240 distinct words, far past the offline model's 128
// tokens and orQuery's 200 words.
const longDescription = Array.from(
  { length: 80 },
  (_, i) => `In year ${i + 1} depot d${i} served village v${i} growing crop c${i}.`,
).join(" ");
const achievements = ["Won a national logistics prize in 2024", "Cut spoilage of harvested maize by 40 %"];

describe("splitLead", () => {
  it("keeps a text within the limit whole", () => {
    expect(splitLead("Short. Text.", 20)).toEqual(["Short. Text.", ""]);
  });
  it("cuts after the last sentence that ends within the limit", () => {
    const text = "First sentence here. Second one is here. Third sentence runs on past the limit.";
    const [lead, rest] = splitLead(text, 45);
    expect(lead).toBe("First sentence here. Second one is here.");
    expect(rest).toBe("Third sentence runs on past the limit.");
  });
  it("cuts at the last space when no sentence ends in the limit's second half", () => {
    const [lead, rest] = splitLead("Hi. a long run of words without any full stop for a while", 30);
    expect(lead).toBe("Hi. a long run of words");
    expect(rest).toBe("without any full stop for a while");
  });
  it("counts a line break as a space", () => {
    expect(splitLead("Acme\nCorporation", 10)).toEqual(["Acme", "Corporation"]);
  });
  it("cuts hard when there is no space at all", () => {
    expect(splitLead("x".repeat(50), 30)).toEqual(["x".repeat(30), "x".repeat(20)]);
  });
});

describe("queryText", () => {
  it("puts a short description first, whole, then the profile's facts and the achievements", () => {
    const text = queryText("A cloud software startup in Nairobi.", {
      organizationType: "startup",
      country: "KE",
      achievements,
    });
    expect(text.split("\n")).toEqual([
      "A cloud software startup in Nairobi.",
      "A startup. Based in Kenya.",
      ...achievements,
    ]);
  });

  it("puts achievements within the model's window after a long description, and keeps every word", () => {
    const text = queryText(longDescription, { organizationType: "nonprofit", achievements });
    const [lead] = splitLead(longDescription, DESCRIPTION_LEAD_CHARS);
    expect(text.startsWith(lead)).toBe(true);
    // 128 tokens cover at least ~380 characters of real text (issue 28): everything that matters lies before that.
    for (const a of [...achievements, "A non-profit organization."]) expect(text.indexOf(a)).toBeLessThan(380);
    expect(text.replace(/\s+/g, " ").length).toBe(
      [longDescription, "A non-profit organization.", ...achievements].join(" ").length,
    );
    // The full-text query keeps the first 200 words: the achievements' words are among them now.
    expect(orQuery(text).split(" or ")).toEqual(expect.arrayContaining(["spoilage", "logistics"]));
    const before = [longDescription, ...achievements].join("\n");
    expect(orQuery(before).split(" or ")).not.toContain("spoilage");
  });

  it("is the description alone without a profile", () => {
    expect(queryText("A regional credit union with 40 branches.", undefined)).toBe(
      "A regional credit union with 40 branches.",
    );
  });
});
