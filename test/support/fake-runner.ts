import type { ContainerState } from "../../cli/docker.js";
import type { RunOptions, RunResult } from "../../cli/exec.js";
import type { Runner } from "../../cli/stack/handle.js";

/**
 * An in-memory machine for the Stack handle: it records every command (file, argv, options) and answers each from
 * `answer` (exit 0 with no output unless it says otherwise); `containers` is the project's containers as a test sets
 * them. Nothing runs.
 */
export class FakeRunner implements Runner {
  readonly calls: { file: string; args: string[]; opts: RunOptions }[] = [];
  containerList: ContainerState[] = [];

  constructor(private readonly answer: (args: string[]) => Partial<RunResult> | undefined = () => undefined) {}

  async run(file: string, args: string[], opts: RunOptions): Promise<RunResult> {
    this.calls.push({ file, args, opts });
    return { exitCode: 0, stdout: "", stderr: "", ...this.answer(args) };
  }

  async containers(): Promise<ContainerState[]> {
    return this.containerList;
  }
}

export const container = (service: string, state = "running"): ContainerState => ({
  id: `${service}-id`,
  name: `stevie-${service}-1`,
  service,
  state,
  health: "healthy",
  image: "stevie/x",
  ports: [],
});
