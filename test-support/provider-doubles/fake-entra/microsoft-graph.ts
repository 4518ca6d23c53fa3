// The Microsoft Graph service principal that exists in every Entra tenant, with the real ids of its application
// permissions (app roles). Kept independent of the project's own constants on purpose: an assignment of a wrong GUID
// in our stack fails here exactly as Graph would fail it.
//
// Source of every app role id below: Microsoft Graph permissions reference
// (learn.microsoft.com/graph/permissions-reference, "All permissions and IDs"), cross-checked against the
// GraphAppRoles.csv list that merill/microsoft-info exports from a live tenant's Graph service principal.

/** Microsoft Graph's application (client) id, the same in every tenant. */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

export interface GraphAppRole {
  readonly id: string;
  readonly value: string;
  readonly displayName: string;
  readonly description: string;
}

export const MICROSOFT_GRAPH_APP_ROLES: readonly GraphAppRole[] = [
  {
    id: "df021288-bdef-4463-88db-98f22de89214",
    value: "User.Read.All",
    displayName: "Read all users' full profiles",
    description: "Allows the app to read user profiles without a signed in user.",
  },
  {
    id: "741f803b-c850-494e-b5df-cde7c675a1ca",
    value: "User.ReadWrite.All",
    displayName: "Read and write all users' full profiles",
    description: "Allows the app to read and update user profiles without a signed in user.",
  },
  {
    id: "5b567255-7703-4780-807c-7be8301ae99b",
    value: "Group.Read.All",
    displayName: "Read all groups",
    description: "Allows the app to read group properties and memberships without a signed-in user.",
  },
  {
    id: "62a82d76-70ea-41e2-9197-370581804d09",
    value: "Group.ReadWrite.All",
    displayName: "Read and write all groups",
    description: "Allows the app to create groups and read and update their properties without a signed-in user.",
  },
  {
    id: "98830695-27a2-44f7-8c18-0c3ebc9698f6",
    value: "GroupMember.Read.All",
    displayName: "Read all group memberships",
    description:
      "Allows the app to read memberships and basic group properties for all groups without a signed-in user.",
  },
  {
    id: "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
    value: "Application.Read.All",
    displayName: "Read all applications",
    description: "Allows the app to read all applications and service principals without a signed-in user.",
  },
  {
    id: "18a4783c-866b-4cc7-a460-3d5e5662c884",
    value: "Application.ReadWrite.OwnedBy",
    displayName: "Manage apps that this app creates or owns",
    description:
      "Allows the app to create other applications, and fully manage those applications, without a signed-in user.",
  },
  {
    id: "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
    value: "Application.ReadWrite.All",
    displayName: "Read and write all applications",
    description:
      "Allows the app to create, read, update and delete applications and service principals without a signed-in user.",
  },
  {
    id: "06b708a9-e830-4db3-a914-8e69da51d44f",
    value: "AppRoleAssignment.ReadWrite.All",
    displayName: "Manage app permission grants and app role assignments",
    description:
      "Allows the app to manage permission grants for application permissions to any API and app role assignments for any app, without a signed-in user.",
  },
  {
    id: "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
    value: "Directory.Read.All",
    displayName: "Read directory data",
    description: "Allows the app to read data in your organization's directory without a signed-in user.",
  },
  {
    id: "19dbc75e-c2e2-444c-a770-ec69d8559fc7",
    value: "Directory.ReadWrite.All",
    displayName: "Read and write directory data",
    description: "Allows the app to read and write data in your organization's directory without a signed-in user.",
  },
  {
    id: "b0afded3-3588-46d8-8b3d-9842eff778da",
    value: "AuditLog.Read.All",
    displayName: "Read all audit log data",
    description: "Allows the app to read and query your audit log activities, without a signed-in user.",
  },
  {
    id: "7438b122-aefc-4978-80ed-43db9fcc7715",
    value: "Device.Read.All",
    displayName: "Read all devices",
    description:
      "Allows the app to read your organization's devices' configuration information without a signed-in user.",
  },
  {
    id: "2f51be20-0bb4-4fed-bf7b-db946066c75e",
    value: "DeviceManagementManagedDevices.Read.All",
    displayName: "Read Microsoft Intune devices",
    description:
      "Allows the app to read the properties of devices managed by Microsoft Intune, without a signed-in user.",
  },
];

/**
 * First-party application ids the `azuread_application_published_app_ids` data source returns (the provider reads
 * them from go-azure-sdk's `environments.PublishedApis`). A subset of well-known, stable entries.
 */
export const PUBLISHED_APP_IDS: Readonly<Record<string, string>> = {
  MicrosoftGraph: MICROSOFT_GRAPH_APP_ID,
  AzureActiveDirectoryGraph: "00000002-0000-0000-c000-000000000000",
  AzureServiceManagement: "797f4846-ba00-4fd7-ba43-dac1f8f63013",
  AzureKeyVault: "cfa8b339-82a2-471a-a3c9-0fc0be7a4093",
  Office365ExchangeOnline: "00000002-0000-0ff1-ce00-000000000000",
  Office365SharePointOnline: "00000003-0000-0ff1-ce00-000000000000",
};
