/** Calendar arithmetic for quotas and usage: UTC days written YYYY-MM-DD, as GetUsage takes and answers them. */
import type { QuotaSettings } from './model.js';

const DAY_MS = 86_400_000;

/** The UTC day `ms` falls on. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight UTC of a YYYY-MM-DD day, or undefined when it isn't one. */
export function parseDay(day: string): number | undefined {
  const m = DATE.exec(day);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return dayOf(ms) === day ? ms : undefined;
}

/** Every day from `start` to `end`, both included. */
export function daysBetween(start: string, end: string): string[] {
  const from = parseDay(start);
  const to = parseDay(end);
  if (from === undefined || to === undefined) return [];
  const out: string[] = [];
  for (let t = from; t <= to; t += DAY_MS) out.push(dayOf(t));
  return out;
}

/**
 * The first day of the quota period `day` is in. A WEEK starts on the weekday
 * its offset names (0 Sunday ... 6 Saturday); a MONTH on day offset + 1 of
 * the month (offset 0: the 1st).
 */
export function periodStart(day: string, quota: Pick<QuotaSettings, 'period' | 'offset'>): string {
  const t = parseDay(day)!;
  const d = new Date(t);
  switch (quota.period) {
    case 'DAY':
      return day;
    case 'WEEK': {
      const back = (d.getUTCDay() - quota.offset + 7) % 7;
      return dayOf(t - back * DAY_MS);
    }
    case 'MONTH': {
      const startDay = quota.offset + 1;
      const y = d.getUTCFullYear();
      const m = d.getUTCMonth();
      return d.getUTCDate() >= startDay ? dayOf(Date.UTC(y, m, startDay)) : dayOf(Date.UTC(y, m - 1, startDay));
    }
  }
}
