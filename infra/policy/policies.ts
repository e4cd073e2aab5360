// The security baseline as code: the policies of the `acs-push-baseline` pack (index.ts serves them to
// `pulumi preview --policy-pack infra/policy`). This module only declares them, so the tests and the offline preview
// can run them against the mocked stacks without the policy server.
//
// The engine hands policies resource inputs with secrets already unwrapped and values not known before deployment
// missing; every rule below judges what is known and says nothing about what is not.
import type { PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

const T = {
    hubRule: "azure-native:notificationhubs:NotificationHubAuthorizationRule",
    namespaceRule: "azure-native:notificationhubs:NamespaceAuthorizationRule",
    hub: "azure-native:notificationhubs:NotificationHub",
    webApp: "azure-native:web:WebApp",
    storage: "azure-native:storage:StorageAccount",
    container: "azure-native:storage:BlobContainer",
    insights: "azure-native:applicationinsights:Component",
    systemTopicSubscription: "azure-native:eventgrid:SystemTopicEventSubscription",
    eventSubscription: "azure-native:eventgrid:EventSubscription",
    link: "pulumi-nodejs:dynamic:NotificationHubLink",
    stack: "pulumi:pulumi:Stack",
} as const;

/** The policy pack's name, as `pulumi preview` prints it. */
export const POLICY_PACK = "acs-push-baseline";

export type BaselinePolicy = ResourceValidationPolicy | StackValidationPolicy;

/** Minimum TLS values at or above 1.2, as each resource type spells them. */
const TLS_AT_LEAST_12 = new Set(["1.2", "1.3", "TLS1_2", "TLS1_3"]);

/** What a credential looks like in text: hub or storage keys, SAS signatures, function keys in URLs, PEM keys. */
const CREDENTIAL_SHAPES: [RegExp, string][] = [
    [/SharedAccessKey=/i, "a Shared Access key"],
    [/AccountKey=/i, "a storage account key"],
    [/[?&](sig|code)=/i, "a signature or function key in a URL"],
    [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
    [/InstrumentationKey=/i, "an Application Insights connection string"],
];

const resourcePolicy = (
    name: string,
    description: string,
    types: readonly string[],
    check: (props: Record<string, any>, report: (message: string) => void, type: string) => void,
): ResourceValidationPolicy => ({
    name,
    description,
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (types.includes(args.type)) check(args.props, (message) => reportViolation(`${args.name}: ${message}`), args.type);
    },
});

const stackPolicy = (
    name: string,
    description: string,
    check: (resources: PolicyResource[], report: ReportViolation) => void,
): StackValidationPolicy => ({
    name,
    description,
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => check(args.resources, reportViolation),
});

const known = (value: unknown) => value !== undefined && value !== null;

export const POLICIES: readonly BaselinePolicy[] = [
    resourcePolicy(
        "hub-rules-never-manage",
        "No Notification Hubs authorization rule grants Manage, and the calls hub's rule (the key ACS holds) is Send-only.",
        [T.hubRule, T.namespaceRule],
        (props, report) => {
            const rights: string[] = props.rights ?? [];
            if (rights.some((r) => /^manage$/i.test(r))) report(`rule ${props.authorizationRuleName} grants Manage (rights: ${rights.join(", ")})`);
            const hub = String(props.notificationHubName ?? "");
            if (hub.endsWith(".voip") && (rights.length !== 1 || rights[0] !== "Send")) {
                report(`rule ${props.authorizationRuleName} on the calls hub ${hub} must have exactly ["Send"], has [${rights.join(", ")}]`);
            }
        },
    ),
    resourcePolicy(
        "https-only-tls-1-2",
        "The function app, the storage accounts and Event Grid's webhook deliveries use HTTPS only and TLS 1.2 or later.",
        [T.webApp, T.storage, T.systemTopicSubscription, T.eventSubscription],
        (props, report, type) => {
            if (type === T.webApp) {
                if (props.httpsOnly !== true) report("httpsOnly must be true");
                if (!TLS_AT_LEAST_12.has(props.siteConfig?.minTlsVersion)) report("siteConfig.minTlsVersion must be 1.2 or later");
                if (known(props.siteConfig?.scmMinTlsVersion) && !TLS_AT_LEAST_12.has(props.siteConfig.scmMinTlsVersion)) {
                    report("siteConfig.scmMinTlsVersion must be 1.2 or later");
                }
                if (props.siteConfig?.ftpsState !== "Disabled") report("siteConfig.ftpsState must be Disabled");
            } else if (type === T.storage) {
                if (props.enableHttpsTrafficOnly !== true) report("enableHttpsTrafficOnly must be true");
                if (!TLS_AT_LEAST_12.has(props.minimumTlsVersion)) report("minimumTlsVersion must be TLS1_2 or later");
            } else if (props.destination?.endpointType === "WebHook") {
                if (!TLS_AT_LEAST_12.has(props.destination.minimumTlsVersionAllowed)) report("destination.minimumTlsVersionAllowed must be 1.2 or later");
                const url = props.destination.endpointUrl;
                if (typeof url === "string" && !url.startsWith("https://")) report("destination.endpointUrl must be an https:// URL");
            }
        },
    ),
    resourcePolicy(
        "storage-no-shared-key-no-public-blobs",
        "Storage accounts refuse shared-key access and public blobs; no container is public.",
        [T.storage, T.container],
        (props, report, type) => {
            if (type === T.container) {
                if (known(props.publicAccess) && props.publicAccess !== "None") report(`container ${props.containerName} must not be public (publicAccess: ${props.publicAccess})`);
                return;
            }
            if (props.allowSharedKeyAccess !== false) report("allowSharedKeyAccess must be false");
            if (props.allowBlobPublicAccess !== false) report("allowBlobPublicAccess must be false");
        },
    ),
    resourcePolicy(
        "event-subscriptions-dead-letter-and-retry",
        "Every Event Grid subscription dead-letters what it cannot deliver and states its retry policy.",
        [T.systemTopicSubscription, T.eventSubscription],
        (props, report) => {
            const destination = props.deadLetterWithResourceIdentity?.deadLetterDestination ?? props.deadLetterDestination;
            if (!destination?.resourceId || !destination?.blobContainerName) report("has no dead-letter destination (storage account and container)");
            const retry = props.retryPolicy;
            if (!retry?.maxDeliveryAttempts || !retry?.eventTimeToLiveInMinutes) report("has no retry policy (maxDeliveryAttempts and eventTimeToLiveInMinutes)");
        },
    ),
    resourcePolicy(
        "application-insights-entra-only",
        "Application Insights accepts telemetry only with a Microsoft Entra ID token (local authentication disabled).",
        [T.insights],
        (props, report) => {
            if (props.disableLocalAuth !== true) report("disableLocalAuth must be true");
        },
    ),
    stackPolicy(
        "calls-hub-voip-token-auth",
        "The hub linked to ACS is named <bundleId>.voip and holds an APNs token credential for that same .voip topic.",
        (resources, report) => {
            const hubs = resources.filter((r) => r.type === T.hub);
            const links = resources.filter((r) => r.type === T.link);
            for (const link of links) {
                const target = String(link.props.notificationHubId ?? "");
                // Before deployment the hub's id may be unknown; the .voip hub is then the one the link is for.
                const linked = target
                    ? hubs.filter((h) => target.toLowerCase().endsWith(`/notificationhubs/${String(h.props.notificationHubName).toLowerCase()}`))
                    : hubs.filter((h) => String(h.props.notificationHubName ?? "").endsWith(".voip"));
                if (linked.length !== 1) {
                    report(`${link.name}: links no hub of this stack named <bundleId>.voip`, link.urn);
                    continue;
                }
                const hub = linked[0];
                const name = String(hub.props.notificationHubName ?? "");
                const apns = hub.props.apnsCredential ?? {};
                if (!/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+\.voip$/.test(name)) report(`${hub.name}: the calls hub must be named <bundleId>.voip, is ${name}`, hub.urn);
                if (!apns.keyId || !apns.appId || !apns.token || apns.apnsCertificate || apns.certificateKey) {
                    report(`${hub.name}: the calls hub's APNs credential must use token authentication (keyId, appId/Team ID, token), not a certificate`, hub.urn);
                }
                if (apns.appName !== name) report(`${hub.name}: the APNs credential's appName must be the hub's .voip topic ${name}, is ${apns.appName}`, hub.urn);
            }
        },
    ),
    stackPolicy(
        "no-credential-in-outputs",
        "No stack output carries a credential (keys, connection strings, signatures, function keys, private keys), secret-marked or not: the engine shows policies secrets in clear, so none is allowed.",
        (resources, report) => {
            for (const stack of resources.filter((r) => r.type === T.stack)) {
                for (const [output, value] of Object.entries(stack.props ?? {})) {
                    const text = typeof value === "string" ? value : JSON.stringify(value) ?? "";
                    for (const [shape, what] of CREDENTIAL_SHAPES) {
                        if (shape.test(text)) report(`stack output ${output} carries ${what}`, stack.urn);
                    }
                }
            }
        },
    ),
];
