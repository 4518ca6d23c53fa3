// The construct library's public API (the package's entry point): constructs, their props, and the facts and rules
// they use. Everything else in this folder is internal (private/ folders) and may change in any release.

// Facts about Microsoft Graph, Entra ID, Key Vault and Terraform, with their sources.
export * from "./graph-facts";
export * from "./miradore-graph-permissions";
export * from "./entra-limits";
export * from "./key-vault-names";
export * from "./terraform-limits";

// Rules any configuration loader can apply to the same values the constructs check.
export * from "./secret-schedule";
export * from "./terraform-literal";

// The constructs, from the parts to the whole.
export * from "./graph-client-application";
export * from "./miradore-application";
export * from "./graph-admin-consent";
export * from "./client-secret-slot";
export * from "./rotating-client-secret";
export * from "./key-vault-handoff";
export * from "./existing-installation";
export * from "./miradore-connection";
export * from "./miradore-stack";

// Policy checks (a cdktf Aspect), their rules and suppressions.
export * from "./policy";
