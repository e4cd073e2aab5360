// The idempotency records' retention as the function app reads it: a window in hours (longer than Event Grid's
// 24-hour retry horizon) and the timer's NCRONTAB schedule. The app validates the same rules at start-up
// (functions-app/Idempotency/IdempotencyOptions.cs).

/** Event Grid retries an event for at most this long (its longest event time to live). */
export const EVENT_GRID_RETRY_HORIZON_HOURS = 24;

/** The app's own default (IdempotencyOptions.RetentionSchedule): every hour at minute 17. */
export const DEFAULT_RETENTION_SCHEDULE = "0 17 * * * *";

/** Six NCRONTAB fields, seconds first; the seconds field a number, so the timer fires at most once a minute. */
const NCRONTAB = /^[0-5]?[0-9]( [0-9A-Za-z*/,-]+){5}$/;

export function checkRetentionSchedule(value: string): string | undefined {
    return NCRONTAB.test(value)
        ? undefined
        : "must be a six-field NCRONTAB expression (seconds first) whose seconds field is a number, so it runs at most once a minute";
}

/** A whole number of hours as a .NET TimeSpan setting (`d.hh:mm:ss`): 72 → `3.00:00:00`, 30 → `1.06:00:00`. */
export function timeSpanOfHours(hours: number): string {
    if (!Number.isInteger(hours) || hours < 0) {
        throw new Error(`timeSpanOfHours needs a whole, non-negative number of hours, got ${hours}`);
    }
    const days = Math.floor(hours / 24);
    return `${days}.${String(hours % 24).padStart(2, "0")}:00:00`;
}
