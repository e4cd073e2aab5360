// Waits until the function app's Event Grid webhook completes the subscription validation handshake.
// Run by the stack between the code deployment and the Event Grid subscriptions:
//   WEBHOOK_URL=https://<app>/api/events?code=<key> [WEBHOOK_READY_TIMEOUT_SECONDS=600] node build/infra/tools/wait-for-webhook.js
// The URL arrives through the environment, never on the command line, and is printed only with its
// query values replaced by [secret].
import { randomUUID } from "node:crypto";

export interface WaitForWebhookOptions {
    /** Webhook URL including the function key (`?code=`). */
    url: string;
    /** Overall time budget; default 10 minutes. */
    timeoutMs?: number;
    /** Delay after the first failed attempt; doubles per attempt up to `maxDelayMs`. Default 2 s. */
    initialDelayMs?: number;
    /** Largest delay between attempts; default 30 s. */
    maxDelayMs?: number;
    /** Budget of a single request; default 30 s. */
    attemptTimeoutMs?: number;
    /** Validation code to send; random by default. */
    validationCode?: string;
    fetch?: typeof fetch;
    now?: () => number;
    sleep?: (ms: number) => Promise<void>;
    log?: (line: string) => void;
}

export interface WaitForWebhookResult {
    attempts: number;
    elapsedMs: number;
}

export class WebhookNotReadyError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "WebhookNotReadyError";
    }
}

export const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

