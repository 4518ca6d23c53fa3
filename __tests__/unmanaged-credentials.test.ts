// Credentials and grants Terraform does not manage: which ids the state manages, the Graph client against the fake
// Microsoft Graph (paging, 403, shapes), the drift issue's section (escaped, nothing secret) and the drift report
// opening on unmanaged credentials alone. The whole flow through Terraform is in pipeline-rehearsal.terraform.test.ts.
import { randomUUID } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runPipeline } from "../tools/pipeline";
import type { CommandContext } from "../tools/pipeline/command-context";
import { renderDriftReport } from "../tools/pipeline/drift-report";
import { graphClient, GraphRequestError } from "../tools/pipeline/graph-client";
import {
  findUnmanagedCredentials,
  managedObjects,
  renderUnmanagedCredentials,
  type CredentialCheck,
} from "../tools/pipeline/unmanaged-credentials";
import { FakeGraphApi } from "../test-support/fake-graph-api";
import { readTenant, updateTenant } from "../test-support/provider-doubles/fake-entra/directory-store";
import {
  addFederatedCredentialInPortal,
  addPasswordInPortal,
  grantConsentInPortal,
  grantDelegatedPermissionInPortal,
  uploadCertificateInPortal,
} from "../test-support/provider-doubles/fake-entra/portal-actions";

const TENANT = "11111111-1111-4111-8111-111111111111";
const START = new Date("2026-03-02T08:00:00Z");
const END = new Date("2026-09-02T08:00:00Z");

function context(env: NodeJS.ProcessEnv): { ctx: CommandContext; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    ctx: {
      env,
      cwd: tmpdir(),
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      fetch: (input, init) => fetch(input, init),
    },
    out,
    err,
  };
}

/** A tenant with the Miradore app, its service principal and consent as Terraform made them; returns their ids. */
function seedMiradore(root: string) {
  return updateTenant(root, TENANT, (doc) => {
    const appObjectId = randomUUID();
    const appId = randomUUID();
    const spObjectId = randomUUID();
    doc.applications[appObjectId] = {
      objectId: appObjectId,
      appId,
      displayName: "Miradore MDM",
      signInAudience: "AzureADMyOrg",
      appRoles: [],
      passwordCredentials: [],
      keyCredentials: [],
      federatedIdentityCredentials: [],
      settings: { owners: [doc.deployer.objectId] },
    };
    doc.servicePrincipals[spObjectId] = {
      objectId: spObjectId,
      appId,
      displayName: "Miradore MDM",
      appRoles: [],
      passwordCredentials: [],
      keyCredentials: [],
      settings: {},
    };
    const slotA = addPasswordInPortal(doc, { displayName: "slot A", start: START, end: END });
    const slotB = addPasswordInPortal(doc, { displayName: "slot B", start: START, end: END });
    const consents = grantConsentInPortal(doc, ["User.Read.All", "Group.Read.All"]);
    const graphSp = Object.values(doc.servicePrincipals).find((sp) => sp.builtIn)!;
    return { appObjectId, appId, spObjectId, slotA, slotB, consents, graphSpObjectId: graphSp.objectId };
  });
}

/** `terraform show -json` state of the seeded stack (what ids Terraform manages), with a data source beside. */
function stateOf(seed: ReturnType<typeof seedMiradore>) {
  const resource = (type: string, values: Record<string, unknown>, mode = "managed") => ({ mode, type, values });
  return {
    values: {
      root_module: {
        resources: [
          resource("azuread_application", { object_id: seed.appObjectId, client_id: seed.appId }),
          resource("azuread_service_principal", { object_id: seed.spObjectId, client_id: seed.appId }),
          resource("azuread_application_password", { key_id: seed.slotA.toUpperCase(), value: "s3cr3t~value" }),
          resource("azuread_application_password", { key_id: seed.slotB, value: "s3cr3t~value" }),
          ...seed.consents.map((id) =>
            resource("azuread_app_role_assignment", {
              id: `/servicePrincipals/${seed.graphSpObjectId}/appRoleAssignedTo/${id}`,
            }),
          ),
          // The tenant's Microsoft Graph service principal is read, never managed: its credentials are not ours.
          resource("azuread_service_principal", { object_id: seed.graphSpObjectId, client_id: "00000003" }, "data"),
        ],
      },
    },
  };
}

