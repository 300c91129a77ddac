import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { SESSION_TTL_MS, SessionGoneError, type ChatLock, type ChatStore } from "./store.js";
import type { ChatSession, ChatTurn } from "./types.js";

/**
 * Chat sessions in Redis. Per session (the client's keyPrefix, "stevie:", comes first):
 *   chat:{<id>}:meta   hash  createdAt, summary, summarised
 *   chat:{<id>}:turns  list  one JSON turn per element, oldest first
 *   chat:{<id>}:lock   string, the holder's token (SET NX PX)
 * Every write sets the 24 h TTL on the meta and turns keys (expiry slides with activity); the lock has its own
 * shorter TTL so a crashed replica's lock frees itself. The braces keep a session's keys in one cluster slot.
 */

const APPEND = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 2, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1`;

const COMPACT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'summary', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'summarised', ARGV[3])
redis.call('LTRIM', KEYS[2], tonumber(ARGV[3]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export function createRedisChatStore(redis: Redis, opts: { prefix?: string; ttlMs?: number } = {}): ChatStore {
  const prefix = opts.prefix ?? "chat:";
  const ttl = opts.ttlMs ?? SESSION_TTL_MS;
  const keys = (id: string) => ({
    meta: `${prefix}{${id}}:meta`,
    turns: `${prefix}{${id}}:turns`,
    lock: `${prefix}{${id}}:lock`,
  });

  return {
    async create({ id, createdAt }) {
      const k = keys(id);
      await redis.multi().hset(k.meta, { createdAt, summary: "", summarised: "0" }).pexpire(k.meta, ttl).exec();
    },
    async get(id) {
      const k = keys(id);
      const [meta, turns] = await Promise.all([redis.hgetall(k.meta), redis.lrange(k.turns, 0, -1)]);
      if (!meta.createdAt) return null;
      const session: ChatSession = {
        id,
        createdAt: meta.createdAt,
        summary: meta.summary || null,
        summarisedTurns: Number(meta.summarised ?? 0),
        turns: turns.map((t) => JSON.parse(t) as ChatTurn),
      };
      return session;
    },
    async append(id, ...turns) {
      const k = keys(id);
      const ok = await redis.eval(APPEND, 2, k.meta, k.turns, String(ttl), ...turns.map((t) => JSON.stringify(t)));
      if (ok !== 1) throw new SessionGoneError(id);
    },
    async compact(id, summary, count) {
      const k = keys(id);
      const ok = await redis.eval(COMPACT, 2, k.meta, k.turns, String(ttl), summary, String(count));
      if (ok !== 1) throw new SessionGoneError(id);
    },
    async lock(id, ttlMs): Promise<ChatLock | null> {
      const k = keys(id);
      const token = randomUUID();
      const ok = await redis.set(k.lock, token, "PX", ttlMs, "NX");
      if (ok !== "OK") return null;
      return {
        async release() {
          await redis.eval(RELEASE, 1, k.lock, token);
        },
      };
    },
  };
}
