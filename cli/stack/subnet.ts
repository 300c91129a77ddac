import { createHash } from "node:crypto";
import { networkInterfaces } from "node:os";
import type { StevieConfig } from "../config/schema.js";
import { UserError } from "../errors.js";
import { Engine } from "./handle.js";

/**
 * The data network's /24. Stable for a project: an existing network keeps its subnet; otherwise stevie.yaml's
 * network.dataSubnet, or the first free /24 of 10.213.0.0/16 counting from a hash of the project name.
 */
function toRange(cidr: string): [number, number] {
  const [ip, bits = "32"] = cidr.split("/");
  const n = ip!.split(".").reduce((a, o) => a * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  const start = n - (n % size);
  return [start, start + size - 1];
}

export function overlaps(a: string, b: string): boolean {
  const [a0, a1] = toRange(a);
  const [b0, b1] = toRange(b);
  return a0 <= b1 && b0 <= a1;
}

/** Pure: the first /24 of 10.213.0.0/16 (from the project's own starting point) overlapping nothing taken. */
export function pickSubnet(project: string, taken: string[]): string | undefined {
  const start = createHash("sha256").update(project).digest()[0]!;
  for (let i = 0; i < 256; i++) {
    const candidate = `10.213.${(start + i) % 256}.0/24`;
    if (!taken.some((t) => overlaps(candidate, t))) return candidate;
  }
  return undefined;
}

function hostAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === "IPv4" && !a.internal)
    .map((a) => a!.cidr ?? `${a!.address}/32`);
}

export async function chooseDataSubnet(config: StevieConfig): Promise<string> {
  const networks = await new Engine().subnets();
  const own = networks.find((n) => n.name === `${config.projectName}_data`);
  if (own?.subnets[0]) return own.subnets[0];
  const taken = [...networks.flatMap((n) => n.subnets), ...hostAddresses()];
  if (config.network.dataSubnet) {
    const clash = taken.find((t) => overlaps(t, config.network.dataSubnet!));
    if (clash)
      throw new UserError(
        `network.dataSubnet ${config.network.dataSubnet} overlaps ${clash}, already used on this host`,
        "pick another /24 in stevie.yaml, or remove the setting to let the installer choose",
      );
    return config.network.dataSubnet;
  }
  const picked = pickSubnet(config.projectName, taken);
  if (!picked)
    throw new UserError(
      "no free /24 in 10.213.0.0/16 for the data network",
      "set network.dataSubnet in stevie.yaml to a free private /24",
    );
  return picked;
}
