/**
 * The router's type, for a tRPC client of one's own: `import type { AppRouter } from "stevie-stack/api"`. Most
 * callers want `createStevieClient` from `stevie-stack/client`, which is built on it.
 */
export type { AppRouter } from "./routers/_app.js";
