// Which tenant a stack's azuread provider signs in to, and as which client, read from the synthesized stack and the
// job's environment: for Graph calls the pipeline makes itself (adoption, the credentials check), which must go to the
// site's tenant rather than ARM_TENANT_ID (the service provider's, where the state lives), and for the message a
// refused sign-in gets.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CI_CLIENT_IDS_LOCAL, CI_IDENTITY_VARIABLE } from "../../app/ci-identity-names";
import type { CommandContext } from "./command-context";
import { isGuid } from "../../constructs";

export interface StackSignIn {
  /** The site's tenant (the provider block's tenant_id); undefined when the stack does not set one. */
  readonly tenantId?: string;
  /** The client id the provider signs in with: the site's own (ciIdentity) for this job's role, else ARM_CLIENT_ID. */
  readonly clientId?: string;
}

const guidOrUndefined = (value: unknown) => (isGuid(value) ? value : undefined);

/** The sign-in of the stack in `stackDir` (its cdk.tf.json; untrusted: only GUIDs are taken from it). */
export function stackSignIn(context: CommandContext, stackDir: string): StackSignIn {
  let json: { provider?: { azuread?: unknown }; locals?: Record<string, unknown> } = {};
  try {
    json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as typeof json;
  } catch {
    // No readable stack: the environment's sign-in (the caller reports the missing stack itself).
  }
  const azuread = json.provider?.azuread;
  const block = (Array.isArray(azuread) ? azuread.find((p) => !(p as { alias?: unknown }).alias) : azuread) as
    { tenant_id?: unknown } | undefined;
  const ids = json.locals?.[CI_CLIENT_IDS_LOCAL] as Record<string, unknown> | undefined;
  const role = context.env[`TF_VAR_${CI_IDENTITY_VARIABLE}`];
  const own = ids && role ? guidOrUndefined(ids[role]) : undefined;
  return {
    tenantId: guidOrUndefined(block?.tenant_id),
    clientId: own ?? guidOrUndefined(context.env.ARM_CLIENT_ID),
  };
}
