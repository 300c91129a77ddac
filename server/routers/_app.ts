import { chatRouter } from "../chat/router.js";
import { router } from "../trpc.js";
import { categoriesRouter, programsRouter } from "./catalog.js";
import { recommendProcedure } from "./recommend.js";
import { sessionRouter } from "./session.js";
import { systemRouter } from "./system.js";

export const appRouter = router({
  recommend: recommendProcedure,
  categories: categoriesRouter,
  programs: programsRouter,
  chat: chatRouter,
  session: sessionRouter,
  system: systemRouter,
});

export type AppRouter = typeof appRouter;
