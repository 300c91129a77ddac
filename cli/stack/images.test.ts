import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashContext, readRefreshed } from "./images.js";

describe("image hashes", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "stevie-images-"));
    await writeFile(join(dir, "Dockerfile"), "FROM debian:trixie-slim\n");
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("change with the files, and with a refresh (its time), and are stable otherwise", async () => {
    const files = [{ at: "Dockerfile", from: join(dir, "Dockerfile") }];
    const plain = await hashContext(files);
    expect(await hashContext(files)).toBe(plain);
    const refreshed = await hashContext(files, "2026-12-07T19:00:00.000Z");
    expect(refreshed).not.toBe(plain);
    expect(await hashContext(files, "2026-12-07T19:00:00.000Z")).toBe(refreshed);
    expect(await hashContext(files, "2027-01-07T19:00:00.000Z")).not.toBe(refreshed);
    expect(await hashContext([{ ...files[0]!, mode: 0o755 }])).not.toBe(plain);
  });

  it("read the last refresh from the stack directory: none when the file is missing or empty", async () => {
    const imagesRefreshed = join(dir, "images-refreshed");
    expect(await readRefreshed({ imagesRefreshed })).toBeUndefined();
    await writeFile(imagesRefreshed, "\n");
    expect(await readRefreshed({ imagesRefreshed })).toBeUndefined();
    await writeFile(imagesRefreshed, "2026-12-07T19:00:00.000Z\n");
    expect(await readRefreshed({ imagesRefreshed })).toBe("2026-12-07T19:00:00.000Z");
  });
});
