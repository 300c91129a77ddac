import type { ComposeService } from "../compose-types.js";
import { baseService, fileHashLabel, health, type StackContext } from "./common.js";

export function nginxService(ctx: StackContext): ComposeService {
  const n = ctx.config.network;
  const base = baseService(ctx, "nginx", "nginx", ctx.sizing.nginx, health(["CMD", "curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8081/nginx-health"], { interval: "5s", start_period: "20s" }));
  return {
    ...base,
    labels: { ...base.labels, ...fileHashLabel(ctx, "nginx.conf") },
    ports: [`${n.bindAddress}:${n.httpPort}:8080`, `${n.bindAddress}:${n.httpsPort}:8443`],
    volumes: ["./nginx/nginx.conf:/etc/nginx/nginx.conf:ro", "./nginx/upstream:/etc/stevie/upstream:ro", "./tls:/etc/stevie/tls:ro"],
    networks: ["edge"],
    depends_on: { api: { condition: "service_healthy" } },
    stop_grace_period: "30s",
    stop_signal: "SIGQUIT",
  };
}
