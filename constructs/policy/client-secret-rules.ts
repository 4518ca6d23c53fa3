import type { PolicyRule, RuleContext, RuleOutcome } from "./policy-rule";
import { violation } from "./policy-rule";
import { durationHours } from "./private/terraform-duration";
import type { TerraformBlock, TerraformView } from "./terraform-view";

/** A client secret as configured: a `azuread_application_password`, or an application's inline `password` block. */
interface PasswordCredential {
  /** For messages: "" for the password resource, "password block: " for an inline one. */
  readonly label: string;
  readonly endDate: unknown;
  readonly endDateRelative: unknown;
}

function passwordCredentials(block: TerraformBlock | undefined): PasswordCredential[] {
  if (!block || block.kind !== "resource") return [];
  const { config } = block;
  if (block.type === "azuread_application_password") {
    return [{ label: "", endDate: config.end_date, endDateRelative: config.end_date_relative }];
  }
  if (block.type === "azuread_application" && config.password !== undefined) {
    // A single nested block: cdktf writes an object, hand-written JSON may use a one-element list.
    const passwords = (Array.isArray(config.password) ? config.password : [config.password]) as Record<
      string,
      unknown
    >[];
    return passwords.map((password) => ({
      label: "password block: ",
      endDate: password.end_date,
      endDateRelative: undefined,
    }));
  }
  return [];
}

/** Hours from a secret's creation to its end date, or why that cannot be known when synthesizing. */
type Lifetime = { readonly hours: number } | { readonly unknown: string };

/** Bases that are "now" when the secret is created: a timestamp, or a time resource's own creation time. */
function baseIsCreationTime(expression: string, view: TerraformView): boolean {
  if (expression === "timestamp()" || expression === "plantimestamp()") return true;
  const time = /^(time_rotating|time_static)\.([A-Za-z_][\w-]*)\.rfc3339$/.exec(expression);
  // Their `rfc3339` argument would move the base to any date; left out, it is the time the resource is created.
  const block = time ? view.block(`${time[1]}.${time[2]}`) : undefined;
  return block !== undefined && block.config.rfc3339 === undefined;
}

function hoursAfterCreation(expression: string, view: TerraformView): number | undefined {
  if (baseIsCreationTime(expression, view)) return 0;
  const timeadd = /^timeadd\((.*),\s*"([^"]*)"\s*\)$/s.exec(expression);
  if (!timeadd) return undefined;
  const base = hoursAfterCreation(timeadd[1]!.trim(), view);
  const added = durationHours(timeadd[2]!);
  return base === undefined || added === undefined ? undefined : base + added;
}

/** Reads `${timeadd(<creation time>, "4320h")}` (nested timeadds add up); anything else cannot be judged. */
export function lifetimeOf(endDate: string, view: TerraformView): Lifetime {
  const expression = /^\$\{(.*)\}$/s.exec(endDate)?.[1];
  if (expression === undefined) {
    return endDate.includes("${")
      ? { unknown: `end_date ${JSON.stringify(endDate)} is a template the policy cannot read` }
      : {
          unknown: `end_date is the literal date ${JSON.stringify(endDate)}, so its lifetime depends on when it is created`,
        };
  }
  const hours = hoursAfterCreation(expression.trim(), view);
  return hours === undefined
    ? { unknown: `end_date ${JSON.stringify(endDate)} is not timeadd(<creation time>, "<duration>")` }
    : { hours };
}

const outcome = (problems: string[], applies: boolean): RuleOutcome =>
  !applies ? "n/a" : problems.length > 0 ? violation(problems.join("; ")) : "ok";

/** A secret without an explicit `end_date`. */
export const secretHasExplicitEndDate: PolicyRule = {
  id: "MIR-SEC-1",
  level: "error",
  explanation:
    "A client secret needs an explicit end_date computed in code, so its expiry is in the plan and under our rotation " +
    "schedule; without one it gets the provider's default lifetime, and end_date_relative hides the date from review.",
  check: (node, { view }) => {
    const credentials = passwordCredentials(view.blockOf(node));
    const problems = credentials.flatMap(({ label, endDate, endDateRelative }) =>
      endDateRelative !== undefined
        ? [`${label}end_date_relative is ${JSON.stringify(endDateRelative)}, but the end must be an explicit end_date`]
        : endDate === undefined
          ? [`${label}end_date is not set, but must be set explicitly`]
          : [],
    );
    return outcome(problems, credentials.length > 0);
  },
};

function maxLifetimeProblems(credential: PasswordCredential, context: RuleContext): string[] {
  const maxDays = context.settings.maxSecretLifetimeDays;
  const { label, endDate, endDateRelative } = credential;
  const lifetime = typeof endDate === "string" ? lifetimeOf(endDate, context.view) : undefined;
  const hours =
    lifetime !== undefined
      ? "hours" in lifetime
        ? lifetime.hours
        : undefined // MIR-SEC-3 reports it
      : typeof endDateRelative === "string"
        ? durationHours(endDateRelative)
        : undefined;
  if (hours === undefined || hours <= maxDays * 24) return [];
  const days = Math.round((hours / 24) * 100) / 100;
  return [`${label}the secret is valid ${days} days after it is made, but may be valid at most ${maxDays} days`];
}

/** A secret valid longer than the configured maximum. */
export const secretLifetimeWithinMaximum: PolicyRule = {
  id: "MIR-SEC-2",
  level: "error",
  explanation:
    "A client secret must expire within the configured maximum lifetime (maxSecretLifetimeDays), so a leaked secret " +
    "stops working in time and the tenant's own credential policy does not reject it.",
  check: (node, context) => {
    const credentials = passwordCredentials(context.view.blockOf(node));
    return outcome(
      credentials.flatMap((credential) => maxLifetimeProblems(credential, context)),
      credentials.length > 0,
    );
  },
};

/** A secret whose lifetime cannot be known at synth time (e.g. a literal RFC 3339 end date). */
export const secretLifetimeIsKnown: PolicyRule = {
  id: "MIR-SEC-3",
  level: "warning",
  explanation:
    'The policy can check a secret\'s lifetime only when end_date is timeadd(<creation time>, "<duration>"); a literal ' +
    "date or another expression cannot be judged at synth time, so check it against maxSecretLifetimeDays by hand.",
  check: (node, { view }) => {
    const credentials = passwordCredentials(view.blockOf(node)).filter(({ endDate }) => typeof endDate === "string");
    const problems = credentials.flatMap(({ label, endDate }) => {
      const lifetime = lifetimeOf(endDate as string, view);
      return "unknown" in lifetime ? [`${label}${lifetime.unknown}`] : [];
    });
    return outcome(problems, credentials.length > 0);
  },
};
