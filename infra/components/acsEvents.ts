import * as eventgrid from "@pulumi/azure-native/eventgrid";
import * as pulumi from "@pulumi/pulumi";
import { BUILT_IN_ROLES, INCOMING_CALL_EVENT_TYPE } from "../lib/catalog";
import { after } from "../lib/outputs";
import { servicePrincipalRole } from "./roleAssignment";

export interface AcsEventsArgs {
    resourceGroupName: pulumi.Input<string>;
    /** ARM id of the Communication Services resource (the system topic's source). */
    communicationServiceId: pulumi.Input<string>;
    systemTopicName: string;
    subscriptionId: pulumi.Input<string>;
    /** The function webhook with its `?code=` key; secret. */
    endpointUrl: pulumi.Input<string>;
    /**
     * What must exist before Event Grid validates the webhook: the subscription handshake needs deployed,
     * answering function code. Callers put the code deployment (or its readiness check) here.
     */
    webhookReady: pulumi.Input<pulumi.Resource>[];
    chat: {
        subscriptionName: string;
        eventTypes: string[];
        maxDeliveryAttempts: number;
        timeToLiveMinutes: number;
    };
    /** Incoming-call deliveries, when enabled: a call rings ~30 s, so retrying longer is useless. */
    incomingCall?: { subscriptionName: string };
    deadLetter: {
        storageAccountId: pulumi.Input<string>;
        containerName: pulumi.Input<string>;
        /** ARM id of the container; the topic identity gets write access to exactly this container. */
        containerId: pulumi.Input<string>;
    };
    tags: Record<string, string>;
}

/** Event Grid webhook batching: small batches keep every delivery well inside the function's 30-second budget. */
export const CHAT_BATCHING = { maxEventsPerBatch: 10, preferredBatchSizeInKilobytes: 64 } as const;
export const INCOMING_CALL_DELIVERY = {
    maxEventsPerBatch: 1,
    preferredBatchSizeInKilobytes: 64,
    maxDeliveryAttempts: 2,
    eventTimeToLiveInMinutes: 1,
} as const;

/** An event subscription as the stack made it: what a check of the live subscription compares against. */
export interface EventSubscriptionInfo {
    name: string;
    id: string;
    eventTypes: string[];
}

/**
 * The ACS Event Grid system topic (one per source, `global` like ACS) and its subscriptions to the function
 * webhook. Failed deliveries are dead-lettered to blob storage with the topic's own managed identity, which
 * is granted Storage Blob Data Contributor on the dead-letter container only.
 */
export class AcsEvents extends pulumi.ComponentResource {
    public readonly systemTopicName: pulumi.Output<string>;
    public readonly systemTopicId: pulumi.Output<string>;
    /** Every subscription with its ARM id and the event types it delivers. */
    public readonly subscriptions: pulumi.Output<EventSubscriptionInfo[]>;
    public readonly chatSubscriptionName: pulumi.Output<string>;
    public readonly incomingCallSubscriptionName: pulumi.Output<string | undefined>;

    constructor(name: string, args: AcsEventsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("acs-push:azure:AcsEvents", name, {}, opts);
        const rg = args.resourceGroupName;

        const topic = new eventgrid.SystemTopic(
            `${name}-topic`,
            {
                resourceGroupName: rg,
                systemTopicName: args.systemTopicName,
                location: "global",
                source: args.communicationServiceId,
                topicType: "Microsoft.Communication.CommunicationServices",
                identity: { type: "SystemAssigned" },
                tags: args.tags,
            },
            { parent: this },
        );
        const topicName = after(topic, args.systemTopicName);

        const role = BUILT_IN_ROLES.storageBlobDataContributor;
        const deadLetterGrant = servicePrincipalRole(
            `${name}-dead-letter-writer`,
            {
                principalId: topic.identity.apply((i) => i?.principalId ?? ""),
                subscriptionId: args.subscriptionId,
                roleId: role.id,
                scope: args.deadLetter.containerId,
                description: `${args.systemTopicName}: ${role.name} (dead-lettering)`,
            },
            this,
        );

        const deadLetterWithResourceIdentity = {
            identity: { type: "SystemAssigned" },
            deadLetterDestination: {
                endpointType: "StorageBlob" as const,
                resourceId: args.deadLetter.storageAccountId,
                blobContainerName: args.deadLetter.containerName,
            },
        };
        const webhook = (batching: { maxEventsPerBatch: number; preferredBatchSizeInKilobytes: number }) => ({
            endpointType: "WebHook" as const,
            endpointUrl: pulumi.secret(args.endpointUrl),
            maxEventsPerBatch: batching.maxEventsPerBatch,
            preferredBatchSizeInKilobytes: batching.preferredBatchSizeInKilobytes,
            minimumTlsVersionAllowed: "1.2",
        });
        const dependsOn = [...args.webhookReady, deadLetterGrant];

        const chat = new eventgrid.SystemTopicEventSubscription(
            `${name}-chat`,
            {
                resourceGroupName: rg,
                systemTopicName: topicName,
                eventSubscriptionName: args.chat.subscriptionName,
                destination: webhook(CHAT_BATCHING),
                eventDeliverySchema: "EventGridSchema",
                filter: { includedEventTypes: args.chat.eventTypes },
                retryPolicy: {
                    maxDeliveryAttempts: args.chat.maxDeliveryAttempts,
                    eventTimeToLiveInMinutes: args.chat.timeToLiveMinutes,
                },
                deadLetterWithResourceIdentity,
            },
            { parent: this, dependsOn },
        );

        const info = (sub: eventgrid.SystemTopicEventSubscription, subscriptionName: string, eventTypes: string[]) =>
            sub.id.apply((id): EventSubscriptionInfo => ({ name: subscriptionName, id, eventTypes }));
        const subscriptions = [info(chat, args.chat.subscriptionName, args.chat.eventTypes)];

        let incomingCallName: pulumi.Output<string | undefined> = pulumi.output(undefined);
        if (args.incomingCall !== undefined) {
            const incomingCall = new eventgrid.SystemTopicEventSubscription(
                `${name}-incoming-call`,
                {
                    resourceGroupName: rg,
                    systemTopicName: topicName,
                    eventSubscriptionName: args.incomingCall.subscriptionName,
                    destination: webhook(INCOMING_CALL_DELIVERY),
                    eventDeliverySchema: "EventGridSchema",
                    filter: { includedEventTypes: [INCOMING_CALL_EVENT_TYPE] },
                    retryPolicy: {
                        maxDeliveryAttempts: INCOMING_CALL_DELIVERY.maxDeliveryAttempts,
                        eventTimeToLiveInMinutes: INCOMING_CALL_DELIVERY.eventTimeToLiveInMinutes,
                    },
                    deadLetterWithResourceIdentity,
                },
                { parent: this, dependsOn },
            );
            incomingCallName = after(incomingCall, args.incomingCall.subscriptionName);
            subscriptions.push(info(incomingCall, args.incomingCall.subscriptionName, [INCOMING_CALL_EVENT_TYPE]));
        }

        this.systemTopicName = topicName;
        this.systemTopicId = topic.id;
        this.subscriptions = pulumi.all(subscriptions);
        this.chatSubscriptionName = after(chat, args.chat.subscriptionName);
        this.incomingCallSubscriptionName = incomingCallName;

        this.registerOutputs({
            systemTopicName: this.systemTopicName,
            systemTopicId: this.systemTopicId,
            subscriptions: this.subscriptions,
            chatSubscriptionName: this.chatSubscriptionName,
            incomingCallSubscriptionName: this.incomingCallSubscriptionName,
        });
    }
}
