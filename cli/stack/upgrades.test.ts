import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../package-root.js";
import { POSTGRES_MAJOR, upgradeVerdict, type BreakingChange } from "./upgrades.js";

const changes: BreakingChange[] = [
  { version: "0.3.0", what: "a", action: "do a" },
  { version: "0.4.0", what: "b", action: "do b" },
  { version: "1.0.0", what: "c", action: "do c" },
];

describe("upgradeVerdict", () => {
  it("lists the breaking changes after the stack's version up to this one", () => {
    expect(upgradeVerdict("0.2.0", "0.4.1", POSTGRES_MAJOR, changes)).toEqual({
      kind: "upgrade",
      breaking: changes.slice(0, 2),
    });
    expect(upgradeVerdict("0.3.0", "0.3.5", POSTGRES_MAJOR, changes)).toEqual({ kind: "upgrade", breaking: [] });
    expect(upgradeVerdict("0.3.5", "1.0.0", POSTGRES_MAJOR, changes)).toEqual({
      kind: "upgrade",
      breaking: changes.slice(1),
    });
  });

  it("treats a stack without a stamp as older than every change", () => {
    expect(upgradeVerdict(undefined, "0.3.0", undefined, changes)).toEqual({ kind: "upgrade", breaking: [changes[0]] });
  });

  it("does nothing for the same version and refuses a downgrade", () => {
    expect(upgradeVerdict("0.4.0", "0.4.0", POSTGRES_MAJOR, changes)).toEqual({ kind: "same" });
    const down = upgradeVerdict("0.5.0", "0.4.0", POSTGRES_MAJOR, changes);
    expect(down).toMatchObject({
      kind: "refused",
      why: expect.stringMatching(/newer than this CLI.*downgrades are not supported/),
    });
  });

  it("never changes the PostgreSQL major version silently", () => {
    const v = upgradeVerdict("0.2.0", "0.3.0", POSTGRES_MAJOR - 1, changes);
    expect(v).toMatchObject({ kind: "refused", why: expect.stringContaining(`PostgreSQL ${POSTGRES_MAJOR - 1}`) });
  });

  it("knows the major version the PostgreSQL image installs", () => {
    const dockerfile = readFileSync(join(packageRoot(), "compose", "images", "postgres", "Dockerfile"), "utf8");
    expect(dockerfile).toContain(`postgresql-${POSTGRES_MAJOR} `);
  });

  it("refuses stamps and versions that are not versions", () => {
    expect(upgradeVerdict("banana", "0.3.0", POSTGRES_MAJOR, changes).kind).toBe("refused");
    expect(upgradeVerdict("0.2.0", "next", POSTGRES_MAJOR, changes).kind).toBe("refused");
  });
});
