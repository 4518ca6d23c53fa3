// What Entra's sign-in logs say about one stack's Miradore app, as a small file later steps read (`<stack>.sign-ins.json`
// beside the outputs): which key ids Miradore signed in with and when, and its failed sign-ins with their error codes.
// Key ids, times and error codes only; never a secret. The files come from artifacts, so they are checked on reading.
// What the facts mean for a stack (current, previous or unknown key; still in use) is decided here, in one place, for
// the apply guard, the expiry check, the notice and the fleet view.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { type CommandContext, PipelineError } from "../pipeline/command-context";
import { readTextFile } from "../pipeline/command-args";
import type { SignInEvent, SignInsUnavailable } from "./graph-sign-ins";

export const SIGN_INS_FILE_SUFFIX = ".sign-ins.json";

/** Days a secret counts as in use after Miradore last signed in with it: MIRADORE_SIGN_IN_RECENT_DAYS (3). */
export const DEFAULT_RECENT_USE_DAYS = 3;

const DAY_MS = 86_400_000;
const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const time = z.string().datetime({ offset: true });

const keyUse = z.strictObject({ keyId: guid, firstAt: time, lastAt: time, count: z.number().int().min(1) });
const failure = z.strictObject({ at: time, keyId: guid.nullable(), errorCode: z.number().int() });
const observationSchema = z.discriminatedUnion("available", [
  z.strictObject({
    stack: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/),
    appId: guid,
    observedAt: time,
    since: time,
    available: z.literal(true),
    /** Successful sign-ins by key id, the most recently used first. */
    used: z.array(keyUse).max(50),
    /** The latest attempt, success or not. */
    last: failure.optional(),
    /** Failed sign-ins, newest first (at most 10). */
    failures: z.array(failure).max(10),
  }),
  z.strictObject({
    stack: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/),
    observedAt: time,
    available: z.literal(false),
    reason: z.enum(["no-licence", "no-permission", "no-app"]),
    message: z.string().max(500),
  }),
]);

export type SignInObservation = z.infer<typeof observationSchema>;
export type ObservedKeyUse = z.infer<typeof keyUse>;

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

/** Parses one observation file's text. */
export function parseObservation(text: string, source: string): SignInObservation {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PipelineError(`${source} is not valid JSON; expected ci:sign-ins --out-file`);
  }
  const parsed = observationSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PipelineError(
      `${source}: ${issue.path.join(".") || "(root)"} ${issue.message}; expected ci:sign-ins --out-file`,
    );
  }
  return parsed.data;
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
