// Per-site CI identity (issue 16): a site whose tenant will not consent to the service provider's multi-tenant apps
// brings its own; its stack signs in with the site's plan or deploy client id, chosen per job, and a refused sign-in
// is reported with the tenant and the consent link.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CI_CLIENT_IDS_LOCAL, CI_IDENTITY_VARIABLE } from "../app/ci-identity-names";
import { ConfigError } from "../config/config-error";
import { parseConfig } from "../config/load-config";
import type { CommandContext } from "../tools/pipeline/command-context";
import { graphClient } from "../tools/pipeline/graph-client";
import { stackSignIn } from "../tools/pipeline/stack-sign-in";
import { describeNoAccess } from "../tools/pipeline/tenant-access";
import { site, synthSite } from "../test-support/synth-site";

const TENANT = "4d2f1c5e-8a3b-4c6d-9e7f-1a2b3c4d5e6f";
const OWN_DEPLOY = "aaaaaaaa-1111-4222-8333-444444444444";
const OWN_PLAN = "bbbbbbbb-1111-4222-8333-444444444444";
const FLEET_CLIENT = "cccccccc-1111-4222-8333-444444444444";

function problemsOf(ciIdentity: unknown): string[] {
  try {
    parseConfig(JSON.stringify({ sites: [{ name: "contoso", tenantId: TENANT, ciIdentity }] }), "test.yaml", {});
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error("configuration was accepted");
}

describe("ciIdentity in the configuration", () => {
  test("is accepted with two client ids", () => {
    const config = parseConfig(
      JSON.stringify({
        sites: [
          { name: "contoso", tenantId: TENANT, ciIdentity: { deployClientId: OWN_DEPLOY, planClientId: OWN_PLAN } },
        ],
      }),
      "test.yaml",
      {},
    );
    expect(config.sites[0]!.ciIdentity).toEqual({ deployClientId: OWN_DEPLOY, planClientId: OWN_PLAN });
  });

  test("refuses a client id that is not a GUID, naming the field and the value", () => {
    expect(problemsOf({ deployClientId: "deploy-app", planClientId: OWN_PLAN })).toEqual([
      expect.stringMatching(/^sites\[0\]\.ciIdentity\.deployClientId is "deploy-app", but must be a GUID/),
    ]);
  });

  test("refuses one app for both roles: the plan identity must stay read-only", () => {
    expect(problemsOf({ deployClientId: OWN_DEPLOY, planClientId: OWN_DEPLOY })).toEqual([
      expect.stringMatching(/ciIdentity is .*, but must name two different apps/),
    ]);
  });
});

describe("a site's stack with its own CI identity", () => {
  const { json } = synthSite(site({ ciIdentity: { deployClientId: OWN_DEPLOY, planClientId: OWN_PLAN } }));
  const raw = json as unknown as Record<string, Record<string, any>>;

  test("signs in to the site's tenant with the client id of the job's role, or the environment's when none is set", () => {
    expect(json.provider.azuread).toEqual([
      {
        tenant_id: TENANT,
        client_id: `\${var.${CI_IDENTITY_VARIABLE} == "" ? null : local.${CI_CLIENT_IDS_LOCAL}[var.${CI_IDENTITY_VARIABLE}]}`,
      },
    ]);
    expect(raw.locals![CI_CLIENT_IDS_LOCAL]).toEqual({ deploy: OWN_DEPLOY, plan: OWN_PLAN });
    expect(raw.variable![CI_IDENTITY_VARIABLE]).toMatchObject({ type: "string", default: "" });
    expect(raw.variable![CI_IDENTITY_VARIABLE].validation[0].condition).toBe(
      `\${contains(["", "deploy", "plan"], var.${CI_IDENTITY_VARIABLE})}`,
    );
  });

  test("a site without it is unchanged: no client id, no variable", () => {
    const plain = synthSite(site()).json as unknown as Record<string, Record<string, any>>;
    expect(plain.provider!.azuread).toEqual([{ tenant_id: TENANT }]);
    expect(plain.variable).toBeUndefined();
  });
});

describe("the sign-in the pipeline reads back, and the message for a refused one", () => {
  const folder = (body: unknown) => {
    const dir = mkdtempSync(join(tmpdir(), "sign-in-"));
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(body));
    return dir;
  };
  const context = (env: NodeJS.ProcessEnv) => ({ env }) as CommandContext;
  const own = folder(synthSite(site({ ciIdentity: { deployClientId: OWN_DEPLOY, planClientId: OWN_PLAN } })).json);
  const fleet = folder(synthSite(site()).json);

  test("the site's tenant, and the client id of the job's role (TF_VAR_miradore_ci_identity), else ARM_CLIENT_ID", () => {
    const env = { ARM_CLIENT_ID: FLEET_CLIENT, ARM_TENANT_ID: "11111111-1111-4111-8111-111111111111" };
    expect(stackSignIn(context({ ...env, TF_VAR_miradore_ci_identity: "deploy" }), own)).toEqual({
      tenantId: TENANT,
      clientId: OWN_DEPLOY,
    });
    expect(stackSignIn(context({ ...env, TF_VAR_miradore_ci_identity: "plan" }), own)).toEqual({
      tenantId: TENANT,
      clientId: OWN_PLAN,
    });
    expect(stackSignIn(context(env), own)).toEqual({ tenantId: TENANT, clientId: FLEET_CLIENT });
    expect(stackSignIn(context({ ...env, TF_VAR_miradore_ci_identity: "deploy" }), fleet)).toEqual({
      tenantId: TENANT,
      clientId: FLEET_CLIENT,
    });
  });

  test("only GUIDs are taken from the stack's JSON", () => {
    const odd = folder({
      provider: { azuread: [{ tenant_id: "${var.x}" }] },
      locals: { [CI_CLIENT_IDS_LOCAL]: { deploy: "x" } },
    });
    expect(stackSignIn(context({ TF_VAR_miradore_ci_identity: "deploy" }), odd)).toEqual({});
  });

  test("a tenant without the CI identity: the message names the tenant, the client id and the consent link", () => {
    const message = describeNoAccess(
      "miradore-contoso",
      "plan",
      { kind: "no-access", reason: "not-in-tenant", summary: "Unable to build authorizer", clientId: FLEET_CLIENT },
      { tenantId: TENANT, clientId: FLEET_CLIENT },
    );
    expect(message).toContain("stack miradore-contoso: terraform plan failed: Unable to build authorizer");
    expect(message).toContain(`tenant ${TENANT} does not let the CI identity (client id ${FLEET_CLIENT}) sign in`);
    expect(message).toContain(`https://login.microsoftonline.com/${TENANT}/adminconsent?client_id=${FLEET_CLIENT}`);
    expect(message).toContain(`npm run onboard -- --tenant ${TENANT}`);
  });

  test("revoked permissions (403): the message names the tenant and the consent link of the identity that ran", () => {
    const message = describeNoAccess(
      "miradore-contoso",
      "apply",
      { kind: "no-access", reason: "forbidden", summary: "Retrieving application" },
      { tenantId: TENANT, clientId: OWN_DEPLOY },
    );
    expect(message).toContain(
      `tenant ${TENANT} refused the CI identity (client id ${OWN_DEPLOY}) a Microsoft Graph call`,
    );
    expect(message).toContain(`https://login.microsoftonline.com/${TENANT}/adminconsent?client_id=${OWN_DEPLOY}`);
  });
});

