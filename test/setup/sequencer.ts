import { BaseSequencer, type TestSpecification } from "vitest/node";

/** e2e order: the default, except that files which stop containers of the shared stack (failover) run last. */
export default class DisruptiveLastSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const last = (f: TestSpecification) => /failover\.test\.ts$/.test(f.moduleId);
    return [...sorted.filter((f) => !last(f)), ...sorted.filter(last)];
  }
}
