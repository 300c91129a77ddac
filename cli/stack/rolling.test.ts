import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { changedServices, desiredReplicas } from "./rolling.js";

describe("changedServices", () => {
  const v1 = {
    services: { api: { image: "a:1", environment: { V: "1" } }, nginx: { image: "n:1" }, redis: { image: "r:1" } },
  };
  it("names the services whose definition differs, and the added ones", () => {
    const v2 = {
      services: { ...v1.services, api: { image: "a:2", environment: { V: "2" } }, grafana: { image: "g" } },
    };
    expect(changedServices(stringify(v1), stringify(v2))).toEqual(["api", "grafana"]);
  });
  it("does not count a new number of replicas as a change of definition", () => {
    const scaled = (n: number) =>
      stringify({ services: { api: { image: "a:1", deploy: { replicas: n, resources: { limits: { cpus: "1" } } } } } });
    expect(changedServices(scaled(2), scaled(4))).toEqual([]);
    expect(changedServices(scaled(2), scaled(4).replace('cpus: "1"', 'cpus: "2"'))).toEqual(["api"]);
  });
  it("is empty for the same file, and names everything without a previous one", () => {
    expect(changedServices(stringify(v1), stringify(v1))).toEqual([]);
    expect(changedServices(undefined, stringify(v1))).toEqual(["api", "nginx", "redis"]);
  });
});

describe("desiredReplicas", () => {
  it("reads api.deploy.replicas, and refuses a compose file without it", () => {
    expect(desiredReplicas(stringify({ services: { api: { deploy: { replicas: 4 } } } }))).toBe(4);
    expect(() => desiredReplicas(stringify({ services: { nginx: {} } }))).toThrow(/no api\.deploy\.replicas/);
  });
});
