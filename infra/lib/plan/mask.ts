// Signatures of the Pulumi wire format (`pulumi.runtime.specialSigKey` etc.), taken from the SDK's rpc module
// alone: plan diffs and renders use this file and need not load the whole SDK.
import {
    specialArchiveSig as ARCHIVE_SIG,
    specialAssetSig as ASSET_SIG,
    specialOutputValueSig as OUTPUT_SIG,
    specialResourceSig as RESOURCE_SIG,
    specialSecretSig as SECRET_SIG,
    specialSigKey as SIG_KEY,
    unknownValue as UNKNOWN,
} from "@pulumi/pulumi/runtime/rpc";
import { SECRET_MASK, UNKNOWN_MASK } from "./model";

/** Secrets shorter than this are not masked: they would match ordinary text. */
const MIN_SECRET_LENGTH = 4;

const maskable = (knownSecrets: readonly string[]) => knownSecrets.filter((s) => s.length >= MIN_SECRET_LENGTH);

/** Replaces every occurrence of one of `knownSecrets` in `text` by `[secret]`. */
export function maskText(text: string, knownSecrets: readonly string[]): string {
    return maskable(knownSecrets).reduce((t, s) => t.split(s).join(SECRET_MASK), text);
}

/**
 * Turns serialized resource inputs into plain JSON for a plan: secrets become `[secret]`, unknowns
 * `[unknown]`, resource references their URN, and any string containing one of `knownSecrets` is masked
 * too (a value derived from a secret that lost its secret flag). Object keys come out sorted.
 */
export function maskInputs(value: unknown, knownSecrets: readonly string[] = []): unknown {
    const secrets = maskable(knownSecrets);
    const walk = (v: unknown): unknown => {
        if (v === UNKNOWN) return UNKNOWN_MASK;
        if (typeof v === "string") return secrets.some((s) => v.includes(s)) ? SECRET_MASK : v;
        if (v === null || typeof v !== "object") return v;
        if (Array.isArray(v)) return v.map(walk);
        const obj = v as Record<string, unknown>;
        switch (obj[SIG_KEY]) {
            case SECRET_SIG:
                return SECRET_MASK;
            case RESOURCE_SIG:
                return `<resource ${String(obj.urn)}>`;
            case OUTPUT_SIG:
                if (obj.secret) return SECRET_MASK;
                return "value" in obj ? walk(obj.value) : UNKNOWN_MASK;
            case ASSET_SIG:
                return `<asset ${String(obj.path ?? obj.uri ?? "text")}>`;
            case ARCHIVE_SIG:
                return `<archive ${String(obj.path ?? obj.uri ?? "assets")}>`;
        }
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(obj).sort()) out[key] = walk(obj[key]);
        return out;
    };
    return walk(value);
}

/** Leaf values by dotted path (`a.b[0].c`); empty objects and arrays count as leaves. */
export function flatten(value: unknown, prefix = ""): [string, unknown][] {
    if (value === null || typeof value !== "object") return [[prefix, value]];
    const entries: [string, unknown][] = [];
    if (Array.isArray(value)) {
        if (value.length === 0) return [[prefix, []]];
        value.forEach((item, i) => entries.push(...flatten(item, `${prefix}[${i}]`)));
        return entries;
    }
    const keys = Object.keys(value).sort();
    if (keys.length === 0) return [[prefix, {}]];
    for (const key of keys) {
        entries.push(...flatten((value as Record<string, unknown>)[key], prefix ? `${prefix}.${key}` : key));
    }
    return entries;
}
