import type { Redis } from "ioredis";
import type { Db, Prisma } from "./db.js";
import type { ChatDeps } from "./chat/types.js";
import type { Embedder } from "./embeddings/types.js";
import type { Logger } from "./logger.js";
import type { ProgramRef } from "./recommend/engine.js";

/** Everything a procedure may touch, passed in (never imported) so tests can build it over real services. */
export interface Deps {
  db: Db;
  prisma: Prisma;
  redis: Redis;
  embedder: Embedder;
  /** Query embeddings with the model that produced them (cached, and falling back to the offline model). */
  embedQuery?: (text: string) => Promise<{ model: string; vector: number[] }>;
  chat: ChatDeps;
  programs: () => Promise<Map<string, ProgramRef>>;
  log: Logger;
  version: string;
  now: () => Date;
}

export interface Context extends Deps {
  requestId: string;
}
