import { Redis } from "ioredis";
import pg from "pg";
import { inject } from "vitest";
import { programCache } from "../../server/catalog/programs.js";
import { createRedisDeps } from "../../server/cache/deps.js";
import { createChatDeps } from "../../server/chat/deps.js";
import type { Deps } from "../../server/context.js";
import { createPrisma } from "../../server/db.js";
import { createOfflineEmbedder } from "../../server/embeddings/offline.js";
import { createLogger } from "../../server/logger.js";
import { createHistoryWriter } from "../../server/recommend/history.js";
import { createCallerFactory } from "../../server/trpc.js";
import { appRouter } from "../../server/routers/_app.js";

/** The API's real dependencies over the integration services, as main.ts builds them. */
export function realDeps(): Deps & { close: () => Promise<void> } {
  const s = inject("services");
  const db = new pg.Pool({ ...s.pg, max: 10 });
  const prisma = createPrisma(db);
  const redis = new Redis({ ...s.redis, keyPrefix: "stevie:", lazyConnect: false, maxRetriesPerRequest: 1 });
  const embedder = createOfflineEmbedder();
  const programs = programCache(prisma);
  const log = createLogger("silent");
  const redisDeps = createRedisDeps({ redis, db, embedder });
  const history = createHistoryWriter(db, { flushMs: 20 });
  return {
    ...redisDeps,
    db,
    prisma,
    redis,
    embedder,
    chat: createChatDeps({ redis, pool: db, embedder, programs, embedQuery: redisDeps.embedQuery, log }),
    programs,
    history,
    log,
    version: "test",
    now: () => new Date(),
    close: async () => {
      await history.close();
      await prisma.$disconnect();
      await db.end();
      redis.disconnect();
      await embedder.close?.();
    },
  };
}

export function callerFor(deps: Deps, requestId = "test") {
  return createCallerFactory(appRouter)({ ...deps, requestId });
}
