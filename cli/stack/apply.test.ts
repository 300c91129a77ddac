import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/load.js";
import { FakeRunner } from "../../test/support/fake-runner.js";
import { applyStack, type ApplyEffects, type ApplyOptions } from "./apply.js";
import { Stack } from "./handle.js";
import type { StackPlan } from "./plan.js";
import type { FileOutcome } from "./files.js";
import type { ImagePlan } from "./images.js";
import { stackPaths } from "./paths.js";
import { sizeStack } from "./sizing.js";

/**
 * The applier's order, skips and stops, with every effect recorded instead of done (the effects themselves run for
 * real in the e2e suite: install, upgrade, config set and scale all go through this applier).
 */
const image = (name: string, action: ImagePlan["action"]) => ({ name, ref: `stevie/${name}:x`, action }) as ImagePlan;

/** A plan with nothing to do on a healthy stack, as planStack makes it; OVER changes what a test needs. */
function plan(over: Partial<StackPlan> = {}, desired: Partial<StackPlan["desired"]> = {}): StackPlan {
  return {
    desired: {
      paths: stackPaths("/opt/stevie-test"),
      config: parseConfig({}, "test"),
      configText: "",
      version: "1.2.3",
      sizing: sizeStack({ cpus: 4, memBytes: 16 * 1024 ** 3 }, "auto"),
      images: [image("api", "keep"), image("postgres", "keep")],
      credentials: {},
      ...desired,
    },
    files: { "compose.yaml": "unchanged" },
    images: [],
    secrets: [],
    certificates: [],
    access: [],
    services: { recreate: [], start: [], remove: [] },
    unhealthy: [],
    changes: false,
    rendered: [],
    health: [],
    serving: true,
    healthy: true,
    ...over,
  };
}

const stack = new Stack(stackPaths("/opt/stevie-test"), "stevie-test", new FakeRunner());
const OPTS = {
  log: () => undefined,
  healthTimeoutMs: 1_000,
  replicaTimeoutMs: 1_000,
  stampVersion: "with-files",
} as const;
const apply = (p: StackPlan, fx: ApplyEffects, over: Partial<ApplyOptions> = {}) =>
  applyStack(p, stack, { ...OPTS, ...over }, fx);

/** Effects that record their name; `files` is what writing the stack reports, `fail` names one that throws. */
function recording(opts: { files?: Record<string, FileOutcome>; rolledBack?: string; fail?: keyof ApplyEffects } = {}) {
  const calls: string[] = [];
  const step =
    <T>(name: keyof ApplyEffects, value: T) =>
    async () => {
      calls.push(name);
      if (opts.fail === name) throw new Error(`${name} failed`);
      return value;
    };
  const fx: ApplyEffects = {
    image: async (img) => calls.push(`image ${img.name} (${img.action})`),
    writeStack: async (_input, s) => {
      calls.push("writeStack");
      s.files = opts.files ?? { "compose.yaml": "unchanged" };
    },
    startServices: async (_input, s) => {
      calls.push("startServices");
      if (opts.fail === "startServices") throw new Error("startServices failed");
      if (opts.rolledBack) s.rolledBack = opts.rolledBack;
      else s.replaced = 2;
    },
    waitUntilHealthy: step("waitUntilHealthy", undefined),
    edgeCertificateDue: step("edgeCertificateDue", true),
    issueEdgeCertificate: step("issueEdgeCertificate", undefined),
    syncRoles: step("syncRoles", undefined),
    clusterSettings: step("clusterSettings", undefined),
    etcdAuth: step("etcdAuth", false),
    unhealthyReport: async () => "api-1: unhealthy",
  };
  return { calls, fx };
}

describe("applyStack (the one applier)", () => {
  it("with nothing to do writes (unchanged) files and checks health, and starts nothing", async () => {
    const { calls, fx } = recording();
    const r = await apply(plan(), fx);
    expect(calls).toEqual(["writeStack", "waitUntilHealthy"]);
    expect(r).toEqual({ files: { "compose.yaml": "unchanged" }, changes: false });
  });

  it("builds images first, runs the caller's step before any file changes, then every step in order", async () => {
    const { calls, fx } = recording({ files: { "compose.yaml": "updated" } });
    const r = await apply(
      plan({}, { images: [image("api", "build"), image("postgres", "tag"), image("redis", "keep")] }),
      fx,
      { before: [{ title: "Back up", run: async () => calls.push("backup") }] },
    );
    expect(calls).toEqual([
      "image api (build)",
      "image postgres (tag)",
      "backup",
      "writeStack",
      "startServices",
      "waitUntilHealthy",
      "syncRoles",
      "clusterSettings",
      "etcdAuth",
    ]);
    expect(r).toMatchObject({ changes: true, replaced: 2 });
    expect(r.rolledBack).toBeUndefined();
  });

  it("brings up a stack that is not healthy even when no file changed", async () => {
    const { calls, fx } = recording();
    const r = await apply(plan({ healthy: false, serving: false, changes: true }), fx);
    expect(calls).toContain("startServices");
    expect(r.changes).toBe(true);
  });

  it("follows the plan: a service it starts (a missing container) is started though no file changes", async () => {
    const { calls, fx } = recording();
    const r = await apply(plan({ changes: true, services: { recreate: [], start: ["haproxy"], remove: [] } }), fx);
    expect(calls).toEqual([
      "writeStack",
      "startServices",
      "waitUntilHealthy",
      "syncRoles",
      "clusterSettings",
      "etcdAuth",
    ]);
    expect(r.changes).toBe(true);
  });

  it("stops after a rollout that rolled itself back, and reports it as a result", async () => {
    const { calls, fx } = recording({ files: { "compose.yaml": "updated" }, rolledBack: "api-3 never became healthy" });
    const r = await apply(plan(), fx);
    expect(calls).toEqual(["writeStack", "startServices"]);
    expect(r.rolledBack).toBe("api-3 never became healthy");
  });

  it("stops at a failed step, logs the containers that are not healthy, and throws the step's error", async () => {
    const { calls, fx } = recording({ files: { "compose.yaml": "updated" }, fail: "startServices" });
    const log: string[] = [];
    await expect(apply(plan(), fx, { log: (l) => log.push(l) })).rejects.toThrow("startServices failed");
    expect(calls).toEqual(["writeStack", "startServices"]);
    expect(log.join("\n")).toContain("api-1: unhealthy");
  });

  it("a failed caller's step (upgrade's backup) changes no file", async () => {
    const { calls, fx } = recording();
    await expect(
      apply(plan(), fx, {
        before: [
          {
            title: "Back up",
            run: async () => {
              throw new Error("backup did not verify");
            },
          },
        ],
      }),
    ).rejects.toThrow("backup did not verify");
    expect(calls).toEqual([]);
  });

  it("asks the ACME CA only in acme mode, and only when the certificate is due", async () => {
    const acme = parseConfig(
      { domain: "api.example.com", tls: { mode: "acme", acme: { email: "ops@example.com" } } },
      "t",
    );
    const { calls, fx } = recording();
    await apply(plan({}, { config: acme }), fx);
    expect(calls).toEqual(["writeStack", "waitUntilHealthy", "edgeCertificateDue", "issueEdgeCertificate"]);
  });
});
