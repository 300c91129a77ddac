import { describe, expect, it } from "vitest";
import { parseConfig } from "../../config/load.js";
import { sizeStack } from "../sizing.js";
import { topology } from "../topology.js";
import { configFileDirs, opsService } from "./ops.js";

const dir = "/opt/stevie-stack";
const host = {
  uid: 1000,
  gid: 1000,
  socket: "/run/user/1000/docker.sock",
  socketGid: 1000,
  packageRoot: "/home/op/.local/lib/stevie-stack/cli/lib/node_modules/stevie-stack",
  // A package whose dependencies are linked from a checkout elsewhere.
  linked: ["/home/op/src/stevie-stack/node_modules"],
  cacheDir: "/home/op/.cache/stevie-stack",
};
const context = (raw: Record<string, unknown>) => {
  const config = parseConfig(raw, "stevie");
  const sizing = sizeStack({ cpus: 4, memBytes: 16 * 1024 ** 3 }, config.resources.profile);
  return {
    config,
    sizing,
    version: "1.2.3",
    topology: topology(config, sizing, "10.213.7.0/24"),
    ops: host,
    paths: { dir },
  };
};

describe("the ops service", () => {
  it("runs the installed CLI as the user that installed the stack, with the engine's socket, where the host has it", () => {
    const svc = opsService(context({}))!;
    expect(svc.user).toBe("1000:1000");
    expect(svc.group_add).toEqual(["1000"]);
    // Not root: no capability at all.
    expect(svc.cap_add).toBeUndefined();
    expect(svc.cap_drop).toEqual(["ALL"]);
    expect(svc.network_mode).toBe("none");
    expect(svc.environment).toMatchObject({
      STEVIE_STACK_OPS: "1",
      STEVIE_STACK_CACHE: host.cacheDir,
      DOCKER_HOST: `unix://${host.socket}`,
    });
    expect(svc.volumes).toEqual([
      `${host.socket}:${host.socket}`,
      `${host.packageRoot}:${host.packageRoot}:ro`,
      "/home/op/src/stevie-stack/node_modules:/home/op/src/stevie-stack/node_modules:ro",
      `${host.cacheDir}:${host.cacheDir}:ro`,
      `${dir}:${dir}`,
    ]);
    expect(svc.command).toEqual(["node", `${host.packageRoot}/dist/cli/bin.js`, "ops", "run", "--dir", dir]);
  });

  it("is left out with ops.enabled off, or when the host's facts are unknown", () => {
    expect(opsService(context({ ops: { enabled: false } }))).toBeUndefined();
    const { ops: _ops, ...noHost } = context({});
    expect(opsService(noHost)).toBeUndefined();
  });

  it("also sees the directories of the files stevie.yaml names outside the stack directory, read-only", () => {
    const config = parseConfig(
      {
        tls: { mode: "files", certFile: "/etc/ssl/site/api.crt", keyFile: "/etc/ssl/private/api.key" },
        backup: {
          s3: {
            endpoint: "s3.example.com",
            bucket: "stevie-backups",
            region: "eu-west-1",
            caFile: "tls-extra/s3-ca.pem",
          },
        },
        monitoring: {
          alerts: {
            email: {
              to: "a@example.com",
              from: "s@example.com",
              smarthost: "smtp.example.com:587",
              caFile: "/etc/ssl/site/relay.pem",
            },
          },
        },
      },
      "stevie",
    );
    // The S3 CA is relative to the stack directory, so already inside it; the certificate and relay CA share a directory.
    expect(configFileDirs(config, dir)).toEqual(["/etc/ssl/private", "/etc/ssl/site"]);
    expect(opsService({ ...context({}), config })!.volumes).toContain("/etc/ssl/site:/etc/ssl/site:ro");
  });
});
