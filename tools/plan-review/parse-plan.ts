// Turns the text (or parsed JSON) of `terraform show -json <planfile>` into a validated Plan, or a PlanInputError
// that names the field, the value given and what is expected.
import type { z } from "zod";
import { PlanInputError } from "./plan-review-errors";
import { planSchema, type Plan } from "./plan-schema";

const EXPECTED_INPUT = "the JSON that `terraform show -json <planfile>` prints";
const MAX_PROBLEMS_LISTED = 5;

/** Validates a plan given as JSON text or as an already parsed value. */
export function parsePlan(input: unknown): Plan {
  const json = typeof input === "string" ? parseJsonText(input) : input;
  const result = planSchema.safeParse(json);
  if (result.success) {
    return result.data;
  }
  const problems = result.error.issues.map((issue) => describeIssue(issue, json));
  const listed = problems.slice(0, MAX_PROBLEMS_LISTED);
  const more = problems.length - listed.length;
  throw new PlanInputError(
    `not a Terraform plan (expected ${EXPECTED_INPUT}): ${listed.join("; ")}` +
      (more > 0 ? `; … and ${more} more problems` : ""),
  );
}

function parseJsonText(text: string): unknown {
  if (text.trim() === "") {
    throw new PlanInputError(`the input is empty, but must be ${EXPECTED_INPUT}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PlanInputError(
      `the input is not valid JSON (${withLineAndColumn(withoutExcerpt(reason), text)}), but must be ${EXPECTED_INPUT}`,
    );
  }
}

/** V8 quotes the text around a syntax error (`..."value": Xoo"... is not valid JSON`); in a plan that can be a secret. */
function withoutExcerpt(reason: string): string {
  return reason.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, "");
}

/** Node 20 reports a character offset ("at position 15543"); people look for a line and column. */
function withLineAndColumn(reason: string, text: string): string {
  return reason.replace(/at position (\d+)(?! \(line)/, (_, position: string) => {
    const lines = text.slice(0, Number(position)).split("\n");
    return `at line ${lines.length}, column ${lines[lines.length - 1]!.length + 1} (character ${position})`;
  });
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const where = issue.path.length === 0 ? "the input" : formatPath(issue.path);
  const value = valueAt(input, issue.path);
  const given = value === undefined ? "is missing" : `is ${preview(value)}`;
  return `${where} ${given}, but ${expectation(issue)}`;
}

function expectation(issue: z.core.$ZodIssue): string {
  // Our own messages in plan-schema.ts already say what is expected.
  if (issue.message.startsWith("must")) {
    return issue.message;
  }
  switch (issue.code) {
    case "invalid_type":
      return `must be ${withArticle(issue.expected)}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return "must not be empty";
    default:
      return issue.message;
  }
}

function withArticle(typeName: string): string {
  return /^[aeiou]/.test(typeName) ? `an ${typeName}` : `a ${typeName}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((step, i) => (typeof step === "number" ? `[${step}]` : i === 0 ? String(step) : `.${String(step)}`))
    .join("");
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const step of path) {
    if (current === null || typeof current !== "object") {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[step];
  }
  return current;
}

/** Short, and never the content of an object: objects could hold provider values. */
function preview(value: unknown): string {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return "an object";
  }
  if (Array.isArray(value) && value.some((item) => item !== null && typeof item === "object")) {
    return `an array of ${value.length} items`;
  }
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
