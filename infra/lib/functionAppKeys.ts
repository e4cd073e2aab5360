// The configuration keys of the function app: what it puts in pushes, how far it scales, and how long it keeps
// its idempotency records. ./configKeys.ts lists them with the other keys.

import { FLEX_INSTANCE_MEMORY_MB } from "./catalog";
import { checkRetentionSchedule, DEFAULT_RETENTION_SCHEDULE, EVENT_GRID_RETRY_HORIZON_HOURS } from "./retention";

export const FUNCTION_APP_KEYS = [
    {
        key: "includeMessageText",
        section: "functionApp",
        type: "boolean",
        description: "Put the chat message text into the push body (otherwise a generic text).",
        rule: "`true`/`false` → app setting `Notifications__IncludeMessageText`",
        default: false,
        example: "true",
    },
    {
        key: "functionMaximumInstanceCount",
        section: "functionApp",
        type: "integer",
        description: "Flex Consumption scale-out limit of the function app (1-1000).",
        rule: "1-1000",
        default: 40,
        min: 1,
        max: 1000,
        example: "100",
    },
    {
        key: "functionInstanceMemoryMB",
        section: "functionApp",
        type: "integer",
        description: "Flex Consumption instance memory: 512, 2048 or 4096.",
        rule: "`512`, `2048` or `4096`",
        default: 2048,
        min: 512,
        max: 4096,
        example: "4096",
        check: (value: number) =>
            (FLEX_INSTANCE_MEMORY_MB as readonly number[]).includes(value)
                ? undefined
                : `must be one of ${FLEX_INSTANCE_MEMORY_MB.join(", ")}`,
    },
    {
        key: "idempotencyRetentionHours",
        section: "functionApp",
        type: "integer",
        description: "Hours an event's idempotency record is kept after its first delivery before the retention timer deletes it (25-720).",
        rule: `25-720, longer than Event Grid's ${EVENT_GRID_RETRY_HORIZON_HOURS}-hour retry horizon, so no redelivery finds its record gone; app setting \`Idempotency__RetentionWindow\``,
        default: 72,
        min: EVENT_GRID_RETRY_HORIZON_HOURS + 1,
        max: 720,
        example: "96",
    },
    {
        key: "idempotencyRetentionSchedule",
        section: "functionApp",
        type: "string",
        description: "When the retention timer deletes expired idempotency records: a six-field NCRONTAB expression, in UTC.",
        rule: "six NCRONTAB fields, seconds first, the seconds field a number (at most one run a minute); app setting `Idempotency__RetentionSchedule`, read by the timer trigger",
        default: DEFAULT_RETENTION_SCHEDULE,
        example: "0 */30 * * * *",
        check: checkRetentionSchedule,
    },
] as const;
