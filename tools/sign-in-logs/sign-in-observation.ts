// What Entra's sign-in logs say about one stack's Miradore app, as a small file later steps read (`<stack>.sign-ins.json`
// beside the outputs): which key ids Miradore signed in with and when, and its failed sign-ins with their error codes.
// Key ids, times and error codes only; never a secret. The files come from artifacts, so they are checked on reading.
// What the facts mean for a stack (current, previous or unknown key; still in use) is decided here, in one place, for
// the apply guard, the expiry check, the notice and the fleet view.
// Key ids are compared in lower case (Graph writes GUIDs in lower case; the files are written so).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { type CommandContext, PipelineError } from "../pipeline/command-context";
import { readTextFile } from "../pipeline/command-args";
import type { SignInEvent, SignInsUnavailable } from "./graph-sign-ins";

export const SIGN_INS_FILE_SUFFIX = ".sign-ins.json";

/** Days a secret counts as in use after Miradore last signed in with it: MIRADORE_SIGN_IN_RECENT_DAYS (3). */
export const DEFAULT_RECENT_USE_DAYS = 3;

const DAY_MS = 86_400_000;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STACK = /^[A-Za-z0-9._-]{1,100}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** Miradore signed in with `keyId` `count` times from `firstAt` to `lastAt` (ISO times). */
export interface ObservedKeyUse {
  readonly keyId: string;
  readonly firstAt: string;
  readonly lastAt: string;
  readonly count: number;
}

export interface ObservedAttempt {
  readonly at: string;
  readonly keyId: string | null;
  /** 0 for a success, else Entra's AADSTS number. */
  readonly errorCode: number;
}

export type SignInObservation =
  | {
      readonly stack: string;
      readonly appId: string;
      readonly observedAt: string;
      readonly since: string;
      readonly available: true;
      /** Successful sign-ins by key id, the most recently used first. */
      readonly used: readonly ObservedKeyUse[];
      /** The latest attempt, success or not. */
      readonly last?: ObservedAttempt;
      /** Failed sign-ins, newest first (at most 10). */
      readonly failures: readonly ObservedAttempt[];
    }
  | {
      readonly stack: string;
      readonly observedAt: string;
      readonly available: false;
      readonly reason: "no-licence" | "no-permission" | "no-app";
      readonly message: string;
    };

/** Summarises the events (newest first or not) of one stack's app into an observation. */
export function observe(
  stack: string,
  appId: string,
  observedAt: Date,
  since: Date,
  events: readonly SignInEvent[],
): SignInObservation {
  const sorted = [...events].sort((a, b) => b.at.localeCompare(a.at));
  const used = new Map<string, ObservedKeyUse>();
  for (const e of sorted) {
    if (e.errorCode !== 0 || e.keyId === null) continue;
    const seen = used.get(e.keyId);
    used.set(
      e.keyId,
      seen
        ? { ...seen, firstAt: e.at, count: seen.count + 1 }
        : { keyId: e.keyId, firstAt: e.at, lastAt: e.at, count: 1 },
    );
  }
  const last = sorted[0];
  return {
    stack,
    appId: appId.toLowerCase(),
    observedAt: observedAt.toISOString(),
    since: since.toISOString(),
    available: true,
    used: [...used.values()].slice(0, 50),
    ...(last ? { last: { at: last.at, keyId: last.keyId, errorCode: last.errorCode } } : {}),
    failures: sorted
      .filter((e) => e.errorCode !== 0)
      .slice(0, 10)
      .map((e) => ({ at: e.at, keyId: e.keyId, errorCode: e.errorCode })),
  };
}

export function unavailable(
  stack: string,
  observedAt: Date,
  reason: SignInsUnavailable | "no-app",
  message: string,
): SignInObservation {
  return { stack, observedAt: observedAt.toISOString(), available: false, reason, message };
}

/**
 * Parses one observation file's text, checking every field (the file comes from an artifact). Checked by hand, not
 * with a schema library: the expiry check reads these files and stays free of dependencies.
 */
