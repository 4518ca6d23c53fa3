import { median, summarize } from "../tools/bench/statistics";

describe("median", () => {
  test("is the middle value of an odd count, whatever the order", () => {
    expect(median([9, 1, 5])).toBe(5);
  });

  test("is the mean of the two middle values of an even count", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  test("does not reorder the caller's array", () => {
    const samples = [3, 1, 2];
    median(samples);
    expect(samples).toEqual([3, 1, 2]);
  });

  test("rejects no samples", () => {
    expect(() => median([])).toThrow("at least one measurement");
  });
});

test("summarize reports median, min, max and the number of runs", () => {
  expect(summarize([120, 100, 400, 110, 130])).toEqual({ median: 120, min: 100, max: 400, runs: 5 });
});
