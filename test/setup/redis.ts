import type { Redis } from "ioredis";
import * as docker from "../../cli/docker.js";
import { run } from "../../cli/exec.js";
import { packageVersion } from "../../cli/package-root.js";
import { imageRef } from "../../cli/stack/services/common.js";

/**
 * Every key in Redis that never expires, and how many keys were looked at. The rule: every key has a TTL, except the
 * rate-limit hashes, which have none so that eviction cannot take them, and instead a TTL on each field.
 */
export async function keysWithoutTtl(redis: Redis): Promise<{ seen: number; missing: string[] }> {
  const missing: string[] = [];
  let seen = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "COUNT", 1000);
    cursor = next;
    for (const k of keys) {
      seen++;
      if ((await redis.pttl(k)) !== -1) continue;
      if (!(await fieldsAllExpire(redis, k))) missing.push(k);
    }
  } while (cursor !== "0");
  return { seen, missing };
}

async function fieldsAllExpire(redis: Redis, key: string): Promise<boolean> {
  if (!/(^|:)ratelimit:/.test(key) || (await redis.type(key)) !== "hash") return false;
  const fields = await redis.hkeys(key);
  if (fields.length === 0) return true;
  const ttls = (await redis.call("HPTTL", key, "FIELDS", String(fields.length), ...fields)) as number[];
  return ttls.every((t) => t > 0);
}

/** A Redis of the stack's own image in a throwaway container, with a small memory ceiling and the stack's eviction policy. */
export async function startEvictingRedis(
  project: string,
): Promise<{ host: string; port: number; stop: () => Promise<void> }> {
  const name = `${project}-evict-${process.pid}`;
  await run("docker", ["rm", "-f", name], { reject: false });
  await run("docker", [
    "run",
    "-d",
    "--rm",
    "--name",
    name,
    "--label",
    `${docker.PROJECT_LABEL}=${project}`,
    "--entrypoint",
    "redis-server",
    imageRef("redis", packageVersion()),
    "--maxmemory",
    "20mb",
    "--maxmemory-policy",
    "volatile-lru",
    "--save",
    "",
    "--appendonly",
    "no",
    "--protected-mode",
    "no",
  ]);
  const id = (await run("docker", ["inspect", "-f", "{{.Id}}", name])).stdout.trim();
  const host = Object.values(await docker.containerAddresses(id))[0]!;
  return { host, port: 6379, stop: async () => void (await run("docker", ["rm", "-f", name], { reject: false })) };
}
