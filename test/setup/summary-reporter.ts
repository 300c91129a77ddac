import type { Reporter, TestModule } from "vitest/node";

/**
 * Prints the closing line CI reads ("N passed, N failed, N skipped"), counted over every test of the run, after the
 * slowest files.
 * On failure it also points at the stack diagnostics the e2e setup prints.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
      if (m.state() === "failed" && [...m.children.allTests()].length === 0) failed++;
    }
    failed += errors.length;
    process.env.STEVIE_TEST_FAILED = failed > 0 ? "1" : "";
    // Where the suite's time goes (the 45-minute budget): the slowest files, one line.
    const slowest = modules
      .map((m) => ({
        file: m.moduleId
          .split("/")
          .at(-1)!
          .replace(/\.test\.ts$/, ""),
        s: m.diagnostic().duration / 1000,
      }))
      .sort((a, b) => b.s - a.s)
      .slice(0, 12);
    process.stdout.write(`\nslowest files: ${slowest.map((x) => `${x.file} ${x.s.toFixed(0)} s`).join(", ")}`);
    const slowestTests = modules
      .flatMap((m) =>
        [...m.children.allTests()].map((t) => ({ name: t.name, s: (t.diagnostic()?.duration ?? 0) / 1000 })),
      )
      .sort((a, b) => b.s - a.s)
      .slice(0, 15);
    process.stdout.write(
      `\nslowest tests: ${slowestTests.map((x) => `${x.s.toFixed(0)} s ${x.name.slice(0, 60)}`).join("; ")}`,
    );
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
