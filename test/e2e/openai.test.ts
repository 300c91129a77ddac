import { randomBytes } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as docker from "../../cli/docker.js";
import { run } from "../../cli/exec.js";
import { stackPaths } from "../../cli/stack/paths.js";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-server.js";
import { runCli } from "../setup/cli.js";
import { resendingClient, trpcClient } from "../setup/client.js";
import { steady } from "../setup/load.js";
import { bridgeGateway } from "../setup/test-ca.js";
import { compose } from "../../cli/stack/handle.js";

/**
 * Issue 24, item 2: the installed stack takes an OpenAI key. The OpenAI API cannot be reached from here, so an
 * OpenAI-compatible server of the test's own stands in for it, on the host's Docker bridge address (the
 * `openai.baseUrl` of a compatible provider); everything else is the real stack. The key is set, used, made to fail,
 * rotated and removed with the CLI an operator uses; the stack is back on the offline model at the end.
 */
const stack = inject("stack");
const paths = stackPaths(stack.dir);
const api = trpcClient(stack);
const key = `e2e-${randomBytes(16).toString("hex")}`;
const rotated = `e2e-${randomBytes(16).toString("hex")}`;
let fake: FakeOpenAI;
const log = (l: string) => process.stdout.write(`[openai] ${l}\n`);

