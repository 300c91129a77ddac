import { run, type RunOptions, type RunResult } from "../exec.js";
import type { StackPaths } from "./paths.js";

/** `docker compose` against one stack directory and project. */
export function compose(paths: StackPaths, project: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run("docker", ["compose", "--project-directory", paths.dir, "-f", paths.compose, "-p", project, ...args], { cwd: paths.dir, timeoutMs: 15 * 60_000, ...opts });
}
