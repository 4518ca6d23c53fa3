// The note ci:shard-plan leaves for each stack it planned to the end: what reads its folder (ci:comment, the drift
// report) tells a stack checked and found clean from one that failed and left nothing.

/** The file ending of a stack's note (`<stack>.checked.json`). */
export const CHECKED_SUFFIX = ".checked.json";

/** What `<stack>.checked.json` holds. */
export interface CheckedStack {
  readonly stack: string;
  /** The plan has changes (a refresh-only plan: changes made outside Terraform). */
  readonly changes: boolean;
}
