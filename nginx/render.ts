import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import {
  ANY_ORIGIN,
  CORS_EXPOSED_HEADERS,
  CORS_MAX_AGE_SECONDS,
  CORS_METHODS,
  CORS_REQUEST_HEADERS,
} from "../server/cors.js";

/**
 * nginx.conf for the edge. One typed function renders the whole file; the e2e suite runs `nginx -t` on it
 * inside the real image and probes it with real clients, and a snapshot test pins its shape.
 */
export interface EdgeOptions {
  domain: string;
  httpsPort: number;
  upstream: { host: string; port: number };
  /** Largest request body the API accepts. */
  maxBodyKb: number;
  rateLimitPerMinute: number;
  rateLimitBurst: number;
  chatRateLimitPerMinute: number;
  maxConnectionsPerIp: number;
  allow: string[];
  deny: string[];
  exempt: string[];
  trustedProxies: string[];
  /** Origins whose browser pages may call the API (exact, lower-case, as api.corsOrigins validated them), or ["*"]. */
  corsOrigins?: string[];
  /** Staple the OCSP answer for the certificate (a certificate you bring, when it names a responder). */
  ocspStapling?: boolean;
  /** Where the certificate and key are (server.crt, server.key): the stack's tls/ directory, or the ACME live one. */
  certDir?: string;
  /** Serve the local CA's certificate at /ca.crt (self-signed mode: what clients must trust). */
  caDownload?: boolean;
}

/** In the container: the stack's tls/ directory, and tls.mode acme's directory (see compose/images/nginx/acme.sh). */
export const TLS_DIR = "/etc/stevie/tls";
export const ACME_DIR = "/etc/stevie/acme";

/** Where nginx finds the API's server lines (a directory mount, so a rewrite by rename is seen). */
export const UPSTREAM_INCLUDE = "/etc/stevie/upstream/api.conf";

/** The API's server lines as the nginx image's follow loop keeps them (compose/images/nginx/follow.sh), on a tmpfs. */
export const FOLLOW_FILE = "/run/stevie/api-ready.conf";
/** stub_status for the stack's nginx exporter: a Unix socket in a volume the two share (cli/stack/services). */
export const STATUS_DIR = "/run/stevie-status";
export const STATUS_SOCKET = `${STATUS_DIR}/nginx.sock`;

/**
 * api.conf: normally the follow loop's list (the replicas that answer now, picked up within seconds as they come,
 * go or move); while the CLI takes a replica out, the addresses of the ones that stay, which the loop leaves alone.
 * A replica that fails is skipped for 10 s.
 */
export function renderApiUpstream(upstream: { host: string; port: number }, addresses?: string[]): string {
  if (!addresses?.length) return `include ${FOLLOW_FILE};\n`;
  return `${addresses.map((h) => `server ${h}:${upstream.port} max_fails=3 fail_timeout=10s;`).join("\n")}\n`;
}

/** The addresses in a list of server lines (the follow loop's file), for the CLI to compare with the replicas it sees. */
export function upstreamAddresses(text: string): string[] {
  return [...text.matchAll(/^server ([0-9.]+):\d+ max_fails/gm)].map((m) => m[1]!);
}

const TLS_CIPHERS = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");

const ACCESS_LOG_FORMAT = [
  `"time":"$time_iso8601"`,
  `"remote_addr":"$remote_addr"`,
  `"request_id":"$request_id"`,
  `"method":"$request_method"`,
  `"uri":"$uri"`,
  `"status":$status`,
  `"bytes":$body_bytes_sent`,
  `"request_time":$request_time`,
  `"upstream_time":"$upstream_response_time"`,
  `"upstream":"$upstream_addr"`,
  `"tls":"$ssl_protocol"`,
  `"user_agent":"$http_user_agent"`,
].join(",");

const CORS_HIDDEN = [
  "Access-Control-Allow-Origin",
  "Access-Control-Allow-Credentials",
  "Access-Control-Allow-Methods",
  "Access-Control-Allow-Headers",
  "Access-Control-Expose-Headers",
  "Access-Control-Max-Age",
];

