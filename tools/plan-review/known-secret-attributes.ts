// Attributes the azuread provider's schema marks sensitive (hashicorp/azuread 3.7.0). Terraform marks them in
// before_sensitive/after_sensitive itself; this table is a second lock for plans written before format 0.2, which
// carry no sensitivity marks for resources at all. Paths are attribute names, list and set indexes left out.
const SECRET_ATTRIBUTES_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  azuread_application: ["password.value"],
  azuread_application_certificate: ["value"],
  azuread_application_password: ["value"],
  azuread_service_principal_certificate: ["value"],
  azuread_service_principal_password: ["value"],
  azuread_service_principal_token_signing_certificate: ["value"],
  azuread_synchronization_secret: ["credential.value"],
  azuread_user: ["password"],
};

/** The attribute paths (dot-joined names) of `resourceType` that hold a secret, whatever the plan's marks say. */
export function knownSecretAttributes(resourceType: string): ReadonlySet<string> {
  return new Set(SECRET_ATTRIBUTES_BY_TYPE[resourceType] ?? []);
}