describe("unmanaged credentials, listed through the fake Microsoft Graph", () => {
  let root: string;
  let graph: FakeGraphApi;
  let seed: ReturnType<typeof seedMiradore>;

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), "unmanaged-credentials-"));
    seed = seedMiradore(root);
    graph = await FakeGraphApi.start({ directoryRoot: root, tenantId: TENANT });
  });
  afterEach(async () => {
    await graph.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const check = async () =>
    findUnmanagedCredentials(graphClient(context(graph.env()).ctx), managedObjects(stateOf(seed)));

  test("finds nothing when the directory holds only what the state manages (key ids compared without case)", async () => {
    const result = await check();
    expect(result).toEqual({ unmanaged: [], notChecked: [], applications: 1 });
  });

  test("reports every kind of credential and grant added outside Terraform, across pages", async () => {
    const added = updateTenant(root, TENANT, (doc) => ({
      password: addPasswordInPortal(doc, { displayName: "added in the portal", start: START, end: END }),
      password2: addPasswordInPortal(doc, { displayName: "another", start: START, end: END }),
      certificate: uploadCertificateInPortal(doc, { displayName: "CN=intruder", start: START, end: END }),
      federated: addFederatedCredentialInPortal(doc, {
        name: "elsewhere",
        issuer: "https://token.actions.githubusercontent.com",
        subject: "repo:someone-else/other-repo:ref:refs/heads/main",
      }),
      spPassword: addPasswordInPortal(doc, {
        on: "servicePrincipal",
        displayName: "sp secret",
        start: START,
        end: END,
      }),
      spCertificate: uploadCertificateInPortal(doc, {
        on: "servicePrincipal",
        displayName: "sp cert",
        start: START,
        end: END,
      }),
      role: grantConsentInPortal(doc, ["User.ReadWrite.All"])[0]!,
      role2: grantConsentInPortal(doc, ["Directory.Read.All"])[0]!,
      grant: grantDelegatedPermissionInPortal(doc, "User.Read Mail.Read"),
    }));
    const result = await check();
    expect(result.notChecked).toEqual([]);
    expect(result.unmanaged.map((f) => `${f.kind} ${f.id}`).sort()).toEqual(
      [
        `application password ${added.password}`,
        `application password ${added.password2}`,
        `application certificate ${added.certificate}`,
        `federated credential ${added.federated}`,
        `service principal password ${added.spPassword}`,
        `service principal certificate ${added.spCertificate}`,
        `app role assignment ${added.role}`,
        `app role assignment ${added.role2}`,
        `delegated permission grant ${added.grant}`,
      ].sort(),
    );
    const byId = new Map(result.unmanaged.map((f) => [f.id, f]));
    expect(byId.get(added.password)).toMatchObject({
      name: "added in the portal",
      start: "2026-03-02T08:00:00Z",
      end: "2026-09-02T08:00:00Z",
    });
    expect(byId.get(added.federated)!.detail).toBe(
      "issuer https://token.actions.githubusercontent.com, subject repo:someone-else/other-repo:ref:refs/heads/main",
    );
    expect(byId.get(added.certificate)!.detail).toBe("AsymmetricX509Cert, Verify");
    expect(byId.get(added.grant)!.detail).toBe(
      `for all users: User.Read Mail.Read on service principal ${seed.graphSpObjectId}`,
    );
    // Three app role assignments and three passwords or more: the fake serves two per page, so paging was followed.
    expect(graph.requests.filter((r) => r.includes("$skiptoken=")).length).toBeGreaterThan(0);
    // Listed without $select, so Graph returns no certificate bodies (and no keyCredentials throttle applies).
    expect(graph.requests.filter((r) => r.startsWith("GET") && r.includes("$select"))).toEqual([]);
  });

  test("records a listing Graph refuses (403) as not checked, naming the permission, and checks the rest", async () => {
    // Application.Read.All alone (the drift identity's least permission for the rest) does not cover delegated grants.
    graph.permissions.clear();
    graph.permissions.add("Application.Read.All");
    updateTenant(root, TENANT, (doc) =>
      addPasswordInPortal(doc, { displayName: "added in the portal", start: START, end: END }),
    );
    const result = await check();
    expect(result.unmanaged.map((f) => f.kind)).toEqual(["application password"]);
    expect(result.notChecked).toEqual([
      {
        what: `delegated permission grants of service principal ${seed.spObjectId}`,
        status: 403,
        permission: "Directory.Read.All",
      },
    ]);
  });

  test("fails on an error other than 403 or 404, naming the request and Graph's error code", async () => {
    const { ctx } = context({ ...graph.env(), MIRADORE_GRAPH_TOKEN: "wrong" });
    await expect(graphClient(ctx).application(seed.appObjectId)).rejects.toThrow(
      new GraphRequestError(
        `Microsoft Graph GET /applications/${seed.appObjectId} answered 401 (InvalidAuthenticationToken)`,
        401,
      ),
    );
  });

  test("never follows an @odata.nextLink to another host (the token would go with it)", async () => {
    const { ctx } = context(graph.env());
    const evil: typeof fetch = async () =>
      new Response(JSON.stringify({ value: [], "@odata.nextLink": "https://attacker.example/v1.0/x" }), {
        status: 200,
      });
    await expect(graphClient({ ...ctx, fetch: evil }).appRoleAssignments(seed.spObjectId)).rejects.toThrow(
      /@odata.nextLink does not point to http:\/\/127\.0\.0\.1/,
    );
  });

  test("treats Graph's answers as input: wrong-typed fields are left out, a body that is not JSON is one clear error", async () => {
    const { ctx } = context(graph.env());
    const odd = JSON.stringify({
      id: seed.appObjectId,
      passwordCredentials: [null, 7, { keyId: { nested: true }, displayName: ["x"], endDateTime: 5 }],
      keyCredentials: "not a list",
    });
    const answers: typeof fetch = async (input) =>
      new Response(String(input).endsWith(seed.appObjectId) ? odd : JSON.stringify({ value: "not a list" }), {
        status: 200,
      });
    const result = await findUnmanagedCredentials(graphClient({ ...ctx, fetch: answers }), {
      applications: [{ objectId: seed.appObjectId, clientId: "" }],
      servicePrincipals: [],
      ids: new Set(),
    });
    // The odd password is still reported, without the fields that are not text; nothing else is made up.
    expect(result.unmanaged).toEqual([
      { kind: "application password", id: "(no id)", ownerObjectId: seed.appObjectId },
    ]);
    const html: typeof fetch = async () => new Response("<html>", { status: 200 });
    await expect(graphClient({ ...ctx, fetch: html }).application(seed.appObjectId)).rejects.toThrow(
      `Microsoft Graph GET /applications/${seed.appObjectId} answered 200 with a body that is not JSON`,
    );
  });

  test("ci:credentials writes the stack's section and says found=true; nothing when all is managed", async () => {
    // No Terraform here: the state comes from a stand-in `terraform` that prints it.
    const work = mkdtempSync(join(tmpdir(), "ci-credentials-"));
    try {
      mkdirSync(join(work, "out", "stacks", "miradore-x"), { recursive: true });
      writeFileSync(join(work, "out", "stacks", "miradore-x", "cdk.tf.json"), "{}");
      writeFileSync(
        join(work, "out", "manifest.json"),
        JSON.stringify({ stacks: { "miradore-x": { workingDirectory: "stacks/miradore-x" } } }),
      );
      writeFileSync(join(work, "state.json"), JSON.stringify(stateOf(seed)));
      writeFileSync(
        join(work, "terraform"),
        `#!/bin/sh\nif [ "$1" = show ]; then cat ${JSON.stringify(join(work, "state.json"))}; fi\n`,
      );
      chmodSync(join(work, "terraform"), 0o755);
      const outFile = join(work, "report", "miradore-x.credentials.md");
      const run = async () => {
        const outputs = join(work, `github-output-${Math.random()}`);
        writeFileSync(outputs, "");
        const { ctx, out } = context({
          ...graph.env(),
          MIRADORE_TERRAFORM: join(work, "terraform"),
          GITHUB_OUTPUT: outputs,
          PATH: process.env.PATH,
        });
        const code = await runPipeline(
          ["credentials", "--out-dir", join(work, "out"), "--stack", "miradore-x", "--out-file", outFile],
          ctx,
        );
        return { code, out: out.join(""), outputs: readFileSync(outputs, "utf8") };
      };

      const clean = await run();
      expect(clean).toMatchObject({ code: 0, outputs: "found=false\n" });
      expect(clean.out).toContain("miradore-x: no credentials or grants outside Terraform");

      const keyId = updateTenant(root, TENANT, (doc) =>
        addPasswordInPortal(doc, { displayName: "added in the portal", start: START, end: END }),
      );
      const dirty = await run();
      expect(dirty).toMatchObject({ code: 0, outputs: "found=true\n" });
      expect(dirty.out).toContain(
        `miradore-x: 1 credentials or grants Terraform does not manage: application password ${keyId} ("added in the portal")`,
      );
      expect(readFileSync(outFile, "utf8")).toContain(
        `| application password | \`${keyId}\` | \`added in the portal\` |`,
      );

      // Removed in the portal: the next run leaves no stale report behind.
      updateTenant(root, TENANT, (doc) => {
        const app = doc.applications[seed.appObjectId]!;
        app.passwordCredentials = app.passwordCredentials.filter((c) => c.keyId !== keyId);
      });
      expect(await run()).toMatchObject({ code: 0, outputs: "found=false\n" });
      expect(existsSync(outFile)).toBe(false);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test("the fake directory's hint never leaves Graph's answer into the report", async () => {
    updateTenant(root, TENANT, (doc) => addPasswordInPortal(doc, { displayName: "x", start: START, end: END }));
    const hints = readTenant(root, TENANT).applications[seed.appObjectId]!.passwordCredentials.map((c) => c.hint);
    const markdown = renderUnmanagedCredentials(await check());
    for (const hint of hints) expect(markdown).not.toMatch(new RegExp(`\`${hint}\``));
  });
});

describe("the drift issue's credentials section", () => {
  const finding = (name: string, detail?: string) => ({
    kind: "application password" as const,
    id: "6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b",
    name,
    start: "2026-03-02T08:00:00Z",
    end: "2026-09-02T08:00:00Z",
    detail,
    ownerObjectId: "7a1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b",
  });

  test("quotes every value as a code span, so a display name cannot break the table or the issue", () => {
    const hostile = "a | b `c` <img src=x onerror=alert(1)> @octocat [link](https://x) **bold**\nsecond line";
    const markdown = renderUnmanagedCredentials({
      unmanaged: [finding(hostile, "|")],
      notChecked: [],
      applications: 1,
    });
    const row = markdown.split("\n").find((l) => l.startsWith("| application password"))!;
    expect(row).toBe(
      "| application password | `6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b` | ``a \\| b `c` <img src=x onerror=alert(1)> @octocat [link](https://x) **bold** second line`` | `2026-03-02T08:00:00Z` | `2026-09-02T08:00:00Z` | `\\|` |",
    );
    // Six cells: the escaped pipes did not add any.
    expect(row.replace(/\\\|/g, "").split("|").length - 2).toBe(6);
  });

  test("says which listing was not made and which permission it needs", () => {
    const check: CredentialCheck = {
      unmanaged: [],
      notChecked: [
        { what: "delegated permission grants of service principal x", status: 403, permission: "Directory.Read.All" },
      ],
      applications: 1,
    };
    expect(renderUnmanagedCredentials(check)).toContain(
      "- delegated permission grants of service principal x: Microsoft Graph answered 403; the drift job's identity needs the application permission `Directory.Read.All`",
    );
    expect(renderUnmanagedCredentials({ unmanaged: [], notChecked: [], applications: 1 })).toBe("");
  });

  test("opens the drift issue when a stack has only unmanaged credentials, and shows them", () => {
    const section = renderUnmanagedCredentials({ unmanaged: [finding("portal")], notChecked: [], applications: 1 });
    const report = renderDriftReport([{ stack: "miradore-a", credentials: section }], 2, "2026-03-02T08:00:00Z");
    expect(report.state).toBe("open");
    expect(report.markdown).toContain("<details open><summary>miradore-a</summary>");
    expect(report.markdown).toContain("1 credential or grant Terraform does not manage");
  });
});