/** Upstream keep-alive and the headers the API reads (request id, client address); shared by every /api/ location. */
const PROXY_TO_API = `            proxy_pass http://api;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Request-Id $request_id;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto https;
            # nginx alone answers CORS: whatever the API might say about it is dropped, so a browser never sees two.
${CORS_HIDDEN.map((h) => `            proxy_hide_header ${h};`).join("\n")}`;

/** Paths scanners probe for; none of them is ours, so they are refused before any upstream sees them. */
const EXPLOIT_PATTERN = String.raw`(\.\.|%2e%2e|%00|\.(php|asp|aspx|jsp|cgi|env|git|svn|htaccess|bak|sql|ini)(\b|$)|/(wp-admin|wp-login|phpmyadmin|cgi-bin|etc/passwd|\.well-known/security))`;

/** A tRPC path that calls a chat procedure: one of its comma-separated calls starts with `chat.` (`[^,]`, not `.`, which a decoded `%0A` stops). */
const CHAT_PATH = String.raw`^/api/trpc/([^,]*,)*chat\.`;

/** On every answer, nginx's own errors included: in a location, `add_header` replaces what the server level set. */
const SECURITY_HEADERS = [
  `add_header Strict-Transport-Security "max-age=31536000" always;`,
  `add_header X-Content-Type-Options "nosniff" always;`,
  `add_header X-Frame-Options "DENY" always;`,
  `add_header Referrer-Policy "no-referrer" always;`,
];

/**
 * CORS (issue 24), on every answer of the API's server, nginx's refusals included, so a page's script sees a 429 or
 * 413 rather than a network error. The origin comes from the map (the listed value, never the request's echoed back);
 * for an origin not listed it is empty, and nginx sends no header with an empty value. No Allow-Credentials: the API
 * sets no cookies.
 */
const CORS_HEADERS = [
  `add_header Access-Control-Allow-Origin $stevie_cors_origin always;`,
  `add_header Access-Control-Expose-Headers "${CORS_EXPOSED_HEADERS}" always;`,
  `add_header Vary Origin always;`,
];

/** What the API's server sends on every answer; a location with an add_header of its own repeats them all. */
const EDGE_HEADERS = [...SECURITY_HEADERS, ...CORS_HEADERS];

/**
 * A CORS preflight under /api/, answered by nginx itself, without the API. A return runs before the rate limits and
 * the allow and deny lists (as for /api/health/edge): a page's calls cost what they cost without their preflights, and
 * a refused client learns nothing but the CORS rules; its call itself is refused (with the CORS headers, so its page
 * sees the 403). A page on an origin that is not listed gets no Allow-Origin, and its browser sends nothing more.
 */
const PREFLIGHT = `            # A CORS preflight: answered here, whatever the origin (the map decides whether it is allowed).
            if ($request_method = OPTIONS) {
${[
  ...EDGE_HEADERS,
  `add_header Allow "${CORS_METHODS}" always;`,
  `add_header Access-Control-Allow-Methods "${CORS_METHODS}" always;`,
  `add_header Access-Control-Allow-Headers "${CORS_REQUEST_HEADERS}" always;`,
  `add_header Access-Control-Max-Age ${CORS_MAX_AGE_SECONDS} always;`,
  "return 204;",
]
  .map((l) => `                ${l}`)
  .join("\n")}
            }`;

/**
 * The names this stack answers to besides its domain: `localhost` (in its certificate), `nginx` (its service name:
 * callers inside the stack's network) and any IP address (a client that came by address sends no name to check, and
 * the host's public address is not known here). Every other Host or SNI is someone else's name (issue 22).
 */
const OTHER_SERVED_NAMES = [
  "localhost",
  "nginx",
  String.raw`~^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$`,
  String.raw`~^\[[0-9a-f:.]+\]$`,
];

/**
 * nginx's own refusals, each answered as JSON (its default is an HTML page) with the security headers. Not 400 and
 * 414: nginx raises those before it has a request it can hand to a location (error_page there answers 500).
 */
