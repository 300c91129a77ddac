import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../cli/exec.js";

/**
 * Issue 24: `stevie-stack/client` and `stevie-stack/api` must compile in a consumer with skipLibCheck off and none of
 * the server's dependencies installed. The test emits the package's declarations as the build does, lays them out
 * as the package is published (package.json with its exports, dist/), installs only the client's dependencies
 * beside it, and compiles two small consumers: a web app (bundler resolution, DOM) and a Node service (node16).
 */
const repo = fileURLToPath(new URL("..", import.meta.url));
const tsc = join(repo, "node_modules", "typescript", "bin", "tsc");
/** What a consumer installs: the client's own dependencies, and for the Node service Node's types. */
const CLIENT_DEPS = ["@trpc/client", "@trpc/server", "eventsource", "eventsource-parser"];
const NODE_TYPES = ["@types/node", "undici-types"];

const app = `
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import type { AppRouter } from "stevie-stack/api";
import { createStevieClient, isStevieClientError, type ChatEvent, type FieldError, type RecommendInput, type RecommendOutput } from "stevie-stack/client";

const api = createStevieClient("https://api.example.com/api/trpc", { headers: { "x-api-key": "k" }, maxItems: 5 });
const input: RecommendInput = { description: "A 40-person software startup in Austin", profile: { country: "US" }, topK: 5 };
export async function main(): Promise<string[]> {
  try {
    const r: RecommendOutput = await api.recommend.query(input);
    const events: ChatEvent[] = [];
    const { sessionId } = await api.chat.start.mutate();
    api.chat.send.subscribe({ sessionId, message: "hi" }, { onData: (e) => events.push(e) });
    const done = events.find((e) => e.type === "done");
    return [...r.results.map((x) => x.category.code + x.why.summary), done?.answer.text ?? ""];
  } catch (err) {
    if (!isStevieClientError(err)) throw err;
    const fields: FieldError[] = err.data?.fieldErrors ?? [];
    return fields.map((f) => f.path.join(".") + ": " + f.message + " " + String(err.data?.code));
  }
}
// The plain tRPC client over the router type alone still works.
export const plain = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: "/api/trpc" })] });
export const programs: Promise<{ code: string; categoryCount: number }[]> = plain.programs.list.query();
`;
/** A call that must not compile: proof that the check above can fail. */
const wrong = `
import { createStevieClient } from "stevie-stack/client";
export const r = createStevieClient("/api/trpc").recommend.query({ description: "a description", topK: "x" });
`;

const consumers = {
  web: {
    module: "ESNext",
    moduleResolution: "bundler",
    lib: ["ES2022", "DOM", "DOM.Iterable", "ESNext.Disposable"],
    types: [],
  },
  node: { module: "node16", moduleResolution: "node16", lib: ["ES2022", "DOM"], types: ["node"] },
};

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "stevie-client-types-"));
  const pkg = join(dir, "node_modules", "stevie-stack");
  // The declarations as `npm run build` emits them (tsconfig.build.json), from the client's entry point only.
  const emit = join(dir, "emit.tsconfig.json");
  const options = {
    emitDeclarationOnly: true,
    sourceMap: false,
    outDir: join(pkg, "dist"),
    rootDir: repo,
    typeRoots: [join(repo, "node_modules", "@types")],
  };
  await writeFile(
    emit,
    JSON.stringify({
      extends: join(repo, "tsconfig.build.json"),
      compilerOptions: options,
      include: [],
      files: [join(repo, "client", "index.ts")],
    }),
  );
  await run(process.execPath, [tsc, "-p", emit], { timeoutMs: 60_000 });
  await cp(join(repo, "package.json"), join(pkg, "package.json"));
  for (const dep of [...CLIENT_DEPS, ...NODE_TYPES])
    await cp(join(repo, "node_modules", dep), join(dir, "node_modules", dep), { recursive: true });
  for (const [name, opts] of Object.entries(consumers)) {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, "package.json"), JSON.stringify({ type: "module", private: true }));
    const compilerOptions = { ...opts, target: "ES2022", strict: true, skipLibCheck: false, noEmit: true };
    await writeFile(
      join(dir, name, "tsconfig.json"),
      JSON.stringify({ compilerOptions, files: ["app.ts", "wrong.ts"] }),
    );
    await writeFile(join(dir, name, "app.ts"), app);
    await writeFile(join(dir, name, "wrong.ts"), wrong);
  }
}, 90_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe.each(Object.keys(consumers))(
  "the published types in a %s consumer (skipLibCheck off, no server dependencies)",
  (name) => {
    it("compile, and refuse a wrong call", { timeout: 60_000 }, async () => {
      const r = await run(process.execPath, [tsc, "-p", join(dir, name, "tsconfig.json"), "--pretty", "false"], {
        cwd: join(dir, name),
        reject: false,
        timeoutMs: 60_000,
      });
      // One error, the deliberate one: none from app.ts, none from any declaration file.
      expect(r.stdout.split("\n")).toEqual([
        expect.stringMatching(/^wrong\.ts\(3,\d+\): error TS2322: Type 'string' is not assignable to type 'number/),
      ]);
    });
  },
);
