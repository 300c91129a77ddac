import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * e2e order: the default, except that files which change the shared stack for good (scale, failover, and lifecycle,
 * which removes it) run last, and the hostile-input file just before them: it spends this host's request budget at
 * nginx, and scale's first step exempts this host from nginx's limit, so nobody waits a minute for the budget to refill.
 */
export default class DisruptiveLastSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // scale changes the replica count and exempts this host from nginx's limit (as failover does): just before it.
    // lifecycle uninstalls the shared stack, installs it again onto its data and purges it: the very end.
    const rank = (f: TestSpecification) =>
      /lifecycle\.test\.ts$/.test(f.moduleId)
        ? 4
        : /failover\.test\.ts$/.test(f.moduleId)
          ? 3
          : /scale\.test\.ts$/.test(f.moduleId)
            ? 2
            : /fuzz\.test\.ts$/.test(f.moduleId)
              ? 1
              : 0;
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
