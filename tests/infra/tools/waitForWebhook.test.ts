import { describe, it, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as http from "node:http";
import * as path from "node:path";
import { AddressInfo } from "node:net";
import { execFile } from "node:child_process";
import {
    judgeAnswer,
    optionsFromEnv,
    redactUrl,
    waitForWebhook,
    WebhookNotReadyError,
} from "../../../infra/tools/wait-for-webhook";

const KEY = "s3cr3t-Function-Key_value==";

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

/** A loopback server whose behaviour each test swaps in; records every request it receives. */
class LoopbackWebhook {
    handler: Handler = (_req, _body, res) => res.writeHead(404).end();
    requests: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
    private server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (chunk) => (body += chunk));
        req.on("end", () => {
            this.requests.push({ method: req.method, url: req.url, headers: req.headers, body });
            this.handler(req, body, res);
        });
    });
    async start(): Promise<void> {
        await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    }
    url(): string {
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/events?code=${encodeURIComponent(KEY)}`;
    }
    async stop(): Promise<void> {
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
}

const answerHandshake: Handler = (_req, body, res) => {
    const code = JSON.parse(body)[0].data.validationCode;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ validationResponse: code }));
};

/** A clock that only moves when the code under test sleeps. */
function fakeClock() {
    let t = 0;
    const sleeps: number[] = [];
    return {
        now: () => t,
        sleep: async (ms: number) => {
            sleeps.push(ms);
            t += ms;
        },
        sleeps,
    };
}

describe("waitForWebhook", () => {
    const server = new LoopbackWebhook();
    before(() => server.start());
    after(() => server.stop());

    it("sends the Event Grid subscription validation handshake", async () => {
        server.requests = [];
        server.handler = answerHandshake;
        const clock = fakeClock();
        await waitForWebhook({ url: server.url(), validationCode: "abc-123", ...clock, log: () => {} });
        const [request] = server.requests;
        assert.equal(request.method, "POST");
        assert.equal(request.url, `/api/events?code=${encodeURIComponent(KEY)}`);
        assert.equal(request.headers["aeg-event-type"], "SubscriptionValidation");
        const events = JSON.parse(request.body);
        assert.equal(events.length, 1);
        assert.equal(events[0].eventType, "Microsoft.EventGrid.SubscriptionValidationEvent");
        assert.equal(events[0].data.validationCode, "abc-123");
    });

    it("succeeds after failing answers, backing off between attempts", async () => {
        server.requests = [];
        let calls = 0;
        server.handler = (req, body, res) => {
            calls++;
            if (calls === 1) return void res.writeHead(503).end();
            if (calls === 2) return void res.writeHead(404).end("Function host is starting");
            if (calls === 3) return void res.writeHead(200).end(JSON.stringify({ validationResponse: "wrong" }));
            answerHandshake(req, body, res);
        };
        const clock = fakeClock();
        const lines: string[] = [];
        const result = await waitForWebhook({ url: server.url(), ...clock, log: (l) => lines.push(l) });
        assert.equal(result.attempts, 4);
        assert.deepEqual(clock.sleeps, [2000, 4000, 8000]);
        assert.equal(result.elapsedMs, 14_000);
        assert.match(lines[1], /Attempt 1: HTTP 503; retrying in 2 s/);
        assert.match(lines[2], /Attempt 2: HTTP 404; retrying in 4 s/);
        assert.match(lines[3], /Attempt 3: HTTP 200 without the expected validationResponse/);
        assert.match(lines.at(-1)!, /Attempt 4: .*ready after 14 s/);
    });

    it("caps the backoff at maxDelayMs", async () => {
        server.handler = (_req, _body, res) => res.writeHead(500).end();
        const clock = fakeClock();
        await assert.rejects(
            waitForWebhook({ url: server.url(), timeoutMs: 100_000, maxDelayMs: 10_000, ...clock, log: () => {} }),
            WebhookNotReadyError,
        );
        assert.deepEqual(clock.sleeps.slice(0, 6), [2000, 4000, 8000, 10_000, 10_000, 10_000]);
    });

    it("fails with a timeout message naming the budget, the attempts and the last answer", async () => {
        server.handler = (_req, _body, res) => res.writeHead(200).end("<html>Your Functions app is up and running</html>");
        const clock = fakeClock();
        await assert.rejects(
            waitForWebhook({ url: server.url(), timeoutMs: 60_000, ...clock, log: () => {} }),
            (error: Error) => {
                assert.ok(error instanceof WebhookNotReadyError);
                assert.match(error.message, /did not complete the Event Grid validation handshake within 60 s/);
                assert.match(error.message, /5 attempts; last answer: HTTP 200 without a JSON body/);
                return true;
            },
        );
        // 2 + 4 + 8 + 16 = 30 s waited; the next 30 s wait would reach the deadline, so it stops there.
        assert.deepEqual(clock.sleeps, [2000, 4000, 8000, 16_000]);
    });

    it("never prints the function key, in progress lines or in the error", async () => {
        server.handler = (_req, _body, res) => res.writeHead(401).end();
        const clock = fakeClock();
        const lines: string[] = [];
        const error = await waitForWebhook({ url: server.url(), timeoutMs: 20_000, ...clock, log: (l) => lines.push(l) }).catch(
            (e: Error) => e,
        );
        assert.ok(error instanceof WebhookNotReadyError);
        const everything = [...lines, error.message].join("\n");
        assert.ok(lines.length >= 3);
        assert.ok(!everything.includes(KEY), "the raw key leaked");
        assert.ok(!everything.includes(encodeURIComponent(KEY)), "the encoded key leaked");
        assert.match(everything, /\/api\/events\?code=\[secret\]/);
    });

    it("reports a refused connection without the key", async () => {
        const closed = new LoopbackWebhook();
        await closed.start();
        const url = closed.url();
        await closed.stop();
        const clock = fakeClock();
        const error = await waitForWebhook({ url, timeoutMs: 3000, ...clock, log: () => {} }).catch((e: Error) => e);
        assert.ok(error instanceof WebhookNotReadyError);
        assert.match(error.message, /last answer: request failed \(ECONNREFUSED\)/);
        assert.ok(!error.message.includes(encodeURIComponent(KEY)));
    });
});

describe("judgeAnswer", () => {
    const cases: [string, number, string, boolean, RegExp][] = [
        ["the echoed code", 200, JSON.stringify({ validationResponse: "c1" }), true, /with the validation code/],
        ["another code", 200, JSON.stringify({ validationResponse: "c2" }), false, /without the expected validationResponse/],
        ["an empty JSON object", 200, "{}", false, /without the expected validationResponse/],
        ["JSON null", 200, "null", false, /without the expected validationResponse/],
        ["an HTML page", 200, "<html></html>", false, /without a JSON body/],
        ["a 202", 202, JSON.stringify({ validationResponse: "c1" }), false, /HTTP 202/],
        ["a 503", 503, "", false, /HTTP 503/],
    ];
    for (const [label, status, body, ok, reason] of cases) {
        it(`judges ${label} (${status}) as ${ok ? "ready" : "not ready"}`, () => {
            const verdict = judgeAnswer(status, body, "c1");
            assert.equal(verdict.ok, ok);
            assert.match(verdict.reason, reason);
        });
    }
});

describe("redactUrl and optionsFromEnv", () => {
    it("replaces every query value", () => {
        assert.equal(redactUrl("https://app.example.net/api/events?code=abc&x=1"), "https://app.example.net/api/events?code=[secret]&x=[secret]");
    });
    it("defaults the timeout to 10 minutes", () => {
        assert.equal(optionsFromEnv({ WEBHOOK_URL: "https://a.example/api/events?code=k" }).timeoutMs, 600_000);
    });
    it("reads the timeout in seconds", () => {
        assert.equal(optionsFromEnv({ WEBHOOK_URL: "https://a.example/x?code=k", WEBHOOK_READY_TIMEOUT_SECONDS: "90" }).timeoutMs, 90_000);
    });
    const bad: [string, NodeJS.ProcessEnv, RegExp][] = [
        ["a missing URL", {}, /WEBHOOK_URL is not set/],
        ["a relative URL", { WEBHOOK_URL: "/api/events" }, /not a valid absolute URL/],
        ["a URL without a function key", { WEBHOOK_URL: "https://a.example/api/events" }, /has no function key \(\?code=\)/],
        ["a URL with an empty function key", { WEBHOOK_URL: "https://a.example/api/events?code=" }, /has no function key/],
        ["a zero timeout", { WEBHOOK_URL: "https://a.example/x?code=k", WEBHOOK_READY_TIMEOUT_SECONDS: "0" }, /positive number of seconds/],
        ["a word as timeout", { WEBHOOK_URL: "https://a.example/x?code=k", WEBHOOK_READY_TIMEOUT_SECONDS: "ten" }, /got "ten"/],
    ];
    for (const [label, env, message] of bad) {
        it(`rejects ${label}`, () => assert.throws(() => optionsFromEnv(env), message));
    }
});

describe("wait-for-webhook command", () => {
    const server = new LoopbackWebhook();
    before(() => server.start());
    after(() => server.stop());
    const script = path.resolve(__dirname, "../../../infra/tools/wait-for-webhook.js");

    function run(env: NodeJS.ProcessEnv): Promise<{ status: number; stdout: string; stderr: string }> {
        return new Promise((resolve) => {
            execFile(process.execPath, [script], { env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) => {
                resolve({ status: error ? Number(error.code) : 0, stdout, stderr });
            });
        });
    }

    it("exits 1 with the timeout message and never prints the key", async () => {
        server.handler = (_req, _body, res) => res.writeHead(404).end();
        const result = await run({ WEBHOOK_URL: server.url(), WEBHOOK_READY_TIMEOUT_SECONDS: "1" });
        assert.equal(result.status, 1);
        assert.match(result.stderr, /did not complete the Event Grid validation handshake within 1 s/);
        assert.match(result.stdout, /Waiting for http:\/\/127\.0\.0\.1:\d+\/api\/events\?code=\[secret\]/);
        assert.ok(!(result.stdout + result.stderr).includes(encodeURIComponent(KEY)));
        assert.ok(!(result.stdout + result.stderr).includes(KEY));
    });

    it("exits 0 once the webhook answers", async () => {
        server.handler = answerHandshake;
        const result = await run({ WEBHOOK_URL: server.url() });
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stdout, /the webhook is ready/);
        assert.ok(!result.stdout.includes(encodeURIComponent(KEY)));
    });

    it("exits 1 naming the variable when WEBHOOK_URL is missing", async () => {
        const result = await run({});
        assert.equal(result.status, 1);
        assert.match(result.stderr, /WEBHOOK_URL is not set/);
    });
});
