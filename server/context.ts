import type { Redis } from "ioredis";
import type { Db } from "./db.js";
import type { Logger } from "./logger.js";

/** Everything a procedure may touch, passed in (never imported) so tests can build it over real services. */
export interface Deps {
  db: Db;
  redis: Redis;
  log: Logger;
  version: string;
  now: () => Date;
}

export interface Context extends Deps {
  requestId: string;
}

export function createContextFactory(deps: Deps) {
  return (requestId: string): Context => ({ ...deps, requestId });
}
