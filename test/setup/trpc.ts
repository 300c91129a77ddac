import { TRPCError } from "@trpc/server";

/** The tRPC error code a call fails with, or "OK" when it succeeds; any other error is rethrown. */
export async function trpcCodeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCError) return err.code;
    throw err;
  }
  return "OK";
}
