import type { ComposeService } from "../compose-types.js";
import { baseService, health, type StackContext } from "./common.js";

export function postgresService(ctx: StackContext): ComposeService {
  const pg = ctx.sizing.postgres;
  return {
    ...baseService(ctx, "postgres", "postgres", pg, health(["CMD", "pg_isready", "-U", "stevie", "-d", "stevie", "-h", "127.0.0.1"], { interval: "5s", start_period: "120s" })),
    environment: {
      POSTGRES_DB: "stevie",
      POSTGRES_USER: "stevie",
      POSTGRES_PASSWORD_FILE: "/run/secrets/postgres_password",
      PG_SHARED_BUFFERS: `${pg.sharedBuffersMb}MB`,
      PG_EFFECTIVE_CACHE_SIZE: `${pg.effectiveCacheMb}MB`,
    },
    volumes: ["pgdata:/var/lib/postgresql/data"],
    networks: ["data"],
    secrets: ["postgres_password"],
    shm_size: "256m",
    stop_grace_period: "60s",
    stop_signal: "SIGINT",
  };
}
