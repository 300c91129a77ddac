import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/load.js";
import { buildCompose, renderCompose } from "./compose.js";
import { planFile, sha256 } from "./files.js";
import { allHealthy, summarise } from "./health.js";
import { sizeStack } from "./sizing.js";
import { hasChanges } from "../commands/install.js";
import { PROJECT_LABEL, type ContainerState } from "../docker.js";

const GiB = 1024 ** 3;
const config = parseConfig({ projectName: "demo", network: { httpPort: 8080, httpsPort: 8443 } }, "test");
const ctx = { config, sizing: sizeStack({ cpus: 2, memBytes: 24 * GiB }, "auto"), version: "1.2.3" };

describe("compose file", () => {
  const file = buildCompose(ctx);

  it("publishes ports from nginx only", () => {
    for (const [name, svc] of Object.entries(file.services)) {
      if (name === "nginx") expect(svc.ports).toEqual(["0.0.0.0:8080:8080", "0.0.0.0:8443:8443"]);
      else expect(svc.ports).toBeUndefined();
    }
  });

  it("keeps the database and cache on an internal network the edge cannot reach", () => {
    expect(file.networks.data?.internal).toBe(true);
    expect(file.services.postgres?.networks).toEqual(["data"]);
    expect(file.services.redis?.networks).toEqual(["data"]);
    expect(file.services.nginx?.networks).toEqual(["edge"]);
  });

  it("gives every service a restart policy, limits, a health check, log rotation, labels and a versioned image", () => {
    for (const [name, svc] of Object.entries(file.services)) {
      if (name === "migrate") {
        // A one-shot job: it must not be restarted, and the API waits for it to complete.
        expect(svc.restart).toBe("no");
        expect(file.services.api?.depends_on?.migrate?.condition).toBe("service_completed_successfully");
      } else {
        expect(svc.restart, name).toBe("unless-stopped");
        expect(svc.healthcheck?.test.length, name).toBeGreaterThan(0);
      }
      expect(Number(svc.deploy?.resources.limits.cpus), name).toBeGreaterThan(0);
      expect(svc.deploy?.resources.limits.memory, name).toMatch(/^\d+M$/);
      expect(svc.logging.options["max-size"], name).toBe("10m");
      expect(svc.labels[PROJECT_LABEL], name).toBe("demo");
      expect(svc.image, name).toMatch(/^stevie-stack\/[a-z]+:1\.2\.3$/);
    }
    for (const v of Object.values(file.volumes)) expect(v.labels[PROJECT_LABEL]).toBe("demo");
    for (const n of Object.values(file.networks)) expect(n.labels[PROJECT_LABEL]).toBe("demo");
  });

  it("passes secrets as files, never as values", () => {
    const text = renderCompose(file);
    expect(file.services.api?.environment?.PGPASSWORD_FILE).toBe("/run/secrets/postgres_password");
    expect(text).not.toMatch(/PASSWORD:\s*[0-9a-f]{16,}/);
    expect(file.services.api?.deploy?.replicas).toBe(2);
  });
});

describe("sizing", () => {
  it("gives API containers 1-2 vCPU and 2-4 GB on a standard host", () => {
    const s = sizeStack({ cpus: 8, memBytes: 32 * GiB }, "auto");
    expect(s.profile).toBe("standard");
    expect(s.api.cpus).toBe(2);
    expect(s.api.memoryMb).toBeGreaterThanOrEqual(2048);
    expect(s.api.memoryMb).toBeLessThanOrEqual(4096);
    expect(s.postgres.sharedBuffersMb).toBeLessThan(s.postgres.memoryMb);
    expect(s.redis.maxmemoryMb).toBeLessThan(s.redis.memoryMb);
  });

  it("picks the small profile on a 4 GB host", () => {
    const s = sizeStack({ cpus: 2, memBytes: 4 * GiB }, "auto");
    expect(s.profile).toBe("small");
    expect(2 * s.api.memoryMb + s.postgres.memoryMb + s.redis.memoryMb + s.nginx.memoryMb).toBeLessThan(4 * 1024);
  });
});

describe("re-running install", () => {
  it("never overwrites a file the operator edited", () => {
    const ours = "generated v1";
    expect(planFile(undefined, ours, undefined)).toBe("created");
    expect(planFile(ours, ours, sha256(ours))).toBe("unchanged");
    expect(planFile(ours, "generated v2", sha256(ours))).toBe("updated");
    expect(planFile("edited by hand", "generated v2", sha256(ours))).toBe("kept-edited");
  });

  it("has nothing to do when files, images and the running stack all match", () => {
    expect(hasChanges({ "compose.yaml": "unchanged" }, [{ action: "keep" }], true, false)).toBe(false);
    expect(hasChanges({ "compose.yaml": "updated" }, [{ action: "keep" }], true, false)).toBe(true);
    expect(hasChanges({ "compose.yaml": "unchanged" }, [{ action: "build" }], true, false)).toBe(true);
    expect(hasChanges({ "compose.yaml": "unchanged" }, [{ action: "keep" }], false, false)).toBe(true);
  });

  it("counts a service healthy only with all its replicas running and healthy", () => {
    const c = (service: string, health: ContainerState["health"], state = "running"): ContainerState => ({ id: service + health, name: service, service, state, health, image: "", ports: [] });
    const s = summarise([c("api", "healthy"), c("api", "starting"), c("nginx", "healthy")], { api: 2, nginx: 1 });
    expect(s.find((x) => x.service === "api")).toMatchObject({ running: 2, healthy: 1 });
    expect(allHealthy(s)).toBe(false);
    expect(allHealthy(summarise([c("api", "healthy"), c("api", "healthy"), c("nginx", "healthy")], { api: 2, nginx: 1 }))).toBe(true);
  });
});
