// The fleet view's sign-in column: per stack, the key Miradore last signed in with (ci:sign-ins' files in a folder,
// with the stack's public outputs beside them when present, to tell the current from the previous secret).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  describeSignInError,
  keyRole,
  parseObservation,
  SIGN_INS_FILE_SUFFIX,
} from "../sign-in-logs/sign-in-observation";

/** What the logs said about one stack's Miradore, in one cell. */
export function observedKeys(dir: string): Map<string, string> {
  const cells = new Map<string, string>();
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(SIGN_INS_FILE_SUFFIX));
  for (const file of files.sort()) {
    const o = parseObservation(readFileSync(join(dir, file), "utf8"), join(dir, file));
    if (!o.available) {
      cells.set(o.stack, o.reason === "no-app" ? "not deployed" : `logs not available (${o.reason})`);
      continue;
    }
    const keys = outputsKeys(join(dir, file.slice(0, -SIGN_INS_FILE_SUFFIX.length) + ".json"), o.stack);
    const latest = o.used[0];
    const used = latest
      ? `${latest.keyId} (${keyRole(latest.keyId, keys)}), ${latest.lastAt.slice(0, 16).replace("T", " ")} UTC`
      : "no successful sign-in";
    const failing =
      o.last && o.last.errorCode !== 0 ? `; FAILING: ${describeSignInError(o.last.errorCode).split(",")[0]}` : "";
    cells.set(o.stack, `${used}${failing}`);
  }
  return cells;
}

function outputsKeys(file: string, stack: string): { current?: string; previous?: string } {
  if (!existsSync(file)) return {};
  const values = (JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, unknown> | undefined>)[stack];
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  return { current: text(values?.client_secret_key_id), previous: text(values?.previous_client_secret_key_id) };
}
