// The bench's fleet-operations pricing (tools/bench/fleet-operations.ts) on fixed costs: the targets hold on a
// small fleet (at least 10× fewer runner-minutes on the quietest day, every secret on time, the matrix within 256),
// and the table shows what it claims.
import {
  fleetOperations,
  type MeasuredCosts,
  renderFleetOperations,
  RUNNER_OVERHEAD_S,
} from "../tools/bench/fleet-operations";

const COSTS: MeasuredCosts = { npmCiS: 4, firstInitS: 1, unchangedStackS: 0.5, rotatedStackS: 1 };
const result = fleetOperations(300, COSTS);

test("prices one job per stack against due-only shards, day by day", () => {
  expect(result.days).toHaveLength(120);
  for (const day of result.days) {
    expect(day.planned.old).toBe(300);
    expect(day.old.jobs).toBe(300);
    // A job of one stack: start-up, runner overhead and the stack, under a minute, billed as one.
    expect(day.old.runnerMinutes).toBe(300);
    expect(day.shards.jobs).toBe(Math.ceil(day.planned.shards / 50));
    expect(day.planned.shards).toBeLessThan(day.planned.old);
  }
  expect(RUNNER_OVERHEAD_S).toBeGreaterThan(0);
});

test("meets the targets: 10× fewer runner-minutes on the quietest day, every secret at its minute", () => {
  const quietest = [...result.days].sort((a, b) => a.shards.runnerMinutes - b.shards.runnerMinutes)[0]!;
  expect(quietest.old.runnerMinutes / quietest.shards.runnerMinutes).toBeGreaterThanOrEqual(10);
  expect(result.secretsOnTime).toBe(result.secretsCreated);
  expect(result.secretsCreated).toBeGreaterThan(300);
  expect(result.maxShardJobs).toBeLessThanOrEqual(256);
});

test("the table states the measured and assumed costs and one row per picked day", () => {
  const table = renderFleetOperations(COSTS, [result]);
  expect(table).toContain("npm ci --omit=dev 4.00 s");
  expect(table).toContain(`assumed: ${RUNNER_OVERHEAD_S} s runner overhead per job`);
  for (const pick of ["quietest", "median", "busiest", "all 120 days"]) expect(table).toContain(`| 300 | ${pick}`);
  expect(table).toContain(
    `300 sites: ${result.secretsCreated} of ${result.secretsCreated} secrets made at the same minute`,
  );
});
