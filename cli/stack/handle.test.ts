import { describe, expect, it } from "vitest";
import { container, FakeRunner } from "../../test/support/fake-runner.js";
import { Host, Stack, composeArgv, execArgs, serviceContainer } from "./handle.js";
import { stackPaths } from "./paths.js";

const paths = stackPaths("/opt/stevie-test");

describe("the Stack handle", () => {
  it("builds compose's argv from the stack directory, its files and the project", () => {
    expect(composeArgv("/opt/s", "p", ["/opt/s/compose.yaml", "/opt/s/compose.override.yaml"], ["up", "-d"])).toEqual([
      "compose",
      "--project-directory",
      "/opt/s",
      "-f",
      "/opt/s/compose.yaml",
      "-f",
      "/opt/s/compose.override.yaml",
      "-p",
      "p",
      "up",
      "-d",
    ]);
  });

  it("runs a command in a container without a TTY, as a user only when one is given", () => {
    expect(execArgs("postgres-1", ["psql", "-c", "SELECT 1"], "postgres")).toEqual([
      "exec",
      "-T",
      "-u",
      "postgres",
      "postgres-1",
      "psql",
      "-c",
      "SELECT 1",
    ]);
    expect(execArgs("redis-1", ["redis-cli", "PING"])).toEqual(["exec", "-T", "redis-1", "redis-cli", "PING"]);
  });

  it("sends every command through its runner: docker compose in the stack directory, exec results not thrown", async () => {
    const runner = new FakeRunner((args) => (args.includes("exec") ? { exitCode: 2, stderr: "no leader" } : undefined));
    const stack = new Stack(paths, "stevie-test", runner);
    await stack.compose(["ps"]);
    const r = await stack.exec("postgres-1", ["true"], { user: "postgres", timeoutMs: 5_000 });
    expect(r).toEqual({ exitCode: 2, stdout: "", stderr: "no leader" });
    expect(runner.calls.map((c) => c.file)).toEqual(["docker", "docker"]);
    expect(runner.calls[0]!.args).toEqual([
      "compose",
      "--project-directory",
      paths.dir,
      "-f",
      paths.compose,
      "-p",
      "stevie-test",
      "ps",
    ]);
    expect(runner.calls[1]!.args.slice(-6)).toEqual(["exec", "-T", "-u", "postgres", "postgres-1", "true"]);
    expect(runner.calls[0]!.opts).toMatchObject({ cwd: paths.dir, timeoutMs: 15 * 60_000 });
    expect(runner.calls[1]!.opts).toMatchObject({ reject: false, timeoutMs: 5_000 });
  });

  it("runs a command with `docker exec` in the service's running container with the lowest number, stdin only when given", async () => {
    const runner = new FakeRunner();
    runner.containerList = [
      { ...container("api"), id: "api-4", name: "stevie-api-4" },
      { ...container("api"), id: "api-3", name: "stevie-api-3" },
      { ...container("api", "exited"), id: "api-1", name: "stevie-api-1" },
      container("redis-1"),
    ];
    expect(serviceContainer(runner.containerList, "api")?.id).toBe("api-3");
    const stack = new Stack(paths, "stevie-test", runner);
    await stack.exec("api", ["node", "-v"]);
    await stack.exec("redis-1", ["stevie-redis-cli"], { input: "PING\n", user: "redis", timeoutMs: 5_000 });
    // No running container: compose itself answers (and says so in its words).
    await stack.exec("nginx", ["true"]);
    expect(runner.calls.map((c) => c.args)).toEqual([
      ["exec", "api-3", "node", "-v"],
      ["exec", "-i", "-u", "redis", "redis-1-id", "stevie-redis-cli"],
      [...composeArgv(paths.dir, "stevie-test", [paths.compose], ["exec", "-T", "nginx", "true"])],
    ]);
    expect(runner.calls[1]!.opts).toMatchObject({ reject: false, timeoutMs: 5_000, input: "PING\n" });
  });

  it("runs the host's tools through the same runner: argv and options as given, which and detached starts too", async () => {
    const runner = new FakeRunner((args) => (args[0] === "x509" ? { stdout: "notAfter=…" } : undefined));
    runner.missing.add("debootstrap");
    const host = new Host(runner);
    const r = await host.run("openssl", ["x509", "-enddate", "-noout"], { reject: false, timeoutMs: 1_000 });
    expect(r.stdout).toBe("notAfter=…");
    expect(runner.calls).toEqual([
      { file: "openssl", args: ["x509", "-enddate", "-noout"], opts: { reject: false, timeoutMs: 1_000 } },
    ]);
    expect(await host.which("openssl")).toBe(true);
    expect(await host.which("debootstrap")).toBe(false);
    expect(await host.startDetached("dockerd", ["--debug"], "/var/log/d.log")).toBe(4242);
    expect(runner.changes).toEqual(["start dockerd --debug >> /var/log/d.log"]);
  });
});
