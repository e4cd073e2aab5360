import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isPemPrivateKey, normalizePem, pemBody, unescapePem } from "../../../infra/lib/pem";

const BODY = "MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQgAbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghij";
const MULTI_LINE = `-----BEGIN PRIVATE KEY-----\n${BODY.slice(0, 64)}\n${BODY.slice(64)}\n-----END PRIVATE KEY-----\n`;

describe("PEM keys", () => {
    it("unescapes single-line keys pasted from service-account JSON", () => {
        assert.equal(unescapePem(MULTI_LINE.replace(/\n/g, "\\n")), MULTI_LINE.trim());
    });

    it("gives Notification Hubs the .p8 body without armour lines or whitespace", () => {
        assert.equal(pemBody(MULTI_LINE), BODY);
        assert.equal(pemBody(MULTI_LINE.replace(/\n/g, "\\n")), BODY);
    });

    it("rebuilds a canonical multi-line PEM for FCM from any accepted form", () => {
        const canonical = normalizePem(`-----BEGIN PRIVATE KEY----- ${BODY} -----END PRIVATE KEY-----`);
        assert.equal(canonical, MULTI_LINE);
        assert.equal(normalizePem(MULTI_LINE.replace(/\n/g, "\\n")), MULTI_LINE);
    });

    it("recognises only private-key blocks with a body", () => {
        assert.equal(isPemPrivateKey(MULTI_LINE), true);
        assert.equal(isPemPrivateKey(BODY), false);
        assert.equal(isPemPrivateKey("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"), false);
        assert.equal(pemBody("not a key"), "");
        assert.equal(normalizePem("not a key"), "");
    });
});
