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

    it("unifies CRLF line endings and escaped CRLFs into newlines", () => {
        assert.equal(unescapePem(" a\r\nb\\r\\nc\\nd \n"), "a\nb\nc\nd");
    });

    it("reads a block with no whitespace around the body", () => {
        const tight = `-----BEGIN PRIVATE KEY-----${BODY}-----END PRIVATE KEY-----`;
        assert.equal(pemBody(tight), BODY);
        assert.equal(isPemPrivateKey(tight), true);
        assert.equal(normalizePem(tight), MULTI_LINE);
    });

    it("rejects text before or after the block, and a block with an empty body", () => {
        for (const value of [`key: ${MULTI_LINE}`, `${MULTI_LINE}-----BEGIN PRIVATE KEY-----`, "-----BEGIN PRIVATE KEY-----\n \n\t-----END PRIVATE KEY-----"]) {
            assert.equal(isPemPrivateKey(value), false, value);
            assert.equal(normalizePem(value), "", value);
        }
        assert.equal(pemBody(`x${MULTI_LINE}`), "");
    });

    it("keeps the key type of the armour lines", () => {
        const ec = `-----BEGIN EC PRIVATE KEY-----\n${BODY}\n-----END EC PRIVATE KEY-----`;
        assert.equal(normalizePem(ec), `-----BEGIN EC PRIVATE KEY-----\n${BODY.slice(0, 64)}\n${BODY.slice(64)}\n-----END EC PRIVATE KEY-----\n`);
        assert.equal(isPemPrivateKey("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"), false);
    });
});
