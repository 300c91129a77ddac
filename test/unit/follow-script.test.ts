import { execFile } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upstreamAddresses } from "../../nginx/render.js";
import { repoRoot } from "../setup/cli.js";

/**
 * The nginx image's follow loop (compose/images/nginx/follow.sh), one round at a time (`stevie-follow once`), with a
 * fake `getent` (Docker's DNS) and a fake `curl` (what each address answers) on its PATH. The e2e failover file shows
 * it in the real stack.
 */
const execFileP = promisify(execFile);
const script = join(repoRoot, "compose", "images", "nginx", "follow.sh");

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "stevie-follow-"));
  // getent ahostsv4 NAME: one line per address in dns.txt; getent hosts NAME: fails when there is none.
  await writeFile(join(dir, "getent"), `#!/bin/sh\n[ -s "${dir}/dns.txt" ] || exit 2\nwhile read -r a; do echo "$a STREAM api"; done <"${dir}/dns.txt"\n`);
  // curl -K -: for each url in the config on stdin, "address code" from codes.txt, 000 (no answer) if not there.
  await writeFile(join(dir, "curl"), `#!/bin/sh\nsed -n 's#^url = "http://\\([0-9.]*\\):.*#\\1#p' | while read -r a; do c=$(awk -v a="$a" '$1 == a { print $2 }' "${dir}/codes.txt"); echo "$a \${c:-000}"; done\n`);
  for (const f of ["getent", "curl"]) await chmod(join(dir, f), 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One round with this DNS answer and these answers; the addresses nginx's list holds afterwards, or its one line. */
async function round(dns: string[], codes: Record<string, string>): Promise<string[] | string> {
  await writeFile(join(dir, "dns.txt"), dns.map((a) => `${a}\n`).join(""));
  await writeFile(join(dir, "codes.txt"), Object.entries(codes).map(([a, c]) => `${a} ${c}\n`).join(""));
  await execFileP("sh", [script, "once"], { env: { PATH: `${dir}:/usr/bin:/bin`, FOLLOW_FILE: join(dir, "api-ready.conf") } });
  const text = await readFile(join(dir, "api-ready.conf"), "utf8");
  const addresses = upstreamAddresses(text);
  return addresses.length ? addresses : text.trim();
}

describe("nginx's follow loop", () => {
  it("lists the replicas that answer ready, keeps members through a failover's 503s, drops the silent after two probes", async () => {
    // Nothing answers yet: the service name stands in (nginx resolves it as it loads).
    expect(await round(["10.0.0.3", "10.0.0.4"], { "10.0.0.3": "503" })).toBe("server api:3000 max_fails=3 fail_timeout=10s;");
    expect(await round(["10.0.0.3", "10.0.0.4"], { "10.0.0.3": "200", "10.0.0.4": "200" })).toEqual(["10.0.0.3", "10.0.0.4"]);
    // A database failover: every replica says 503; none leaves.
    expect(await round(["10.0.0.3", "10.0.0.4"], { "10.0.0.3": "503", "10.0.0.4": "503" })).toEqual(["10.0.0.3", "10.0.0.4"]);
    // A new replica still starting (503) does not join; a frozen one survives one silent probe, not two.
    expect(await round(["10.0.0.3", "10.0.0.4", "10.0.0.5"], { "10.0.0.4": "200", "10.0.0.5": "503" })).toEqual(["10.0.0.3", "10.0.0.4"]);
    expect(await round(["10.0.0.3", "10.0.0.4", "10.0.0.5"], { "10.0.0.4": "200", "10.0.0.5": "200" })).toEqual(["10.0.0.4", "10.0.0.5"]);
  });

  it("finds a replica again that Docker's DNS no longer names, and never writes an empty list", async () => {
    // 10.0.0.3 left above; it answers again, on the same address, but DNS lost its service name.
    expect(await round(["10.0.0.4", "10.0.0.5"], { "10.0.0.3": "200", "10.0.0.4": "200", "10.0.0.5": "200" })).toEqual(["10.0.0.3", "10.0.0.4", "10.0.0.5"]);
    // Everything gone, the name too: a placeholder nginx accepts (it answers 502 then), not an empty upstream.
    await round([], {});
    expect(await round([], {})).toBe("server 127.0.0.1:3000 down;");
  });
});
