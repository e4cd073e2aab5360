import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkRetentionSchedule, DEFAULT_RETENTION_SCHEDULE, timeSpanOfHours } from "../../../infra/lib/retention";

describe("idempotency retention settings", () => {
    const spans: [number, string][] = [
        [72, "3.00:00:00"],
        [25, "1.01:00:00"],
        [30, "1.06:00:00"],
        [720, "30.00:00:00"],
        [5, "0.05:00:00"],
        [0, "0.00:00:00"],
        [47, "1.23:00:00"],
    ];
    for (const [hours, expected] of spans) {
        it(`writes ${hours} hours as the .NET TimeSpan ${expected}`, () => {
            assert.equal(timeSpanOfHours(hours), expected);
        });
    }

    it("refuses hours that are not whole or are negative", () => {
        assert.throws(() => timeSpanOfHours(1.5), { message: "timeSpanOfHours needs a whole, non-negative number of hours, got 1.5" });
        assert.throws(() => timeSpanOfHours(-1), { message: "timeSpanOfHours needs a whole, non-negative number of hours, got -1" });
    });

    const schedules: [string, boolean][] = [
        [DEFAULT_RETENTION_SCHEDULE, true],
        ["0 */30 * * * *", true],
        ["30 0 3 * * Mon-Fri", true],
        ["17 * * * *", false],
        ["* 17 * * * *", false],
        ["*/5 * * * * *", false],
        ["00:05:00", false],
        ["59 59 23 * * *", true],
        ["60 17 * * * *", false],
        ["x0 17 * * * *", false],
        ["0 17 * * * * *", false],
        ["0 17 * * *  *", false],
    ];
    for (const [schedule, valid] of schedules) {
        it(`${valid ? "accepts" : "refuses"} the schedule '${schedule}'`, () => {
            assert.equal(
                checkRetentionSchedule(schedule),
                valid
                    ? undefined
                    : "must be a six-field NCRONTAB expression (seconds first) whose seconds field is a number, so it runs at most once a minute",
            );
        });
    }
});
