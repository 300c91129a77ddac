import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * `npm run test:fresh-vm` only: the README's one-liner on fresh Debian 13, Debian 12 and Ubuntu 24.04 VMs (about ten
 * minutes each). Apart from the root config so that it is never part of `npm test` and does not start the e2e
 * projects' shared stack, which it does not use.
 */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/fresh-vm/**/*.test.ts"],
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    testTimeout: 45 * 60_000,
    hookTimeout: 30 * 60_000,
  },
});
