import { X509Certificate, createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import puppeteer, { type Browser } from "puppeteer-core";
import { run } from "../../cli/exec.js";

/** Debian's Chromium, run headless by puppeteer-core. */
export const CHROMIUM = "/usr/bin/chromium";

/** Installs Debian's chromium when it is missing (the tests run as root on Debian, as `npm test` does). */
export async function ensureChromium(): Promise<void> {
  if (existsSync(CHROMIUM)) return;
  await run("apt-get", ["update", "-qq"], { timeoutMs: 300_000 });
  await run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"], {
    timeoutMs: 900_000,
    env: { DEBIAN_FRONTEND: "noninteractive" },
  });
}

/** The SHA-256 of a certificate's public key, as Chromium's --ignore-certificate-errors-spki-list takes it. */
export async function spkiHash(certFile: string): Promise<string> {
  const der = new X509Certificate(await readFile(certFile)).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("base64");
}

/** Chromium headless, trusting (only) the certificates whose keys are given, besides the public ones. */
export function launchBrowser(trustKeys: string[] = []): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // As root in a container: no sandbox. The key pins make the stack's self-signed certificate acceptable.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      ...(trustKeys.length ? [`--ignore-certificate-errors-spki-list=${trustKeys.join(",")}`] : []),
    ],
  });
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/** A static file server for one directory on 127.0.0.1 (the web app's own origin). */
export async function serveDirectory(dir: string, port = 0): Promise<{ origin: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const file = normalize(join(dir, path === "/" ? "index.html" : path));
    (file.startsWith(dir) ? readFile(file) : Promise.reject(new Error("outside"))).then(
      (body) => {
        res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
        res.end(body);
      },
      () => {
        res.writeHead(404);
        res.end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The browser keeps its connections open: close them with the server.
  return {
    origin,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
