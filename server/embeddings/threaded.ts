import { Piscina } from "piscina";
import { OFFLINE_DIMENSION, OFFLINE_MODEL } from "./offline.js";
import type { Embedder } from "./types.js";

export interface ThreadedEmbedderOptions {
  /** The bundled worker (dist/server-bundle/embed-worker.mjs), as a path or file URL. */
  workerFile: string | URL;
  modelDir?: string;
  /** Threads running the model; each holds its own copy of the model. Default 1. */
  threads?: number;
}

/**
 * The offline model in worker threads (Piscina): a cached answer or a health probe never waits behind an embedding
 * on the same replica. Calls queue in Piscina, one batch per thread at a time.
 *
 * A call's signal is checked before it queues, not while it runs: Piscina ends a running task by terminating its
 * thread, and loading the model again costs more than finishing the batch.
 */
export function createThreadedEmbedder(opts: ThreadedEmbedderOptions): Embedder {
  const threads = opts.threads ?? 1;
  const pool = new Piscina({
    filename: String(opts.workerFile),
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Number.POSITIVE_INFINITY,
    workerData: { modelDir: opts.modelDir },
  });
  return {
    model: OFFLINE_MODEL,
    dimension: OFFLINE_DIMENSION,
    async embed(texts, { signal } = {}) {
      signal?.throwIfAborted();
      if (texts.length === 0) return [];
      return (await pool.run(texts)) as number[][];
    },
    async close() {
      await pool.destroy();
    },
  };
}
