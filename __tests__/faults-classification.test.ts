// How the pipeline reads a failed apply's error output (tools/pipeline/apply-failures.ts), on the texts Terraform
// prints for the real provider's errors: wrapped over "│ " lines as Terraform does.
import { classifyApplyFailure, describeLock, errorSummaries } from "../tools/pipeline/apply-failures";

/** A diagnostic as Terraform prints it without colour, its detail wrapped (narrower than Terraform, to split sentences). */
function diagnostic(summary: string, detail: string): string {
  const wrapped = detail.replace(/(.{1,48})(\s|$)/g, "│ $1\n");
  return `╷\n│ Error: ${summary}\n│ \n│   with azuread_service_principal.app_sp_0A1B2C3D,\n│   on cdk.tf.json line 120:\n│ \n${wrapped}╵\n`;
}

describe("classifyApplyFailure", () => {
  test.each([
    [
      "Entra replication delay",
      diagnostic(
        "Timed out whilst waiting for new service principal to be replicated in Azure AD",
        "unexpected status 404 (404 Not Found) with error: Request_ResourceNotFound: Resource 'x' does not exist or one of its queried reference-property objects are not present.",
      ),
    ],
    [
      "Microsoft Graph throttling",
      diagnostic(
        "retrieving azuread_application",
        "unexpected status 429 (429 Too Many Requests) with error: TooManyRequests: Too many requests.",
      ),
    ],
    [
      "Microsoft Graph server error",
      diagnostic(
        "Could not create app role assignment",
        "unexpected status 503 (503 Service Unavailable) with error: ServiceUnavailable",
      ),
    ],
    ["timeout", diagnostic("Waiting for update of `display_name` for Group", "context deadline exceeded")],
  ])("retries %s", (reason, output) => {
    expect(classifyApplyFailure(output)).toEqual({ kind: "transient", reason, summary: errorSummaries(output)[0] });
  });

  test("adopts consent that already exists, even when Terraform wrapped the sentence", () => {
    const output = diagnostic(
      "Could not create app role assignment",
      "unexpected status 409 with OData error: Request_BadRequest: Permission being assigned already exists on the object",
    );
    expect(output).not.toMatch(/Permission being assigned already exists on the object/);
    expect(classifyApplyFailure(output)).toEqual({
      kind: "already-exists",
      summary: "Could not create app role assignment",
    });
  });

  test("never retries a missing permission: the tenant's admin must act (consent revoked, or never granted)", () => {
    const output = diagnostic(
      "Could not create app role assignment",
      "unexpected status 403 (403 Forbidden) with error: Authorization_RequestDenied: Insufficient privileges to complete the operation.",
    );
    expect(classifyApplyFailure(output)).toEqual({
      kind: "no-access",
      reason: "forbidden",
      summary: "Could not create app role assignment",
    });
  });

  test("an identifier Entra names that is not a client id is not kept (it would go into a link)", () => {
    const output = diagnostic(
      "Unable to build authorizer",
      "AADSTS700016: Application with identifier 'https://evil.example/x?y=' was not found in the directory 'Contoso'.",
    );
    expect(classifyApplyFailure(output)).toEqual({
      kind: "no-access",
      reason: "not-in-tenant",
      summary: "Unable to build authorizer",
    });
  });

  test("a tenant without the CI identity's service principal (AADSTS700016) is no-access, with the client id Entra named", () => {
    const output = diagnostic(
      "Unable to build authorizer for Microsoft Graph API",
      "unable to obtain access token: clientCredentialsToken: received HTTP status 400 with response: " +
        `{"error":"unauthorized_client","error_description":"AADSTS700016: Application with identifier ` +
        `'0f81b0aa-7d4f-4e39-b336-1717df0362c3' was not found in the directory 'Contoso'. This can happen if the ` +
        `application has not been installed by the administrator of the tenant or consented to by any user in the tenant."}`,
    );
    expect(classifyApplyFailure(output)).toEqual({
      kind: "no-access",
      reason: "not-in-tenant",
      summary: "Unable to build authorizer for Microsoft Graph API",
      clientId: "0f81b0aa-7d4f-4e39-b336-1717df0362c3",
    });
  });

  test("reads the lock's owner from Terraform's lock error and names force-unlock only as the last resort", () => {
    const output = [
      "╷",
      "│ Error: Error acquiring the state lock",
      "│ ",
      "│ Error message: resource temporarily unavailable",
      "│ Lock Info:",
      "│   ID:        0c1d2e3f-aaaa-bbbb-cccc-000011112222",
      "│   Path:      /state/terraform.miradore-x.tfstate",
      "│   Operation: OperationTypeApply",
      "│   Who:       runner@host",
      "│   Version:   1.11.4",
      "│   Created:   2026-03-02 08:00:01.5 +0000 UTC",
      "╵",
    ].join("\n");
    const failure = classifyApplyFailure(output);
    expect(failure).toEqual({
      kind: "locked",
      lock: {
        id: "0c1d2e3f-aaaa-bbbb-cccc-000011112222",
        who: "runner@host",
        operation: "OperationTypeApply",
        created: "2026-03-02 08:00:01.5 +0000 UTC",
      },
    });
    if (failure.kind !== "locked") throw new Error(`expected a lock failure, got ${failure.kind}`);
    const line = describeLock("miradore-x", failure.lock, "10m");
    expect(line).not.toContain("\n");
    expect(line).toMatch(
      /locked by another run \(apply by runner@host since 2026-03-02 08:00:01\.5 \+0000 UTC\) and was not released within 10m; nothing was changed\..*only if no run is in progress.*terraform force-unlock 0c1d2e3f-aaaa-bbbb-cccc-000011112222/,
    );
  });
});
