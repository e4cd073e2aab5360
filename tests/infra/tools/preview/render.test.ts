import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { propertyLines, renderMermaid, renderPlan } from "../../../../infra/tools/preview/render";
import { samplePlan } from "./samplePlan";

describe("renderPlan", () => {
    const plan = samplePlan();
    const text = renderPlan(plan);
    const lines = text.split("\n");

    it("lists each component with its resources indented beneath it", () => {
        const component = lines.findIndex((l) => l === "  ▸ functions (acs-push:azure:Functions)");
        assert.ok(component >= 0, text);
        const app = lines.indexOf("    + functions-app (azure-native:web:WebApp)");
        const ready = lines.indexOf("    + functions-ready (command:local:Command)");
        assert.ok(app > component && ready > component);
        assert.ok(lines.includes("  + rg (azure-native:resources:ResourceGroup)"));
    });

    it("shows key properties by path and what each resource waits for", () => {
        assert.ok(lines.includes("        httpsOnly: true"));
        assert.ok(lines.includes('        siteConfig.appSettings[0].value: "[secret]"'));
        assert.ok(lines.includes("      depends on: functions-ready, rg"));
    });

    it("counts resources and components", () => {
        assert.match(text, /Resources: 4 to create, in 1 components/);
    });

    it("marks dummy configuration values", () => {
        assert.match(text, /acs-push:apnsPrivateKey: "\[secret\]" {3}\(dummy value for the preview\)/);
    });

    it("counts the dependency levels: rg, app, readiness check, subscription", () => {
        assert.ok(lines.includes("Dependency levels: 4 (the longest chain of resources that must be created one after another)"), text);
        assert.ok(!/Critical path|about \d+ min/.test(text), "no invented durations");
    });

    it("embeds the graph as a Mermaid graph TD block", () => {
        assert.match(text, /```mermaid\ngraph TD\n[\s\S]*\n```\n/);
    });
});

describe("renderMermaid", () => {
    const lines = renderMermaid(samplePlan());

    it("draws components as subgraphs around their resources", () => {
        const open = lines.findIndex((l) => l.includes('subgraph') && l.includes("functions<br/>azure:Functions"));
        const close = lines.indexOf("  end", open);
        assert.ok(open > 0 && close > open);
        const inside = lines.slice(open + 1, close).join("\n");
        assert.match(inside, /functions-app<br\/>web:WebApp/);
        assert.match(inside, /functions-ready<br\/>local:Command/);
    });

    it("draws an arrow from each dependency to its dependant, without implied ones", () => {
        const id = (name: string) => /^\s*(r\d+)\[/.exec(lines.find((l) => l.includes(`"${name}<br/>`))!)![1];
        const arrows = lines.filter((l) => l.includes("-->")).map((l) => l.trim());
        assert.deepEqual(arrows.sort(), [
            `${id("functions-app")} --> ${id("functions-ready")}`,
            `${id("functions-ready")} --> ${id("chat")}`,
            `${id("rg")} --> ${id("functions-app")}`,
        ].sort());
    });
});

describe("propertyLines", () => {
    it("shows a flat tags map on one line, in path order", () => {
        assert.deepEqual(propertyLines({ tags: { environment: "dev", project: "acs-push" }, location: "x", z: 1 }), [
            ["location", "x"],
            ["tags", "environment=dev, project=acs-push"],
            ["z", 1],
        ]);
    });
});
