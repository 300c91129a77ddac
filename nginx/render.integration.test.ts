import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../cli/exec.js";
import { packageVersion } from "../cli/package-root.js";
import { imageRef } from "../cli/stack/services/common.js";
import { originProblem } from "../server/cors.js";
import { renderApiUpstream, renderNginxConf, STATUS_DIR, type EdgeOptions } from "./render.js";
import { TEST_EDGE_OPTIONS } from "../test/setup/edge-options.js";

/**
 * `nginx -t`, in the stack's own nginx image, on the variants of nginx.conf that the suite's stack does not run
 * (it lists one short origin). The image exists once the e2e setup has installed the stack.
 */
const base: EdgeOptions = TEST_EDGE_OPTIONS;

/** nginx -t's verdict on this configuration, with a throwaway certificate and an upstream it can resolve. */
async function nginxTest(conf: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "stevie-nginx-t-"));
  try {
    await mkdir(join(dir, "tls"));
    await mkdir(join(dir, "upstream"));
    await run(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "tls/server.key",
        "-out",
        "tls/server.crt",
        "-subj",
        "/CN=localhost",
        "-days",
        "1",
      ],
      { cwd: dir },
    );
    await writeFile(join(dir, "upstream", "api.conf"), renderApiUpstream(base.upstream, ["127.0.0.1"]));
    await writeFile(join(dir, "nginx.conf"), conf);
    const r = await run(
      "docker",
      [
        "run",
        "--rm",
        "-v",
        `${dir}:/etc/stevie:ro`,
        // Where the stack mounts the status socket's volume (nginx -t binds every listener).
        "--tmpfs",
        STATUS_DIR,
        "--entrypoint",
        "nginx",
        imageRef("nginx", packageVersion()),
        "-t",
        "-c",
        "/etc/stevie/nginx.conf",
      ],
      { reject: false, timeoutMs: 60_000 },
    );
    return `${r.stdout}\n${r.stderr}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("nginx -t on nginx.conf", () => {
  it("accepts CORS for no origin, any origin, and the longest origins api.corsOrigins lets through", async () => {
    const label = (c: string, n: number) => c.repeat(n);
    // A 253-character host name with the largest port: the longest key the origin map can get.
    const longest = `https://${[label("a", 63), label("b", 63), label("c", 63), label("d", 61)].join(".")}:65535`;
    expect(originProblem(longest)).toBeUndefined();
    for (const corsOrigins of [[], ["*"], ["http://127.0.0.1:5999", "http://[::1]:3000", longest]]) {
      const out = await nginxTest(renderNginxConf({ ...base, corsOrigins }));
      expect(out, JSON.stringify(corsOrigins)).toContain("test is successful");
    }
  });
});
