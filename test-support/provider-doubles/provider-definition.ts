// What a provider double is made of: its schema and, per resource and data source type, the behaviour the generic
// protocol server (provider-server.ts) and planner (planning.ts) call.
import type { ProviderSchema } from "./provider-schema";
import type { TfObject } from "./values";

/** An error the way the real provider reports it: a diagnostic, optionally on an attribute. */
export class ProviderError extends Error {
  constructor(
    readonly summary: string,
    readonly detail = "",
    readonly attribute?: string,
  ) {
    super(detail ? `${summary}: ${detail}` : summary);
  }
}

/** What every call gets: the provider's configuration and the fake world around it. */
export interface CallContext {
  /** The provider block's configuration (from Configure); empty before Configure, e.g. in validate. */
  readonly providerConfig: TfObject;
  /** Root folder of the fake directory (tenants, clock, faults). */
  readonly directoryRoot: string;
  /** The fake clock's "now". */
  now(): Date;
}

export interface PlanArgs {
  /** null when creating. */
  readonly prior: TfObject | null;
  /** Terraform's proposed new state, already adjusted by the generic planner; change it in place. */
  readonly planned: TfObject;
  readonly config: TfObject;
  readonly ctx: CallContext;
}

export interface ResourceBehaviour {
  /** Top-level arguments whose change replaces the object (ForceNew / RequiresReplace in the real provider). */
  readonly forceNew?: readonly string[];
  /**
   * "sdk" (terraform-plugin-sdk v2): computed attributes keep their prior values on update unless changed here.
   * "framework" (terraform-plugin-framework): on an update, computed attributes not set in config become unknown
   * unless listed in `keepOnUpdate`.
   */
  readonly planStyle: "sdk" | "framework";
  readonly keepOnUpdate?: readonly string[];
  /** Errors for a configuration (unknown values in it must be skipped). */
  validate?(config: TfObject): ProviderError[];
  modifyPlan?(args: PlanArgs): void;
  /**
   * `config` is the configuration as written (the server always passes it): the only place write-only arguments reach
   * the provider.
   */
  create(planned: TfObject, ctx: CallContext, config?: TfObject): TfObject;
  /** The object as it is now, or null when it is gone. */
  read(state: TfObject, ctx: CallContext): TfObject | null;
  update?(prior: TfObject, planned: TfObject, ctx: CallContext, config?: TfObject): TfObject;
  delete(state: TfObject, ctx: CallContext): void;
  /**
   * `terraform import <address> <id>`: the state to read from (at least `id`), after checking the id's format and
   * that the object exists, as the provider's importer does. Absent: the type cannot be imported.
   */
  importState?(id: string, ctx: CallContext): TfObject;
}

export interface DataSourceBehaviour {
  validate?(config: TfObject): ProviderError[];
  read(config: TfObject, ctx: CallContext): TfObject;
}

export interface ProviderDefinition {
  readonly name: string;
  readonly schema: ProviderSchema;
  /**
   * Errors of the provider block's configuration, as the provider's Configure reports them (plan and apply); `ctx`
   * is the fake world the provider signs in to.
   */
  configure?(config: TfObject, ctx: CallContext): ProviderError[];
  readonly resources: Readonly<Record<string, ResourceBehaviour>>;
  readonly dataSources: Readonly<Record<string, DataSourceBehaviour>>;
}
