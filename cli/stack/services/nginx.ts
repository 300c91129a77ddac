import { ACME_DIR, STATUS_DIR, TLS_DIR } from "../../../nginx/render.js";
import { acmeServer } from "../acme.js";
import type { ComposeService } from "../compose-types.js";
import { baseService, DROPS_TO_USER, fileHashLabel, health, type StackContext } from "./common.js";
import { NGINX_STATUS_VOLUME, TEXTFILE_DIR } from "./monitoring.js";
import { ACME_CA_FILE, EDGE_TLS_SUBDIR } from "../tls.js";

export function nginxService(ctx: StackContext): ComposeService {
  const n = ctx.config.network;
  const tls = ctx.config.tls;
  const base = baseService(
    ctx,
    "nginx",
    "nginx",
    ctx.sizing.nginx,
    health(["CMD", "curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8081/nginx-health"], {
      interval: "5s",
      start_period: "20s",
    }),
  );
  // tls.mode acme: the renewal loop beside nginx (compose/images/nginx/acme.sh) keeps its state in ./acme and
  // reports each check to the node exporter's textfile directory.
  const acme = tls.mode === "acme" && tls.acme;
  return {
    ...base,
    labels: { ...base.labels, ...fileHashLabel(ctx, "nginx.conf") },
    ports: [`${n.bindAddress}:${n.httpPort}:8080`, `${n.bindAddress}:${n.httpsPort}:8443`],
    volumes: [
      "./nginx/nginx.conf:/etc/nginx/nginx.conf:ro",
      "./nginx/upstream:/etc/stevie/upstream:ro",
      `./tls/${EDGE_TLS_SUBDIR}:${TLS_DIR}:ro`,
      `${NGINX_STATUS_VOLUME}:${STATUS_DIR}`,
      ...(acme
        ? [`./acme:${ACME_DIR}`, ...(ctx.config.monitoring.enabled ? [`./${TEXTFILE_DIR}:/etc/stevie/textfile`] : [])]
        : []),
    ],
    // The master starts as root (it reads the 0600 keys) and runs its workers as nobody: SETUID and SETGID for them,
    // CHOWN for their temporary directories, KILL to signal them (reloads, stops). Written: the pid
    // file and the follow loop's list of API replicas (FOLLOW_FILE) under /run, the workers' buffers for large
    // request bodies under /var/lib/nginx, lego's scratch files under /tmp.
    read_only: true,
    tmpfs: ["/run", "/var/lib/nginx", "/tmp"],
    cap_add: ["CHOWN", ...DROPS_TO_USER],
    ...(acme
      ? {
          environment: {
            ACME_DOMAIN: ctx.config.domain,
            ACME_EMAIL: acme.email,
            ACME_SERVER: acmeServer(acme),
            ACME_RENEW_DAYS: String(acme.renewDays),
            ...(acme.caFile ? { ACME_CA_FILE: `${TLS_DIR}/${ACME_CA_FILE}` } : {}),
          },
        }
      : {}),
    networks: ["edge"],
    depends_on: { api: { condition: "service_healthy" } },
    stop_grace_period: "30s",
    stop_signal: "SIGQUIT",
  };
}
