import { Piscina } from "piscina";
import { OFFLINE_DIMENSION, OFFLINE_MODEL } from "./offline.js";
import type { Embedder } from "./types.js";

export interface ThreadedEmbedderOptions {
  /** The bundled worker (dist/server-bundle/embed-worker.mjs), as a path or file URL. */
  workerFile: string | URL;
  modelDir?: string;
}

/** A description's cost on one thread before anything is measured (29-41 ms on the 2-CPU test host). */
const FIRST_MS_PER_TEXT = 35;

/**
 * The offline model in one worker thread (Piscina): a cached answer or a health probe never waits behind an embedding
 * on the same replica. Calls queue in Piscina and run one batch at a time (a replica has one or two CPUs, and each
 * thread would hold its own copy of the model).
 *
 * A call's signal is checked before it queues, not while it runs: Piscina ends a running task by terminating its
 * thread, and loading the model again costs more than finishing the batch.
 */
export function createThreadedEmbedder(opts: ThreadedEmbedderOptions): Embedder {
  const pool = new Piscina({
    filename: String(opts.workerFile),
    minThreads: 1,
    maxThreads: 1,
    idleTimeout: Number.POSITIVE_INFINITY,
    workerData: { modelDir: opts.modelDir },
  });
  // The backlog: texts queued or running, times the cost of one (a moving average). With one thread the tasks run in
  // order, so a task's own work starts when it was queued or when the one before it ended, whichever is later.
  let queuedTexts = 0;
  let msPerText = FIRST_MS_PER_TEXT;
  let lastEnd = 0;
  let first = true;
  return {
    model: OFFLINE_MODEL,
    dimension: OFFLINE_DIMENSION,
    load: () => ({ queuedTexts, msPerText }),
    async embed(texts, { signal } = {}) {
      signal?.throwIfAborted();
      if (texts.length === 0) return [];
      const queued = performance.now();
      queuedTexts += texts.length;
      try {
        return (await pool.run(texts)) as number[][];
      } finally {
        queuedTexts -= texts.length;
        const end = performance.now();
        const own = (end - Math.max(queued, lastEnd)) / texts.length;
        lastEnd = end;
        // The first task also loads the model (seconds): not a text's cost.
        if (own > 0 && !first) msPerText = 0.8 * msPerText + 0.2 * own;
        first = false;
      }
    },
    async close() {
      await pool.destroy();
    },
  };
}
