import { describe, expect, it } from "vitest";
import { psqlArgv } from "./psql.js";

describe("psqlArgv", () => {
  it("runs a script from stdin over the local socket, stopping at the first error", () => {
    expect(psqlArgv({ database: "postgres" })).toEqual([
      "psql",
      "-h",
      "/run/postgresql",
      "-d",
      "postgres",
      "-X",
      "-q",
      "-v",
      "ON_ERROR_STOP=1",
    ]);
  });

  it("passes values as psql variables, one argv element each, never inside the SQL", () => {
    const argv = psqlArgv({ database: "stevie", rows: true, vars: { name: "x'; DROP TABLE t; --", n: "3" } });
    expect(argv.slice(-6)).toEqual(["-A", "-t", "-v", "name=x'; DROP TABLE t; --", "-v", "n=3"]);
  });

  it("asks one statement with -c, rows separated as told", () => {
    const argv = psqlArgv({ database: "postgres", rows: true, separator: " ", command: "SELECT 1" });
    expect(argv.slice(-6)).toEqual(["-A", "-t", "-F", " ", "-c", "SELECT 1"]);
  });
});
