import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { parseConfig, parseConfigText } from "../config/load.js";
import type { StevieConfig, StevieConfigInput } from "../config/schema.js";
import { OPENAI_KEY_ENV } from "../config/schema.js";
import { ProblemsError, UserError } from "../errors.js";
import { evaluatePreflight, probeHost, renderChecks, type CheckResult } from "../host/preflight.js";
import { prepareHost } from "../host/prepare.js";
import { packageVersion } from "../package-root.js";
import { type FileOutcome } from "./files.js";
import { renderConfigYaml } from "./generate.js";
import { planImages, readRefreshed, type ImagePlan } from "./images.js";
import { stackPaths, type StackPaths } from "./paths.js";
import { recordAudit } from "./audit.js";
import { commitStack } from "./history.js";
import { hostSizing } from "./sizing.js";
import { observeStack, planStack, planSummary, type PlanSummary } from "./plan.js";
import { applyStack, type ApplyResult } from "./apply.js";
import { Stack } from "./handle.js";

export interface InstallOptions {
  dir: string;
  configFile?: string;
  /** Values from flags (or the wizard); they override the config file. */
  overrides: StevieConfigInput;
  yes: boolean;
  dryRun: boolean;
  interactive: boolean;
  healthTimeoutMs: number;
  /** Why, for the stack directory's history (default: "install VERSION"). */
  reason?: string;
  /** From the wizard; otherwise STEVIE_OPENAI_API_KEY in the environment, if set. */
  openaiKey?: string;
}

export interface InstallDeps {
  log: (line: string) => void;
  confirm: (question: string) => Promise<boolean>;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const cur = out[k];
    out[k] =
      v && typeof v === "object" && !Array.isArray(v) && cur && typeof cur === "object"
        ? merge(cur as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/** The config to install: --config, else the stack's own stevie.yaml (a re-run), else defaults; then flags on top. */
export async function resolveConfig(
  opts: Pick<InstallOptions, "configFile" | "overrides">,
  paths: StackPaths,
): Promise<{ config: StevieConfig; text: string }> {
  const source = opts.configFile ?? (existsSync(paths.config) ? paths.config : undefined);
  let fileText: string | undefined;
  let base: StevieConfig | undefined;
  if (source) {
    fileText = await readFile(source, "utf8").catch((err: NodeJS.ErrnoException) => {
      throw new UserError(
        `cannot read config file ${source} (${err.code ?? err.message})`,
        "check the path given to --config",
      );
    });
    base = parseConfigText(fileText, source);
  }
  const hasOverrides = JSON.stringify(opts.overrides) !== "{}";
  if (!hasOverrides && fileText !== undefined && base) return { config: base, text: fileText };
  const config = parseConfig(
    merge((base ?? {}) as Record<string, unknown>, opts.overrides as Record<string, unknown>),
    "the configuration (file and flags)",
  );
  return { config, text: renderConfigYaml(config) };
}

export interface InstallPlan {
  preflight: CheckResult[];
  files: Record<string, FileOutcome>;
  images: Pick<ImagePlan, "name" | "ref" | "action">[];
  stackRunning: boolean;
  changes: boolean;
  /** --dry-run: everything install would do (see stack/plan.ts). */
  plan?: PlanSummary;
}

async function runPreflight(
  config: StevieConfig,
  paths: StackPaths,
  opts: InstallOptions,
  deps: InstallDeps,
): Promise<CheckResult[]> {
  const probe = () =>
    probeHost({
      dir: paths.dir,
      ports: [config.network.httpPort, config.network.httpsPort],
      bindAddress: config.network.bindAddress,
      projectName: config.projectName,
    });
  let checks = evaluatePreflight(await probe());
  const dockerMissing = checks.some(
    (c) => ["docker cli", "docker engine", "docker compose", "openssl"].includes(c.name) && c.status === "fail",
  );
  if (dockerMissing && !opts.dryRun && (opts.yes || opts.interactive)) {
    // The same host preparation `stevie-stack host prepare` runs: engine, compose plugin, daemon, base image.
    await prepareHost({ yes: opts.yes, confirm: deps.confirm, log: deps.log });
    checks = evaluatePreflight(await probe());
  }
  const failed = checks.filter((c) => c.status === "fail");
  if (failed.length) {
    throw new ProblemsError(
      "preflight checks failed; nothing was changed:",
      failed.map((c) => `${c.name}: expected ${c.expected}, found ${c.found}${c.fix ? `. Fix: ${c.fix}` : ""}`),
      "fix the problems above and run `stevie-stack install` again",
    );
  }
  return checks;
}

export async function runInstall(opts: InstallOptions, deps: InstallDeps): Promise<InstallPlan> {
  const paths = stackPaths(opts.dir);
  const { config, text } = await resolveConfig(opts, paths);
  const version = packageVersion();
  const preflight = await runPreflight(config, paths, opts, deps);
  deps.log(renderChecks(preflight));
  const sizing = hostSizing(config);
  // A dry run does not fetch Node for the API's image (its image then counts as one to build).
  const images = await planImages(version, deps.log, { fetch: !opts.dryRun, refreshed: await readRefreshed(paths) });
  const credentials = opts.openaiKey ? { ...process.env, [OPENAI_KEY_ENV]: opts.openaiKey } : process.env;
  const desired = { paths, config, configText: text, version, sizing, images, credentials };
  const stack = new Stack(paths, config.projectName);
  const plan = planStack(desired, await observeStack(desired, stack));
  const stackRunning = plan.healthy;
  if (opts.dryRun) {
    const summary = planSummary(plan);
    return { preflight, files: plan.files, images: plan.images, stackRunning, changes: plan.changes, plan: summary };
  }
  const applied = await applyStack(plan, stack, {
    log: deps.log,
    healthTimeoutMs: opts.healthTimeoutMs,
    replicaTimeoutMs: 150_000,
    stampVersion: "with-files",
  });
  if (applied.rolledBack)
    throw new UserError(
      `${applied.rolledBack}; the previous configuration is back in place and serving`,
      "see `stevie-stack logs api`, fix the cause and run install again",
    );
  await recordInstall(stack, opts, deps, version, images, applied);
  return {
    preflight,
    files: applied.files,
    images: images.map(({ name, ref, action }) => ({ name, ref, action })),
    stackRunning,
    changes: applied.changes,
  };
}

/** The stack directory's history, the operator's kept edits, and the audit log. */
async function recordInstall(
  stack: Stack,
  opts: InstallOptions,
  deps: InstallDeps,
  version: string,
  images: ImagePlan[],
  applied: ApplyResult,
): Promise<void> {
  const { paths } = stack;
  await commitStack(paths.dir, opts.reason ?? `install ${version}`).catch((err: Error) =>
    deps.log(`Warning: could not record this change in the stack directory's history (${err.message}).`),
  );
  const outcome = (o: FileOutcome) => Object.keys(applied.files).filter((f) => applied.files[f] === o);
  for (const f of outcome("kept-edited")) deps.log(`Kept your edited ${f}; the newly generated version is in ${f}.new`);
  const changedFiles = [...outcome("created"), ...outcome("updated")];
  const built = images.filter((i) => i.action === "build").map((i) => i.ref);
  const details = { version, changes: applied.changes, changedFiles, built };
  if (!(await recordAudit(stack, { action: "install", target: paths.dir, details })))
    deps.log("Warning: could not write the audit log entry for this install (the stack itself is fine).");
}
