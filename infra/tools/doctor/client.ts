// The doctor's three ways into Azure, on the Azure SDK's HTTP pipeline (retries, TLS, bearer tokens):
// Resource Manager with an ARM token, Blob storage with a storage token (the account refuses shared keys),
// and the webhook itself with no token at all (its function key travels in the URL).
import type { TokenCredential } from "@azure/core-auth";
import {
    bearerTokenAuthenticationPolicy,
    createDefaultHttpClient,
    createPipelineFromOptions,
    createPipelineRequest,
    HttpClient,
    HttpMethods,
    Pipeline,
} from "@azure/core-rest-pipeline";

/** Azure Storage's Entra ID audience; the same in every cloud. */
export const STORAGE_SCOPE = "https://storage.azure.com/.default";
/** Blob service REST version: bearer tokens need 2017-11-09 or later. */
export const BLOB_API_VERSION = "2021-12-02";

export interface DoctorSession {
    credential: TokenCredential;
    /** Resource Manager endpoint of the stack's cloud (`https://management.azure.com`). */
    armEndpoint: string;
    /** Extra TLS trust (tests serve Azure from loopback with a self-signed certificate). */
    tlsOptions?: { ca?: string | Buffer };
    /** Retries of 408/429/5xx and network errors per request; default 2. */
    maxRetries?: number;
    /** Budget of one request; default 30 s. */
    timeoutMs?: number;
    /** Default: the Azure SDK's Node.js client. */
    httpClient?: HttpClient;
}

export interface HttpAnswer {
    status: number;
    headers: Record<string, string>;
    text: string;
    /** The body parsed as JSON, or undefined when it is not JSON. */
    json: any;
}

function parse(text: string): unknown {
    try {
        return text ? JSON.parse(text) : undefined;
    } catch {
        return undefined;
    }
}

export class DoctorClient {
    private readonly http: HttpClient;
    private readonly arm: Pipeline;
    private readonly storage: Pipeline;
    private readonly plain: Pipeline;

    constructor(private readonly session: DoctorSession) {
        this.http = session.httpClient ?? createDefaultHttpClient();
        const pipeline = (scope?: string) => {
            const p = createPipelineFromOptions({
                retryOptions: { maxRetries: session.maxRetries ?? 2 },
                tlsOptions: session.tlsOptions,
                userAgentOptions: { userAgentPrefix: "acs-push-doctor" },
            });
            if (scope) p.addPolicy(bearerTokenAuthenticationPolicy({ credential: session.credential, scopes: scope }));
            return p;
        };
        this.arm = pipeline(`${session.armEndpoint.replace(/\/+$/, "")}/.default`);
        this.storage = pipeline(STORAGE_SCOPE);
        this.plain = pipeline();
    }

    private async send(pipeline: Pipeline, url: string, method: HttpMethods, headers: Record<string, string>, body?: unknown): Promise<HttpAnswer> {
        const request = createPipelineRequest({ url, method, timeout: this.session.timeoutMs ?? 30_000 });
        for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
        if (body !== undefined) {
            request.headers.set("content-type", "application/json");
            request.body = JSON.stringify(body);
        }
        const response = await pipeline.sendRequest(this.http, request);
        const text = response.bodyAsText ?? "";
        return { status: response.status, headers: response.headers.toJSON(), text, json: parse(text) };
    }

    /** A Resource Manager call on an ARM id (`/subscriptions/...`). */
    armRequest(method: HttpMethods, id: string, apiVersion: string, body?: unknown): Promise<HttpAnswer> {
        const url = `${this.session.armEndpoint.replace(/\/+$/, "")}${id}?api-version=${encodeURIComponent(apiVersion)}`;
        return this.send(this.arm, url, method, {}, body);
    }

    /** One page of a container's blob list (XML), from `marker` on. */
    listBlobs(containerUrl: string, marker?: string): Promise<HttpAnswer> {
        const url = new URL(containerUrl);
        url.searchParams.set("restype", "container");
        url.searchParams.set("comp", "list");
        if (marker) url.searchParams.set("marker", marker);
        return this.send(this.storage, url.toString(), "GET", { "x-ms-version": BLOB_API_VERSION });
    }

    /** A request without a token (the webhook: its key is in the URL). */
    unauthenticated(method: HttpMethods, url: string, headers: Record<string, string>): Promise<HttpAnswer> {
        return this.send(this.plain, url, method, headers);
    }
}
