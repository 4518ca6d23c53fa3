import { Testing } from "cdktf";
import { SiteConfig, siteSchema } from "../config/config-schema";
import { SiteStack } from "../app/site-stack";

/** Terraform JSON as cdktf writes it (the parts the tests read). */
export interface StackJson {
  terraform: { backend: Record<string, Record<string, unknown>>; required_providers: Record<string, unknown> };
  provider: Record<string, Record<string, unknown>[]>;
  resource: Record<string, Record<string, Record<string, any>>>;
  data: Record<string, Record<string, Record<string, any>>>;
  output: Record<string, { value: unknown; sensitive?: boolean; description?: string }>;
  locals?: Record<string, unknown>;
}

export const EXAMPLE_TENANT_ID = "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f";

/** A validated site: built-in defaults plus `settings`. */
export function site(settings: Record<string, unknown> = {}): SiteConfig {
  return siteSchema.parse({ name: "test", tenantId: EXAMPLE_TENANT_ID, ...settings });
}

/** Synthesizes one Miradore stack for `config` and returns its parsed Terraform JSON and the stack. */
export function synthSite(config: SiteConfig = site()): { json: StackJson; stack: SiteStack } {
  const app = Testing.app({ stackTraces: false });
  const stack = new SiteStack(app, `miradore-${config.name}`, { site: config });
  return { json: JSON.parse(Testing.synth(stack, true)) as StackJson, stack };
}

/** The only resource of `type` in a stack; fails the test if there is not exactly one. */
export function only(json: StackJson, type: string): Record<string, any> {
  const all = Object.values(json.resource[type] ?? {});
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0]!;
}

/** `${type.name.attribute}` for the single resource of `type`, as references in the JSON spell it. */
export function ref(json: StackJson, type: string, attribute: string): string {
  const names = Object.keys(json.resource[type] ?? {});
  if (names.length !== 1) throw new Error(`expected exactly one ${type}, found ${names.length}`);
  return `${type}.${names[0]}.${attribute}`;
}
