import { z } from "zod";
import { originListProblems } from "../../server/cors.js";

/**
 * stevie.yaml: the operator's configuration. Every field has a default, so an empty file is valid.
 * The descriptions here are the documentation: `stevie-stack config example` renders them as comments.
 */

/** The most API replicas a stack runs: what each replica's database pool is sized from (see stack/services/api.ts). */
export const MAX_API_REPLICAS = 20;

/** How install takes the OpenAI key (it lives in secrets/, never in stevie.yaml). */
export const OPENAI_KEY_ENV = "STEVIE_OPENAI_API_KEY";
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const MODEL_NAME_MESSAGE = "a model name such as text-embedding-3-small: letters, digits and . _ : / -";

const port = z.number().int().min(1).max(65535);
const cidr = z.union([z.ipv4(), z.cidrv4(), z.ipv6(), z.cidrv6()], {
  error: "an IP address or CIDR such as 203.0.113.7 or 10.0.0.0/8",
});

export const configSchema = z
  .object({
    environment: z
      .enum(["dev", "staging", "prod"])
      .default("prod")
      .describe("dev, staging or prod: sets retention, sizing and log levels"),
    projectName: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,30}$/, "lower-case letters, digits and dashes, starting with a letter")
      .default("stevie")
      .describe("Docker Compose project name; every container, volume and network is labelled with it"),
    domain: z
      .string()
      // Labels of letters, digits and inner dashes: no leading dot (nginx would read a wildcard), no empty label.
      .regex(
        /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
        "a host name such as api.example.com",
      )
      .default("localhost")
      .describe("Host name the API is served under (goes into the TLS certificate)"),
    network: z
      .object({
        bindAddress: z.ipv4().default("0.0.0.0").describe("Host address nginx listens on"),
        httpPort: port.default(80).describe("HTTP port (redirects to HTTPS)"),
        httpsPort: port.default(443).describe("HTTPS port"),
        dataSubnet: z
          .cidrv4()
          .refine((c) => c.endsWith("/24"), "a /24 such as 10.213.7.0/24")
          .optional()
          .describe(
            "internal /24 for the database and cache network (Redis and its Sentinels get fixed addresses in it); default: a free one is picked",
          ),
      })
      .strict()
      .prefault({})
      .describe("Published ports: nginx is the only service that publishes any"),
    api: z
      .object({
        replicas: z
          .number()
          .int()
          .min(2)
          .max(MAX_API_REPLICAS)
          .default(2)
          .describe(`API containers (2 to ${MAX_API_REPLICAS}); with autoscale, where the autoscaler starts`),
        autoscale: z
          .boolean()
          .default(true)
          .describe(
            `the ops service scales the API (2 to ${MAX_API_REPLICAS} replicas) by CPU, memory, requests per replica and p95, never past the host's free memory or the database's connections; needs monitoring and ops`,
          ),
        rateLimitPerHour: z
          .number()
          .int()
          .min(1)
          .max(10_000_000)
          .default(1000)
          .describe(
            "calls per hour per client address, or per API key without a limit of its own (sliding window, on top of nginx's per-IP limit); each call of a batch counts",
          ),
        sessionsPerHour: z
          .number()
          .int()
          .min(1)
          .max(1_000_000)
          .default(60)
          .describe(
            "new sessions and chats per hour per client address or API key (each holds memory in Redis for a day)",
          ),
        maxBatchSize: z
          .number()
          .int()
          .min(1)
          .max(100)
          .default(10)
          .describe(
            "the most calls one batched request may carry; more is refused with a 400 (set the typed client's maxItems to match)",
          ),
        embedBudgetMs: z
          .number()
          .int()
          .min(0)
          .max(60_000)
          .default(50)
          .describe(
            "degrade, never queue: when a replica's embedding work ahead of a new description would take longer than this (ms), recommend answers from full-text search alone, marked degraded, and embeds the description in the background",
          ),
        responseCacheSeconds: z
          .number()
          .int()
          .min(300)
          .max(900)
          .default(600)
          .describe("how long recommendations and category reads are cached (5 to 15 minutes)"),
        corsOrigins: z
          .array(z.string().toLowerCase())
          .superRefine((origins, ctx) => {
            for (const message of originListProblems(origins)) ctx.addIssue({ code: "custom", message });
          })
          .default([])
          .describe(
            'browser pages on these exact origins (such as https://app.example.com; "*" alone: any) may call the API from another origin; no cookies or credentials are involved',
          ),
        historyDays: z
          .number()
          .int()
          .min(1)
          .max(3650)
          .default(90)
          .describe(
            "days each answered recommendation stays in the history table; the database leader deletes older rows every minute, in small batches beside the API's writes",
          ),
        logLevel: z
          .enum(["fatal", "error", "warn", "info", "debug", "trace"])
          .optional()
          .describe(
            "the API's log level; default: debug in dev, info elsewhere. At info it logs failed calls; each answered call only at debug (nginx's access log has every request)",
          ),
      })
      .strict()
      .prefault({})
      .describe("The tRPC API service"),
    openai: z
      .object({
        embeddingModel: z
          .string()
          .regex(MODEL_NAME, MODEL_NAME_MESSAGE)
          .default("text-embedding-3-small")
          .describe(
            "the model that embeds the catalogue and each query; a change re-embeds the catalogue before the API switches to it",
          ),
        embeddingDimensions: z
          .number()
          .int()
          .min(64)
          .max(4096)
          .default(1536)
          .describe(
            "the vectors' length (text-embedding-3-* can shorten theirs; another provider's model: its own length)",
          ),
        chatModel: z
          .string()
          .regex(MODEL_NAME, MODEL_NAME_MESSAGE)
          .default("gpt-4o-mini")
          .describe("the model the chat assistant answers with"),
        baseUrl: z
          .url({ protocol: /^https?$/ })
          .optional()
          .describe("an OpenAI-compatible service instead of api.openai.com, such as https://llm.internal.example/v1"),
      })
      .strict()
      .prefault({})
      .describe(
        `OpenAI embeddings and chat. Off until a key is set: \`stevie-stack config set openai.apiKey -\` reads it from stdin (or the ${OPENAI_KEY_ENV} environment variable at install); it is kept in secrets/ (0600), never here. Without a key, or while OpenAI fails, the offline model answers`,
      ),
    edge: z
      .object({
        rateLimitPerMinute: z
          .number()
          .int()
          .min(1)
          .max(1_000_000)
          .default(100)
          .describe("requests per minute per client IP (spec: 100)"),
        rateLimitBurst: z
          .number()
          .int()
          .min(0)
          .max(100_000)
          .default(100)
          .describe("requests a client may send at once above the steady rate"),
        chatRateLimitPerMinute: z
          .number()
          .int()
          .min(1)
          .max(100_000)
          .default(20)
          .describe("requests per minute per client IP to the chat assistant"),
        maxConnectionsPerIp: z
          .number()
          .int()
          .min(1)
          .max(100_000)
          .default(100)
          .describe("concurrent connections per client IP"),
        maxBodyKb: z.number().int().min(16).max(65_536).default(1024).describe("largest request body accepted, in KiB"),
        allow: z.array(cidr).default([]).describe("if not empty, only these IPs/CIDRs may connect"),
        deny: z.array(cidr).default([]).describe("IPs/CIDRs always refused"),
        exempt: z.array(cidr).default([]).describe("IPs/CIDRs not rate limited (monitoring, a trusted backend)"),
        trustedProxies: z
          .array(cidr)
          .default([])
          .describe("an upstream proxy or load balancer whose X-Forwarded-For names the real client"),
      })
      .strict()
      .prefault({})
      .describe("nginx: rate limits, size limits, allow and deny lists"),
    postgres: z
      .object({
        nodes: z
          .number()
          .int()
          .min(2)
          .max(3)
          .optional()
          .describe(
            "PostgreSQL members under Patroni (2 or 3); default: 3 on hosts with 16 GB and 4 CPUs or more, else 2",
          ),
        synchronous: z
          .boolean()
          .optional()
          .describe(
            "synchronous replication: a commit is acknowledged only once a replica has it, so losing the leader loses no acknowledged write (a lone leader keeps writing when its replicas are gone); default: on",
          ),
      })
      .strict()
      .prefault({})
      .describe("PostgreSQL 17 + pgvector under Patroni, with etcd and HAProxy"),
    redis: z
      .object({
        replicas: z
          .number()
          .int()
          .min(1)
          .max(2)
          .default(2)
          .describe("Redis replicas beside the master (1 or 2); three Sentinels watch them"),
      })
      .strict()
      .prefault({})
      .describe("Redis with Sentinel"),
    backup: z
      .object({
        fullEveryHours: z
          .number()
          .int()
          .min(1)
          .max(24 * 31)
          .default(168)
          .describe("a full pgBackRest backup this often (default weekly)"),
        diffEveryHours: z
          .number()
          .int()
          .min(1)
          .max(24 * 31)
          .default(24)
          .describe("a differential backup this often between full ones (default daily)"),
        drillEveryHours: z
          .number()
          .int()
          .min(0)
          .max(24 * 365)
          .default(168)
          .describe("a restore drill inside the stack, on a replica, this often (default weekly; 0: never)"),
        retentionDays: z
          .number()
          .int()
          .min(1)
          .max(3650)
          .optional()
          .describe("keep full backups (and what they need) this many days; default 7 in dev, 30 otherwise"),
        s3: z
          .object({
            endpoint: z
              .string()
              .regex(
                /^[A-Za-z0-9.-]+$/,
                "a host name or IP address without scheme or port, such as s3.eu-west-1.amazonaws.com",
              )
              .describe("the S3 service's host name or IP address (HTTPS only)"),
            port: port.default(443).describe("its HTTPS port"),
            bucket: z
              .string()
              .regex(
                /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
                "an S3 bucket name: 3 to 63 lower-case letters, digits, dots and dashes",
              )
              .describe("the bucket (it must exist; the stack writes under `path`)"),
            region: z
              .string()
              .regex(/^[a-z0-9-]+$/, "a region name such as eu-west-1")
              .default("us-east-1")
              .describe("the bucket's region (most S3-compatible services accept us-east-1)"),
            path: z
              .string()
              .regex(/^\/[A-Za-z0-9._/-]*$/, "an absolute path such as /stevie")
              .default("/stevie")
              .describe("where in the bucket the repository lives; one stack per path"),
            uriStyle: z
              .enum(["host", "path"])
              .default("host")
              .describe("host: bucket.endpoint (AWS); path: endpoint/bucket (most self-hosted S3 services)"),
            caFile: z
              .string()
              .min(1)
              .optional()
              .describe(
                "a CA certificate (PEM) that signs the service's certificate, for a private S3 service (a path on this host; relative to the stack directory); default: the system's CAs",
              ),
            retentionDays: z
              .number()
              .int()
              .min(1)
              .max(3650)
              .optional()
              .describe("keep full backups in S3 this many days; default: as backup.retentionDays"),
          })
          .strict()
          .optional()
          .describe(
            "a second, off-host repository on S3-compatible storage (same encryption key). WAL goes to both repositories; scheduled backups too. Credentials: the STEVIE_S3_ACCESS_KEY_ID and STEVIE_S3_SECRET_ACCESS_KEY environment variables at install, kept in secrets/ (0600)",
          ),
      })
      .strict()
      .prefault({})
      .describe("Backups: pgBackRest, encrypted, continuous WAL archiving (recovery point about a minute)"),
    tls: z
      .object({
        mode: z
          .enum(["self-signed", "files", "acme"])
          .default("self-signed")
          .describe(
            "self-signed: a local CA signs the server certificate (tls/ca.crt is what clients trust); files: your own certificate and key; acme: a certificate from Let's Encrypt (or another ACME CA) over HTTP-01, renewed automatically",
          ),
        certFile: z
          .string()
          .min(1)
          .optional()
          .describe(
            "files mode: the certificate chain in PEM, the server certificate first, then the intermediates (a path on this host; relative to the stack directory)",
          ),
        keyFile: z
          .string()
          .min(1)
          .optional()
          .describe("files mode: the certificate's private key in PEM, without a passphrase"),
        acme: z
          .object({
            email: z
              .email()
              .describe(
                "the account's contact address: the CA writes to it about certificates that are about to expire",
              ),
            staging: z
              .boolean()
              .default(false)
              .describe(
                "Let's Encrypt's staging CA (certificates browsers do not trust, much higher rate limits): for a first try",
              ),
            directoryUrl: z
              .url({ protocol: /^https$/ })
              .optional()
              .describe("another ACME CA's directory URL (a private CA, say); overrides staging"),
            caFile: z
              .string()
              .min(1)
              .optional()
              .describe(
                "the CA certificate (PEM) that the ACME server's own HTTPS certificate chains to, when a private one (a path on this host)",
              ),
            renewDays: z
              .number()
              .int()
              .min(1)
              .max(60)
              .default(30)
              .describe("renew when fewer days than this are left (checked twice a day)"),
            preflight: z
              .boolean()
              .default(true)
              .describe(
                "before asking for a certificate, check from this host that the domain reaches this stack's nginx over HTTP; turn off only when this host cannot reach itself by its public name (NAT without hairpin)",
              ),
          })
          .strict()
          .optional()
          .describe("acme mode: the ACME account and CA"),
      })
      .strict()
      .refine((t) => t.mode !== "files" || (t.certFile && t.keyFile), {
        message: "mode files needs certFile and keyFile",
        path: ["mode"],
      })
      .refine((t) => t.mode !== "acme" || t.acme, {
        message: "mode acme needs acme.email (the address the CA writes to about expiring certificates)",
        path: ["mode"],
      })
      .prefault({})
      .describe("TLS certificates"),
    monitoring: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe("Prometheus, Alertmanager and the exporters (node, PostgreSQL, Redis, nginx) inside the stack"),
        retentionDays: z
          .number()
          .int()
          .min(1)
          .max(3650)
          .default(31)
          .describe("days of metrics Prometheus keeps (31 covers the 30-day OpenAI budget window)"),
        retentionSizeMb: z
          .number()
          .int()
          .min(256)
          .max(1_048_576)
          .default(4096)
          .describe("upper bound on Prometheus's disk use, in MB; the oldest data goes first"),
        openaiMonthlyBudgetUsd: z
          .number()
          .min(0)
          .max(1_000_000)
          .default(100)
          .describe(
            "OpenAI spend per 30 days that the budget alerts (50, 80, 100 %) measure against; 0: no budget alerts",
          ),
        logs: z
          .object({
            enabled: z
              .boolean()
              .default(false)
              .describe(
                "Loki stores every container's log and Alloy ships them (official images from Docker Hub: hosts without it keep this off; `stevie-stack logs` works either way)",
              ),
            retentionDays: z
              .number()
              .int()
              .min(30)
              .max(3650)
              .default(30)
              .describe("days of logs Loki keeps (the spec asks at least 30)"),
            maxSizeMb: z
              .number()
              .int()
              .min(2048)
              .max(1_048_576)
              .default(20_480)
              .describe(
                "upper bound on Loki's disk use, in MB: Loki accepts on average this much log text per retention period (a burst may borrow ahead) and refuses the rest, counted and alerted",
              ),
            lokiImage: z
              .string()
              .regex(/^[\w./-]+:[\w.-]+$/, "an image with a pinned tag, such as grafana/loki:3.5.7")
              .default("grafana/loki:3.5.7")
              .describe("the official Loki image, pinned"),
            alloyImage: z
              .string()
              .regex(/^[\w./-]+:[\w.-]+$/, "an image with a pinned tag, such as grafana/alloy:v1.11.3")
              .default("grafana/alloy:v1.11.3")
              .describe("the official Grafana Alloy image, pinned"),
          })
          .strict()
          .prefault({})
          .describe("Central log store"),
        grafana: z
          .object({
            enabled: z
              .boolean()
              .default(false)
              .describe(
                "run Grafana with the stack's dashboards (its image is pulled from Docker Hub: hosts without it keep this off)",
              ),
            image: z
              .string()
              .regex(/^[\w./-]+:[\w.-]+$/, "an image with a pinned tag, such as grafana/grafana:12.2.1")
              .default("grafana/grafana:12.2.1")
              .describe("the official Grafana image, pinned"),
            port: port
              .default(3001)
              .describe(
                "Grafana listens on 127.0.0.1 at this port only (reach it through an SSH tunnel); admin password in secrets/grafana_admin_password",
              ),
          })
          .strict()
          .prefault({})
          .describe("Grafana dashboards (API, database, cache, OpenAI, edge, backups, host)"),
        alerts: z
          .object({
            webhookUrl: z
              .url({ protocol: /^https?$/ })
              .optional()
              .describe(
                "Alertmanager posts every alert here (JSON webhook: Slack/Teams bridges, PagerDuty, your own endpoint)",
              ),
            email: z
              .object({
                to: z.email().describe("who receives alert mail"),
                from: z.email().describe("sender address"),
                smarthost: z
                  .string()
                  .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, "host:port of the SMTP relay, such as smtp.example.com:587")
                  .describe("SMTP relay, host:port"),
                requireTls: z.boolean().default(true).describe("insist on STARTTLS"),
                username: z
                  .string()
                  .min(1)
                  .max(256)
                  .optional()
                  .describe(
                    "log in to the relay as this user (after STARTTLS); the password: the STEVIE_SMTP_PASSWORD environment variable at install, kept in secrets/ (0600)",
                  ),
                caFile: z
                  .string()
                  .min(1)
                  .optional()
                  .describe(
                    "a CA certificate (PEM) that signs the relay's certificate, for a private relay (a path on this host; relative to the stack directory); default: the system's CAs",
                  ),
              })
              .strict()
              .optional()
              .describe("alert mail through an SMTP relay that accepts mail from this host"),
            slack: z
              .object({
                channel: z
                  .string()
                  .regex(/^[#@]?[A-Za-z0-9._-]{1,80}$/, "a channel such as #ops")
                  .optional()
                  .describe("post to this channel instead of the webhook's own"),
              })
              .strict()
              .optional()
              .describe(
                "alerts to a Slack (or Slack-compatible: Mattermost, Rocket.Chat) incoming webhook; its URL: the STEVIE_SLACK_WEBHOOK_URL environment variable at install, kept in secrets/ (0600)",
              ),
            pagerduty: z
              .object({})
              .strict()
              .optional()
              .describe(
                "critical alerts page through PagerDuty (Events API v2); the integration's routing key: the STEVIE_PAGERDUTY_ROUTING_KEY environment variable at install, kept in secrets/ (0600)",
              ),
          })
          .strict()
          .prefault({})
          .describe(
            "where Alertmanager sends alerts: critical ones at once, warnings grouped every 10 minutes; with none set they show in `stevie-stack status` and `stevie-stack alerts list` only",
          ),
      })
      .strict()
      .prefault({})
      .describe("Metrics and alerts"),
    resources: z
      .object({
        profile: z
          .enum(["auto", "small", "standard"])
          .default("auto")
          .describe("auto sizes from the host's RAM; small suits 2-4 GB hosts"),
      })
      .strict()
      .prefault({})
      .describe("CPU and memory sizing"),
    ops: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe(
            "run the ops service: it renews the stack's certificates before they expire and runs the autoscaler. It drives the host's Docker engine (its socket is mounted), as the CLI does",
          ),
      })
      .strict()
      .prefault({})
      .describe("The stack's own operator: routine jobs that need no person"),
  })
  .strict()
  // An ACME CA issues only for a public DNS name (not an address, not localhost): it must reach the name itself.
  .refine(
    (c) =>
      c.tls.mode !== "acme" ||
      (/[A-Za-z]/.test(c.domain) && c.domain.includes(".") && !/(^|\.)localhost$/i.test(c.domain)),
    {
      message: "tls mode acme needs a public DNS name here (such as api.example.com), one the CA can reach",
      path: ["domain"],
    },
  );

export type StevieConfig = z.output<typeof configSchema>;
export type StevieConfigInput = z.input<typeof configSchema>;
