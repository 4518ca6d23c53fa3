/** Synthesis refused because a policy rule (or another construct) reported an error annotation. */
export class PolicyViolationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyViolationError";
  }
}
