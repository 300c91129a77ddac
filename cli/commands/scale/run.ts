import { UserError } from "../../errors.js";
import { SPEC_POLICY } from "../../stack/autoscale.js";

/** `stevie-stack scale api=N`: the one argument, checked (the scaling itself: cli/stack/scaling.ts). */
export function parseScaleSpec(spec: string | undefined): number {
  const m = /^api=(\d+)$/.exec(spec ?? "");
  if (!m)
    throw new UserError(
      `cannot scale "${spec ?? ""}": only the API scales, as api=N`,
      "for example: stevie-stack scale api=4",
    );
  const n = Number(m[1]);
  if (n < SPEC_POLICY.min || n > SPEC_POLICY.max)
    throw new UserError(`api=${n} is out of range: between ${SPEC_POLICY.min} and ${SPEC_POLICY.max} replicas`);
  return n;
}
