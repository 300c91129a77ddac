import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * `npm run test:swarm` only: a three-node Docker Swarm of Docker-in-Docker nodes (issue 27), apart from the root config
 * so that it never starts the e2e projects' shared stack, which it does not use.
 */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/swarm/**/*.test.ts"],
    reporters: ["default", "./test/setup/summary-reporter.ts"],
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    testTimeout: 10 * 60_000,
    hookTimeout: 20 * 60_000,
  },
});
