// The part of `terraform show -json <planfile>` output that the plan review reads, as a zod schema.
// Source: Terraform's JSON output format (https://developer.hashicorp.com/terraform/internals/json-format) and
// internal/command/jsonplan/plan.go. Values (`before`, `after`, marks) stay `unknown`: they are arbitrary
// provider data, read only through the masking in masked-value.ts so that a secret cannot reach the output.
import { z } from "zod";

/** The action lists Terraform writes in `change.actions`, and what the review calls each. */
export const ACTION_LISTS = {
  "no-op": ["no-op"],
  create: ["create"],
  read: ["read"],
  update: ["update"],
  delete: ["delete"],
  forget: ["forget"],
  "replace-destroy-first": ["delete", "create"],
  "replace-create-first": ["create", "delete"],
  "replace-forget-old": ["create", "forget"],
} as const satisfies Record<string, readonly string[]>;

/** What Terraform will do to one object, named from its `change.actions`. */
export type ChangeKind = keyof typeof ACTION_LISTS;

const ACTION_WORDS = ["no-op", "create", "read", "update", "delete", "forget"] as const;

function kindOfActions(actions: readonly string[]): ChangeKind | undefined {
  const key = actions.join(",");
  return (Object.keys(ACTION_LISTS) as ChangeKind[]).find((kind) => ACTION_LISTS[kind].join(",") === key);
}

const actionsSchema = z.array(z.enum(ACTION_WORDS)).transform((actions, ctx) => {
  const kind = kindOfActions(actions);
  if (kind === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `must be one of the action lists Terraform writes (${Object.values(ACTION_LISTS)
        .map((list) => JSON.stringify(list))
        .join(", ")})`,
    });
    return z.NEVER;
  }
  return kind;
});

/** What Terraform plans for a value: the actions, and the value before and after with its masks. */
const valueChangeSchema = z.object({
  actions: actionsSchema,
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
  before_sensitive: z.unknown().optional(),
  after_sensitive: z.unknown().optional(),
});

const changeSchema = valueChangeSchema.extend({
  // Paths (steps of attribute names or indexes) whose change forces the replacement.
  replace_paths: z.array(z.array(z.union([z.string(), z.number()]))).optional(),
  importing: z
    .object({
      id: z.string().optional(),
      unknown: z.boolean().optional(),
      identity: z.unknown().optional(),
    })
    .nullish(),
});

const resourceChangeSchema = z.object({
  address: z.string().min(1),
  previous_address: z.string().optional(),
  mode: z.enum(["managed", "data"]),
  type: z.string().min(1),
  deposed: z.string().optional(),
  action_reason: z.string().optional(),
  change: changeSchema,
});

const outputChangeSchema = valueChangeSchema;

/** Output declarations; before format 0.2 `sensitive` here is the only sign that an output is secret. */
const outputDeclarationsSchema = z.record(z.string(), z.object({ sensitive: z.boolean().optional() })).optional();

/** A plan in Terraform's JSON output format 0.x or 1.x (a later major version may change the meaning of fields). */
export const planSchema = z.object({
  format_version: z
    .string({ error: 'must be a string such as "1.2"' })
    .regex(/^[01]\.\d+$/, { error: 'must be a 0.x or 1.x version such as "1.2" (the formats this review reads)' }),
  terraform_version: z.string().optional(),
  resource_changes: z.array(resourceChangeSchema).optional(),
  resource_drift: z.array(resourceChangeSchema).optional(),
  deferred_changes: z.array(z.object({ reason: z.string(), resource_change: resourceChangeSchema })).optional(),
  output_changes: z.record(z.string(), outputChangeSchema).optional(),
  // Terraform writes planned_values in every plan, and a state file (`terraform show -json` without a plan) lacks it.
  planned_values: z.object(
    { outputs: outputDeclarationsSchema },
    { error: "must be an object: every plan has one (is this a state file? run `terraform show -json <planfile>`)" },
  ),
  configuration: z
    .object({
      root_module: z.object({ outputs: outputDeclarationsSchema }).optional(),
      // Provider blocks as written (expressions); the apply guard reads the azuread provider's literal tenant_id.
      provider_config: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  // The state the plan starts from (refreshed). The apply guard reads dates and key ids from it, never values.
  prior_state: z
    .object({
      values: z
        .object({
          root_module: z.object({ resources: z.array(z.looseObject({ address: z.string() })).optional() }).optional(),
        })
        .optional(),
    })
    .optional(),
  // Terraform 1.14 actions (`action` blocks) that the apply will invoke.
  action_invocations: z.array(z.object({ address: z.string() })).optional(),
  complete: z.boolean().optional(),
  errored: z.boolean().optional(),
});

export type Plan = z.infer<typeof planSchema>;
export type ResourceChange = z.infer<typeof resourceChangeSchema>;
export type OutputChange = z.infer<typeof outputChangeSchema>;
