// The two ways a review can fail that a caller should report to a person rather than as a crash.

/** The input is not a Terraform plan this review can read. The message says what is wrong and where. */
export class PlanInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanInputError";
  }
}

/** An option of renderPlanReview is out of range. The message names the option, its value and what is expected. */
export class PlanReviewOptionsError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "PlanReviewOptionsError";
  }
}
