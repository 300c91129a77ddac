import type { EdgeOptions } from "../../nginx/render.js";

/** The edge options the nginx tests render from (the defaults of a stack at api.example.com). */
export const TEST_EDGE_OPTIONS: EdgeOptions = {
  domain: "api.example.com",
  httpsPort: 8443,
  upstream: { host: "api", port: 3000 },
  maxBodyKb: 1024,
  rateLimitPerMinute: 100,
  rateLimitBurst: 100,
  chatRateLimitPerMinute: 20,
  maxConnectionsPerIp: 100,
  allow: [],
  deny: [],
  exempt: [],
  trustedProxies: [],
};
