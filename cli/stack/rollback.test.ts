import { describe, expect, it } from "vitest";
import { revertUpgrade, upgradeToUndo } from "./rollback.js";
import { composeImages } from "./compose.js";

const commit = (oid: string, message: string, parent: string | undefined = `${oid}^`) => ({
  oid,
  parent,
  at: "2026-12-07T10:00:00.000Z",
  message,
});

describe("upgradeToUndo", () => {
  it("finds the newest completed upgrade to the running version, past scale and config changes and a failed upgrade", () => {
    const commits = [
      commit("e", "scale api=4"),
      commit("d", "upgrade 0.3.1 -> 0.3.2 rolled back: the new API replica api-3 did not become healthy"),
      commit("c", "config set api.rateLimitPerMinute"),
      commit("b", "upgrade 0.3.0 -> 0.3.1 (backup 20261207-101010F_20261207-101500I before)", "a"),
      commit("a", "install 0.3.0", undefined),
    ];
    expect(upgradeToUndo(commits, "0.3.1")).toEqual({ oid: "b", parent: "a", from: "0.3.0", to: "0.3.1" });
  });

  it("refuses with the reason: no upgrade, another version, or a rollback already done", () => {
    expect(upgradeToUndo([commit("a", "install 0.3.0", undefined)], "0.3.0")).toEqual({
      refused: "the stack directory's history has no upgrade to 0.3.0",
    });
    expect(upgradeToUndo([commit("b", "upgrade 0.3.0 -> 0.3.1 (backup X before)")], "0.3.2")).toEqual({
      refused: "the newest upgrade went to 0.3.1, but the stack runs 0.3.2",
    });
    expect(
      upgradeToUndo(
        [commit("c", "rollback 0.3.1 -> 0.3.0 (undid b)"), commit("b", "upgrade 0.3.0 -> 0.3.1 (backup X before)")],
        "0.3.0",
      ),
    ).toEqual({ refused: "the stack was rolled back from 0.3.1 to 0.3.0 already" });
  });
});

describe("revertUpgrade", () => {
  // As in a generated compose.yaml: the image and the replica count of a service lie more than 3 lines apart.
  const compose = (image: string, replicas: number) =>
    [
      "services:",
      "  api:",
      `    image: ${image}`,
      "    init: true",
      "    read_only: true",
      "    restart: unless-stopped",
      "    stop_grace_period: 30s",
      "    user: node",
      "    deploy:",
      `      replicas: ${replicas}`,
      "  nginx:",
      "    image: n",
      "",
    ].join("\n");

  it("puts back what the upgrade changed, keeps what changed since, removes what it added", () => {
    const r = revertUpgrade([
      { file: ".stevie/version", current: "0.3.1\n", after: "0.3.1\n", before: "0.3.0\n" },
      // Scaled to 4 after the upgrade: the old image comes back, the 4 replicas stay.
      {
        file: "compose.yaml",
        current: compose("api:new", 4),
        after: compose("api:new", 2),
        before: compose("api:old", 2),
      },
      { file: "monitoring/new.yml", current: "x: 1\n", after: "x: 1\n", before: undefined },
    ]);
    expect(r).toEqual({
      writes: [
        { file: ".stevie/version", content: "0.3.0\n" },
        { file: "compose.yaml", content: compose("api:old", 4) },
        { file: "monitoring/new.yml", content: undefined },
      ],
      conflicts: [],
    });
  });

  it("names a file whose later change overlaps the upgrade's as a conflict, and one removed since", () => {
    const r = revertUpgrade([
      {
        file: "compose.yaml",
        current: compose("api:other", 2),
        after: compose("api:new", 2),
        before: compose("api:old", 2),
      },
      { file: "nginx/nginx.conf", current: undefined, after: "a\n", before: "b\n" },
    ]);
    expect(r).toEqual({ writes: [], conflicts: ["compose.yaml", "nginx/nginx.conf"] });
  });
});

describe("composeImages", () => {
  it("lists each image a compose file names once, and none for an empty or missing file", () => {
    const text = "services:\n  a:\n    image: x:1\n  b:\n    image: y:2\n  c:\n    image: x:1\n  d:\n    build: .\n";
    expect(composeImages(text)).toEqual(["x:1", "y:2"]);
    expect(composeImages("")).toEqual([]);
    expect(composeImages(undefined)).toEqual([]);
  });
});
