// The Pulumi SDK internals that the offline preview and the mock tests still need, in one place. Each has
// no public equivalent in @pulumi/pulumi 3.x:
//   - waitForRPCs: exported by runtime/settings but missing from the typings; it is how a mocked program is
//     known to have finished registering resources;
//   - the mock monitor's registerResource: the public Mocks.newResource hook sees neither dependencies nor
//     secret flags, which the plan and the secrecy tests need;
//   - runtime/rpc as a module of its own (./wire.ts, and the link provider's serialized code): the same
//     constants as pulumi.runtime.*, loaded without the rest of the SDK.
// Every accessor checks the shape it relies on and fails naming the SDK version, so an SDK upgrade that moves
// one of them breaks loudly here (and in tests/infra/tools/preview/sdkInternals.test.ts), not as a silent
// empty plan.
import * as pulumi from "@pulumi/pulumi";

/** The installed @pulumi/pulumi version. */
export const SDK_VERSION: string = (require("@pulumi/pulumi/package.json") as { version: string }).version;

/** An SDK internal this project relies on is gone or changed shape. */
export class SdkInternalsChanged extends Error {
    constructor(what: string) {
        super(
            `@pulumi/pulumi ${SDK_VERSION}: ${what}. The offline preview and the mock tests rely on it; ` +
                "see infra/tools/preview/sdk.ts for what to adapt after an SDK upgrade.",
        );
        this.name = "SdkInternalsChanged";
    }
}

/** The request the mock monitor's registerResource receives (the parts read here). */
export interface RegisterResourceRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProvider(): string;
    getProtect(): boolean;
    getReplaceonchangesList(): string[];
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
}

/** The mock monitor's answer: the URN, the id and the state the mocks returned. */
export interface RegisterResourceResponse {
    getUrn(): string;
    getId(): string;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

export type RegisterResourceCallback = (err: unknown, resp?: RegisterResourceResponse) => void;

/** The mock monitor installed by `pulumi.runtime.setMocks`, reduced to the method that is wrapped. */
export interface MockMonitor {
    registerResource(req: RegisterResourceRequest, cb: RegisterResourceCallback): void;
}

/** The monitor after `setMocks`; throws when it no longer offers a callback-style registerResource. */
export function mockMonitor(): MockMonitor {
    const monitor = pulumi.runtime.getMonitor() as unknown as Partial<MockMonitor> | undefined;
    if (!monitor || typeof monitor.registerResource !== "function" || monitor.registerResource.length < 2) {
        throw new SdkInternalsChanged("pulumi.runtime.getMonitor() after setMocks has no registerResource(request, callback)");
    }
    return monitor as MockMonitor;
}

/**
 * Wraps the mock monitor's registerResource: `answered` sees every request together with the mock's answer
 * (URN, id, state), before the program does. Call after `setMocks`.
 */
export function observeRegistrations(answered: (req: RegisterResourceRequest, resp: RegisterResourceResponse) => void): void {
    const monitor = mockMonitor();
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        original(req, (err, resp) => {
            if (!err && resp) answered(req, resp);
            cb(err, resp);
        });
    };
}

/** Resolves once every resource registration and invoke the program started has completed. */
export async function settle(): Promise<void> {
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs?: () => Promise<void> };
    if (typeof settings.waitForRPCs !== "function") {
        throw new SdkInternalsChanged("@pulumi/pulumi/runtime/settings no longer exports waitForRPCs()");
    }
    await settings.waitForRPCs();
}
