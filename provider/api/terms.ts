/**
 * Subscription terms as calendar dates: what one billing cycle adds to an expiry date. The sandbox advances a
 * PBX's expiry with it and the engine counts renewals with it, so both agree on every date (docs/architecture.md,
 * "Renewals"). Dates are ISO calendar dates (YYYY-MM-DD) in UTC.
 */
import type { BillingCycle } from "./catalog";

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD (2027-02-30 is not one). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/** The UTC calendar date of a moment (ms since the epoch). */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The calendar date part of a portal date ("2027-06-30" or "2027-06-30 12:00:00"), "" when there is none. */
export function dateOf(value: string | undefined): string {
  const head = (value ?? "").trim().slice(0, 10);
  return isIsoDate(head) ? head : "";
}

/** ISO date one billing cycle after `date`, clamped to the month's last day (Jan 31 + 1 month = Feb 28). */
export function addCycle(date: string, cycle: BillingCycle): string {
  const [year, month, day] = date.split("-").map(Number);
  const months = cycle === "monthly" ? 1 : 12;
  const first = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(day, lastDay));
  return first.toISOString().slice(0, 10);
}

/** ISO date `days` calendar days after `date`. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
