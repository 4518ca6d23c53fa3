// The hashicorp/time 0.13.1 double: time_rotating, time_static and time_offset as terraform-provider-time implements
// them (internal/provider/resource_time_*.go at v0.13.1), with "now" read from the fake directory's clock.
import { ProviderError, type PlanArgs, type ProviderDefinition, type ResourceBehaviour } from "./provider-definition";
import { formatRfc3339, parseRfc3339 } from "./planning";
import type { ProviderSchema } from "./provider-schema";
import { sameValue, UNKNOWN, type TfObject, type TfValue } from "./values";

function knownString(value: TfValue | undefined): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function num(value: TfValue | undefined): number {
  return typeof value === "number" ? value : 0;
}

/** Go's Time.AddDate on a UTC time (JavaScript's Date normalises overflowing days and months the same way). */
function addDate(base: Date, years: number, months: number, days: number): Date {
  const d = new Date(base.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + years, d.getUTCMonth() + months, d.getUTCDate() + days);
  return d;
}

function addSeconds(base: Date, seconds: number): Date {
  return new Date(base.getTime() + seconds * 1000);
}

/** year … unix of a timestamp, as the time resources expose them. */
function timestampParts(t: Date): TfObject {
  return {
    year: t.getUTCFullYear(),
    month: t.getUTCMonth() + 1,
    day: t.getUTCDate(),
    hour: t.getUTCHours(),
    minute: t.getUTCMinutes(),
    second: t.getUTCSeconds(),
    unix: Math.floor(t.getTime() / 1000),
  };
}

function rfc3339Errors(config: TfObject, names: readonly string[]): ProviderError[] {
  return names
    .filter((n) => typeof config[n] === "string" && parseRfc3339(config[n] as string) === undefined)
    .map(
      (n) =>
        new ProviderError(
          "Invalid RFC3339 String Value",
          `A string value was provided that is not valid RFC3339 string format. Given Value: ${String(config[n])}`,
          n,
        ),
    );
}

function atLeastOneOf(config: TfObject, names: readonly string[]): ProviderError[] {
  if (names.some((n) => config[n] !== null)) return [];
  return [
    new ProviderError(
      "Missing Attribute Configuration",
      `At least one attribute out of [${names.join(",")}] must be specified`,
    ),
  ];
}

function atLeastOne(config: TfObject, names: readonly string[]): ProviderError[] {
  return names
    .filter((n) => typeof config[n] === "number" && (config[n] as number) < 1)
    .map(
      (n) =>
        new ProviderError(
          "Invalid Attribute Value",
          `Attribute ${n} value must be at least 1, got: ${String(config[n])}`,
          n,
        ),
    );
}

function baseTime(value: TfValue | undefined, fallback: () => Date): Date {
  const s = knownString(value);
  return s ? (parseRfc3339(s) ?? fallback()) : fallback();
}

// ---- time_rotating ----

const ROTATION_ARGS = [
  "rotation_minutes",
  "rotation_hours",
  "rotation_days",
  "rotation_months",
  "rotation_years",
  "rotation_rfc3339",
] as const;

/** setRotationValues: each configured offset overrides the previous one (days, hours, minutes, months, rfc3339, years). */
function setRotationValues(plan: TfObject, timestamp: Date): void {
  let rotation = new Date(Date.UTC(1, 0, 1));
  if (num(plan.rotation_days)) rotation = addDate(timestamp, 0, 0, num(plan.rotation_days));
  if (num(plan.rotation_hours)) rotation = addSeconds(timestamp, num(plan.rotation_hours) * 3600);
  if (num(plan.rotation_minutes)) rotation = addSeconds(timestamp, num(plan.rotation_minutes) * 60);
  if (num(plan.rotation_months)) rotation = addDate(timestamp, 0, num(plan.rotation_months), 0);
  const fixed = knownString(plan.rotation_rfc3339);
  if (fixed) rotation = parseRfc3339(fixed) ?? rotation;
  if (num(plan.rotation_years)) rotation = addDate(timestamp, num(plan.rotation_years), 0, 0);
  Object.assign(plan, timestampParts(rotation), {
    rotation_rfc3339: formatRfc3339(rotation),
    rfc3339: formatRfc3339(timestamp),
    id: formatRfc3339(timestamp),
  });
}

function rotationChanged(prior: TfObject, planned: TfObject): boolean {
  return ROTATION_ARGS.some((n) => !sameValue(prior[n] ?? null, planned[n] ?? null));
}

