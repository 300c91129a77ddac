import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { parseConfigText } from "../config/load.js";
import type { StevieConfig } from "../config/schema.js";
import { UserError } from "../errors.js";
import { stackPaths } from "./paths.js";
import { hostSizing } from "./sizing.js";
import { chooseDataSubnet } from "./subnet.js";
import { topology, type Topology } from "./topology.js";
import { Stack } from "./handle.js";

/** The one way every command finds the installed stack: its paths and its parsed stevie.yaml. */
/** The stack's topology as installed: the data subnet is read back from its network. */
export async function stackTopology(config: StevieConfig): Promise<Topology> {
  return topology(config, hostSizing(config), await chooseDataSubnet(config));
}

/** The stack in DIR, or a UserError saying there is none. */
/** The installed stack in DIR: its paths, its stevie.yaml, and its handle. */
export async function loadStack(dir: string) {
  const paths = stackPaths(dir);
  if (!existsSync(paths.config))
    throw new UserError(
      `no stevie-stack installation in ${paths.dir}`,
      "pass the stack directory with --dir, or run `stevie-stack install`",
    );
  const config = parseConfigText(await readFile(paths.config, "utf8"), paths.config);
  return { paths, config, stack: new Stack(paths, config.projectName) };
}
