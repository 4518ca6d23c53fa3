// What a saved plan (`terraform show -json <planfile>`) says about each RotatingClientSecret in the stack: each slot's
// rotation and password as the previous run left them, whether the refresh found the rotation due or the password
// gone, what the plan does to the password, and the secret schedule before and after. Only dates, key ids and
// actions are read; never a password's `value`. Resources are recognised by the addresses cdktf derives from the
// construct paths (`<prefix>slot-a_password_<hash>`), so a stack may hold several rotating secrets.
import { minuteOf, type Minute } from "../../rotation/minutes";
import type { RotationSettings } from "../../rotation/rotation-settings";
import type { TwoSlotName } from "../../rotation/two-slot-design";
import { isGuid, SCHEDULE_RECORD_FIELDS } from "../../constructs";
import type { ChangeKind, Plan, ResourceChange } from "../plan-review/plan-schema";

/** One slot of a rotating secret as the plan shows it. */
export interface PlannedSlot {
  readonly slot: TwoSlotName;
  readonly rotationAddress: string;
  readonly passwordAddress: string;
  /** The slot's `time_rotating` after the previous run: its base (`rfc3339`) and due time (`rotation_rfc3339`). */
  readonly rotation?: { readonly base: Minute; readonly rotatesAt: Minute };
  /** The slot's password after the previous run. */
  readonly password?: { readonly keyId: string; readonly createdAt: Minute; readonly endAt: Minute };
  /** The refresh found the rotation due (its time has passed, so the provider dropped it). */
  readonly rotationDue: boolean;
  /** The refresh found the password gone: deleted outside Terraform (or not readable in the tenant any more). */
  readonly passwordGone: boolean;
  /** What the plan does to the password (no-op when absent from the plan). */
  readonly passwordChange: ChangeKind;
  /** Why Terraform plans it (e.g. `replace_by_request`), and the arguments that force a replacement. */
  readonly passwordReason?: string;
  readonly rotationReason?: string;
}

/** One RotatingClientSecret as the plan shows it. */
export interface PlannedRotatingSecret {
  /** The construct path's address prefix, e.g. `client-secret_`. */
  readonly prefix: string;
  readonly slots: Readonly<Record<TwoSlotName, PlannedSlot>>;
  /** The schedule recorded in the state by the previous run, and the one this plan records. */
  readonly scheduleBefore?: RotationSettings;
  readonly scheduleAfter?: RotationSettings;
}

/** The application registration the secrets belong to, and the tenant. */
export interface PlannedApplication {
  readonly address: string;
  readonly change: ChangeKind;
  /** The refresh did not find it: deleted outside Terraform, or the stack now reads another tenant. */
  readonly gone: boolean;
}

export interface PlanSecretFacts {
  readonly secrets: readonly PlannedRotatingSecret[];
  readonly applications: readonly PlannedApplication[];
  /** The tenant the previous run's service principal lives in, and the tenant the configuration names now. */
  readonly tenantBefore?: string;
  readonly tenantAfter?: string;
  /** `terraform plan -destroy`. */
  readonly destroy: boolean;
}

const SLOT_ADDRESS = /^(azuread_application_password|time_rotating)\.(.*)slot-([ab])_(password|rotation)_[0-9A-F]{8}$/;
const SCHEDULE_ADDRESS = /^terraform_data\.(.*)schedule_[0-9A-F]{8}$/;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
/** Key ids and tenant ids are GUIDs; anything else in a plan is not trusted into a message. */
const guid = (value: unknown): string | undefined => (isGuid(value) ? value : undefined);
const minute = (value: unknown): Minute | undefined => {
  const s = text(value);
  const m = s === undefined ? Number.NaN : minuteOf(s);
  return Number.isNaN(m) ? undefined : m;
};

