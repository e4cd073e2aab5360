// The doctor run the README shows is this test's run against the loopback fake, so it cannot drift from the code.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { main } from "../../../../infra/tools/doctor/doctor";
import { startArmServer } from "../../helpers/armServer";
import { REPO_ROOT } from "../../helpers/stackFiles";
import { fakeAzure, fakeCredential, healthyState, loopbackClient, OUTPUTS } from "./fakeAzure";

const BEGIN = "<!-- doctor sample: the test suite's fake of Azure (tests/infra/tools/doctor/readmeSample.test.ts) -->";
const END = "<!-- end doctor sample -->";

describe("the doctor run shown in the README", () => {
    it("is what the doctor prints for a dev stack on the wrong APNs endpoint with three dead letters", async () => {
        const server = await startArmServer();
        const dir = mkdtempSync(path.join(tmpdir(), "doctor-sample-"));
        try {
            const state = healthyState();
            state.hubs[OUTPUTS.callsHubId].apns!.endpoint = "https://api.push.apple.com:443/3/device";
            state.deadLetters = { blobs: ["Sat, 28 Nov 2026 09:12:40 GMT", "Sat, 28 Nov 2026 09:14:02 GMT", "Sat, 28 Nov 2026 09:20:31 GMT"], pageSize: 5000 };
            server.setHandler(fakeAzure(state));
            const file = path.join(dir, "outputs.json");
            writeFileSync(file, JSON.stringify(OUTPUTS));
            let out = "";
            const code = await main(["dev", "--outputs", file], {
                credential: () => fakeCredential,
                tlsOptions: { ca: server.ca },
                httpClient: loopbackClient(server),
                maxRetries: 0,
                stdout: (t) => (out += t),
            });
            assert.equal(code, 1);
            const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
            const start = readme.indexOf(BEGIN);
            assert.ok(start >= 0, `README.md has no "${BEGIN}" marker`);
            const block = readme.slice(start + BEGIN.length, readme.indexOf(END, start));
            const expected = `\n\`\`\`text\n$ scripts/doctor.sh dev\n${out}$ echo $?\n${code}\n\`\`\`\n`;
            assert.equal(block, expected, `README.md's doctor sample differs; the doctor now prints:\n${expected}`);
        } finally {
            await server.close();
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
