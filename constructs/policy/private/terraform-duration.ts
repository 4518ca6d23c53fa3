/** Hours per unit of a Go duration, the format of Terraform's `timeadd` and `end_date_relative` ("4320h", "1h30m"). */
const HOURS_PER_UNIT: Readonly<Record<string, number>> = {
  ns: 1 / 3.6e12,
  us: 1 / 3.6e9,
  µs: 1 / 3.6e9,
  μs: 1 / 3.6e9,
  ms: 1 / 3.6e6,
  s: 1 / 3600,
  m: 1 / 60,
  h: 1,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
const WHOLE = /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;

/** A Go duration string in hours, or `undefined` when it is not one (Go's `time.ParseDuration` grammar). */
export function durationHours(text: string): number | undefined {
  if (text === "0") return 0;
  if (!WHOLE.test(text)) return undefined;
  const hours = [...text.matchAll(PART)].reduce(
    (sum, [, amount, unit]) => sum + Number(amount) * HOURS_PER_UNIT[unit!]!,
    0,
  );
  return text.startsWith("-") ? -hours : hours;
}