async function cli(args: string[], input?: string) {
  const started = Date.now();
  const r = await runCli([...args, "--dir", stack.dir], {
    timeoutMs: 10 * 60_000,
    ...(input === undefined ? {} : { input }),
  });
  log(`${args.slice(0, 3).join(" ")}: exit ${r.code} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (r.code !== 0) throw new Error(`stevie-stack ${args.join(" ")} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

const apiReplicas = async () =>
  (await docker.listContainers(docker.PROJECT_LABEL, stack.project)).filter(
    (c) => c.service === "api" && c.state === "running",
  );

/** A metric summed over every API replica's internal /metrics (lines whose labels contain `labels`). */
async function metric(name: string, labels = ""): Promise<number> {
  let sum = 0;
  for (const c of await apiReplicas()) {
    const r = await run("docker", [
      "exec",
      c.id,
      "node",
      "-e",
      "fetch('http://127.0.0.1:3000/metrics').then(r => r.text()).then(t => process.stdout.write(t))",
    ]);
    for (const line of r.stdout.split("\n"))
      if (line.startsWith(`${name}{`) && line.includes(labels)) sum += Number(line.split(" ").at(-1));
  }
  return sum;
}

/** Everything the API replicas and the migration job logged, and how they are configured. */
async function containerText(): Promise<string> {
  const ids = (await docker.listContainers(docker.PROJECT_LABEL, stack.project))
    .filter((c) => c.service === "api" || c.service === "migrate")
    .map((c) => c.id);
  const out = await Promise.all(
    ids.map(
      async (id) =>
        (await run("docker", ["logs", id], { reject: false })).stdout +
        (await run("docker", ["logs", id], { reject: false })).stderr +
        (await run("docker", ["inspect", id])).stdout,
    ),
  );
  return out.join("\n");
}

const embeddingCalls = (withKey: string, model = "text-embedding-3-small") =>
  fake.requests.filter(
    (r) => r.path === "/v1/embeddings" && r.authorization === `Bearer ${withKey}` && r.body.model === model,
  );
const embeddedTexts = (calls: FakeOpenAI["requests"]) =>
  calls.reduce((n, r) => n + (Array.isArray(r.body.input) ? r.body.input.length : 1), 0);

/**
 * A CLI command while recommendations (new text each: not cached) go through nginx; every one must be answered. One a
 * second: nginx's per-address limit (100 a minute) is shared with the rest of the suite.
 */
async function underLoad(args: string[], input?: string) {
  const { client, resent } = resendingClient(stack);
  const models: string[] = [];
  const reads = steady(
    async (i) =>
      models.push(
        (
          await client.recommend.query({
            description: `A load probe (${i}): a regional courier that moved its fleet to electric vans`,
            topK: 3,
          })
        ).model,
      ),
    1000,
    1,
  );
  try {
    await cli(args, input);
  } finally {
    await reads.stop();
  }
  const failed = reads.calls.filter((c) => !c.ok);
  log(
    `${args.slice(0, 3).join(" ")} under load: ${reads.calls.length} recommendations, ${failed.length} failed, ${resent()} resent; models ${[...new Set(models)].join(", ")}`,
  );
  expect(failed.map((c) => c.error)).toEqual([]);
  expect(reads.calls.length).toBeGreaterThan(20);
  return models;
}

describe("OpenAI in the installed stack (issue 24)", () => {
  beforeAll(async () => {
    fake = await startFakeOpenAI({ host: await bridgeGateway() });
    // Without a key the setting changes no container; with it, the migration job embeds the catalogue through the
    // service, then the replicas are replaced one at a time.
    await cli(["config", "set", "openai.baseUrl", fake.baseURL]);
    const models = await underLoad(["config", "set", "openai.apiKey", "-"], key);
    // The old replicas answered with the offline model until the new ones, on OpenAI's vectors, took over.
    expect(models[0]).toBe("use-lite-512");
    expect(models.at(-1)).toBe("text-embedding-3-small");
  }, 15 * 60_000);

  afterAll(async () => {
    // Back to the offline model. openai.baseUrl and openai.embeddingModel stay as set: without a key they change no
    // container (and setting them back would cost the suite another install run).
    await cli(["config", "set", "openai.apiKey", ""]).catch((err: Error) =>
      log(`removing the key failed: ${err.message}`),
    );
    await fake?.close();
  }, 15 * 60_000);

  it("keeps the key in a 0600 secret file only, and embeds the whole catalogue with its model before the API uses it", async () => {
    const file = join(paths.secrets, "openai_api_key");
    expect((await readFile(file, "utf8")).trim()).toBe(key);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    for (const f of [paths.config, paths.compose]) expect(await readFile(f, "utf8"), f).not.toContain(key);
    // Every category has a vector of the model (a reused developer stack may have had them from an earlier run).
    const counts = await compose(paths, stack.project, [
      "exec",
      "-T",
      "-u",
      "postgres",
      "postgres-1",
      "psql",
      "-h",
      "/run/postgresql",
      "-d",
      "stevie",
      "-Atc",
      "SELECT (SELECT count(*) FROM categories), (SELECT count(*) FROM category_embeddings WHERE model = 'text-embedding-3-small' AND dimension = 1536)",
    ]);
    const [categories, vectors] = counts.stdout.trim().split("|").map(Number);
    expect(categories).toBeGreaterThan(1300);
    expect(vectors).toBe(categories);
    expect(embeddingCalls(key).length).toBeGreaterThan(0);
  });

  it("recommends with OpenAI's vectors, chats with OpenAI's answers, and counts the spend", async () => {
    const r = await api.recommend.query({
      description: `An OpenAI probe ${randomBytes(4).toString("hex")}: our solar co-op halved members' power bills.`,
      topK: 5,
    });
    expect(r.model).toBe("text-embedding-3-small");
    expect(r.results.length).toBe(5);
    const { sessionId } = await api.chat.start.mutate();
    const answer = await api.chat.sendAndWait.mutate({
      sessionId,
      message: "Which categories fit a solar co-op that halved its members' power bills?",
    });
    expect(answer.fallback).toBe(false);
    expect(answer.text).toContain("Fake reply");
    expect(fake.requests.some((q) => q.path === "/v1/chat/completions" && q.authorization === `Bearer ${key}`)).toBe(
      true,
    );
    expect(await metric("stevie_openai_tokens_total", 'kind="embedding"')).toBeGreaterThan(0);
    expect(await metric("stevie_openai_cost_usd_total", 'model="gpt-4o-mini"')).toBeGreaterThan(0);
  });

  it("falls back to the offline model when OpenAI refuses, opens the breaker, and never shows the key", async () => {
    // Like OpenAI, the fake's 401 repeats the key it was given: the API must not pass that on anywhere.
    fake.setMode({ kind: "status", status: 401 });
    const models: string[] = [];
    for (let i = 0; i < 14; i++) {
      const r = await api.recommend.query({
        description: `A breaker probe ${i} ${randomBytes(4).toString("hex")}: a bakery chain that doubled its stores.`,
        topK: 3,
      });
      models.push(r.model);
    }
    expect(new Set(models)).toEqual(new Set(["use-lite-512"]));
    const { sessionId } = await api.chat.start.mutate();
    const answer = await api.chat.sendAndWait.mutate({ sessionId, message: "What should a bakery chain enter?" });
    expect(answer.fallback).toBe(true);
    expect(answer.citations.length).toBeGreaterThan(0);
    expect(await metric("stevie_openai_circuit_state")).toBeGreaterThanOrEqual(2); // 2 = open, on at least one replica
    expect(await metric("stevie_openai_fallbacks_total", 'operation="embeddings"')).toBeGreaterThan(0);
    expect(await containerText()).not.toContain(key);
    fake.setMode({ kind: "normal" });
  });

  it("a new embedding model re-embeds the catalogue first, and answers keep coming meanwhile", async () => {
    const models = await underLoad(["config", "set", "openai.embeddingModel", "text-embedding-3-large"]);
    expect(embeddedTexts(embeddingCalls(key, "text-embedding-3-large"))).toBeGreaterThanOrEqual(1300);
    expect(models.at(-1)).toBe("text-embedding-3-large");
    const r = await api.recommend.query({
      description: `A model probe ${randomBytes(4).toString("hex")}: a ferry line that went electric.`,
      topK: 3,
    });
    expect(r.model).toBe("text-embedding-3-large");
  });

  it("a key OpenAI refuses is not taken: the previous key stays in use", async () => {
    const refused = `e2e-refused-${randomBytes(8).toString("hex")}`;
    fake.setMode({ kind: "status", status: 401 });
    const r = await runCli(["rotate-secrets", "openai", "--dir", stack.dir], {
      input: refused,
      timeoutMs: 10 * 60_000,
    });
    fake.setMode({ kind: "normal" });
    expect(r.code, r.stdout).not.toBe(0);
    expect(r.stderr).toMatch(/refused the API key/);
    expect(r.stdout + r.stderr).not.toContain(refused);
    expect((await readFile(join(paths.secrets, "openai_api_key"), "utf8")).trim()).toBe(key);
    const calls = embeddingCalls(key, "text-embedding-3-large").length;
    const after = await api.recommend.query({
      description: `A refused-key probe ${randomBytes(4).toString("hex")}: a ferry line that went electric.`,
      topK: 3,
    });
    expect(after.model).toBe("text-embedding-3-large");
    expect(embeddingCalls(key, "text-embedding-3-large").length).toBeGreaterThan(calls);
  });

  it("rotate-secrets openai puts a new key in place with the API serving, and the new replicas use it", async () => {
    const before = embeddingCalls(rotated, "text-embedding-3-large").length;
    await cli(["rotate-secrets", "openai"], rotated);
    const r = await api.recommend.query({
      description: `A rotation probe ${randomBytes(4).toString("hex")}: a ferry line that went electric.`,
      topK: 3,
    });
    expect(r.model).toBe("text-embedding-3-large");
    expect(embeddingCalls(rotated, "text-embedding-3-large").length).toBeGreaterThan(before);
    expect((await readFile(join(paths.secrets, "openai_api_key"), "utf8")).trim()).toBe(rotated);
    const audit = await cli(["audit", "--action", "rotate-secrets", "--json"]);
    expect(audit.stdout).toContain("openai_api_key");
    expect(audit.stdout).not.toContain(rotated);
  });

  it("refuses a key on the command line, where shell history would keep it", async () => {
    const typed = `e2e-typed-${randomBytes(8).toString("hex")}`;
    const r = await runCli(["config", "set", "openai.apiKey", typed, "--dir", stack.dir]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/read from stdin/);
    expect(r.stderr + r.stdout).not.toContain(typed);
    // "-" with nothing piped in removes nothing.
    const empty = await runCli(["config", "set", "openai.apiKey", "-", "--dir", stack.dir], { input: "" });
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toMatch(/no key was given on stdin/);
    expect((await readFile(join(paths.secrets, "openai_api_key"), "utf8")).trim()).toBe(rotated);
  });
});
