import { Piscina } from "piscina";
import { OFFLINE_DIMENSION, OFFLINE_MODEL } from "./offline.js";
import type { Embedder } from "./types.js";

export interface ThreadedEmbedderOptions {
  /** The bundled worker (dist/server-bundle/embed-worker.mjs), as a path or file URL. */
  workerFile: string | URL;
  modelDir?: string;
}

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
