// Small Markdown helpers for text that comes from the plan, so an address or value cannot break the comment.
import { formatMasked, Hidden, type Masked } from "./masked-value";

/** `text` as a Markdown code span on one line, whatever backticks it contains. */
export function code(text: string): string {
  const oneLine = text.replace(/\r?\n/g, " ");
  const longestRun = Math.max(0, ...(oneLine.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  // CommonMark strips one space from each end of a span that has both, so pad only where that strip is wanted.
  const pad = /^[` ]|[` ]$/.test(oneLine) ? " " : "";
  return `${fence}${pad}${oneLine}${pad}${fence}`;
}

/** "1 change", "2 changes". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** A masked value as Markdown: hidden parts in italics, anything else as a code span. */
export function shown(value: Masked | undefined): string {
  if (value instanceof Hidden) {
    return `_${formatMasked(value)}_`;
  }
  if (value === undefined || value === null) {
    return "_(none)_";
  }
  return code(typeof value === "string" ? value : formatMasked(value));
}

/**
 * Text that is not ours (names and values the guard quotes from the plan) as plain Markdown text: characters that
 * would start emphasis, code, a link, HTML or a table cell are escaped, and it stays on one line.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/[\\`*_[\]<>|]/g, (character) => `\\${character}`);
}
