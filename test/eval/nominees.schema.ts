import { z } from "zod";
import { NomineeTypeSchema, OrganizationSizeSchema, OrganizationTypeSchema } from "../../server/catalog/schema.js";

/** A labelled nominee for evaluating category recommendations. */
export const EvalNomineeSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
  description: z.string().trim().min(40),
  profile: z
    .strictObject({
      nomineeType: NomineeTypeSchema.optional(),
      organizationType: OrganizationTypeSchema.optional(),
      organizationSize: OrganizationSizeSchema.optional(),
      /** ISO 3166-1 alpha-2 country code. */
      country: z
        .string()
        .regex(/^[A-Z]{2}$/)
        .optional(),
      programs: z.array(z.string().min(1)).min(1).optional(),
    })
    .optional(),
  expected: z.array(z.string().min(1)).min(1).max(5),
});
export const EvalSetSchema = z.array(EvalNomineeSchema);
export type EvalNominee = z.infer<typeof EvalNomineeSchema>;
