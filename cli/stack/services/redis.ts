import type { ComposeService } from "../compose-types.js";
import { baseService, health, type StackContext } from "./common.js";

export function redisService(ctx: StackContext): ComposeService {
  const r = ctx.sizing.redis;
  return {
    ...baseService(ctx, "redis", "redis", r, health(["CMD", "stevie-redis-health"], { interval: "5s", start_period: "30s" })),
    environment: { REDIS_PASSWORD_FILE: "/run/secrets/redis_password", REDIS_MAXMEMORY: `${r.maxmemoryMb}mb` },
    volumes: ["redisdata:/data"],
    networks: ["data"],
    secrets: ["redis_password"],
    stop_grace_period: "30s",
  };
}
