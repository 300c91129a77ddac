import type { Redis } from "ioredis";

/** Every key in Redis that has no TTL (the rule is: none may), and how many keys were looked at. */
export async function keysWithoutTtl(redis: Redis): Promise<{ seen: number; missing: string[] }> {
  const missing: string[] = [];
  let seen = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "COUNT", 1000);
    cursor = next;
    for (const k of keys) {
      seen++;
      if ((await redis.pttl(k)) === -1) missing.push(k);
    }
  } while (cursor !== "0");
  return { seen, missing };
}
