import { DataAzureadClientConfig } from "@cdktf/provider-azuread/lib/data-azuread-client-config";
import type { Construct } from "constructs";
import { displayNameProblem, guidProblem } from "../entra-limits";
import { importExistingInstallation } from "../existing-installation";
import { GraphAdminConsent } from "../graph-admin-consent";
import type { GraphAppRole } from "../graph-facts";
import { DEFAULT_DISPLAY_NAME, MiradoreApplication } from "../miradore-application";
import type { MiradoreConnectionOptions, MiradoreConnectionProviders } from "../miradore-connection";
import { miradoreGraphAppRoles } from "../miradore-graph-permissions";
import { RotatingClientSecret } from "../rotating-client-secret";
import { type AddOutput, addOperatorOutputs } from "./operator-outputs";
import { assertProps, eachOf } from "./prop-problems";
import { AZUREAD, providerFor } from "./providers";

/** What a Miradore connection is made of. */
export interface ConnectionParts {
  /** The identity running Terraform (`data.azuread_client_config`): the app's first owner, and its tenant. */
  readonly deployer: DataAzureadClientConfig;
  readonly app: MiradoreApplication;
  readonly consent: GraphAdminConsent;
  readonly secret: RotatingClientSecret;
  readonly graphAppRoles: readonly GraphAppRole[];
}

/**
 * Adds a Miradore connection's constructs to `scope`, with these construct ids: `deployer`, `app`, `consent`,
 * `client-secret`, then the outputs through `output`. Shared by MiradoreConnection (`scope` is the connection) and
 * MiradoreStack (`scope` is the stack itself, so its construct paths and logical ids stay what they have always been:
 * they are a public contract, and a changed one replaces a real resource).
 */
export function addConnectionParts(
  scope: Construct,
  props: MiradoreConnectionOptions & MiradoreConnectionProviders,
  output: AddOutput,
): ConnectionParts {
  const displayName = props.displayName ?? DEFAULT_DISPLAY_NAME;
  const groupFiltering = props.groupFiltering ?? true;
  const additionalOwners = props.additionalOwnerObjectIds ?? [];
  assertProps(scope, [
    ["displayName", displayName, displayNameProblem(displayName)],
    [
      "groupFiltering",
      groupFiltering,
      typeof groupFiltering === "boolean" ? undefined : "must be true or false (whether to request group permissions)",
    ],
    ...eachOf("additionalOwnerObjectIds", additionalOwners, (owner) =>
      guidProblem(owner, "the object id of a user or service principal"),
    ),
  ]);
  const azureadProvider = props.azureadProvider;

  // The identity running Terraform: owner by default, so it can keep managing what it created.
  const deployer = new DataAzureadClientConfig(scope, "deployer", {
    provider: providerFor(scope, "azureadProvider", AZUREAD, azureadProvider),
  });
  const graphAppRoles = miradoreGraphAppRoles(groupFiltering);

  const app = new MiradoreApplication(scope, "app", {
    displayName,
    ownerObjectIds: [deployer.objectId, ...additionalOwners],
    graphAppRoles,
    provider: azureadProvider,
  });
  const consent = new GraphAdminConsent(scope, "consent", {
    principalObjectId: app.servicePrincipal.objectId,
    graphAppRoles,
    provider: azureadProvider,
  });
  const secret = new RotatingClientSecret(scope, "client-secret", {
    applicationId: app.application.id,
    ...props.secret,
    azureadProvider,
    timeProvider: props.timeProvider,
  });

  addOperatorOutputs(output, {
    clientId: app.application.clientId,
    tenantId: deployer.tenantId,
    secret,
    graphAppRoles,
  });

  if (props.existing) importExistingInstallation({ app, consent }, props.existing);
  return { deployer, app, consent, secret, graphAppRoles };
}
