import { existsSync } from "node:fs";
import { run, type RunOptions, type RunResult } from "../exec.js";
import type { StackPaths } from "./paths.js";

/**
 * The files Compose reads: the generated compose.yaml, then the operator's compose.override.yaml when there is one
 * (the extension point: install never writes it, and every command that runs Compose honours it).
 */
export const composeFiles = (paths: StackPaths): string[] => [
  paths.compose,
  ...(existsSync(paths.composeOverride) ? [paths.composeOverride] : []),
];

/** `docker compose` against one stack directory and project. */
export function compose(paths: StackPaths, project: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const files = composeFiles(paths).flatMap((f) => ["-f", f]);
  return run("docker", ["compose", "--project-directory", paths.dir, ...files, "-p", project, ...args], {
    cwd: paths.dir,
    timeoutMs: 15 * 60_000,
    ...opts,
  });
}
