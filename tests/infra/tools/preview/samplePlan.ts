import { buildPlan } from "../../../../infra/tools/preview/plan";
import { Plan, PlanResource } from "../../../../infra/tools/preview/model";

export const urn = (stack: string, type: string, name: string, parentType?: string) =>
    `urn:pulumi:${stack}::acs-push::${parentType ? `${parentType}$` : ""}${type}::${name}`;

/** A plan with a component holding two resources, one secret input and a subscription after them. */
export function samplePlan(stack = "dev", tweak: (resources: PlanResource[]) => void = () => {}): Plan {
    const rg = urn(stack, "azure-native:resources:ResourceGroup", "rg");
    const fnComp = urn(stack, "acs-push:azure:Functions", "functions");
    const app = urn(stack, "azure-native:web:WebApp", "functions-app", "acs-push:azure:Functions");
    const ready = urn(stack, "command:local:Command", "functions-ready", "acs-push:azure:Functions");
    const sub = urn(stack, "azure-native:eventgrid:SystemTopicEventSubscription", "chat");
    const resources: PlanResource[] = [
        { urn: rg, type: "azure-native:resources:ResourceGroup", name: "rg", parent: null, custom: true, inputs: { location: "westeurope" }, dependsOn: [] },
        { urn: fnComp, type: "acs-push:azure:Functions", name: "functions", parent: null, custom: false, inputs: {}, dependsOn: [] },
        {
            urn: app,
            type: "azure-native:web:WebApp",
            name: "functions-app",
            parent: fnComp,
            custom: true,
            inputs: { httpsOnly: true, resourceGroupName: "rg", siteConfig: { appSettings: [{ name: "HUB_KEY", value: "[secret]" }] } },
            dependsOn: [rg],
        },
        {
            urn: ready,
            type: "command:local:Command",
            name: "functions-ready",
            parent: fnComp,
            custom: true,
            inputs: { create: "node build/infra/tools/wait-for-webhook.js", environment: { WEBHOOK_URL: "[secret]" } },
            dependsOn: [app],
        },
        {
            urn: sub,
            type: "azure-native:eventgrid:SystemTopicEventSubscription",
            name: "chat",
            parent: null,
            custom: true,
            inputs: { destination: { endpointType: "WebHook", endpointUrl: "[secret]" } },
            dependsOn: [ready, rg],
        },
    ];
    tweak(resources);
    return buildPlan({
        project: "acs-push",
        stack,
        config: [
            { key: "acs-push:location", value: "westeurope", source: "stack" },
            { key: "acs-push:apnsPrivateKey", value: "[secret]", source: "dummy" },
        ],
        resources,
    });
}
