import { z } from "zod";
import { RETRIEVAL_MODES } from "./input.js";

/**
 * What `recommend` answers. The procedure validates its result against this (`.output()`), the OpenAPI document
 * describes it, and the client's types are inferred from it, so they are plain object types (issue 24).
 */
export const recommendation = z.object({
  rank: z.number().int().min(1),
  score: z.number().describe("fused relevance from 0 to 1: 1 is the best any result could score in this mode"),
  category: z.object({
    id: z.number().int(),
    code: z.string().describe("e.g. ABA-MGMT-012"),
    name: z.string(),
    description: z.string(),
    group: z.string(),
  }),
  program: z.object({ code: z.string(), name: z.string() }),
  why: z.object({
    summary: z.string(),
    similarity: z
      .number()
      .nullable()
      .describe("cosine similarity to the description; null when the vector search did not find it"),
    textRank: z
      .number()
      .int()
      .nullable()
      .describe("its place in the full-text results; null when the text search did not find it"),
    matchedTerms: z.array(z.string()),
  }),
  eligibility: z.object({
    nomineeTypes: z.array(z.string()),
    organizationTypes: z.array(z.string()),
    organizationSizes: z.array(z.string()),
    regions: z.array(z.string()),
    entryFormats: z.array(z.string()),
    notes: z.array(z.string()),
  }),
});

export const recommendResult = z.object({
  model: z.string().describe("the embedding model that ranked the results"),
  mode: z.enum(RETRIEVAL_MODES),
  filters: z.array(z.string()).describe("the eligibility filters the profile applied"),
  results: z.array(recommendation),
  timings: z.object({ embedMs: z.number(), searchMs: z.number() }),
  degraded: z
    .object({ reason: z.string() })
    .nullable()
    .describe(
      "set when the answer comes from full-text search and eligibility alone: the replica's embedding work was over its latency budget. The description is embedded in the background, so asking again shortly gets the full answer; a degraded answer is not cached",
    ),
});

export type Recommendation = z.output<typeof recommendation>;
export type RecommendResult = z.output<typeof recommendResult>;
