// Resource inputs as the Pulumi wire format carries them (secret envelopes, unknowns, resource references),
// turned into what a plan shows (masked) or what a test asserts on (plain values plus the paths that were
// secret). The signatures (`pulumi.runtime.specialSigKey` etc.) come from the SDK's rpc module alone: plan
// diffs and renders use this file and need not load the whole SDK.
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

const maskable = (knownSecrets: Iterable<string>) => [...knownSecrets].filter((s) => s.length >= MIN_SECRET_LENGTH);

/** Replaces every occurrence of one of `knownSecrets` in `text` by `[secret]`. */
export function maskText(text: string, knownSecrets: Iterable<string>): string {
    return maskable(knownSecrets).reduce((t, s) => t.split(s).join(SECRET_MASK), text);
}

/** What a leaf of the wire format becomes: `walk` continues into plain structure. */
interface Policy {
    unknown: unknown;
    secret(value: unknown, walk: (v: unknown) => unknown): unknown;
    resource(obj: Record<string, unknown>): unknown;
    text(value: string): unknown;
}

function convert(value: unknown, policy: Policy): unknown {
    const walk = (v: unknown): unknown => {
        if (v === UNKNOWN) return policy.unknown;
        if (typeof v === "string") return policy.text(v);
        if (v === null || typeof v !== "object") return v;
        if (Array.isArray(v)) return v.map(walk);
        const obj = v as Record<string, unknown>;
        switch (obj[SIG_KEY]) {
            case SECRET_SIG:
                return policy.secret(obj.value, walk);
            case RESOURCE_SIG:
                return policy.resource(obj);
            case OUTPUT_SIG:
                if (!("value" in obj)) return policy.unknown;
                return obj.secret ? policy.secret(obj.value, walk) : walk(obj.value);
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

/**
 * Turns serialized resource inputs into plain JSON for a plan: secrets become `[secret]`, unknowns
 * `[unknown]`, resource references their URN, and any string containing one of `knownSecrets` is masked
 * too (a value derived from a secret that lost its secret flag). Object keys come out sorted.
 */
export function maskInputs(value: unknown, knownSecrets: Iterable<string> = []): unknown {
    const secrets = maskable(knownSecrets);
    return convert(value, {
        unknown: UNKNOWN_MASK,
        secret: () => SECRET_MASK,
        resource: (obj) => `<resource ${String(obj.urn)}>`,
        text: (v) => (secrets.some((s) => v.includes(s)) ? SECRET_MASK : v),
    });
}

/** The values themselves: secrets unwrapped, unknowns undefined, resource references their id (else URN). */
export function plainInputs(value: unknown): unknown {
    return convert(value, {
        unknown: undefined,
        secret: (v, walk) => walk(v),
        resource: (obj) => obj.id ?? obj.urn,
        text: (v) => v,
    });
}

/** Dotted paths (`a.b[0].c`) of the values that travel as secrets. */
export function secretPaths(value: unknown, prefix = ""): string[] {
    if (value === null || typeof value !== "object") return [];
    const obj = value as Record<string, unknown>;
    if (obj[SIG_KEY] === SECRET_SIG || (obj[SIG_KEY] === OUTPUT_SIG && obj.secret)) return [prefix];
    if (obj[SIG_KEY] === OUTPUT_SIG) return secretPaths(obj.value, prefix);
    const entries: [string, unknown][] = Array.isArray(value)
        ? value.map((v, i) => [`${prefix}[${i}]`, v])
        : Object.keys(obj).map((k) => [prefix ? `${prefix}.${k}` : k, obj[k]]);
    return entries.flatMap(([path, v]) => secretPaths(v, path));
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
