import { initTRPC } from "@trpc/server";
import type { Context } from "./context.js";

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    // Internal failures never leak their message to the client; the request id lets an operator find the log line.
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    return { ...shape, message: internal ? "internal error" : shape.message, data: { ...shape.data, stack: undefined } };
  },
});

export const router = t.router;
export const publicProcedure = t.procedure;
export const createCallerFactory = t.createCallerFactory;
