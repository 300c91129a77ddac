/**
 * The task file of the embedding worker thread (see ./threaded.ts): the offline model lives here, loaded at the first
 * task, so the API's event loop never runs the model. Bundled as dist/server-bundle/embed-worker.mjs.
 */
import { workerData } from "piscina";
import { createOfflineEmbedder } from "./offline.js";

const embedder = createOfflineEmbedder({ modelDir: (workerData as { modelDir?: string } | undefined)?.modelDir });

export default function embed(texts: string[]): Promise<number[][]> {
  return embedder.embed(texts);
}
