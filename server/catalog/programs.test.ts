import { describe, expect, it } from "vitest";
import type { Prisma } from "../db.js";
import { programCache } from "./programs.js";

describe("the programs kept in memory", () => {
  it("keeps serving the programs it has when a reload fails, and reloads on a later call", async () => {
    const rows = [{ id: 1, code: "ABA", name: "American Business Awards" }];
    const answers: (() => Promise<typeof rows>)[] = [
      () => Promise.resolve(rows),
      () => Promise.reject(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })),
      () => Promise.resolve([...rows, { id: 2, code: "IBA", name: "International Business Awards" }]),
    ];
    const prisma = { program: { findMany: () => answers.shift()!() } } as unknown as Prisma;
    const programs = programCache(prisma, 0);
    expect([...(await programs()).keys()]).toEqual(["ABA"]);
    expect([...(await programs()).keys()]).toEqual(["ABA"]);
    expect([...(await programs()).keys()]).toEqual(["ABA", "IBA"]);
  });

  it("fails when there is nothing loaded yet to fall back on", async () => {
    const prisma = { program: { findMany: () => Promise.reject(new Error("down")) } } as unknown as Prisma;
    await expect(programCache(prisma)()).rejects.toThrow("down");
  });
});
