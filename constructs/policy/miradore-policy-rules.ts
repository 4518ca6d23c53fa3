import { applicationHasOwners, singleTenantOnly } from "./application-rules";
import { secretHasExplicitEndDate, secretLifetimeIsKnown, secretLifetimeWithinMaximum } from "./client-secret-rules";
import { graphPermissionsWithinAllowlist, noDelegatedScopes } from "./graph-permission-rules";
import type { PolicyRule } from "./policy-rule";
import { secretOnlyInSensitiveOutputs } from "./secret-output-rule";

/** Every rule {@link MiradorePolicyChecks} applies by default, in report order. */
export const MIRADORE_POLICY_RULES: readonly PolicyRule[] = [
  graphPermissionsWithinAllowlist,
  noDelegatedScopes,
  singleTenantOnly,
  applicationHasOwners,
  secretHasExplicitEndDate,
  secretLifetimeWithinMaximum,
  secretLifetimeIsKnown,
  secretOnlyInSensitiveOutputs,
];
