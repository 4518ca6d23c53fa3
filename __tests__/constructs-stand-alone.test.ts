// The constructs stand on their own: another app that uses them without our configuration loader gets the same
// errors for the same values, and MiradoreStack's JSON holds everything an Aspect or escape hatch adds after
// construction, exactly as a plain TerraformStack would write it.
import { ApplicationPasswordA } from "@cdktf/provider-azuread/lib/application-password";
import { Aspects, type IAspect, TerraformStack, Testing } from "cdktf";
import type { IConstruct } from "constructs";
import { parseConfig } from "../config/load-config";
import { SiteStack } from "../app/site-stack";
import { ClientSecretSlot, DEFAULT_SECRET_SCHEDULE, RotatingClientSecret } from "../constructs";
import { EXAMPLE_TENANT_ID, site, type StackJson } from "../test-support/synth-site";

const APPLICATION = "/applications/00000000-0000-4000-8000-000000000001";
const scope = () => new TerraformStack(Testing.app({ stackTraces: false }), "library-user");

/** What the configuration loader says about the same secret settings, without the "config error: " and site. */
function configErrors(secret: Record<string, unknown>): string[] {
  try {
    parseConfig(JSON.stringify({ sites: [{ name: "s", tenantId: EXAMPLE_TENANT_ID, secret }] }), "test");
    return [];
  } catch (error) {
    return (error as Error).message
      .split("\n")
      .filter((line) => line.startsWith("config error: "))
      .map((line) => line.replace(/^config error: sites\[0\]\.secret\./, "").replace(/ \[site "s"\]$/, ""));
  }
}

/** The construct's error, without its construct path. */
function constructError(props: Record<string, unknown>): string[] {
  try {
    new RotatingClientSecret(scope(), "client-secret", { applicationId: APPLICATION, ...props });
    return [];
  } catch (error) {
    return (error as Error).message.replace(/^library-user\/client-secret: /, "").split("; ");
  }
}

describe("RotatingClientSecret validates its props with the configuration's rules", () => {
  test.each([
    ["a lifetime over the tenant's maximum", { lifetimeDays: 900 }],
    ["an interval the lifetime cannot cover", { rotationIntervalDays: 80 }],
    ["a handoff that does not fit the interval", { handoffDays: 30 }],
    ["a fraction of a day", { maxRunGapDays: 2.5 }],
    ["zero days", { handoffDays: 0 }],
    ["more days than Terraform can add to a date", { tenantMaxLifetimeDays: 200_000 }],
    ["several problems at once", { lifetimeDays: 100, handoffDays: 50 }],
  ])("%s: the same sentences as the configuration file", (_, props) => {
    const expected = configErrors(props);
    expect(expected.length).toBeGreaterThan(0);
    expect(constructError(props)).toEqual(expected);
  });

  test("accepts the defaults, and records the schedule for the apply guard", () => {
    const secret = new RotatingClientSecret(scope(), "client-secret", { applicationId: APPLICATION });
    expect(secret.schedule).toEqual(DEFAULT_SECRET_SCHEDULE);
  });

  test("ClientSecretSlot refuses a lifetime or pace that is not a whole number of days", () => {
    const slot = (props: Partial<{ lifetimeDays: number; everyDays: number }>) => () =>
      new ClientSecretSlot(scope(), "slot", {
        applicationId: APPLICATION,
        displayName: "slot",
        lifetimeDays: props.lifetimeDays ?? 180,
        schedule: { everyDays: props.everyDays ?? 120 },
      });
    expect(slot({ lifetimeDays: 0 })).toThrow(
      "library-user/slot: lifetimeDays is 0, but must be at least 1 day (how long each client secret stays valid)",
    );
    expect(slot({ everyDays: 1.5 })).toThrow(
      "library-user/slot: schedule.everyDays is 1.5, but must be a whole number of days (days between the slot's secrets)",
    );
  });
});

/** An Aspect that tags every password through an escape hatch, after construction. */
class TagPasswords implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof ApplicationPasswordA) node.addOverride("display_name", "changed by an aspect");
  }
}

describe("MiradoreStack's JSON", () => {
  const synthesized = () => {
    const stack = new SiteStack(Testing.app({ stackTraces: false }), "miradore-test", { site: site() });
    Aspects.of(stack).add(new TagPasswords());
    const json = JSON.parse(Testing.synth(stack, true)) as StackJson;
    return { stack, json };
  };

  test("includes an override an Aspect adds after construction", () => {
    const { json } = synthesized();
    const names = Object.values(json.resource.azuread_application_password!).map((p) => p.display_name);
    expect(names).toEqual(["changed by an aspect", "changed by an aspect"]);
  });

  test("is what a plain TerraformStack writes for the same tree", () => {
    const { stack } = synthesized();
    expect(stack.toTerraform()).toEqual(TerraformStack.prototype.toTerraform.call(stack));
  });

  test("is judged by the policy checks as written: a permission an Aspect adds is refused", () => {
    const stack = new SiteStack(Testing.app({ stackTraces: false }), "miradore-test", {
      site: site(),
      policy: { log: () => undefined },
    });
    Aspects.of(stack).add({
      visit(node: IConstruct) {
        if (node === stack.app.application) {
          stack.app.application.addOverride("required_resource_access.0.resource_access.2", {
            id: "19dbc75e-c2e2-444c-a770-ec69d8559fc7", // Directory.ReadWrite.All
            type: "Role",
          });
        }
      },
    });
    Testing.synth(stack, true);
    expect(stack.policyChecks.findings.map((f) => `${f.ruleId} ${f.path}`)).toEqual([
      "MIR-GRAPH-1 miradore-test/app/registration",
    ]);
  });
});
