/**
 * The simulator's clock: whole minutes since the Unix epoch. Minutes are fine enough for a schedule counted in days
 * and coarse enough to check every one of them over years.
 */
export type Minute = number;

export const MINUTES_PER_HOUR = 60;
export const MINUTES_PER_DAY = 24 * MINUTES_PER_HOUR;

/** `days` whole or fractional days, in minutes. */
export const daysToMinutes = (days: number): Minute => Math.round(days * MINUTES_PER_DAY);

/** The minute an RFC 3339 / ISO 8601 time falls in; NaN when it is not a time. */
export const minuteOf = (iso: string): Minute => Math.floor(Date.parse(iso) / 60_000);

/** "2025-03-01 06:00" (UTC): what a person reads in a table. */
export function formatMinute(minute: Minute): string {
  return new Date(minute * 60_000).toISOString().slice(0, 16).replace("T", " ");
}

/** "2025-03-01" (UTC). */
export const formatDay = (minute: Minute): string => formatMinute(minute).slice(0, 10);