const ERROR_ANSWERS: { status: number; name: string; code: string; message: (o: EdgeOptions) => string }[] = [
  { status: 403, name: "forbidden", code: "FORBIDDEN", message: () => "forbidden" },
  {
    status: 405,
    name: "not_allowed",
    code: "METHOD_NOT_SUPPORTED",
    message: () => "method not allowed; the API takes GET, POST and OPTIONS",
  },
  {
    status: 413,
    name: "too_large",
    code: "PAYLOAD_TOO_LARGE",
    message: (o) => `request body larger than ${o.maxBodyKb} KiB`,
  },
];

function errorLocation(e: (typeof ERROR_ANSWERS)[number], o: EdgeOptions): string {
  return `        location @${e.name} {
${EDGE_HEADERS.map((h) => `            ${h}`).join("\n")}
            default_type application/json;
            return ${e.status} ${jsonError(e.code, e.status, e.message(o))};
        }`;
}

/**
 * nginx's own refusals in tRPC's error shape (a numeric JSON-RPC code, the name and HTTP status in `data`), so the typed
 * client reports them as a TRPCClientError with `data.code` (for a batch, the one body stands for every call) rather
 * than "Unable to transform response from server". Quoted for nginx's `return`.
 */
function jsonError(code: string, status: number, message: string): string {
  const codes: Record<string, number> = TRPC_ERROR_CODES_BY_KEY;
  return `'${JSON.stringify({ error: { message, code: codes[code] ?? TRPC_ERROR_CODES_BY_KEY.BAD_REQUEST, data: { code, httpStatus: status } } })}'`;
}

/** nginx asks the certificate's OCSP responder (Docker's resolver finds it) and checks the answer against the chain. */
const ocspLines = (certDir: string) => `ssl_stapling on;
ssl_stapling_verify on;
ssl_trusted_certificate ${certDir}/server.crt;
resolver 127.0.0.11 valid=300s ipv6=off;
resolver_timeout 5s;`;

function corsMap(origins: string[]): string {
  if (origins.includes(ANY_ORIGIN)) return `        default "${ANY_ORIGIN}";`;
  // A key listed twice would stop nginx ("conflicting parameter").
  return [`        default "";`, ...[...new Set(origins)].map((origin) => `        ${origin} ${origin};`)].join("\n");
}

