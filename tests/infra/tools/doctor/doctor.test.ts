// The doctor against a loopback fake of Azure: every check passing, every check failing, the exit code, and
// no secret in the output.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { main } from "../../../../infra/tools/doctor/doctor";
import { ArmServer, armError, startArmServer } from "../../helpers/armServer";
import { fakeAzure, fakeCredential, FakeState, FUNCTION_KEY, healthyState, loopbackClient, OUTPUTS, SECRETS } from "./fakeAzure";

describe("the doctor", () => {
    let server: ArmServer;
    let dir: string;
    let outputsFile: string;
    let state: FakeState;

    before(async () => {
        server = await startArmServer();
        dir = mkdtempSync(path.join(tmpdir(), "doctor-"));
        outputsFile = path.join(dir, "outputs.json");
        writeFileSync(outputsFile, JSON.stringify(OUTPUTS));
    });
    after(async () => {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
    });
    beforeEach(() => {
        server.reset();
        state = healthyState();
        server.setHandler(fakeAzure(state));
    });

    async function doctor(args: string[] = ["dev", "--outputs", outputsFile]): Promise<{ code: number; out: string; err: string }> {
        let out = "";
        let err = "";
        const code = await main(args, {
            credential: () => fakeCredential,
            tlsOptions: { ca: server.ca },
            httpClient: loopbackClient(server),
            maxRetries: 0,
            stdout: (t) => (out += t),
            stderr: (t) => (err += t),
        });
        for (const secret of SECRETS) assert.ok(!(out + err).includes(secret), `the output contains ${JSON.stringify(secret)}:\n${out}${err}`);
        return { code, out, err };
    }

    const lines = (out: string) => out.split("\n").filter((l) => /^(ok|FINDING) /.test(l));

    it("passes a healthy stack: every check ok, exit status 0", async () => {
        const { code, out, err } = await doctor();
        assert.equal(err, "");
        assert.equal(code, 0);
        assert.deepEqual(
            lines(out).map((l) => l.replace(/\s{2,}/g, " | ").split(" | ").slice(0, 2)),
            [
                ["ok", "ACS link"],
                ["ok", "calls hub APNs credential"],
                ["ok", "calls hub FCM v1 credential"],
                ["ok", "alerts hub APNs credential"],
                ["ok", "alerts hub FCM v1 credential"],
                ["ok", "Event Grid subscription chat-events"],
                ["ok", "webhook handshake"],
                ["ok", "dead letters"],
                ["ok", "action group"],
                ["ok", "alert rules"],
            ],
        );
        assert.match(out, /\n10 ok, 0 findings\.\n$/);
        assert.match(out, /ok {7}webhook handshake {2,}https:\/\/func-acspush-dev-138a9d\.azurewebsites\.net\/api\/events allows eventgrid\.azure\.net\./);
    });

    it("calls Resource Manager and storage with their own tokens, and the webhook with none", async () => {
        await doctor();
        const byHost = (host: string) => server.requests.filter((r) => r.headers["x-fake-host"] === host);
        const arm = byHost("management.azure.com");
        assert.equal(arm.length, 1 + 2 + 1 + 1 + 1 + 15, "ACS, two hubs, one subscription, the webhook's key, the action group, 15 alert rules");
        assert.ok(arm.every((r) => r.headers.authorization === "Bearer arm-token"));
        const blob = byHost("stdlacspushdev138a9d.blob.core.windows.net");
        assert.deepEqual(blob.map((r) => [r.headers.authorization, r.headers["x-ms-version"], r.query.get("restype")]), [["Bearer storage-token", "2021-12-02", "container"]]);
        const webhook = byHost("func-acspush-dev-138a9d.azurewebsites.net");
        assert.deepEqual(
            webhook.map((r) => [r.method, r.headers.authorization, r.headers["webhook-request-origin"], r.query.get("code")]),
            [["OPTIONS", undefined, "eventgrid.azure.net", FUNCTION_KEY]],
        );
        const keys = arm.filter((r) => r.path.endsWith("/listkeys"));
        assert.deepEqual(keys.map((r) => [r.method, r.path, r.query.get("api-version")]), [["POST", `${OUTPUTS.webhookFunctionId}/listkeys`, "2024-04-01"]]);
        const credentials = arm.filter((r) => r.path.endsWith("/pnsCredentials"));
        assert.deepEqual(credentials.map((r) => [r.method, r.query.get("api-version")]), [["POST", "2023-10-01-preview"], ["POST", "2023-10-01-preview"]]);
    });

    const CASES: { name: string; change: (s: FakeState) => void; check: string; detail: RegExp; runbook: string }[] = [
        {
            name: "ACS linked to another hub",
            change: (s) => (s.acs = { linkedHubId: OUTPUTS.alertsHubId }),
            check: "ACS link",
            detail: /is linked to com\.contoso\.chat, not to the calls hub com\.contoso\.chat\.voip/,
            runbook: "doctor-acs-link",
        },
        { name: "ACS not linked", change: (s) => (s.acs = { linkedHubId: "" }), check: "ACS link", detail: /has no linked hub: ACS sends no incoming-call pushes/, runbook: "doctor-acs-link" },
        {
            name: "no permission to read ACS",
            change: (s) => (s.acs = armError(403, "AuthorizationFailed", "The client does not have authorization")),
            check: "ACS link",
            detail: /Azure refused to show the Communication Services resource acs-acspush-dev-138a9d \(HTTP 403 AuthorizationFailed/,
            runbook: "doctor-acs-link",
        },
        {
            name: "calls hub on the production APNs endpoint",
            change: (s) => (s.hubs[OUTPUTS.callsHubId].apns!.endpoint = "https://api.push.apple.com:443/3/device"),
            check: "calls hub APNs credential",
            detail: /its endpoint is https:\/\/api\.push\.apple\.com:443\/3\/device, the stack's is https:\/\/api\.development\.push\.apple\.com/,
            runbook: "doctor-hub-credentials",
        },
        {
            name: "calls hub with a certificate credential",
            change: (s) => (s.hubs[OUTPUTS.callsHubId].apns = { endpoint: OUTPUTS.apnsEndpoint, appName: OUTPUTS.callsHubName, apnsCertificate: "MIIcert", certificateKey: "pw" }),
            check: "calls hub APNs credential",
            detail: /not in token mode \(ACS rejects certificate credentials\)/,
            runbook: "doctor-hub-credentials",
        },
        {
            name: "alerts hub with the .voip bundle id",
            change: (s) => (s.hubs[OUTPUTS.alertsHubId].apns!.appName = "com.contoso.chat.voip"),
            check: "alerts hub APNs credential",
            detail: /its app \(bundle\) id is com\.contoso\.chat\.voip, the hub needs com\.contoso\.chat\./,
            runbook: "doctor-hub-credentials",
        },
        { name: "alerts hub without FCM v1", change: (s) => delete s.hubs[OUTPUTS.alertsHubId].fcm, check: "alerts hub FCM v1 credential", detail: /it has no FCM v1 credential/, runbook: "doctor-hub-credentials" },
        {
            name: "calls hub on another Firebase project",
            change: (s) => (s.hubs[OUTPUTS.callsHubId].fcm!.projectId = "contoso-chat"),
            check: "calls hub FCM v1 credential",
            detail: /its project is contoso-chat, the stack's is contoso-chat-dev/,
            runbook: "doctor-hub-credentials",
        },
        {
            name: "no permission to list hub credentials",
            change: (s) => (s.hubs[OUTPUTS.alertsHubId].reply = armError(403, "AuthorizationFailed", "no pnsCredentials/action")),
            check: "alerts hub credentials",
            detail: /Azure refused to show the credentials of the alerts hub com\.contoso\.chat/,
            runbook: "doctor-hub-credentials",
        },
        {
            name: "subscription failed to provision",
            change: (s) => ((s.subscription as { provisioningState: string }).provisioningState = "Failed"),
            check: "Event Grid subscription chat-events",
            detail: /its provisioning state is Failed, not Succeeded/,
            runbook: "doctor-event-subscriptions",
        },
        {
            name: "subscription filter changed",
            change: (s) => ((s.subscription as { eventTypes: string[] }).eventTypes = ["Microsoft.Communication.ChatMessageReceived", "Microsoft.Communication.ChatMessageEdited"]),
            check: "Event Grid subscription chat-events",
            detail: /it does not deliver Microsoft\.Communication\.ChatThreadCreatedWithUser; it also delivers Microsoft\.Communication\.ChatMessageEdited/,
            runbook: "doctor-event-subscriptions",
        },
        {
            name: "subscription delivering elsewhere",
            change: (s) => ((s.subscription as { endpointBaseUrl: string }).endpointBaseUrl = "https://old-app.azurewebsites.net/api/events"),
            check: "Event Grid subscription chat-events",
            detail: /it delivers to https:\/\/old-app\.azurewebsites\.net\/api\/events, not to this stack's webhook/,
            runbook: "doctor-event-subscriptions",
        },
        {
            name: "subscription deleted",
            change: (s) => (s.subscription = armError(404, "ResourceNotFound", "not found")),
            check: "Event Grid subscription chat-events",
            detail: /the event subscription chat-events does not exist/,
            runbook: "doctor-event-subscriptions",
        },
        { name: "webhook refusing the key", change: (s) => (s.webhook = { status: 401 }), check: "webhook handshake", detail: /refused the function's current key \(HTTP 401\)/, runbook: "doctor-webhook" },
        {
            name: "no permission to read the webhook's key",
            change: (s) => (s.functionKeys = armError(403, "AuthorizationFailed", "The client does not have authorization")),
            check: "webhook handshake",
            detail: /Azure refused to read the webhook function's key \(HTTP 403\)/,
            runbook: "doctor-webhook",
        },
        {
            name: "webhook function without keys",
            change: (s) => (s.functionKeys = armError(404, "NotFound", "Function not found")),
            check: "webhook handshake",
            detail: /The webhook function EventGridWebhook has no key to read \(HTTP 404\)/,
            runbook: "doctor-webhook",
        },
        { name: "webhook code not deployed", change: (s) => (s.webhook = { status: 404 }), check: "webhook handshake", detail: /answered 404: the function is not deployed/, runbook: "doctor-webhook" },
        {
            name: "webhook without the handshake",
            change: (s) => (s.webhook = { status: 200 }),
            check: "webhook handshake",
            detail: /answered 200 without WebHook-Allowed-Origin: eventgrid\.azure\.net/,
            runbook: "doctor-webhook",
        },
        {
            name: "three dead-lettered events",
            change: (s) => (s.deadLetters = { blobs: ["Fri, 27 Nov 2026 08:00:00 GMT", "Sat, 28 Nov 2026 10:15:00 GMT", "Sat, 28 Nov 2026 09:00:00 GMT"], pageSize: 5000 }),
            check: "dead letters",
            detail: /^3 dead-letter blob\(s\) in https:\/\/stdlacspushdev138a9d\.blob\.core\.windows\.net\/event-dead-letters \(each holds one or more undelivered events\), the newest from 2026-11-28T10:15:00\.000Z\./,
            runbook: "doctor-dead-letters",
        },
        {
            name: "dead letters over several list pages",
            change: (s) => (s.deadLetters = { blobs: Array.from({ length: 7 }, (_, i) => `Sat, 28 Nov 2026 0${i}:00:00 GMT`), pageSize: 3 }),
            check: "dead letters",
            detail: /^7 dead-letter blob\(s\) .* the newest from 2026-11-28T06:00:00\.000Z\./,
            runbook: "doctor-dead-letters",
        },
        {
            name: "no data role on the dead-letter container",
            change: (s) => (s.deadLetters = { status: 403, rawBody: "<Error><Code>AuthorizationPermissionMismatch</Code></Error>" }),
            check: "dead letters",
            detail: /Blob storage refused to list .* \(HTTP 403\)\. The account accepts Entra ID only/,
            runbook: "doctor-dead-letters",
        },
        {
            name: "action group without receivers",
            change: (s) => (s.actionGroup = { enabled: true, emails: [] }),
            check: "action group",
            detail: /ag-acspush-dev has no receivers: alerts show in the Azure portal only\./,
            runbook: "doctor-alerts",
        },
        { name: "action group disabled", change: (s) => (s.actionGroup = { enabled: false, emails: ["a@contoso.com"] }), check: "action group", detail: /ag-acspush-dev is disabled/, runbook: "doctor-alerts" },
        {
            name: "an alert rule disabled and unwired",
            change: (s) => (s.rules[OUTPUTS.alertRuleIds.find((id) => id.endsWith("-failed-deliveries"))!] = { enabled: false, actionGroupId: "/elsewhere/actionGroups/ag-other" }),
            check: "alert rule alert-acspush-dev-failed-deliveries",
            detail: /^it is disabled and it does not notify ag-acspush-dev\./,
            runbook: "doctor-alerts",
        },
        {
            name: "an alert rule deleted",
            change: (s) => (s.rules[OUTPUTS.alertRuleIds.find((id) => id.endsWith("-dead-lettered-events"))!] = armError(404, "ResourceNotFound", "gone")),
            check: "alert rule alert-acspush-dev-dead-lettered-events",
            detail: /the alert rule alert-acspush-dev-dead-lettered-events does not exist/,
            runbook: "doctor-alerts",
        },
    ];

    for (const c of CASES) {
        it(`reports ${c.name} as a finding with its fix and runbook, exit status 1`, async () => {
            c.change(state);
            const { code, out } = await doctor();
            assert.equal(code, 1);
            const findings = lines(out).filter((l) => l.startsWith("FINDING"));
            assert.equal(findings.length, 1, out);
            const [, check, detail] = findings[0].split(/\s{2,}/);
            assert.equal(check, c.check);
            assert.match(detail, c.detail);
            const after = out.split("\n").slice(out.split("\n").indexOf(findings[0]) + 1);
            assert.match(after[0], /^ {9}fix: {5}\S/);
            assert.equal(after[1], `         runbook: docs/operations.md#${c.runbook}`);
            assert.match(out, /\n\d+ ok, 1 finding\.\n$/);
        });
    }

    it("reports a check that cannot reach Azure as a finding, and runs the others", async () => {
        const loopback = loopbackClient(server);
        let out = "";
        const code = await main(["dev", "--outputs", outputsFile], {
            credential: () => fakeCredential,
            tlsOptions: { ca: server.ca },
            httpClient: {
                sendRequest: (request) =>
                    new URL(request.url).host === "stdlacspushdev138a9d.blob.core.windows.net"
                        ? Promise.reject(new Error("getaddrinfo ENOTFOUND stdlacspushdev138a9d.blob.core.windows.net"))
                        : loopback.sendRequest(request),
            },
            maxRetries: 0,
            stdout: (t) => (out += t),
        });
        assert.equal(code, 1);
        const findings = lines(out).filter((l) => l.startsWith("FINDING"));
        assert.deepEqual(findings.map((l) => l.split(/\s{2,}/).slice(1)), [["dead letters", "The check could not complete: getaddrinfo ENOTFOUND stdlacspushdev138a9d.blob.core.windows.net"]]);
        assert.equal(lines(out).length, 10);
    });

    it("stops with status 2 and says how to sign in when there is no Azure credential", async () => {
        let err = "";
        const code = await main(["dev", "--outputs", outputsFile], {
            credential: () => ({ getToken: async () => Promise.reject(new Error("DefaultAzureCredential failed to retrieve a token.\nAzureCliCredential: not logged in")) }),
            stdout: () => assert.fail("no report without a credential"),
            stderr: (t) => (err += t),
        });
        assert.equal(code, 2);
        assert.equal(err, 'doctor: no Azure sign-in to check stack "dev" with: DefaultAzureCredential failed to retrieve a token.\nSign in with `az login` (or set a service principal\'s AZURE_* variables) and run again.\n');
    });

    it("stops with status 2 on a missing stack name or outputs it cannot use", async () => {
        const noStack = await doctor(["--outputs", outputsFile]);
        assert.equal(noStack.code, 2);
        assert.match(noStack.err, /^doctor: Name one stack\.\nUsage: doctor <stack>/);
        const older = path.join(dir, "older.json");
        const { webhookEndpoint, ...withoutEndpoint } = OUTPUTS;
        assert.ok(webhookEndpoint);
        writeFileSync(older, JSON.stringify(withoutEndpoint));
        const fromOlderProgram = await doctor(["dev", "--outputs", older]);
        assert.equal(fromOlderProgram.code, 2);
        assert.match(fromOlderProgram.err, /lacks or garbles the stack outputs webhookEndpoint\. They come from this version of the program/);
        assert.equal(server.requests.length, 0, "nothing reached Azure");
    });

    it("reads the outputs from standard input with --outputs -", async () => {
        let out = "";
        const code = await main(["dev", "--outputs", "-"], {
            credential: () => fakeCredential,
            tlsOptions: { ca: server.ca },
            httpClient: loopbackClient(server),
            maxRetries: 0,
            readStdin: () => JSON.stringify(OUTPUTS),
            stdout: (t) => (out += t),
            stderr: (t) => assert.fail(t),
        });
        assert.equal(code, 0);
        assert.match(out, /10 ok, 0 findings/);
    });
});
