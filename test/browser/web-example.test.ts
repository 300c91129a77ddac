import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runDev, type DevServer } from "../../cli/commands/dev/run.js";
import { createLogger } from "../../server/logger.js";
import { ensureChromium, launchBrowser, serveDirectory, spkiHash } from "../setup/browser.js";
import { repoRoot } from "../setup/cli.js";
import { TEST_WEB_ORIGIN } from "../setup/stack.js";

/**
 * examples/web, the example web app, in a real browser (Debian's Chromium, headless) on an origin of its own: it
 * asks for recommendations and streams a chat answer with the typed client, from `stevie-stack dev` and from the
 * installed stack over TLS; a page on an origin the stack does not list gets nothing. `npm run test:browser`.
 */
const stack = inject("stack");
let site: string;
let browser: Browser;

/** The example, bundled as its README says, into a directory of its own. */
async function bundleExample(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "stevie-web-"));
  await cp(join(repoRoot, "examples", "web", "index.html"), join(dir, "index.html"));
  await build({
    entryPoints: [join(repoRoot, "examples", "web", "main.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outfile: join(dir, "main.js"),
    alias: { "stevie-stack/client": join(repoRoot, "client", "index.ts") },
    logLevel: "warning",
  });
  return dir;
}

/** Open the page with the API at `api` and wait until it has finished (done or error): what it shows. */
async function visit(pageOrigin: string, api: string) {
  const page = await browser.newPage();
  const consoleErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  try {
    await page.goto(`${pageOrigin}/?api=${encodeURIComponent(api)}`);
    await page.waitForSelector("body[data-state=done], body[data-state=error]", { timeout: 60_000 });
    return {
      state: await page.$eval("body", (b) => b.dataset.state),
      error: await page.$eval("#error", (e) => e.textContent ?? ""),
      codes: await page.$$eval("#results li", (items) => items.map((li) => li.dataset.code ?? "")),
      chat: await page.$eval("#chat", (e) => e.textContent ?? ""),
      citations: Number(await page.$eval("#chat", (e) => e.dataset.citations ?? "0")),
      consoleErrors,
    };
  } finally {
    await page.close();
  }
}

beforeAll(async () => {
  await ensureChromium();
  site = await bundleExample();
  browser = await launchBrowser([await spkiHash(join(stack.dir, "tls", "server.crt"))]);
}, 900_000);

afterAll(async () => {
  await browser?.close();
});

describe("the example web app in headless Chromium", () => {
  it(
    "gets recommendations and a streamed chat answer from `stevie-stack dev`, which allows any origin",
    { timeout: 300_000 },
    async () => {
      const dev: DevServer = await runDev({ port: 0, log: createLogger("warn") });
      const web = await serveDirectory(site);
      try {
        const r = await visit(web.origin, `${dev.url}/api/trpc`);
        expect(r.state, r.error).toBe("done");
        expect(r.codes).toHaveLength(5);
        expect(r.chat.length).toBeGreaterThan(20);
        expect(r.citations).toBeGreaterThan(0);
      } finally {
        await web.close();
        await dev.close();
      }
    },
  );

  it("gets the same from the installed stack over TLS, from an origin in api.corsOrigins", async () => {
    const web = await serveDirectory(site, Number(new URL(TEST_WEB_ORIGIN).port));
    try {
      const r = await visit(web.origin, `${stack.baseUrl}/api/trpc`);
      expect(r.state, r.error).toBe("done");
      expect(r.codes).toHaveLength(5);
      expect(r.codes.every((c) => /^[A-Z]+-/.test(c))).toBe(true);
      expect(r.chat.length).toBeGreaterThan(20);
      expect(r.citations).toBeGreaterThan(0);
    } finally {
      await web.close();
    }
  });

  it("gives a page on an origin the stack does not list nothing: the browser refuses it the answer", async () => {
    const web = await serveDirectory(site);
    try {
      const r = await visit(web.origin, `${stack.baseUrl}/api/trpc`);
      expect(r.state).toBe("error");
      expect(r.codes).toEqual([]);
      expect(r.consoleErrors.join("\n")).toMatch(/CORS|Access-Control-Allow-Origin/);
    } finally {
      await web.close();
    }
  });
});
