import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";

/**
 * Catalogue vectors computed once at build time and shipped with the API image, so a fresh install loads them
 * instead of spending minutes embedding 1,354 texts. Keyed by the source hash (model + exact source text): a
 * category whose text changed since the build is simply embedded again.
 */
const fileSchema = z.object({
  model: z.string(),
  dimension: z.number().int().positive(),
  /** source hash -> the vector as base64 of little-endian float32 */
  vectors: z.record(z.string(), z.string()),
});
export type PrecomputedFile = z.infer<typeof fileSchema>;

export function encodeVector(v: number[]): string {
  return Buffer.from(new Float32Array(v).buffer).toString("base64");
}

export function decodeVector(b64: string): number[] {
  const buf = Buffer.from(b64, "base64");
  return Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4));
}

/** Vectors by source hash for one model, or an empty map when there is no file or it is for another model. */
export function loadPrecomputed(path: string | undefined, model: string, dimension: number): Map<string, number[]> {
  if (!path || !existsSync(path)) return new Map();
  const file = fileSchema.parse(JSON.parse(readFileSync(path, "utf8")));
  if (file.model !== model || file.dimension !== dimension) return new Map();
  const out = new Map<string, number[]>();
  for (const [hash, b64] of Object.entries(file.vectors)) {
    const v = decodeVector(b64);
    if (v.length === dimension) out.set(hash, v);
  }
  return out;
}
