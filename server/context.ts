import type { Redis } from "ioredis";
import type { Db, Prisma } from "./db.js";
import type { RedisDeps } from "./cache/deps.js";
import type { ChatDeps } from "./chat/types.js";
import type { Embedder } from "./embeddings/types.js";
import type { Logger } from "./logger.js";
import type { ProgramRef } from "./recommend/engine.js";
import type { HistoryWriter } from "./recommend/history.js";
import type { RateLimitClient } from "./ratelimit/trpc.js";

/** Everything a procedure may touch, passed in (never imported) so tests can build it over real services. */
export interface Deps extends RedisDeps {
  db: Db;
  prisma: Prisma;
  redis: Redis;
  embedder: Embedder;
  chat: ChatDeps;
  programs: () => Promise<Map<string, ProgramRef>>;
  /** The recommendation history (written in batches). */
  history: HistoryWriter;
  log: Logger;
  version: string;
  now: () => Date;
}

export interface Context extends Deps {
  requestId: string;
  /** Whom the application rate limits count: the API key the operator issued the caller, else the address nginx saw. */
  client?: RateLimitClient;
}
