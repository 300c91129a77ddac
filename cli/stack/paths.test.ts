import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultStackDir } from "./paths.js";

describe("the stack directory without --dir", () => {
  it("is STEVIE_STACK_DIR when set", () => {
    expect(defaultStackDir({ STEVIE_STACK_DIR: "/srv/stevie" })).toBe("/srv/stevie");
    expect(defaultStackDir({ STEVIE_STACK_DIR: "" })).toBe(
      process.getuid?.() === 0 ? "/opt/stevie-stack" : resolve("stevie-stack"),
    );
  });
});
