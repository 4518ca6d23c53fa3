import { AzurermBackend, CloudBackend, LocalBackend, NamedCloudWorkspace, TerraformStack } from "cdktf";
import type { StateConfig } from "../config/config-schema";

/**
 * Where a stack keeps its Terraform state, which holds the client secrets' values: a local file by default, an
 * Azure Storage blob read and written with Entra ID auth (no storage account keys; OIDC in CI via `ARM_USE_OIDC`), or
 * an HCP Terraform / Terraform Enterprise workspace.
 * The state key is derived from the stack name alone, so sites never share or overwrite each other's state.
 */
export function configureStateBackend(stack: TerraformStack, stackName: string, state: StateConfig): void {
  if (state.backend === "cloud") {
    // Remote runs in HCP Terraform / Terraform Enterprise; the token comes from `terraform login` or TF_TOKEN_*.
    new CloudBackend(stack, {
      hostname: state.hostname,
      organization: state.organization,
      workspaces: new NamedCloudWorkspace(`${state.workspacePrefix}${stackName}`),
    });
    return;
  }
  if (state.backend === "azurerm") {
    new AzurermBackend(stack, {
      storageAccountName: state.storageAccountName,
      containerName: state.containerName,
      key: `${state.keyPrefix}${stackName}.tfstate`,
      useAzureadAuth: true,
    });
    return;
  }
  // Relative to cdktf.out/stacks/<stack>/ (Terraform's working directory): state lives outside the synth output,
  // which cdktf rewrites, and the path is the same on every machine.
  const directory = state.directory ?? "../../..";
  new LocalBackend(stack, { path: `${directory}/terraform.${stackName}.tfstate` });
}
