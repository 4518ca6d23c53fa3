// What each stack's apply job left for the notice: its result (applied, unchanged, held, failed) and why, one
// `<stack>.result.json` per stack (written by ci:apply and ci:force-rotate with --result-file), read back here. The
// files come from artifacts, so they are checked before anything of them is shown.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { type CommandContext, PipelineError } from "./command-context";
import { readTextFile } from "./command-args";
import { isGuid } from "../../constructs";

/** The suffix of a result file beside the stack's outputs file. */
export const RESULT_FILE_SUFFIX = ".result.json";

const recordSchema = z.strictObject({
  stack: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/),
  result: z.enum(["applied", "unchanged", "held", "failed"]),
  at: z.string().datetime({ offset: true }),
  reasons: z.array(z.string().max(4000)).max(20),
  /** A failure because the site's tenant does not let the CI identity in: which tenant, and which client id. */
  tenantAccess: z.strictObject({ tenantId: z.string().refine(isGuid), clientId: z.string().refine(isGuid) }).optional(),
  /** Why the run applied the stack, or did not (rotation/due-selection.ts); absent: it applied without asking. */
  selection: z.strictObject({ due: z.boolean(), reason: z.string().max(4000) }).optional(),
});

/** The record of a run that later steps (the operator notice) read: the result, or the failure and why. */
export type ApplyRecord = z.infer<typeof recordSchema>;

/** Every `<stack>.result.json` under `dir` (searched recursively, as artifacts are merged), by stack. */
export function readApplyRecords(context: CommandContext, dir: string): Map<string, ApplyRecord> {
  let files: string[];
  try {
    files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(RESULT_FILE_SUFFIX));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map(); // no job uploaded a result
    throw new PipelineError(`cannot read ${dir}: ${(error as NodeJS.ErrnoException).code}`);
  }
  const records = new Map<string, ApplyRecord>();
  for (const file of files.sort()) {
    const path = join(dir, file);
    let json: unknown;
    try {
      json = JSON.parse(readTextFile(context, path, "result file"));
    } catch (error) {
      if (error instanceof PipelineError) throw error;
      throw new PipelineError(`${path} is not valid JSON`);
    }
    const parsed = recordSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new PipelineError(
        `${path}: ${issue.path.join(".") || "(root)"} ${issue.message}; expected ci:apply's --result-file`,
      );
    }
    records.set(parsed.data.stack, parsed.data);
  }
  return records;
}
