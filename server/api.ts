/** What web apps import: `import type { AppRouter } from "stevie-stack/api"`. */
export type { AppRouter } from "./routers/_app.js";
