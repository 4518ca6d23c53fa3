// What the records the workflows keep in the GitHub Actions cache (the fleet record, the drift record) have in
// common: they come back from a cache anyone with write access to the default branch can fill, so each is checked
// against its schema, and a missing, unreadable or unusable one is read as empty with the reason, never trusted.
import { readFileSync } from "node:fs";
import { z } from "zod";

/** A stack's name as the records key it (the manifest's names; bounded so a tampered entry cannot be huge). */
export const recordStackName = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/);

/**
 * `text` (undefined: no file) checked against `schema`; otherwise `empty` and why, in words naming `what` ("the
 * fleet record"), followed by `consequence` (": every stack is applied"), if any.
 */
export function parseCachedRecord<T>(
  text: string | undefined,
  schema: z.ZodType<T>,
  empty: T,
  what: string,
  consequence = "",
): { record: T; problem?: string } {
  if (text === undefined)
    return { record: empty, problem: `there is no ${what.replace(/^the /, "")} yet${consequence}` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { record: empty, problem: `${what} is not JSON${consequence}` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return {
      record: empty,
      problem: `${what} is not usable (${issue.path.join(".") || "(root)"}: ${issue.message})${consequence}`,
    };
  }
  return { record: parsed.data };
}

/** A record file's text, or undefined when there is none (the first run, or the cache had nothing to restore). */
export function readRecordFile(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
