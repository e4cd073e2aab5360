// A loopback HTTPS server that plays Azure Resource Manager for provider tests. The Azure SDK's bearer-token
// policy refuses plain http even on loopback, so the server uses a self-signed certificate made with openssl
// at start-up; clients trust it through the `ca` it returns (no NODE_TLS_REJECT_UNAUTHORIZED anywhere).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RecordedRequest {
    method: string;
    /** Path without the query string. */
    path: string;
    query: URLSearchParams;
    headers: Record<string, string | string[] | undefined>;
    rawBody: string;
    /** Parsed JSON body, or undefined when the body is empty. */
    body: unknown;
    /** `performance.now()` when the request had been read, for the spacing between attempts. */
    receivedAt: number;
}

export interface ArmReply {
    status: number;
    headers?: Record<string, string>;
    body?: unknown;
    /** Sent as it is instead of `body` as JSON (a storage service's XML, say). */
    rawBody?: string;
}

export type ArmHandler = (request: RecordedRequest) => ArmReply;

export interface ArmServer {
    /** https://127.0.0.1:<port>, to pass as armEndpoint. */
    endpoint: string;
    /** PEM of the self-signed certificate, for `tlsOptions.ca`. */
    ca: string;
    requests: RecordedRequest[];
    /** Replies used in order, one per request, before falling back to the handler. */
    enqueue(...replies: ArmReply[]): void;
    /** Answers every request once the queue is empty; by default 500 with an "Unexpected" ARM error. */
    setHandler(handler: ArmHandler): void;
    reset(): void;
    close(): Promise<void>;
}

export function armError(status: number, code: string, message: string, headers?: Record<string, string>): ArmReply {
    return { status, headers, body: { error: { code, message } } };
}

export async function startArmServer(): Promise<ArmServer> {
    const dir = mkdtempSync(join(tmpdir(), "arm-server-"));
    let key: string;
    let cert: string;
    try {
        execFileSync(
            "openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1",
                "-days", "1",
                "-keyout", join(dir, "key.pem"),
                "-out", join(dir, "cert.pem"),
            ],
            { stdio: "ignore" },
        );
        key = readFileSync(join(dir, "key.pem"), "utf8");
        cert = readFileSync(join(dir, "cert.pem"), "utf8");
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }

    const requests: RecordedRequest[] = [];
    const queue: ArmReply[] = [];
    const unexpected: ArmHandler = (r) => armError(500, "Unexpected", `no reply scripted for ${r.method} ${r.path}`);
    let handler: ArmHandler = unexpected;

    const server = https.createServer({ key, cert }, (req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
            const url = new URL(req.url ?? "/", "https://127.0.0.1");
            const rawBody = Buffer.concat(chunks).toString("utf8");
            let body: unknown;
            try {
                body = rawBody ? JSON.parse(rawBody) : undefined;
            } catch {
                body = rawBody;
            }
            const recorded: RecordedRequest = {
                method: req.method ?? "",
                path: url.pathname,
                query: url.searchParams,
                headers: req.headers,
                rawBody,
                body,
                receivedAt: performance.now(),
            };
            requests.push(recorded);
            const reply = queue.length > 0 ? (queue.shift() as ArmReply) : handler(recorded);
            const payload = reply.rawBody ?? (reply.body === undefined ? "" : JSON.stringify(reply.body));
            res.writeHead(reply.status, {
                "content-type": "application/json; charset=utf-8",
                "x-ms-correlation-request-id": `corr-${requests.length}`,
                ...reply.headers,
            });
            res.end(payload);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;

    return {
        endpoint: `https://127.0.0.1:${port}`,
        ca: cert,
        requests,
        enqueue: (...replies) => queue.push(...replies),
        setHandler: (h) => {
            handler = h;
        },
        reset: () => {
            requests.length = 0;
            queue.length = 0;
            handler = unexpected;
        },
        close: () =>
            new Promise<void>((resolve, reject) => {
                server.closeAllConnections();
                server.close((err) => (err ? reject(err) : resolve()));
            }),
    };
}