/** Reads the facts from a parsed plan. */
export function planSecretFacts(plan: Plan): PlanSecretFacts {
  const drift = new Map((plan.resource_drift ?? []).map((change) => [change.address, change]));
  const changes = new Map(
    (plan.resource_changes ?? [])
      .filter((change) => change.deposed === undefined)
      .map((change) => [change.address, change]),
  );
  const prior = new Map(priorResources(plan).map((resource) => [resource.address, resource.values]));
  /** The previous run's value: drift's `before` when the refresh changed it, else the refreshed (equal) one. */
  const previousRun = (address: string): Json | undefined => {
    const drifted = drift.get(address);
    const value = drifted ? drifted.change.before : (changes.get(address)?.change.before ?? prior.get(address));
    return isObject(value) ? value : undefined;
  };
  const vanished = (address: string) => {
    const drifted = drift.get(address);
    return drifted !== undefined && drifted.change.actions === "delete";
  };

  type SlotAddresses = { slot: TwoSlotName; rotationAddress?: string; passwordAddress?: string };
  const groups = new Map<string, { A?: SlotAddresses; B?: SlotAddresses; schedule?: string }>();
  const addresses = new Set([...changes.keys(), ...drift.keys(), ...prior.keys()]);
  for (const address of addresses) {
    const slot = SLOT_ADDRESS.exec(address);
    const schedule = SCHEDULE_ADDRESS.exec(address);
    const prefix = slot?.[2] ?? schedule?.[1];
    if (prefix === undefined) continue;
    const group = groups.get(prefix) ?? {};
    groups.set(prefix, group);
    if (schedule) group.schedule = address;
    if (!slot) continue;
    const name: TwoSlotName = slot[3] === "a" ? "A" : "B";
    const entry = (group[name] ??= { slot: name });
    if (slot[1] === "time_rotating") entry.rotationAddress = address;
    else entry.passwordAddress = address;
  }

  const secrets: PlannedRotatingSecret[] = [];
  for (const [prefix, group] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    if (
      !group.A?.rotationAddress ||
      !group.A.passwordAddress ||
      !group.B?.rotationAddress ||
      !group.B.passwordAddress
    ) {
      continue;
    }
    const slot = (partial: SlotAddresses): PlannedSlot => {
      const rotationAddress = partial.rotationAddress!;
      const passwordAddress = partial.passwordAddress!;
      const rotation = previousRun(rotationAddress);
      const password = previousRun(passwordAddress);
      const base = minute(rotation?.rfc3339);
      const rotatesAt = minute(rotation?.rotation_rfc3339);
      const keyId = guid(password?.key_id);
      const createdAt = minute(password?.start_date);
      const endAt = minute(password?.end_date);
      return {
        slot: partial.slot,
        rotationAddress,
        passwordAddress,
        rotation: base !== undefined && rotatesAt !== undefined ? { base, rotatesAt } : undefined,
        password: keyId && createdAt !== undefined && endAt !== undefined ? { keyId, createdAt, endAt } : undefined,
        rotationDue: vanished(rotationAddress),
        passwordGone: vanished(passwordAddress),
        passwordChange: changes.get(passwordAddress)?.change.actions ?? "no-op",
        passwordReason: changes.get(passwordAddress)?.action_reason,
        rotationReason: changes.get(rotationAddress)?.action_reason,
      };
    };
    secrets.push({
      prefix,
      slots: { A: slot(group.A), B: slot(group.B) },
      scheduleBefore: group.schedule ? scheduleOf(previousRun(group.schedule)?.input) : undefined,
      scheduleAfter: group.schedule ? scheduleOf(plannedAfter(changes.get(group.schedule))?.input) : undefined,
    });
  }

  const applications = [...changes.values()]
    .filter((change) => change.mode === "managed" && change.type === "azuread_application")
    .map((change) => ({ address: change.address, change: change.change.actions, gone: vanished(change.address) }));
  const servicePrincipal = [...addresses].find((address) => address.startsWith("azuread_service_principal."));
  return {
    secrets,
    applications,
    tenantBefore: servicePrincipal ? guid(previousRun(servicePrincipal)?.application_tenant_id) : undefined,
    tenantAfter: configuredTenant(plan),
    destroy: isDestroy(plan),
  };
}

function plannedAfter(change: ResourceChange | undefined): Json | undefined {
  return isObject(change?.change.after) ? change.change.after : undefined;
}

function scheduleOf(input: unknown): RotationSettings | undefined {
  if (!isObject(input)) return undefined;
  const entries = Object.entries(SCHEDULE_RECORD_FIELDS).map(([field, name]) => [field, input[name]] as const);
  if (!entries.every(([, days]) => typeof days === "number" && Number.isInteger(days) && days > 0)) return undefined;
  return Object.fromEntries(entries) as unknown as RotationSettings;
}

function priorResources(plan: Plan): { address: string; values: unknown }[] {
  return (plan.prior_state?.values?.root_module?.resources ?? []).map((r) => ({
    address: r.address,
    values: r.values,
  }));
}

/** The azuread provider's `tenant_id` as the configuration writes it (a literal in every stack this project makes). */
function configuredTenant(plan: Plan): string | undefined {
  const config = (plan as { configuration?: { provider_config?: Record<string, unknown> } }).configuration
    ?.provider_config;
  const azuread = isObject(config) ? config.azuread : undefined;
  const expressions = isObject(azuread) ? azuread.expressions : undefined;
  const tenant = isObject(expressions) ? expressions.tenant_id : undefined;
  return isObject(tenant) ? guid(tenant.constant_value) : undefined;
}

/** A destroy plan deletes everything and plans no outputs after it. */
function isDestroy(plan: Plan): boolean {
  const changes = (plan.resource_changes ?? []).filter((change) => change.mode === "managed");
  return changes.length > 0 && changes.every((change) => change.change.actions === "delete");
}
