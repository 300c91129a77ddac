import { z } from "zod";
import { NOMINEE_TYPES } from "../catalog/schema.js";
import { clientText } from "../validation.js";

export const MAX_DESCRIPTION_CHARS = 8_000;
export const RETRIEVAL_MODES = ["hybrid", "vector", "fulltext"] as const;

export const profileSchema = z
  .object({
    nomineeType: z.enum(NOMINEE_TYPES).optional(),
    organizationType: z.enum(["company", "nonprofit", "government", "startup"]).optional(),
    organizationSize: z
      .enum(["small", "medium", "large"])
      .optional()
      .describe("small: up to 100 employees; medium: 101-2,500; large: more"),
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/, "an ISO 3166-1 alpha-2 country code such as US or DE")
      .transform((c) => c.toUpperCase())
      .optional(),
    achievements: z.array(clientText().trim().min(1).max(1_000)).max(20).optional(),
    programs: z
      .array(z.string().regex(/^[A-Z0-9-]{2,20}$/, "a program code such as ABA or IBA"))
      .max(9)
      .optional()
      .describe("only recommend categories of these programs"),
  })
  .strict();

export const recommendInput = z
  .object({
    description: clientText()
      .trim()
      .min(20, "describe the nominee in at least 20 characters")
      .max(MAX_DESCRIPTION_CHARS, `the description may be at most ${MAX_DESCRIPTION_CHARS} characters`),
    profile: profileSchema.optional(),
    topK: z.number().int().min(1).max(50).default(10),
    mode: z.enum(RETRIEVAL_MODES).default("hybrid"),
  })
  .strict();

export type RecommendInput = z.output<typeof recommendInput>;
export type Profile = z.output<typeof profileSchema>;
