// Bundles the API server into one ESM file for the API image (dist/server-bundle/main.mjs).
import { build } from "esbuild";
import { rm } from "node:fs/promises";

await rm("dist/server-bundle", { recursive: true, force: true });
await build({
  entryPoints: { main: "server/main.ts" },
  outdir: "dist/server-bundle",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  sourcemap: true,
  legalComments: "linked",
  // pg's optional native binding is never used.
  external: ["pg-native"],
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: "warning",
});
