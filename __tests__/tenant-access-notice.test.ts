// The operator notice for a site whose tenant does not let the CI identity in (issue 16): the apply record carries the
// tenant and client id, checked as GUIDs when read back (records come from artifacts), and the notice turns them into
// the tenant's admin consent link.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readApplyRecords, type ApplyRecord } from "../tools/pipeline/apply-records";
import { PipelineError, type CommandContext } from "../tools/pipeline/command-context";
import { renderOperatorNotice } from "../tools/pipeline/operator-notice";

const TENANT = "2b2b2b2b-1111-4222-8333-444455556666";
const CLIENT = "22222222-2222-4222-8222-222222222222";

const failed = (tenantAccess?: ApplyRecord["tenantAccess"]): ApplyRecord => ({
  stack: "miradore-beta",
  result: "failed",
  at: "2026-03-03T08:00:00.000Z",
  reasons: ["stack miradore-beta: terraform plan failed: Unable to build authorizer: tenant … does not let …"],
  ...(tenantAccess ? { tenantAccess } : {}),
});

test("names the tenant and the client id, and links the tenant's admin consent", () => {
  const notice = renderOperatorNotice([], "2026-03-03T08:00:00Z", undefined, {
    records: new Map([["miradore-beta", failed({ tenantId: TENANT, clientId: CLIENT })]]),
    expected: ["miradore-beta"],
  });
  expect(notice.state).toBe("open");
  expect(notice.markdown).toContain(
    `- Tenant \`${TENANT}\` does not let the CI identity \`${CLIENT}\` in (its consent is missing or was revoked): ` +
      `send that tenant's administrator the [admin consent link](https://login.microsoftonline.com/${TENANT}/adminconsent?client_id=${CLIENT})`,
  );
});

test("another failure gets no consent line", () => {
  const notice = renderOperatorNotice([], "2026-03-03T08:00:00Z", undefined, {
    records: new Map([["miradore-beta", failed()]]),
    expected: ["miradore-beta"],
  });
  expect(notice.markdown).toContain("the pipeline could not apply it");
  expect(notice.markdown).not.toContain("admin consent link");
});

test("a result file whose tenant is not a GUID is refused before anything of it is shown", () => {
  const dir = mkdtempSync(join(tmpdir(), "records-"));
  writeFileSync(
    join(dir, "miradore-beta.result.json"),
    JSON.stringify(failed({ tenantId: "evil)[x](https://attacker.example", clientId: CLIENT })),
  );
  const context = { env: {}, cwd: dir } as unknown as CommandContext;
  expect(() => readApplyRecords(context, dir)).toThrow(PipelineError);
  expect(() => readApplyRecords(context, dir)).toThrow(/tenantAccess\.tenantId/);
});
