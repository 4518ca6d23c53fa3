// The pieces under the protocol server, without Terraform: msgpack DynamicValues with unknowns, complete objects,
// strict planning, the time provider's arithmetic, and the finder for unmarked secrets in Terraform JSON.
import { completeObject, planResourceChange } from "../test-support/provider-doubles/planning";
import type { CallContext, ResourceBehaviour } from "../test-support/provider-doubles/provider-definition";
import type { ProviderSchema, SchemaBlock } from "../test-support/provider-doubles/provider-schema";
import { timeProvider } from "../test-support/provider-doubles/time-provider";
import { decodeMsgpack, encodeMsgpack, UNKNOWN, type TfObject } from "../test-support/provider-doubles/values";
import { secretOccurrences } from "../test-support/terraform/sensitive-values";

const block: SchemaBlock = {
  attributes: {
    name: { type: "string", required: true },
    tags: { type: ["set", "string"], optional: true, computed: true },
    object_id: { type: "string", computed: true },
  },
  block_types: {
    timeouts: { nesting_mode: "single", block: { attributes: { create: { type: "string", optional: true } } } },
    rule: {
      nesting_mode: "list",
      block: { attributes: { id: { type: "string", required: true }, key: { type: "string", computed: true } } },
    },
  },
};

const ctx: CallContext = {
  providerConfig: {},
  directoryRoot: "/nonexistent",
  now: () => new Date("2026-01-31T10:00:00Z"),
};

describe("msgpack DynamicValues", () => {
  test("reads both unknown encodings (extension 0, and 12 with refinements) as unknown", () => {
    // fixext 1 of type 0 (0xd4 0x00 0x00) and ext 8 of type 12 with a refinement map {1: false} (0x81 0x01 0xc2)
    expect(decodeMsgpack(Uint8Array.from([0x81, 0xa1, 0x61, 0xd4, 0x00, 0x00]))).toEqual({ a: UNKNOWN });
    expect(decodeMsgpack(Uint8Array.from([0x81, 0xa1, 0x62, 0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc2]))).toEqual({
      b: UNKNOWN,
    });
  });

  test("writes unknown as extension 0 and round-trips nested values", () => {
    const value: TfObject = { id: UNKNOWN, tags: ["a", "b"], nested: [{ n: 1.5, ok: true, none: null }] };
    // ext 8 with no payload, extension type 0
    expect([...encodeMsgpack(UNKNOWN)]).toEqual([0xc7, 0x00, 0x00]);
    expect(decodeMsgpack(encodeMsgpack(value))).toEqual(value);
  });
});

describe("complete objects and strict planning", () => {
  test("fills every attribute with null and every block per its nesting mode", () => {
    expect(completeObject(block, { name: "x" })).toEqual({
      name: "x",
      tags: null,
      object_id: null,
      timeouts: null,
      rule: [],
    });
  });

  const behaviour: ResourceBehaviour = {
    planStyle: "sdk",
    forceNew: ["name"],
    create: (p) => p,
    read: (s) => s,
    delete: () => {},
  };

  test("on create, marks computed attributes the configuration leaves null as unknown, nested blocks too", () => {
    const config = { name: "x", tags: null, object_id: null, timeouts: null, rule: [{ id: "r", key: null }] };
    const { planned, requiresReplace } = planResourceChange(block, behaviour, {
      prior: null,
      proposed: config,
      config,
      ctx,
    });
    expect(planned).toEqual({
      name: "x",
      tags: UNKNOWN,
      object_id: UNKNOWN,
      timeouts: null,
      rule: [{ id: "r", key: UNKNOWN }],
    });
    expect(requiresReplace).toEqual([]);
  });

  test("keeps a configured optional+computed value, and asks for replacement when a ForceNew argument changes", () => {
    const prior = { name: "x", tags: ["t"], object_id: "o", timeouts: null, rule: [] };
    const config = { name: "y", tags: ["u"], object_id: null, timeouts: null, rule: [] };
    const proposed = { ...config, object_id: "o" };
    const { planned, requiresReplace } = planResourceChange(block, behaviour, { prior, proposed, config, ctx });
    expect(planned).toEqual({ name: "y", tags: ["u"], object_id: "o", timeouts: null, rule: [] });
    expect(requiresReplace).toEqual(["name"]);
  });
});

describe("time provider arithmetic (Go time semantics)", () => {
  const schema = { provider: { version: 0, block: {} }, resource_schemas: {} } as ProviderSchema;
  const rotating = timeProvider(schema).resources.time_rotating!;
  const offset = timeProvider(schema).resources.time_offset!;

  test("rotation_months from 31 January overflows into March, as Go's AddDate does", () => {
    const state = rotating.create({ rotation_months: 1, rfc3339: null, rotation_rfc3339: UNKNOWN }, ctx);
    expect(state).toMatchObject({
      id: "2026-01-31T10:00:00Z",
      rotation_rfc3339: "2026-03-03T10:00:00Z",
      month: 3,
      day: 3,
      unix: 1772532000,
    });
  });

  test("the last configured rotation_* wins rather than adding up (setRotationValues order)", () => {
    const state = rotating.create({ rotation_days: 1, rotation_years: 1, rfc3339: "2024-02-29T00:00:00Z" }, ctx);
    expect(state.rotation_rfc3339).toBe("2025-03-01T00:00:00Z");
  });

  test("time_offset adds its offsets up", () => {
    const state = offset.create({ offset_days: 1, offset_hours: 2, base_rfc3339: null }, ctx);
    expect(state).toMatchObject({
      base_rfc3339: "2026-01-31T10:00:00Z",
      rfc3339: "2026-02-01T12:00:00Z",
      id: "2026-01-31T10:00:00Z",
    });
  });

  test("rejects a rotation_rfc3339 that is not RFC 3339", () => {
    const errors = rotating.validate!(
      completeObject(
        { attributes: { rotation_rfc3339: { type: "string", optional: true } } },
        { rotation_rfc3339: "2026-02-30" },
      ),
    );
    expect(errors.map((e) => e.summary)).toEqual(["Invalid RFC3339 String Value"]);
  });
});

describe("unmarked secrets in Terraform JSON", () => {
  const secrets = new Set(["s3cr3t"]);

  test("accepts a secret marked in sensitive_values, after_sensitive and an output's sensitive flag", () => {
    const doc = {
      values: {
        outputs: { pw: { sensitive: true, value: "s3cr3t" } },
        root_module: { resources: [{ values: { value: "s3cr3t" }, sensitive_values: { value: true } }] },
      },
      resource_changes: [
        { change: { before: { value: "s3cr3t" }, before_sensitive: true, after: null, after_sensitive: false } },
      ],
    };
    expect(secretOccurrences(doc, secrets).map((o) => o.sensitive)).toEqual([true, true, true]);
  });

  test("reports a secret whose marker is missing or false", () => {
    const doc = {
      resource_changes: [{ change: { after: { value: "s3cr3t" }, after_sensitive: {} } }],
      stray: ["s3cr3t"],
    };
    expect(secretOccurrences(doc, secrets)).toEqual([
      { path: "resource_changes.0.change.after.value", sensitive: false },
      { path: "stray.0", sensitive: false },
    ]);
  });
});