/** The URL with every query value replaced by `[secret]` (the function key travels as `?code=`). */
export function redactUrl(url: string): string {
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        return "[invalid URL]";
    }
    const keys = [...new Set(parsed.searchParams.keys())];
    const query = keys.map((k) => `${encodeURIComponent(k)}=[secret]`).join("&");
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}${query ? `?${query}` : ""}`;
}

/** Removes every query value of `url` (raw and URL-encoded) from `text`. */
export function scrub(text: string, url: string): string {
    let result = text.split(url).join(redactUrl(url));
    try {
        for (const value of new URL(url).searchParams.values()) {
            if (value.length < 4) continue;
            for (const form of new Set([value, encodeURIComponent(value)])) {
                result = result.split(form).join("[secret]");
            }
        }
    } catch {
        // not a URL: nothing more to remove
    }
    return result;
}

/** The Event Grid schema validation event, as Event Grid sends it when a subscription is created. */
export function validationEvent(code: string, now: Date): unknown[] {
    return [
        {
            id: randomUUID(),
            topic: "/readiness-check",
            subject: "",
            eventType: "Microsoft.EventGrid.SubscriptionValidationEvent",
            eventTime: now.toISOString(),
            metadataVersion: "1",
            dataVersion: "1",
            data: { validationCode: code },
        },
    ];
}

/** Judges one answer: ready only on 200 with `{"validationResponse": <code>}`. */
export function judgeAnswer(status: number, body: string, code: string): { ok: boolean; reason: string } {
    if (status !== 200) return { ok: false, reason: `HTTP ${status}` };
    let parsed: unknown;
    try {
        parsed = JSON.parse(body);
    } catch {
        return { ok: false, reason: "HTTP 200 without a JSON body" };
    }
    const response = (parsed as { validationResponse?: unknown } | null)?.validationResponse;
    if (response === code) return { ok: true, reason: "HTTP 200 with the validation code" };
    return { ok: false, reason: "HTTP 200 without the expected validationResponse" };
}

export async function waitForWebhook(options: WaitForWebhookOptions): Promise<WaitForWebhookResult> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const initialDelayMs = options.initialDelayMs ?? 2000;
    const maxDelayMs = options.maxDelayMs ?? 30_000;
    const attemptTimeoutMs = options.attemptTimeoutMs ?? 30_000;
    const doFetch = options.fetch ?? fetch;
    const now = options.now ?? Date.now;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const log = options.log ?? ((line: string) => console.log(line));
    const code = options.validationCode ?? randomUUID();
    const shown = redactUrl(options.url);
    if (!(timeoutMs > 0)) throw new Error(`The timeout must be a positive number of milliseconds (got ${timeoutMs}).`);

    const start = now();
    const deadline = start + timeoutMs;
    let attempts = 0;
    let lastReason = "no answer yet";
    log(`Waiting for ${shown} to answer the Event Grid validation handshake (timeout ${Math.round(timeoutMs / 1000)} s).`);

    for (;;) {
        attempts++;
        const remaining = Math.max(1, deadline - now());
        try {
            const response = await doFetch(options.url, {
                method: "POST",
                headers: { "content-type": "application/json", "aeg-event-type": "SubscriptionValidation" },
                body: JSON.stringify(validationEvent(code, new Date(now()))),
                signal: AbortSignal.timeout(Math.min(attemptTimeoutMs, remaining)),
            });
            const verdict = judgeAnswer(response.status, await response.text(), code);
            lastReason = verdict.reason;
            if (verdict.ok) {
                const elapsedMs = now() - start;
                log(`Attempt ${attempts}: ${verdict.reason}; the webhook is ready after ${Math.round(elapsedMs / 1000)} s.`);
                return { attempts, elapsedMs };
            }
        } catch (error) {
            const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
            const detail = err.cause?.code ?? err.cause?.message ?? err.message ?? String(error);
            lastReason = scrub(err.name === "TimeoutError" ? "no answer within the request timeout" : `request failed (${detail})`, options.url);
        }

        const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempts - 1));
        const elapsed = now() - start;
        if (now() + delay >= deadline) {
            throw new WebhookNotReadyError(
                `The webhook ${shown} did not complete the Event Grid validation handshake within ` +
                    `${Math.round(timeoutMs / 1000)} s (${attempts} ${attempts === 1 ? "attempt" : "attempts"}; last answer: ${lastReason}). ` +
                    "Check the function app's deployment status and logs, then run the deployment again.",
            );
        }
        log(`Attempt ${attempts}: ${lastReason}; retrying in ${Math.round(delay / 1000)} s (${Math.round(elapsed / 1000)} s of ${Math.round(timeoutMs / 1000)} s used).`);
        await sleep(delay);
    }
}

/** Reads the options from the environment; throws a message naming the variable on bad input. */
export function optionsFromEnv(env: NodeJS.ProcessEnv): Pick<WaitForWebhookOptions, "url" | "timeoutMs"> {
    const url = env.WEBHOOK_URL;
    if (!url) throw new Error("WEBHOOK_URL is not set: pass the webhook URL (with its ?code=) in the environment.");
    if (redactUrl(url) === "[invalid URL]") throw new Error("WEBHOOK_URL is not a valid absolute URL.");
    if (!new URL(url).searchParams.get("code")) {
        // Without a key the function host answers 401 until the timeout: say what is wrong at once.
        throw new Error(
            "WEBHOOK_URL has no function key (?code=): the app returned no key for the webhook function. " +
                "Check that the deployment succeeded and that the app lists the EventGridWebhook function.",
        );
    }
    const raw = env.WEBHOOK_READY_TIMEOUT_SECONDS;
    let timeoutMs = DEFAULT_TIMEOUT_MS;
    if (raw !== undefined && raw !== "") {
        const seconds = Number(raw);
        if (!Number.isFinite(seconds) || seconds <= 0) {
            throw new Error(`WEBHOOK_READY_TIMEOUT_SECONDS must be a positive number of seconds, e.g. 600 (got "${raw}").`);
        }
        timeoutMs = seconds * 1000;
    }
    return { url, timeoutMs };
}

if (require.main === module) {
    (async () => {
        try {
            await waitForWebhook({ ...optionsFromEnv(process.env), log: (line) => console.log(`wait-for-webhook: ${line}`) });
        } catch (error) {
            const message = (error as Error).message ?? String(error);
            console.error(`wait-for-webhook: ${process.env.WEBHOOK_URL ? scrub(message, process.env.WEBHOOK_URL) : message}`);
            process.exitCode = 1;
        }
    })();
}
