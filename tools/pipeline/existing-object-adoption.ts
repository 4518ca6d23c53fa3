// Objects that exist in Entra ID but not in the state are adopted, not fought: admin consent someone granted in the
// portal (Graph refuses a second identical app role assignment: "Permission being assigned already exists on the
// object"), or a service principal a killed run created before its state was saved. Each such object Terraform still
// wants to create is looked up in Graph and imported with the provider's import id
// (`/servicePrincipals/{resource}/appRoleAssignedTo/{id}`, `/servicePrincipals/{id}`); the next apply then only
// creates what is really missing.
import { type CommandContext, PipelineError } from "./command-context";
import { type GraphClient } from "./graph-client";
import { withPrivateFolder } from "./private-files";
import { runTerraform } from "./terraform-cli";

interface PlanJson {
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly type: string;
    readonly change: { readonly actions: readonly string[]; readonly after?: Record<string, unknown> | null };
  }[];
}

/** A create in the plan whose identifying arguments are known, and how to find its object's import id in Graph. */
export interface PlannedCreate {
  readonly address: string;
  readonly type: "azuread_app_role_assignment" | "azuread_service_principal";
  readonly after: Readonly<Record<string, unknown>>;
}

const ADOPTABLE = new Set<string>(["azuread_app_role_assignment", "azuread_service_principal"]);

export function plannedCreates(plan: PlanJson): PlannedCreate[] {
  return (plan.resource_changes ?? [])
    .filter((c) => ADOPTABLE.has(c.type) && c.change.actions.join() === "create")
    .map((c) => ({ address: c.address, type: c.type as PlannedCreate["type"], after: c.change.after ?? {} }));
}

const same = (a: unknown, b: unknown) =>
  typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();

/** The import id of the object `create` would make, if Graph already has it. */
export async function existingImportId(create: PlannedCreate, graph: GraphClient): Promise<string | undefined> {
  const { after } = create;
  if (create.type === "azuread_service_principal") {
    if (typeof after.client_id !== "string") return undefined;
    const [id] = await graph.servicePrincipalIds(after.client_id);
    return id === undefined ? undefined : `/servicePrincipals/${id}`;
  }
  if (typeof after.resource_object_id !== "string" || typeof after.principal_object_id !== "string") return undefined;
  const existing = (await graph.appRoleAssignedTo(after.resource_object_id)).find(
    (a) => same(a.principalId, after.principal_object_id) && same(a.appRoleId, after.app_role_id),
  );
  return existing && `/servicePrincipals/${after.resource_object_id}/appRoleAssignedTo/${existing.id}`;
}

/** Imports every object the plan would create that Graph already has; returns the addresses imported. */
export async function adoptExistingObjects(
  context: CommandContext,
  stack: string,
  dir: string,
  graph: GraphClient,
): Promise<string[]> {
  // The plan file holds the state's secrets: it lives in a private folder (0700), deleted right after; its JSON is
  // parsed in memory, never written or printed.
  const plan = await withPrivateFolder(context, "miradore-adopt", async (folder) => {
    const planFile = folder.file("tfplan");
    await runTerraform(context, dir, ["plan", "-input=false", "-no-color", "-lock=false", `-out=${planFile}`]);
    return JSON.parse(
      (await runTerraform(context, dir, ["show", "-json", "-no-color", planFile], { capture: true })).stdout,
    ) as PlanJson;
  });
  const creates = plannedCreates(plan);
  const adopted: string[] = [];
  for (const create of creates) {
    const id = await existingImportId(create, graph);
    if (id === undefined) continue;
    await runTerraform(context, dir, ["import", "-input=false", "-no-color", create.address, id]);
    context.stdout(
      `${stack}: adopted ${create.type === "azuread_service_principal" ? "the service principal" : "the admin consent"} that exists outside Terraform: ${create.address} imported\n`,
    );
    adopted.push(create.address);
  }
  if (adopted.length === 0) {
    throw new PipelineError(
      `stack ${stack}: Graph refused to create an object that already exists, but none of the ${creates.length} planned service principals and consents was found in Graph; check the app in the Entra admin center`,
    );
  }
  return adopted;
}