test("the pipeline's own Graph calls get their token from the site's tenant, as the site's client, not ARM_TENANT_ID's", async () => {
  const requests: { url: string; body?: string }[] = [];
  const answers: typeof fetch = async (input, init) => {
    const url = String(input);
    requests.push({ url, body: typeof init?.body === "string" ? init.body : undefined });
    if (url.startsWith("https://github.example/token")) return new Response(JSON.stringify({ value: "github-token" }));
    if (url.includes("/oauth2/v2.0/token")) return new Response(JSON.stringify({ access_token: "graph-token" }));
    return new Response(JSON.stringify({ id: OWN_DEPLOY, passwordCredentials: [], keyCredentials: [] }));
  };
  const ctx = {
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: "https://github.example/token?x=1",
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-token",
      ARM_CLIENT_ID: FLEET_CLIENT,
      ARM_TENANT_ID: "11111111-1111-4111-8111-111111111111",
    },
    fetch: answers,
  } as unknown as CommandContext;
  await graphClient(ctx, { tenantId: TENANT, clientId: OWN_PLAN }).application(OWN_DEPLOY);
  const token = requests.find((r) => r.url.includes("/oauth2/v2.0/token"))!;
  expect(token.url).toBe(`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`);
  expect(new URLSearchParams(token.body).get("client_id")).toBe(OWN_PLAN);
});
