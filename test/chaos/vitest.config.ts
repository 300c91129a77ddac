import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * `npm run test:chaos` only: twelve abrupt failures of the data tier on a stack of its own (about 12 minutes), apart
 * from the root config so that it is never part of `npm test`, whose failover file covers the smaller set.
 */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/chaos/**/*.test.ts"],
    globalSetup: ["./test/setup/stack.ts"],
    reporters: ["default", "./test/setup/summary-reporter.ts"],
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    testTimeout: 600_000,
    hookTimeout: 900_000,
  },
});
