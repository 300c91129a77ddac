import { defineConfig } from "vitest/config";
import chaos from "../chaos/vitest.config.js";

/**
 * `npm run test:long` only: operations that rebuild every image from scratch (several minutes of `apt-get` each run)
 * on a stack of their own, set up as the chaos suite's, and like it never part of `npm test`.
 */
export default defineConfig({
  test: { ...chaos.test, include: ["test/long/**/*.test.ts"], testTimeout: 1_800_000 },
});
