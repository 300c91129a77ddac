import { describe, expect, it } from "vitest";
import { FakeRunner, container } from "../../../test/support/fake-runner.js";
import { Project } from "../../stack/handle.js";
import { removeProjectResources } from "./run.js";

describe("uninstall's sweep of a project's leftovers (over a fake engine)", () => {
  const engine = () => {
    const runner = new FakeRunner();
    runner.containerList = [container("api"), container("postgres-1", "exited")];
    runner.networkList = [{ id: "n1", name: "stevie_data", internal: true, options: {} }];
    runner.volumeList = ["stevie_postgres-1-data"];
    return runner;
  };

  it("removes every container and network labelled with the project, and keeps the data volumes", async () => {
    const runner = engine();
    const r = await removeProjectResources(new Project("stevie", runner), false);
    expect(runner.changes).toEqual(["remove container api-id", "remove container postgres-1-id", "remove network n1"]);
    expect(r).toEqual({ containers: 2, volumes: [], networks: ["stevie_data"], removedDir: false });
    expect(runner.volumeList).toEqual(["stevie_postgres-1-data"]);
  });

  it("names a network it could not remove (a foreign container still on it) instead of saying nothing", async () => {
    const runner = engine();
    runner.networkList.push({ id: "n2", name: "stevie_edge", internal: false, options: {} });
    runner.busyNetworks.add("n1");
    const r = await removeProjectResources(new Project("stevie", runner), true);
    expect(r.networks).toEqual(["stevie_edge"]);
    expect(r.left).toEqual([{ network: "stevie_data", why: "network n1 has active endpoints" }]);
    expect(runner.changes).toContain("remove volume stevie_postgres-1-data");
  });

  it("removes the data volumes too when told to purge", async () => {
    const runner = engine();
    const r = await removeProjectResources(new Project("stevie", runner), true);
    expect(runner.changes.at(-1)).toBe("remove volume stevie_postgres-1-data");
    expect(r.volumes).toEqual(["stevie_postgres-1-data"]);
  });
});
