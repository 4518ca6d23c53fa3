// The tfplugin5 Provider service for one provider double, on top of @grpc/grpc-js. Decodes DynamicValues, hands
// them to the generic planner and the type's behaviour, and turns every failure into a Terraform diagnostic.
import { setTimeout as sleep } from "node:timers/promises";
import type * as grpc from "@grpc/grpc-js";
import { isGateReleased, readClock, takeFault, type FaultRule } from "./fake-entra/directory-store";
import { ProviderError, type CallContext, type ProviderDefinition } from "./provider-definition";
import { assertWhollyKnown, clearWriteOnly, completeObject, planResourceChange, validateConfig } from "./planning";
import { toProtoSchema, type TypeSchema } from "./provider-schema";
import { decodeDynamicValue, encodeMsgpack, isObject, type TfObject, type TfValue } from "./values";

/** How often a call held by a fault rule's gate looks whether the test has released it. */
const GATE_POLL_MS = 20;

interface DynamicValueMessage {
  msgpack?: Uint8Array;
  json?: Uint8Array;
}

interface Diagnostic {
  severity: "ERROR" | "WARNING";
  summary: string;
  detail: string;
  attribute?: { steps: { attribute_name: string }[] };
}

function diagnosticFor(error: unknown): Diagnostic {
  if (error instanceof ProviderError) {
    return {
      severity: "ERROR",
      summary: error.summary,
      detail: error.detail,
      ...(error.attribute ? { attribute: { steps: [{ attribute_name: error.attribute }] } } : {}),
    };
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { severity: "ERROR", summary: "Provider double failed", detail: message };
}

function dv(value: TfValue): DynamicValueMessage {
  return { msgpack: encodeMsgpack(value) };
}

function objectOrNull(value: TfValue): TfObject | null {
  return isObject(value) ? value : null;
}

type Handler = (request: Record<string, any>) => Promise<Record<string, unknown>> | Record<string, unknown>;

/** Options of one served provider. */
export interface ProviderServerOptions {
  readonly definition: ProviderDefinition;
  readonly directoryRoot: string;
}

/** Builds the handlers of the tfplugin5.Provider service; every response lists its errors in `diagnostics`. */
export function providerHandlers(options: ProviderServerOptions): Record<string, Handler> {
  const { definition, directoryRoot } = options;
  let providerConfig: TfObject = {};
  const ctx: CallContext = {
    get providerConfig() {
      return providerConfig;
    },
    directoryRoot,
    now: () => readClock(directoryRoot),
  };
  let protoSchema: Record<string, unknown> | undefined;

  const resourceSchema = (type: string): TypeSchema => {
    const s = definition.schema.resource_schemas?.[type];
    if (!s)
      throw new ProviderError("Unknown resource type", `${definition.name} double has no resource type "${type}"`);
    return s;
  };
  const resourceBehaviour = (type: string) => {
    const b = definition.resources[type];
    if (!b)
      throw new ProviderError(
        "Resource type not emulated",
        `the ${definition.name} provider double does not emulate "${type}" (only ${Object.keys(definition.resources).join(", ")})`,
      );
    return b;
  };

  const fault = async (operation: FaultRule["operation"], type: string): Promise<void> => {
    const triggered = takeFault(directoryRoot, operation, type);
    if (triggered?.delayMs) await sleep(triggered.delayMs);
    // Polled: the gate is a file the test writes (ProviderDoubles.releaseGate), like every other part of the directory.
    while (triggered?.holdUntilReleased && !isGateReleased(directoryRoot, triggered.holdUntilReleased))
      await sleep(GATE_POLL_MS);
    if (triggered?.error)
      throw new ProviderError(triggered.summary ?? `Injected fault on ${operation} of ${type}`, triggered.error);
  };

  return {
    GetSchema: () => {
      protoSchema ??= {
        provider: toProtoSchema(definition.schema.provider),
        resource_schemas: Object.fromEntries(
          Object.entries(definition.schema.resource_schemas ?? {}).map(([k, s]) => [k, toProtoSchema(s)]),
        ),
        data_source_schemas: Object.fromEntries(
          Object.entries(definition.schema.data_source_schemas ?? {}).map(([k, s]) => [k, toProtoSchema(s)]),
        ),
        server_capabilities: { plan_destroy: false, get_provider_schema_optional: true, move_resource_state: false },
        diagnostics: [],
      };
      return protoSchema;
    },
    PrepareProviderConfig: (req) => ({ prepared_config: req.config ?? dv(null), diagnostics: [] }),
    Configure: (req) => {
      providerConfig = completeObject(definition.schema.provider.block, objectOrNull(decodeDynamicValue(req.config)));
      return { diagnostics: (definition.configure?.(providerConfig, ctx) ?? []).map(diagnosticFor) };
    },
    ValidateResourceTypeConfig: (req) => {
      const behaviour = resourceBehaviour(req.type_name);
      const errors = validateConfig(
        resourceSchema(req.type_name).block,
        behaviour.validate?.bind(behaviour),
        decodeDynamicValue(req.config),
      );
      return { diagnostics: errors.map(diagnosticFor) };
    },
    ValidateDataSourceConfig: (req) => {
      const behaviour = definition.dataSources[req.type_name];
      const schema = definition.schema.data_source_schemas?.[req.type_name];
      if (!behaviour || !schema)
        throw new ProviderError(
          "Data source not emulated",
          `the ${definition.name} provider double does not emulate data source "${req.type_name}"`,
        );
      return {
        diagnostics: validateConfig(
          schema.block,
          behaviour.validate?.bind(behaviour),
          decodeDynamicValue(req.config),
        ).map(diagnosticFor),
      };
    },
    UpgradeResourceState: (req) => {
      const raw = req.raw_state?.json?.length
        ? (JSON.parse(Buffer.from(req.raw_state.json).toString("utf8")) as TfObject)
        : {};
      return { upgraded_state: dv(completeObject(resourceSchema(req.type_name).block, raw)), diagnostics: [] };
    },
    ReadResource: async (req) => {
      const block = resourceSchema(req.type_name).block;
      const current = objectOrNull(decodeDynamicValue(req.current_state));
      if (current === null) return { new_state: dv(null), diagnostics: [], private: req.private };
      await fault("read", req.type_name);
      const next = resourceBehaviour(req.type_name).read(completeObject(block, current), ctx);
      return {
        new_state: dv(next === null ? null : clearWriteOnly(block, completeObject(block, next))),
        diagnostics: [],
        private: req.private,
      };
    },
    PlanResourceChange: async (req) => {
      await fault("plan", req.type_name);
      const block = resourceSchema(req.type_name).block;
      const result = planResourceChange(block, resourceBehaviour(req.type_name), {
        prior: objectOrNull(decodeDynamicValue(req.prior_state)),
        proposed: objectOrNull(decodeDynamicValue(req.proposed_new_state)),
        config: objectOrNull(decodeDynamicValue(req.config)) ?? {},
        ctx,
      });
      return {
        planned_state: dv(result.planned),
        requires_replace: result.requiresReplace.map((name) => ({ steps: [{ attribute_name: name }] })),
        planned_private: req.prior_private,
        diagnostics: [],
      };
    },
    ApplyResourceChange: async (req) => {
      const block = resourceSchema(req.type_name).block;
      const behaviour = resourceBehaviour(req.type_name);
      const prior = objectOrNull(decodeDynamicValue(req.prior_state));
      const planned = objectOrNull(decodeDynamicValue(req.planned_state));
      const config = completeObject(block, objectOrNull(decodeDynamicValue(req.config)));
      let next: TfObject | null;
      if (planned === null) {
        await fault("delete", req.type_name);
        if (prior !== null) behaviour.delete(completeObject(block, prior), ctx);
        next = null;
      } else if (prior === null) {
        await fault("create", req.type_name);
        next = clearWriteOnly(block, completeObject(block, behaviour.create(planned, ctx, config)));
      } else {
        await fault("update", req.type_name);
        const updated = behaviour.update ? behaviour.update(prior, planned, ctx, config) : planned;
        next = clearWriteOnly(block, completeObject(block, updated));
      }
      assertWhollyKnown(req.type_name, next);
      return { new_state: dv(next), private: req.planned_private, diagnostics: [] };
    },
    ImportResourceState: async (req) => {
      const block = resourceSchema(req.type_name).block;
      const behaviour = resourceBehaviour(req.type_name);
      if (!behaviour.importState)
        throw new ProviderError(
          "Import not emulated",
          `the ${definition.name} provider double cannot import ${req.type_name} (only ${importable(definition).join(", ")})`,
        );
      await fault("import", req.type_name);
      // Like the SDK's importers: check the id's format and that the object exists; Terraform then reads it.
      const state = completeObject(block, behaviour.importState(String(req.id), ctx));
      return {
        imported_resources: [{ type_name: req.type_name, state: dv(state), private: Buffer.alloc(0) }],
        diagnostics: [],
      };
    },
    ReadDataSource: async (req) => {
      const schema = definition.schema.data_source_schemas?.[req.type_name];
      const behaviour = definition.dataSources[req.type_name];
      if (!schema || !behaviour)
        throw new ProviderError(
          "Data source not emulated",
          `the ${definition.name} provider double does not emulate data source "${req.type_name}"`,
        );
      await fault("read-data", req.type_name);
      const config = completeObject(schema.block, objectOrNull(decodeDynamicValue(req.config)));
      return { state: dv(completeObject(schema.block, behaviour.read(config, ctx))), diagnostics: [] };
    },
    Stop: () => ({ Error: "" }),
  };
}

function importable(definition: ProviderDefinition): string[] {
  return Object.entries(definition.resources)
    .filter(([, b]) => b.importState)
    .map(([type]) => type);
}

/** Wraps handlers as grpc-js unary implementations; an exception becomes an error diagnostic, never a crash. */
export function asGrpcImplementation(handlers: Record<string, Handler>): grpc.UntypedServiceImplementation {
  const impl: grpc.UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(handlers)) {
    impl[name] = (call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) => {
      Promise.resolve()
        .then(() => handler(call.request))
        .then(
          (response) => callback(null, response),
          (error: unknown) => callback(null, { diagnostics: [diagnosticFor(error)] }),
        );
    };
  }
  return impl;
}
