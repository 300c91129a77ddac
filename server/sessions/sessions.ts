import { createHash, randomBytes } from "node:crypto";
import { TRPCError } from "@trpc/server";
import type { Redis } from "ioredis";
import { timebox } from "../cache/timebox.js";

/**
 * Anonymous sessions for web-app users and the chat assistant, in Redis: 24 h TTL, renewed on every use, value
 * capped at ~5 KB. Unlike the cache, sessions need Redis: when it is down or slow every call fails with a
 * SessionError of code SERVICE_UNAVAILABLE (HTTP 503), which tRPC passes on as it is.
 *
 * Ids are 128 random bits in base64url (22 characters). Redis keys hold a hash of the id, not the id, so a key
 * listing (e.g. in a support bundle) cannot be replayed as a session.
 */

export type SessionData = Record<string, unknown>;

export interface Session<T extends SessionData = SessionData> {
  id: string;
  data: T;
  createdAt: string;
  updatedAt: string;
}

export type SessionErrorCode = "SERVICE_UNAVAILABLE" | "PAYLOAD_TOO_LARGE" | "NOT_FOUND" | "BAD_REQUEST";

/** A TRPCError, so a procedure can let it through; `instanceof SessionError` tells it from others elsewhere. */
export class SessionError extends TRPCError {
  constructor(code: SessionErrorCode, message: string, cause?: unknown) {
    super({ code, message, cause });
  }
}

export interface SessionStore {
  create<T extends SessionData>(data?: T): Promise<Session<T>>;
  /** The session, with its TTL renewed; null for an unknown, expired or malformed id. */
  get<T extends SessionData = SessionData>(id: string): Promise<Session<T> | null>;
  /** Replace the session's data (TTL renewed). NOT_FOUND when it has expired. */
  update<T extends SessionData>(id: string, data: T): Promise<Session<T>>;
  /** Renew the TTL; false when there is no such session. */
  touch(id: string): Promise<boolean>;
  /** Remove the session; false when there was none. */
  delete(id: string): Promise<boolean>;
  /** The Redis key of a session id (before the client's "stevie:" prefix). */
  keyOf(id: string): string;
}

export interface SessionStoreOptions {
  ttlSeconds?: number;
  /** Largest stored value in bytes (data plus timestamps, as JSON). */
  maxBytes?: number;
  timeoutMs?: number;
}

export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export function newSessionId(): string {
  return randomBytes(16).toString("base64url");
}

export function isSessionId(id: unknown): id is string {
  return typeof id === "string" && SESSION_ID_PATTERN.test(id);
}

interface Stored {
  c: string;
  u: string;
  d: SessionData;
}

/** The stored JSON for a session, or a SessionError when the data is not a JSON object or is too big (pure). */
export function encodeSession(data: unknown, createdAt: string, updatedAt: string, maxBytes: number): string {
  if (data === null || typeof data !== "object" || Array.isArray(data))
    throw new SessionError("BAD_REQUEST", "session data must be a JSON object");
  let json: string;
  try {
    json = JSON.stringify({ c: createdAt, u: updatedAt, d: data as SessionData } satisfies Stored);
  } catch (err) {
    throw new SessionError("BAD_REQUEST", "session data must be plain JSON", err);
  }
  const bytes = Buffer.byteLength(json);
  if (bytes > maxBytes)
    throw new SessionError(
      "PAYLOAD_TOO_LARGE",
      `session data is ${bytes.toLocaleString("en")} bytes; the limit is ${maxBytes.toLocaleString("en")}`,
    );
  return json;
}

export function createSessionStore(redis: Redis, opts: SessionStoreOptions = {}): SessionStore {
  const { ttlSeconds = 24 * 60 * 60, maxBytes = 5 * 1024, timeoutMs = 250 } = opts;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1)
    throw new RangeError(`session TTL must be a positive whole number of seconds, got ${ttlSeconds}`);
  const ttlMs = ttlSeconds * 1000;
  const keyOf = (id: string) => `session:${createHash("sha256").update(id).digest("base64url")}`;

  async function call<T>(p: Promise<T>, what: string): Promise<T> {
    try {
      return await timebox(p, timeoutMs, `session ${what}`);
    } catch (err) {
      throw new SessionError("SERVICE_UNAVAILABLE", "sessions are unavailable right now; try again shortly", err);
    }
  }

  const decode = <T extends SessionData>(id: string, raw: string): Session<T> | null => {
    try {
      const s = JSON.parse(raw) as Stored;
      return { id, data: s.d as T, createdAt: s.c, updatedAt: s.u };
    } catch {
      return null;
    }
  };

  return {
    keyOf,
    async create<T extends SessionData>(data: T = {} as T) {
      const id = newSessionId();
      const at = new Date().toISOString();
      const json = encodeSession(data, at, at, maxBytes);
      // NX: 128 random bits do not collide, but an overwrite would hand one user another's session.
      const ok = await call(redis.set(keyOf(id), json, "PX", ttlMs, "NX"), "create");
      if (ok !== "OK") throw new SessionError("SERVICE_UNAVAILABLE", "could not create a session; try again");
      return { id, data, createdAt: at, updatedAt: at };
    },
    async get<T extends SessionData = SessionData>(id: string) {
      if (!isSessionId(id)) return null;
      // GETEX (Redis 6.2+): read and renew the TTL in one round trip.
      const raw = await call(redis.getex(keyOf(id), "PX", ttlMs), "get");
      return raw === null ? null : decode<T>(id, raw);
    },
    async update<T extends SessionData>(id: string, data: T) {
      if (!isSessionId(id)) throw new SessionError("NOT_FOUND", "no such session (it may have expired)");
      const key = keyOf(id);
      const raw = await call(redis.get(key), "get");
      const prev = raw === null ? null : decode(id, raw);
      if (!prev) throw new SessionError("NOT_FOUND", "no such session (it may have expired)");
      const at = new Date().toISOString();
      const json = encodeSession(data, prev.createdAt, at, maxBytes);
      // XX: a session deleted (logged out) between the read and this write stays deleted.
      const ok = await call(redis.set(key, json, "PX", ttlMs, "XX"), "update");
      if (ok !== "OK") throw new SessionError("NOT_FOUND", "no such session (it may have expired)");
      return { id, data, createdAt: prev.createdAt, updatedAt: at };
    },
    async touch(id) {
      if (!isSessionId(id)) return false;
      return (await call(redis.pexpire(keyOf(id), ttlMs), "touch")) === 1;
    },
    async delete(id) {
      if (!isSessionId(id)) return false;
      return (await call(redis.del(keyOf(id)), "delete")) === 1;
    },
  };
}