export function parseObservation(text: string, source: string): SignInObservation {
  const bad = (what: string) => new PipelineError(`${source}: ${what}; expected the --out-file of ci:sign-ins`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw bad("not valid JSON");
  }
  const o = record(json, "(root)", bad);
  const text_ = (key: string, re: RegExp, from = o) => {
    const v = from[key];
    if (typeof v !== "string" || !re.test(v)) throw bad(`${key} is missing or malformed`);
    return v;
  };
  const stack = text_("stack", STACK);
  const observedAt = text_("observedAt", TIME);
  if (o.available === false) {
    const reason = o.reason;
    if (reason !== "no-licence" && reason !== "no-permission" && reason !== "no-app") throw bad("reason is not known");
    const message = text_("message", /^[^\n]{0,500}$/);
    return { stack, observedAt, available: false, reason, message };
  }
  if (o.available !== true) throw bad("available must be true or false");
  const attempt = (value: unknown, where: string): ObservedAttempt => {
    const a = record(value, where, bad);
    const keyId = a.keyId === null ? null : text_("keyId", GUID, a);
    if (typeof a.errorCode !== "number" || !Number.isInteger(a.errorCode))
      throw bad(`${where}.errorCode is not a whole number`);
    return { at: text_("at", TIME, a), keyId, errorCode: a.errorCode };
  };
  const list = (key: string, max: number) => {
    const v = o[key];
    if (!Array.isArray(v) || v.length > max) throw bad(`${key} must be a list of at most ${max}`);
    return v as unknown[];
  };
  const used = list("used", 50).map((value, i) => {
    const u = record(value, `used[${i}]`, bad);
    if (typeof u.count !== "number" || !Number.isInteger(u.count) || u.count < 1)
      throw bad(`used[${i}].count is not a count`);
    return {
      keyId: text_("keyId", GUID, u),
      firstAt: text_("firstAt", TIME, u),
      lastAt: text_("lastAt", TIME, u),
      count: u.count,
    };
  });
  return {
    stack,
    appId: text_("appId", GUID),
    observedAt,
    since: text_("since", TIME),
    available: true,
    used,
    ...(o.last === undefined ? {} : { last: attempt(o.last, "last") }),
    failures: list("failures", 10).map((value, i) => attempt(value, `failures[${i}]`)),
  };
}

function record(value: unknown, where: string, bad: (what: string) => Error): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw bad(`${where} is not an object`);
  return value as Record<string, unknown>;
}

export function readObservation(context: CommandContext, path: string): SignInObservation {
  return parseObservation(readTextFile(context, path, "sign-in observation"), path);
}

/** Every `<stack>.sign-ins.json` under `dir` (recursively, as artifacts are merged), by stack; none when no dir. */
export function readObservations(context: CommandContext, dir: string): Map<string, SignInObservation> {
  let files: string[];
  try {
    files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(SIGN_INS_FILE_SUFFIX));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw new PipelineError(`cannot read ${dir}: ${(error as NodeJS.ErrnoException).code}`);
  }
  return new Map(
    files
      .sort()
      .map((f) => readObservation(context, join(dir, f)))
      .map((o) => [o.stack, o]),
  );
}

/** MIRADORE_SIGN_IN_RECENT_DAYS: how long after its last sign-in a secret still counts as in use. */
export function recentUseDays(env: NodeJS.ProcessEnv): number {
  const text = env.MIRADORE_SIGN_IN_RECENT_DAYS;
  if (text === undefined || text === "") return DEFAULT_RECENT_USE_DAYS;
  if (!/^\d{1,3}$/.test(text) || Number(text) < 1)
    throw new PipelineError(
      `MIRADORE_SIGN_IN_RECENT_DAYS is ${JSON.stringify(text)}, but must be a whole number of days, at least 1`,
    );
  return Number(text);
}

/**
 * When Miradore still uses the secret `keyId` (its last successful sign-in with it, ISO time), or undefined: it
 * signed in with it within `recentDays` of `now`, and not with the newest secret (`currentKeyId`) since. So a held
 * rotation goes ahead as soon as the logs show Miradore on the newest secret.
 */
export function stillInUse(
  observation: SignInObservation | undefined,
  keyId: string,
  currentKeyId: string | undefined,
  now: Date,
  recentDays: number,
): string | undefined {
  if (!observation?.available) return undefined;
  const use = observation.used.find((u) => u.keyId === keyId.toLowerCase());
  if (!use || Date.parse(use.lastAt) < now.getTime() - recentDays * DAY_MS) return undefined;
  const current = currentKeyId ? observation.used.find((u) => u.keyId === currentKeyId.toLowerCase()) : undefined;
  if (current && keyId.toLowerCase() !== currentKeyId!.toLowerCase() && current.lastAt > use.lastAt) return undefined;
  return use.lastAt;
}

export type KeyRole = "current" | "previous" | "unknown";

/** Which of the stack's secrets a key id is. */
export function keyRole(keyId: string, keys: { readonly current?: string; readonly previous?: string }): KeyRole {
  const id = keyId.toLowerCase();
  if (keys.current?.toLowerCase() === id) return "current";
  if (keys.previous?.toLowerCase() === id) return "previous";
  return "unknown";
}

/** What Entra's AADSTS numbers in a failed sign-in mean, for the notice (Microsoft Learn, AADSTS error codes). */
export function describeSignInError(code: number): string {
  switch (code) {
    case 7000215:
      return "AADSTS7000215, an invalid client secret: the value in Miradore is not a secret of this app";
    case 7000222:
      return "AADSTS7000222, an expired client secret";
    case 700016:
      return "AADSTS700016, the application was not found in the tenant";
    default:
      return `AADSTS${code}`;
  }
}
