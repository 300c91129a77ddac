import type { ChatSession, ChatTurn } from "./types.js";

/** Sessions expire this long after their last write (every key the Redis store writes carries this TTL). */
export const SESSION_TTL_MS = 24 * 60 * 60 * 1000;

export interface ChatLock {
  release(): Promise<void>;
}

/**
 * Where chat sessions live: Redis in the stack (createRedisChatStore), memory in unit tests (createMemoryChatStore).
 * Writes refresh the session's 24 h expiry.
 */
export interface ChatStore {
  create(session: { id: string; createdAt: string }): Promise<void>;
  /** The session, or null if it never existed or expired. */
  get(id: string): Promise<ChatSession | null>;
  /** Append turns; throws SessionGoneError when the session expired meanwhile. */
  append(id: string, ...turns: ChatTurn[]): Promise<void>;
  /** Replace the oldest `count` turns by `summary`, which covers them and any earlier summary. */
  compact(id: string, summary: string, count: number): Promise<void>;
  /** The session's lock for at most `ttlMs`, or null while someone else holds it. */
  lock(id: string, ttlMs: number): Promise<ChatLock | null>;
}

export class SessionGoneError extends Error {
  constructor(id: string) {
    super(`chat session ${id} does not exist or has expired`);
    this.name = "SessionGoneError";
  }
}

interface Entry {
  session: ChatSession;
  expiresAt: number;
}

/** In-process store with the Redis store's semantics (expiry, lock TTL). For tests and single-process dev. */
export function createMemoryChatStore(
  opts: { ttlMs?: number; now?: () => number } = {},
): ChatStore & { readonly size: number } {
  const ttl = opts.ttlMs ?? SESSION_TTL_MS;
  const now = opts.now ?? Date.now;
  const sessions = new Map<string, Entry>();
  const locks = new Map<string, { token: symbol; until: number }>();
  const live = (id: string): Entry | undefined => {
    const e = sessions.get(id);
    if (e && e.expiresAt <= now()) sessions.delete(id);
    return sessions.get(id);
  };
  const copy = <T>(v: T): T => structuredClone(v);
  return {
    get size() {
      return sessions.size;
    },
    async create({ id, createdAt }) {
      sessions.set(id, {
        session: { id, createdAt, summary: null, summarisedTurns: 0, turns: [] },
        expiresAt: now() + ttl,
      });
    },
    async get(id) {
      const e = live(id);
      return e ? copy(e.session) : null;
    },
    async append(id, ...turns) {
      const e = live(id);
      if (!e) throw new SessionGoneError(id);
      e.session.turns.push(...copy(turns));
      e.expiresAt = now() + ttl;
    },
    async compact(id, summary, count) {
      const e = live(id);
      if (!e) throw new SessionGoneError(id);
      e.session.turns.splice(0, count);
      e.session.summary = summary;
      e.session.summarisedTurns += count;
      e.expiresAt = now() + ttl;
    },
    async lock(id, ttlMs) {
      const held = locks.get(id);
      if (held && held.until > now()) return null;
      const token = Symbol(id);
      locks.set(id, { token, until: now() + ttlMs });
      return {
        async release() {
          if (locks.get(id)?.token === token) locks.delete(id);
        },
      };
    },
  };
}
