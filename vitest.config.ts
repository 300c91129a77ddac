import { defineConfig } from "vitest/config";
import DisruptiveLastSequencer from "./test/setup/sequencer.js";

/**
 * Two projects. `unit`: *.test.ts beside the code, no Docker. `e2e`: test/e2e and *.integration.test.ts, against
 * one real stack that test/setup/stack.ts installs once per run with the built CLI and removes at the end.
 */
export default defineConfig({
  test: {
    reporters: ["default", "./test/setup/summary-reporter.ts"],
    // Global (Vitest reads the sequencer from the root config only): e2e files that stop containers run last.
    sequence: { sequencer: DisruptiveLastSequencer },
    projects: [
      {
        test: {
          name: "unit",
          include: [
            "cli/**/*.test.ts",
            "client/**/*.test.ts",
            "server/**/*.test.ts",
            "nginx/**/*.test.ts",
            "grafana/**/*.test.ts",
            "test/unit/**/*.test.ts",
            "test/eval/**/*.test.ts",
          ],
          exclude: ["**/*.integration.test.ts", "node_modules/**", "dist/**"],
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts", "**/*.integration.test.ts"],
          exclude: ["node_modules/**", "dist/**"],
          globalSetup: ["./test/setup/stack.ts"],
          testTimeout: 180_000,
          hookTimeout: 900_000,
          // The e2e files share one stack and the host's Docker: run them one after another (failover last, see above).
          pool: "forks",
          poolOptions: { forks: { singleFork: true } },
        },
      },
      {
        // The example web app in headless Chromium, against `stevie-stack dev` and a stack of its own: `npm run
        // test:browser` (not in `npm test`: it installs Chromium; the example's types are checked by typecheck).
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          globalSetup: ["./test/setup/stack.ts"],
          testTimeout: 180_000,
          hookTimeout: 900_000,
          pool: "forks",
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
