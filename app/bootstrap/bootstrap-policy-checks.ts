import { Aspects } from "cdktf";
import {
  graphPermissionsWithinAllowlist,
  MiradorePolicyChecks,
  type PolicyLog,
  READ_ONLY_GRAPH_APP_ROLES,
} from "../../constructs";
import type { BootstrapStack } from "./bootstrap-stack";
import { DEPLOYER_GRAPH_APP_ROLES } from "./deployer-graph-permissions";
import { PLAN_GRAPH_APP_ROLES } from "./plan-graph-permissions";

/**
 * The Miradore policy checks of a bootstrap stack: every construct against the two identities' permissions as the
 * Graph allowlist, and the plan identity's constructs also against {@link READ_ONLY_GRAPH_APP_ROLES}. A permission
 * beyond those lists, requested or granted, stops synthesis (rule MIR-GRAPH-1): the plan identity, which pull
 * requests can sign in as, can never be given a permission that writes.
 */
export function addBootstrapPolicyChecks(stack: BootstrapStack, log?: PolicyLog): void {
  const allowed = [
    ...DEPLOYER_GRAPH_APP_ROLES,
    ...PLAN_GRAPH_APP_ROLES.filter((r) => !DEPLOYER_GRAPH_APP_ROLES.includes(r)),
  ];
  Aspects.of(stack).add(new MiradorePolicyChecks({ allowedGraphAppRoles: allowed, log }));
  Aspects.of(stack.plan).add(
    new MiradorePolicyChecks({
      allowedGraphAppRoles: READ_ONLY_GRAPH_APP_ROLES,
      rules: [graphPermissionsWithinAllowlist],
      log,
    }),
  );
}
