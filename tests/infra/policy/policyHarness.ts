// Runs the policy pack against a committed stack evaluated under the one mock module, and against broken copies
// of it: each variant breaks exactly one rule of the baseline.
import assert from "node:assert/strict";
import { it } from "node:test";
import { POLICIES } from "../../../infra/policy/policies";
import { PolicySubject, policySubjects, runPolicies } from "../../../infra/tools/preview/policies";
import { evaluateStack } from "../helpers/program";

/** The committed stack's resources and outputs as the policies see them. */
export async function stackSubjects(stack: string): Promise<PolicySubject[]> {
    const evaluated = await evaluateStack(stack);
    return policySubjects(evaluated.capture.resources, evaluated.values, stack, "acs-push");
}

/** A deep copy in which `change` edits the props of every subject of `type` (whose name contains `fragment`). */
export function broken(subjects: readonly PolicySubject[], type: string, fragment: string, change: (props: Record<string, any>) => void): PolicySubject[] {
    const copy = structuredClone(subjects) as PolicySubject[];
    const targets = copy.filter((s) => s.type === type && s.name.includes(fragment));
    assert.ok(targets.length > 0, `no ${type} named like ${fragment} to break`);
    for (const target of targets) change(target.props);
    return copy;
}

export interface BrokenVariant {
    /** The policy the variant must fail. */
    policy: string;
    name: string;
    make: (subjects: readonly PolicySubject[]) => PolicySubject[];
}

/** The variants: at least one per policy, each breaking one rule. */
export const VARIANTS: BrokenVariant[] = [
    { policy: "hub-rules-never-manage", name: "the function's rule grants Manage", make: (s) => broken(s, "azure-native:notificationhubs:NotificationHubAuthorizationRule", "alerts", (p) => p.rights.push("Manage")) },
    { policy: "hub-rules-never-manage", name: "the calls hub's rule grants Listen beside Send", make: (s) => broken(s, "azure-native:notificationhubs:NotificationHubAuthorizationRule", "calls", (p) => (p.rights = ["Listen", "Send"])) },
    { policy: "https-only-tls-1-2", name: "the function app accepts plain HTTP", make: (s) => broken(s, "azure-native:web:WebApp", "", (p) => (p.httpsOnly = false)) },
    { policy: "https-only-tls-1-2", name: "the function app allows TLS 1.0", make: (s) => broken(s, "azure-native:web:WebApp", "", (p) => (p.siteConfig.minTlsVersion = "1.0")) },
    { policy: "https-only-tls-1-2", name: "a storage account allows TLS 1.1", make: (s) => broken(s, "azure-native:storage:StorageAccount", "dead-letters", (p) => (p.minimumTlsVersion = "TLS1_1")) },
    { policy: "https-only-tls-1-2", name: "a storage account accepts plain HTTP", make: (s) => broken(s, "azure-native:storage:StorageAccount", "functions", (p) => (p.enableHttpsTrafficOnly = false)) },
    { policy: "https-only-tls-1-2", name: "Event Grid delivers with TLS 1.0", make: (s) => broken(s, "azure-native:eventgrid:SystemTopicEventSubscription", "chat", (p) => (p.destination.minimumTlsVersionAllowed = "1.0")) },
    { policy: "storage-no-shared-key-no-public-blobs", name: "shared keys are allowed", make: (s) => broken(s, "azure-native:storage:StorageAccount", "functions", (p) => (p.allowSharedKeyAccess = true)) },
    { policy: "storage-no-shared-key-no-public-blobs", name: "blobs may be public", make: (s) => broken(s, "azure-native:storage:StorageAccount", "dead-letters", (p) => (p.allowBlobPublicAccess = true)) },
    { policy: "storage-no-shared-key-no-public-blobs", name: "a container is public", make: (s) => broken(s, "azure-native:storage:BlobContainer", "dead-letters", (p) => (p.publicAccess = "Blob")) },
    { policy: "event-subscriptions-dead-letter-and-retry", name: "the chat subscription drops what it cannot deliver", make: (s) => broken(s, "azure-native:eventgrid:SystemTopicEventSubscription", "chat", (p) => delete p.deadLetterWithResourceIdentity) },
    { policy: "event-subscriptions-dead-letter-and-retry", name: "the chat subscription has no retry policy", make: (s) => broken(s, "azure-native:eventgrid:SystemTopicEventSubscription", "chat", (p) => delete p.retryPolicy) },
    { policy: "application-insights-entra-only", name: "Application Insights takes instrumentation-key telemetry", make: (s) => broken(s, "azure-native:applicationinsights:Component", "", (p) => (p.disableLocalAuth = false)) },
    {
        policy: "calls-hub-voip-token-auth",
        name: "the linked hub is not named <bundleId>.voip",
        make: (s) => {
            const renamed = broken(s, "azure-native:notificationhubs:NotificationHub", "calls", (p) => (p.notificationHubName = "com.contoso.chat-calls"));
            return broken(renamed, "pulumi-nodejs:dynamic:NotificationHubLink", "", (p) => (p.notificationHubId = String(p.notificationHubId).replace(/com\.contoso\.chat\.voip$/, "com.contoso.chat-calls")));
        },
    },
    { policy: "calls-hub-voip-token-auth", name: "the calls hub uses an APNs certificate", make: (s) => broken(s, "azure-native:notificationhubs:NotificationHub", "calls", (p) => (p.apnsCredential = { apnsCertificate: "MIIC...", certificateKey: "pw", endpoint: p.apnsCredential.endpoint })) },
    { policy: "calls-hub-voip-token-auth", name: "the calls hub's APNs topic is the plain bundle id", make: (s) => broken(s, "azure-native:notificationhubs:NotificationHub", "calls", (p) => (p.apnsCredential.appName = "com.contoso.chat")) },
    { policy: "no-credential-in-outputs", name: "an output carries the hub connection string", make: (s) => broken(s, "pulumi:pulumi:Stack", "", (p) => (p.alertsConnection = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=x;SharedAccessKey=abc=")) },
    { policy: "no-credential-in-outputs", name: "an output carries the webhook URL with its key", make: (s) => broken(s, "pulumi:pulumi:Stack", "", (p) => (p.webhook = "https://func.azurewebsites.net/api/events?code=abc")) },
];

/** The tests every committed stack must pass: all policies pass; each broken variant fails its own policy only. */
export function policyTests(stack: string, subjects: () => PolicySubject[]): void {
    it("passes every policy of the pack", async () => {
        const outcomes = await runPolicies(subjects());
        assert.deepEqual(
            outcomes.map((o) => [o.policy, o.violations]),
            POLICIES.map((p) => [p.name, []]),
        );
    });

    it("has a broken variant for every policy", () => {
        assert.deepEqual([...new Set(VARIANTS.map((v) => v.policy))].sort(), POLICIES.map((p) => p.name).sort());
    });

    for (const variant of VARIANTS) {
        it(`fails ${variant.policy}, and only it, when ${variant.name}`, async () => {
            const outcomes = await runPolicies(variant.make(subjects()));
            const failed = outcomes.filter((o) => o.violations.length > 0).map((o) => o.policy);
            assert.deepEqual(failed, [variant.policy], `${stack}: ${JSON.stringify(outcomes.filter((o) => o.violations.length))}`);
        });
    }
}
