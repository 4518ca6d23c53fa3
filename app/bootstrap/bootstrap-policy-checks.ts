import { Aspects } from "cdktf";
import {
  graphPermissionsWithinAllowlist,
  MiradorePolicyChecks,
  type PolicyLog,
  READ_ONLY_GRAPH_APP_ROLES,
} from "../../constructs";
import type { BootstrapStack } from "./bootstrap-stack";
import { deployerGraphPermissions } from "./deployer-graph-permissions";
import { PLAN_GRAPH_APP_ROLES } from "./plan-graph-permissions";

/**
 * The Miradore policy checks of a bootstrap stack: every construct against the two identities' permissions as the
 * Graph allowlist, and the plan identity's constructs also against {@link READ_ONLY_GRAPH_APP_ROLES}. A permission
 * beyond those lists, requested or granted, stops synthesis (rule MIR-GRAPH-1): the plan identity, which pull
 * requests can sign in as, can never be given a permission that writes.
 */
export function addBootstrapPolicyChecks(
  stack: BootstrapStack,
  log?: PolicyLog,
  options: { readonly signInLogs: boolean } = { signInLogs: false },
): void {
  // AuditLog.Read.All is allowed only when the configuration asks for it (signInLogs): a stack that requests it
  // without the setting stops synthesis like any other permission beyond the lists.
  const deployer = deployerGraphPermissions(options).map((p) => p.role);
  const allowed = [...deployer, ...PLAN_GRAPH_APP_ROLES.filter((r) => !deployer.includes(r))];
  Aspects.of(stack).add(new MiradorePolicyChecks({ allowedGraphAppRoles: allowed, log }));
  Aspects.of(stack.plan).add(
    new MiradorePolicyChecks({
      allowedGraphAppRoles: READ_ONLY_GRAPH_APP_ROLES,
      rules: [graphPermissionsWithinAllowlist],
      log,
    }),
  );
}