const timeRotating: ResourceBehaviour = {
  planStyle: "framework",
  forceNew: ["rfc3339", "triggers"],
  validate: (config) => [
    ...atLeastOneOf(config, ROTATION_ARGS),
    ...atLeastOne(config, ["rotation_minutes", "rotation_hours", "rotation_days", "rotation_months", "rotation_years"]),
    ...rfc3339Errors(config, ["rfc3339", "rotation_rfc3339"]),
  ],
  modifyPlan({ prior, planned }: PlanArgs) {
    if (prior === null || !rotationChanged(prior, planned)) return;
    const base = baseTime(planned.rfc3339 === UNKNOWN ? prior.rfc3339 : planned.rfc3339, () => new Date());
    setRotationValues(planned, base);
  },
  create(planned, ctx) {
    const state = { ...planned };
    setRotationValues(
      state,
      baseTime(planned.rfc3339, () => ctx.now()),
    );
    return state;
  },
  read(state, ctx) {
    const rotation = knownString(state.rotation_rfc3339);
    const at = rotation ? parseRfc3339(rotation) : undefined;
    // The real provider removes the resource once the clock is past the rotation time; the next plan re-creates it.
    if (at && ctx.now().getTime() > at.getTime()) return null;
    return state;
  },
  update(prior, planned) {
    const state = { ...planned };
    if (rotationChanged(prior, planned))
      setRotationValues(
        state,
        baseTime(planned.id, () => new Date()),
      );
    return state;
  },
  delete() {},
};

// ---- time_static ----

function staticValues(t: Date): TfObject {
  return { ...timestampParts(t), rfc3339: formatRfc3339(t), id: formatRfc3339(t) };
}

const timeStatic: ResourceBehaviour = {
  planStyle: "framework",
  forceNew: ["rfc3339", "triggers"],
  keepOnUpdate: ["id"],
  validate: (config) => rfc3339Errors(config, ["rfc3339"]),
  modifyPlan({ prior, planned }: PlanArgs) {
    // Only a configured rfc3339 can be resolved at plan time (a second plan call must give the same answer).
    const fixed = knownString(planned.rfc3339);
    if (prior === null && fixed && parseRfc3339(fixed))
      Object.assign(planned, staticValues(parseRfc3339(fixed)!), { rfc3339: fixed });
  },
  create(planned, ctx) {
    return { ...planned, ...staticValues(baseTime(planned.rfc3339, () => ctx.now())) };
  },
  read: (state) => state,
  delete() {},
};

// ---- time_offset ----

const OFFSET_ARGS = [
  "offset_seconds",
  "offset_minutes",
  "offset_hours",
  "offset_days",
  "offset_months",
  "offset_years",
] as const;

/** setOffsetValues: offsets add up (days, hours, minutes, months, seconds, years). */
function setOffsetValues(plan: TfObject, base: Date): void {
  let t = base;
  if (num(plan.offset_days)) t = addDate(t, 0, 0, num(plan.offset_days));
  if (num(plan.offset_hours)) t = addSeconds(t, num(plan.offset_hours) * 3600);
  if (num(plan.offset_minutes)) t = addSeconds(t, num(plan.offset_minutes) * 60);
  if (num(plan.offset_months)) t = addDate(t, 0, num(plan.offset_months), 0);
  if (num(plan.offset_seconds)) t = addSeconds(t, num(plan.offset_seconds));
  if (num(plan.offset_years)) t = addDate(t, num(plan.offset_years), 0, 0);
  Object.assign(plan, timestampParts(t), {
    base_rfc3339: formatRfc3339(base),
    rfc3339: formatRfc3339(t),
    id: formatRfc3339(base),
  });
}

const timeOffset: ResourceBehaviour = {
  planStyle: "framework",
  forceNew: ["triggers"],
  validate: (config) => [...atLeastOneOf(config, OFFSET_ARGS), ...rfc3339Errors(config, ["base_rfc3339"])],
  modifyPlan({ prior, planned }: PlanArgs) {
    if (prior === null || OFFSET_ARGS.every((n) => sameValue(prior[n] ?? null, planned[n] ?? null))) return;
    setOffsetValues(
      planned,
      baseTime(planned.base_rfc3339 === UNKNOWN ? prior.base_rfc3339 : planned.base_rfc3339, () => new Date()),
    );
  },
  create(planned, ctx) {
    const state = { ...planned };
    setOffsetValues(
      state,
      baseTime(planned.base_rfc3339, () => ctx.now()),
    );
    return state;
  },
  read: (state) => state,
  update(_prior, planned, ctx) {
    const state = { ...planned };
    setOffsetValues(
      state,
      baseTime(planned.base_rfc3339, () => ctx.now()),
    );
    return state;
  },
  delete() {},
};

export function timeProvider(schema: ProviderSchema): ProviderDefinition {
  return {
    name: "time",
    schema,
    resources: { time_rotating: timeRotating, time_static: timeStatic, time_offset: timeOffset },
    dataSources: {},
  };
}
