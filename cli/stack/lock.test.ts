import { mkdtemp, mkdir, readFile, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import { describe, expect, it } from "vitest";
import { StackBusyError, withStackLock } from "./lock.js";

const newState = async () => ({ state: join(await mkdtemp(join(tmpdir(), "stevie-lock-")), ".stevie") });

describe("one change to a stack at a time", () => {
  it("refuses a second change while another holds the lock, saying which, and frees it after", async () => {
    const paths = await newState();
    let inside!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    let finish!: () => void;
    const first = withStackLock(paths, "stevie-stack install", async () => {
      inside();
      await new Promise<void>((r) => (finish = r));
      return "first";
    });
    await entered;
    // Another process's view: the lock directory exists and is fresh.
    const other = lockfile.lock(paths.state, { lockfilePath: join(paths.state, "change.lock"), realpath: false });
    await expect(other).rejects.toMatchObject({ code: "ELOCKED" });
    finish();
    expect(await first).toBe("first");
    expect(await withStackLock(paths, "stevie-stack scale", () => Promise.resolve("second"))).toBe("second");
  });

  it("names the holder to whoever finds the stack busy", async () => {
    const paths = await newState();
    await mkdir(paths.state, { recursive: true });
    const release = await lockfile.lock(paths.state, {
      lockfilePath: join(paths.state, "change.lock"),
      realpath: false,
    });
    await writeFile(
      join(paths.state, "change.json"),
      JSON.stringify({ what: "stevie-stack ops", pid: 7, since: "2026-12-08T02:00:00.000Z", ops: true }),
    );
    const busy = withStackLock(paths, "stevie-stack install", () => Promise.resolve());
    await expect(busy).rejects.toBeInstanceOf(StackBusyError);
    await expect(busy).rejects.toThrow(/stevie-stack ops, by the ops service since 2026-12-08T02:00:00/);
    await release();
  });

  it("lets the same process nest changes, and takes over a lock whose holder died", async () => {
    const paths = await newState();
    const nested = await withStackLock(paths, "outer", () => withStackLock(paths, "inner", () => Promise.resolve(1)));
    expect(nested).toBe(1);
    // A holder killed mid-change leaves the directory; a minute later it is stale.
    await mkdir(join(paths.state, "change.lock"));
    const old = new Date(Date.now() - 120_000);
    await utimes(join(paths.state, "change.lock"), old, old);
    expect(await withStackLock(paths, "install", () => Promise.resolve("taken over"))).toBe("taken over");
  });
});

describe("a configuration change that finds the stack busy", () => {
  it("leaves stevie.yaml as it was", async () => {
    const { applyConfigEdit } = await import("./config-edit.js");
    const dir = await mkdtemp(join(tmpdir(), "stevie-busy-"));
    const text = "# mine\nprojectName: stevie\napi:\n  replicas: 2\n";
    await writeFile(join(dir, "stevie.yaml"), text);
    await mkdir(join(dir, ".stevie"));
    const release = await lockfile.lock(join(dir, ".stevie"), {
      lockfilePath: join(dir, ".stevie", "change.lock"),
      realpath: false,
    });
    const edit = applyConfigEdit(
      dir,
      (doc) => doc.setIn(["api", "replicas"], 3),
      () => undefined,
      "scale api=3",
    );
    await expect(edit).rejects.toBeInstanceOf(StackBusyError);
    expect(await readFile(join(dir, "stevie.yaml"), "utf8")).toBe(text);
    await release();
  });
});
