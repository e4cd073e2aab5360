import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findUp, hashFunctionAppBuild, hashSourceDir, isExcluded, readSourceFiles, sourceHash } from "../../../infra/lib/sourceHash";

describe("sourceHash", () => {
    const base = [
        { path: "Program.cs", content: "class P {}" },
        { path: "EventGrid/Webhook.cs", content: "class W {}" },
    ];

    it("does not depend on the order files are read in", () => {
        assert.equal(sourceHash(base), sourceHash([...base].reverse()));
    });

    const changes: [string, { path: string; content: string }[]][] = [
        ["a changed byte", [base[0], { path: "EventGrid/Webhook.cs", content: "class X {}" }]],
        ["a renamed file", [base[0], { path: "EventGrid/Webhook2.cs", content: "class W {}" }]],
        ["an added file", [...base, { path: "host.json", content: "{}" }]],
        ["a removed file", [base[0]]],
        ["bytes moved between files", [{ path: "Program.cs", content: "class P {}class W {}" }, { path: "EventGrid/Webhook.cs", content: "" }]],
    ];
    for (const [label, files] of changes) {
        it(`changes with ${label}`, () => assert.notEqual(sourceHash(files), sourceHash(base)));
    }

    it("hashes path, length and bytes of each file in path order", () => {
        const expected = createHash("sha256");
        for (const [p, bytes] of [["a/x.cs", Buffer.from("é1")], ["b.cs", Buffer.from("2")], ["b.csproj", Buffer.from("")]] as const) {
            expected.update(`${p}\0${bytes.length}\0`);
            expected.update(bytes);
        }
        const files = [
            { path: "b.csproj", content: "" },
            { path: "b.cs", content: Buffer.from("2") },
            { path: "a/x.cs", content: "é1" },
        ];
        for (const order of [files, [files[1], files[2], files[0]], [files[2], files[0], files[1]]]) {
            assert.equal(sourceHash(order), expected.copy().digest("hex"));
        }
    });

    it("hashes text as its UTF-8 bytes", () => {
        assert.equal(sourceHash([{ path: "a.cs", content: "// café" }]), sourceHash([{ path: "a.cs", content: Buffer.from("// café", "utf8") }]));
    });

    it("is a hex SHA-256", () => assert.match(sourceHash(base), /^[0-9a-f]{64}$/));

    it("rejects a path given twice", () => {
        assert.throws(() => sourceHash([base[0], base[0]]), /"Program.cs" appears twice/);
    });
});

describe("readSourceFiles", () => {
    const cases: [string, boolean][] = [
        ["bin/Release/net10.0/app.dll", true],
        ["obj/project.assets.json", true],
        ["Notifications/obj/x.cs", true],
        ["Notifications/RecipientTag.cs", false],
        ["binder/Thing.cs", false],
        ["local.settings.json", true],
        ["AcsPush.Functions.csproj.user", true],
        ["host.json", false],
        [".vs/AcsPush/v17/.suo", true],
        [".idea/workspace.xml", true],
        ["TestResults/run.trx", true],
        ["Config/local.settings.json", true],
        ["my-local.settings.json", false],
        ["local.settings.json.example", false],
        ["Settings.user.cs", false],
    ];
    for (const [p, excluded] of cases) {
        it(`${excluded ? "skips" : "keeps"} ${p}`, () => assert.equal(isExcluded(p), excluded));
    }

    it("ignores build output when hashing a folder", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "srchash-"));
        try {
            fs.mkdirSync(path.join(dir, "EventGrid"));
            fs.writeFileSync(path.join(dir, "Program.cs"), "class P {}");
            fs.writeFileSync(path.join(dir, "EventGrid", "Webhook.cs"), "class W {}");
            const before = hashSourceDir(dir);
            assert.deepEqual(readSourceFiles(dir).map((f) => f.path).sort(), ["EventGrid/Webhook.cs", "Program.cs"]);

            fs.mkdirSync(path.join(dir, "bin", "Release"), { recursive: true });
            fs.writeFileSync(path.join(dir, "bin", "Release", "app.dll"), "binary");
            fs.mkdirSync(path.join(dir, "obj"));
            fs.writeFileSync(path.join(dir, "obj", "cache"), "x");
            assert.equal(hashSourceDir(dir), before);

            fs.writeFileSync(path.join(dir, "Program.cs"), "class P { }");
            assert.notEqual(hashSourceDir(dir), before);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("hashFunctionAppBuild", () => {
    it("changes when a shared build file at the root changes, not when an unrelated root file does", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "buildhash-"));
        try {
            fs.mkdirSync(path.join(root, "functions-app"));
            fs.writeFileSync(path.join(root, "functions-app", "Program.cs"), "class P {}");
            fs.writeFileSync(path.join(root, "Directory.Packages.props"), '<PackageVersion Include="A" Version="1.0.0" />');
            fs.writeFileSync(path.join(root, "README.md"), "docs");
            const before = hashFunctionAppBuild(root, "functions-app");

            fs.writeFileSync(path.join(root, "README.md"), "more docs");
            assert.equal(hashFunctionAppBuild(root, "functions-app"), before);

            fs.writeFileSync(path.join(root, "Directory.Packages.props"), '<PackageVersion Include="A" Version="1.0.1" />');
            const bumped = hashFunctionAppBuild(root, "functions-app");
            assert.notEqual(bumped, before);

            fs.writeFileSync(path.join(root, "global.json"), '{"sdk":{"version":"10.0.100"}}');
            assert.notEqual(hashFunctionAppBuild(root, "functions-app"), bumped);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });
});

describe("what is read", () => {
    it("reads files and folders only, with the app folder's name in front of their paths", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "buildhash-"));
        try {
            fs.mkdirSync(path.join(root, "app", "EventGrid"), { recursive: true });
            fs.writeFileSync(path.join(root, "app", "EventGrid", "Webhook.cs"), "class W {}");
            fs.writeFileSync(path.join(root, "outside.cs"), "class O {}");
            fs.symlinkSync(path.join(root, "outside.cs"), path.join(root, "app", "Linked.cs"));
            assert.deepEqual(readSourceFiles(path.join(root, "app")).map((f) => f.path), ["EventGrid/Webhook.cs"]);
            assert.equal(
                hashFunctionAppBuild(root, "app"),
                sourceHash([{ path: "app/EventGrid/Webhook.cs", content: "class W {}" }]),
            );
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });
});

describe("findUp", () => {
    it("finds the nearest folder holding the marker", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "findup-"));
        try {
            fs.writeFileSync(path.join(root, "Pulumi.yaml"), "name: x\n");
            const deep = path.join(root, "build", "infra", "components");
            fs.mkdirSync(deep, { recursive: true });
            assert.equal(findUp(deep, "Pulumi.yaml"), root);
            assert.equal(findUp(root, "Pulumi.yaml"), root);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("names the marker when there is none", () => {
        assert.throws(() => findUp(os.tmpdir(), "No-Such-Marker.yaml"), /No No-Such-Marker\.yaml in .* or any folder above it/);
    });
});