export function renderNginxConf(o: EdgeOptions): string {
  const certDir = o.certDir ?? TLS_DIR;
  const httpsSuffix = o.httpsPort === 443 ? "" : `:${o.httpsPort}`;
  const retryAfter = Math.max(1, Math.ceil(60 / o.rateLimitPerMinute));
  const chatRetryAfter = Math.max(1, Math.ceil(60 / o.chatRateLimitPerMinute));
  const access = [
    ...o.deny.map((c) => `deny ${c};`),
    ...o.allow.map((c) => `allow ${c};`),
    ...(o.allow.length ? ["deny all;"] : []),
  ];
  const realIp = o.trustedProxies.length
    ? [
        ...o.trustedProxies.map((c) => `set_real_ip_from ${c};`),
        "real_ip_header X-Forwarded-For;",
        "real_ip_recursive on;",
      ]
    : [];
  const indent = (lines: string[], n: number) => lines.map((l) => `${" ".repeat(n)}${l}`).join("\n");
  const domain = o.domain.toLowerCase();
  return `# Generated by stevie-stack from stevie.yaml. Re-run \`stevie-stack install\` to regenerate.
worker_processes auto;
worker_rlimit_nofile 16384;
pid /run/nginx.pid;
error_log stderr warn;

events {
    worker_connections 4096;
}

http {
    include /etc/nginx/mime.types;
    default_type application/json;
    server_tokens off;
    sendfile on;
    tcp_nodelay on;

    log_format json escape=json '{${ACCESS_LOG_FORMAT}}';
    # Buffered: one write per 64 KiB or per second rather than one per request (each write is work for Docker's log pipe).
    access_log /dev/stdout json buffer=64k flush=1s;
${realIp.length ? `\n    # Behind a trusted proxy: the client is the first untrusted address in X-Forwarded-For.\n${indent(realIp, 4)}\n` : ""}
    # Idle client connections close after 60 s; slow senders are cut off early.
    keepalive_timeout 60s;
    keepalive_requests 10000;
    client_header_timeout 10s;
    client_body_timeout 10s;
    send_timeout 30s;
    client_max_body_size ${o.maxBodyKb}k;
    client_body_buffer_size ${Math.min(o.maxBodyKb, 1024)}k;
    large_client_header_buffers 4 32k;

    # Room in a map's hash for the longest key one may have: an origin with a 253-character host name (the default
    # bucket, 64 bytes, holds about 50 characters). Set before the first map, which fixes it.
    map_hash_bucket_size 512;

    # Per-client limits. Exempt addresses get an empty key, which nginx does not count.
    geo $stevie_exempt {
        default 0;
${o.exempt.map((c) => `        ${c} 1;`).join("\n")}
    }
    map $stevie_exempt $stevie_limit_key {
        0 $binary_remote_addr;
        1 "";
    }
    limit_req_zone $stevie_limit_key zone=api_per_ip:10m rate=${o.rateLimitPerMinute}r/m;
    limit_req_zone $stevie_limit_key zone=chat_per_ip:10m rate=${o.chatRateLimitPerMinute}r/m;
    limit_conn_zone $stevie_limit_key zone=conn_per_ip:10m;
    limit_req_status 429;
    limit_conn_status 429;
    limit_req_log_level warn;

    # A plain-HTTP request is redirected under the name it came by when the stack serves that name, else under the
    # domain: never to a name the client chose (\`Host: evil.example\`). The domain is the default, not a key, which
    # it could not always be (a key \`default\` or \`include\` is read as a map keyword).
    map $host $stevie_https_host {
        default ${domain};
${OTHER_SERVED_NAMES.map((n) => `        ${n} $host;`).join("\n")}
    }

    # The value of Access-Control-Allow-Origin for a request's Origin (api.corsOrigins): the origin as listed, or "*"
    # for any; else empty. The keys are validated origins (no byte nginx reads as syntax); nginx compares them ignoring case.
    map $http_origin $stevie_cors_origin {
${corsMap(o.corsOrigins ?? [])}
    }

    upstream api {
        # The replicas: normally the list the follow loop in the image keeps (every ready replica's address, see
        # renderApiUpstream); while the CLI takes a replica out, the addresses of the ones that stay.
        include ${UPSTREAM_INCLUDE};
        keepalive 64;
        keepalive_timeout 60s;
    }

    server {
        listen 8080 default_server;
        listen [::]:8080 default_server;
${indent(access, 8)}
        # HTTP-01 challenges (tls.mode acme): lego writes the answers here; the CA fetches them over plain HTTP.
        # Open to all even with an allow list: the CA's validation addresses are not published.
        location /.well-known/acme-challenge/ {
            allow all;
            root ${ACME_DIR}/webroot;
        }
${
  o.caDownload
    ? `        # The local CA's certificate, for clients to trust (public; compare its fingerprint with the one install printed).
        location = /ca.crt {
            alias ${TLS_DIR}/ca.crt;
        }
`
    : ""
}        location / {
            return 301 https://$stevie_https_host${httpsSuffix}$request_uri;
        }
    }

    server {
        listen 8443 ssl default_server;
        listen [::]:8443 ssl default_server;
        http2 on;
        server_name ${[...new Set([domain, ...OTHER_SERVED_NAMES])].join(" ")};
${indent(access, 8)}

        ssl_certificate ${certDir}/server.crt;
        ssl_certificate_key ${certDir}/server.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers ${TLS_CIPHERS};
        ssl_prefer_server_ciphers off;
        ssl_session_cache shared:TLS:10m;
        ssl_session_timeout 1d;
        ssl_session_tickets off;${o.ocspStapling ? `\n${indent(ocspLines(certDir).split("\n"), 8)}` : ""}

${indent(EDGE_HEADERS, 8)}

        limit_conn conn_per_ip ${o.maxConnectionsPerIp};
        error_page 429 = @rate_limited;
${ERROR_ANSWERS.map((e) => `        error_page ${e.status} = @${e.name};`).join("\n")}

        location ~* ${EXPLOIT_PATTERN} {
            return 403;
        }

        # The chat assistant: a tighter rate, answers streamed (SSE) for up to 120 s. Any URL whose procedure list
        # (tRPC splits it at commas) holds a chat call, batched behind others too (\`session.start,chat.start\`);
        # locations match the decoded, normalised path, so \`%2C\`, \`%2E\`, \`%2F\` or \`%0A\` change nothing.
        location ~ ${CHAT_PATH} {
            limit_except GET POST OPTIONS { deny all; }
            limit_req zone=chat_per_ip burst=${Math.max(1, Math.round(o.chatRateLimitPerMinute / 2))} nodelay;
            set $stevie_retry_after ${chatRetryAfter};
${PREFLIGHT}
${PROXY_TO_API}
            proxy_buffering off;
            proxy_cache off;
            proxy_connect_timeout 2s;
            proxy_send_timeout 120s;
            proxy_read_timeout 120s;
            proxy_next_upstream error;
        }

        location /api/ {
            limit_except GET POST OPTIONS { deny all; }
            limit_req zone=api_per_ip burst=${o.rateLimitBurst} nodelay;
            set $stevie_retry_after ${retryAfter};
${PREFLIGHT}
${PROXY_TO_API}
            # Replicas are on the same bridge: a connect that takes 2 s is to a replica that just went away (its
            # address stays in nginx's list until the CLI reloads it); give up on it and try the next.
            proxy_connect_timeout 2s;
            proxy_send_timeout 30s;
            proxy_read_timeout 30s;
            # A replica that refuses the connection or does not answer: try the next. nginx never re-sends a POST that
            # reached one. Not on a 503: that is the API's own answer (the database or Redis away, readiness while it
            # drains), the same from every replica, and nginx would count it against the replica (max_fails): an
            # uptime check polling /api/health/ready through a database failover took every replica out, and
            # answers from the cache got 502 for 10 s.
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 3;
        }

        # The edge alone, answered by nginx without the API: for an outside uptime check or load balancer, and the
        # fixed-response ceiling that \`npm run bench\` measures the API against. Not rate limited (a return comes first).
        location = /api/health/edge {
            return 200 '{"status":"ok"}';
        }

${
  o.caDownload
    ? `        location = /ca.crt {
            alias ${TLS_DIR}/ca.crt;
        }

`
    : ""
}        # Metrics are for Prometheus on the internal network only.
        location = /metrics { return 404; }

        location / {
            return 404 ${jsonError("NOT_FOUND", 404, "no such endpoint")};
        }

        location @rate_limited {
            add_header Retry-After $stevie_retry_after always;
${indent(EDGE_HEADERS, 12)}
            default_type application/json;
            return 429 ${jsonError("TOO_MANY_REQUESTS", 429, "rate limit exceeded; retry after the number of seconds in Retry-After")};
        }
${ERROR_ANSWERS.map((e) => errorLocation(e, o)).join("\n")}
    }

    # Any other name: an unknown SNI is refused at the handshake, a foreign Host (by IP or a known SNI) answered 421,
    # because a name someone else points at this address must not pass for this API (DNS rebinding, issue 22).
    # Regular-expression names are tried in the order they appear, so the main server's IP-address names come first;
    # a client that sends no SNI (by IP address) gets the default server, the main one.
    server {
        listen 8443 ssl;
        listen [::]:8443 ssl;
        server_name ~.;
        ssl_reject_handshake on;
${indent(SECURITY_HEADERS, 8)}
        # nginx itself answers 421 here, before any location: error_page gives it the JSON body of every other refusal.
        error_page 421 = @misdirected;
        location / {
            return 421;
        }
        location @misdirected {
            default_type application/json;
            return 421 ${jsonError("MISDIRECTED_REQUEST", 421, "this server does not serve that host name")};
        }
    }

    # Health and connection counts: the container's health check on loopback, the stack's nginx exporter through a
    # Unix socket in a volume only the two mount. On no network.
    server {
        listen 127.0.0.1:8081;
        listen unix:${STATUS_SOCKET};
        access_log off;
        location = /nginx-health { return 200 "ok\\n"; }
        location = /stub_status { stub_status; }
    }
}
`;
}
