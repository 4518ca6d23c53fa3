export { PlanInputError, PlanReviewOptionsError } from "./plan-review-errors";
export {
  GITHUB_COMMENT_MAX_CHARS,
  planReviewMarker,
  renderPlanReview,
  type PlanReviewOptions,
} from "./render-plan-review";
