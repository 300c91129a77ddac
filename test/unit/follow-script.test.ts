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
  await writeFile(
    join(dir, "getent"),
    `#!/bin/sh\n[ -s "${dir}/dns.txt" ] || exit 2\nwhile read -r a; do echo "$a STREAM api"; done <"${dir}/dns.txt"\n`,
  );
  // curl -K -: for each url in the config on stdin, "address code" from codes.txt ("address code" for both probes,
  // or "address/live code" for one), 000 (no answer) if not there; each url asked is noted in asked.txt.
  await writeFile(
    join(dir, "curl"),
    `#!/bin/sh\nsed -n 's#^url = "http://\\([0-9.]*\\):[0-9]*/api/health/\\([a-z]*\\)".*#\\1 \\2#p' | while read -r a p; do echo "$a $p" >>"${dir}/asked.txt"; c=$(awk -v a="$a" -v k="$a/$p" '$1 == k { print $2; exit } $1 == a { print $2; exit }' "${dir}/codes.txt"); echo "$a \${c:-000}"; done\n`,
  );
  for (const f of ["getent", "curl"]) await chmod(join(dir, f), 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One round with this DNS answer and these answers; the addresses nginx's list holds afterwards, or its one line. */
async function round(dns: string[], codes: Record<string, string>): Promise<string[] | string> {
  await writeFile(join(dir, "dns.txt"), dns.map((a) => `${a}\n`).join(""));
  await writeFile(
    join(dir, "codes.txt"),
    Object.entries(codes)
      .map(([a, c]) => `${a} ${c}\n`)
      .join(""),
  );
  await execFileP("sh", [script, "once"], {
    env: { PATH: `${dir}:/usr/bin:/bin`, FOLLOW_FILE: join(dir, "api-ready.conf") },
  });
  const text = await readFile(join(dir, "api-ready.conf"), "utf8");
  const addresses = upstreamAddresses(text);
  return addresses.length ? addresses : text.trim();
}

describe("nginx's follow loop", () => {
  it("lists the replicas that answer ready, keeps members through a failover's 503s, drops the silent after two probes", async () => {
    // Nothing answers yet: the service name stands in (nginx resolves it as it loads).
    expect(await round(["10.0.0.3", "10.0.0.4"], { "10.0.0.3": "503" })).toBe(
      "server api:3000 max_fails=3 fail_timeout=10s;",
    );
    expect(await round(["10.0.0.3", "10.0.0.4"], { "10.0.0.3": "200", "10.0.0.4": "200" })).toEqual([
      "10.0.0.3",
      "10.0.0.4",
    ]);
    // A database failover: every replica says 503; none leaves.
    expect(await round(["10.0.0.3", "10.0.0.4"], { "10.0.0.3": "503", "10.0.0.4": "503" })).toEqual([
      "10.0.0.3",
      "10.0.0.4",
    ]);
    // A new replica still starting (503) does not join; a frozen one survives one silent probe, not two.
    expect(await round(["10.0.0.3", "10.0.0.4", "10.0.0.5"], { "10.0.0.4": "200", "10.0.0.5": "503" })).toEqual([
      "10.0.0.3",
      "10.0.0.4",
    ]);
    expect(await round(["10.0.0.3", "10.0.0.4", "10.0.0.5"], { "10.0.0.4": "200", "10.0.0.5": "200" })).toEqual([
      "10.0.0.4",
      "10.0.0.5",
    ]);
  });

  it("asks members whether they live, others whether they are ready", async () => {
    await writeFile(join(dir, "asked.txt"), "");
    // 10.0.0.4 is busy (ready would time out) but alive; 10.0.0.6 is alive but not ready: it does not join.
    expect(
      await round(["10.0.0.4", "10.0.0.5", "10.0.0.6"], {
        "10.0.0.4/live": "200",
        "10.0.0.5/live": "200",
        "10.0.0.6/live": "200",
      }),
    ).toEqual(["10.0.0.4", "10.0.0.5"]);
    const asked = (await readFile(join(dir, "asked.txt"), "utf8")).trim().split("\n").sort();
    expect(asked).toEqual(["10.0.0.3 ready", "10.0.0.4 live", "10.0.0.5 live", "10.0.0.6 ready"]);
    // Removed (gone from DNS and silent): out after one probe, not two, so a rollout's wait for the list is short.
    expect(await round(["10.0.0.4", "10.0.0.6"], { "10.0.0.4/live": "200" })).toEqual(["10.0.0.4"]);
  });

  it("finds a replica again that Docker's DNS no longer names, and never writes an empty list", async () => {
    // 10.0.0.3 left above; it answers again, on the same address, but DNS lost its service name.
    expect(await round(["10.0.0.4", "10.0.0.5"], { "10.0.0.3": "200", "10.0.0.4": "200", "10.0.0.5": "200" })).toEqual([
      "10.0.0.3",
      "10.0.0.4",
      "10.0.0.5",
    ]);
    // Everything gone, the name too: a placeholder nginx accepts (it answers 502 then), not an empty upstream.
    await round([], {});
    expect(await round([], {})).toBe("server 127.0.0.1:3000 down;");
  });
});
