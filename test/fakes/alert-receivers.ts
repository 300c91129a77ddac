import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/**
 * What an operator's side of alerting looks like, for the tests: a webhook endpoint that keeps every JSON body
 * Alertmanager posts, and a mail relay that offers STARTTLS, refuses to log anyone in before it, accepts one user
 * and password, and keeps every message with how it arrived. Both listen on HOST (the Docker bridge's address, which
 * Alertmanager reaches through its own network's way out).
 */
export interface WebhookPost {
  receivedAt: number;
  status: "firing" | "resolved";
  groupLabels: Record<string, string>;
  alerts: { status: string; labels: Record<string, string> }[];
}
export interface Mail {
  receivedAt: number;
  user: string | undefined;
  secure: boolean;
  data: string;
}

export async function startAlertReceivers(opts: {
  host: string;
  tls: { crt: string; key: string };
  user: string;
  password: string;
}) {
  const posts: WebhookPost[] = [];
  const mails: Mail[] = [];
  const refusedLogins: string[] = [];
  const web = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      try {
        posts.push({ ...(JSON.parse(body) as Omit<WebhookPost, "receivedAt">), receivedAt: Date.now() });
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((r) => web.listen(0, opts.host, r));

  const smtp = new SMTPServer({
    secure: false,
    key: await readFile(opts.tls.key),
    cert: await readFile(opts.tls.crt),
    authMethods: ["PLAIN", "LOGIN"],
    allowInsecureAuth: false,
    logger: false,
    onAuth(auth, _session, done) {
      if (auth.username === opts.user && auth.password === opts.password) return done(null, { user: auth.username });
      refusedLogins.push(auth.username ?? "");
      done(new Error("535 authentication failed"));
    },
    onData(stream, session, done) {
      let data = "";
      stream.on("data", (c: Buffer) => (data += c.toString()));
      stream.on("end", () => {
        mails.push({ receivedAt: Date.now(), user: session.user as string | undefined, secure: session.secure, data });
        done();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, opts.host, r));
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  return {
    webhookUrl: `http://${opts.host}:${(web.address() as AddressInfo).port}/alerts`,
    smarthost: `${opts.host}:${smtpPort}`,
    posts,
    mails,
    refusedLogins,
    close: async () => {
      await new Promise<void>((r) => smtp.close(() => r()));
      web.closeAllConnections();
      await new Promise<void>((r) => web.close(() => r()));
    },
  };
}
export type AlertReceivers = Awaited<ReturnType<typeof startAlertReceivers>>;
