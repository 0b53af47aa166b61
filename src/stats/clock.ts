import { Injectable } from '@nestjs/common';

/** The time the stats module buckets and rolls up by; tests move it (a download an hour later). */
@Injectable()
export class StatsClock {
  now(): Date {
    return new Date();
  }
}

export const DAY_MS = 24 * 3600 * 1000;

/** `YYYY-MM-DD` of a UTC day. */
export function utcDay(t: Date): string {
  return t.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));
}
