// Run as a script (one program evaluation per process): evaluates the program for one stack exactly as it is
// committed, with no secrets and no example values filled in, as `pulumi up` from a fresh clone would, and
// prints the outcome as JSON: { error?: { name, message }, resources, calls }.
import { installMocks, settle } from "../../../infra/tools/preview/mocks";
import { stackConfig } from "./stackFiles";

async function main(stack: string): Promise<void> {
    const { config, secretKeys } = stackConfig(stack, undefined, { asCommitted: true });
    const capture = await installMocks({ stack, config, secretKeys });
    let error: { name: string; message: string } | undefined;
    try {
        await import("../../../infra/index");
    } catch (e) {
        error = { name: (e as Error).name, message: (e as Error).message };
    }
    await settle();
    process.stdout.write(JSON.stringify({ error, resources: capture.resources.length, calls: capture.calls.length }));
}

if (require.main === module) {
    main(process.argv[2]).catch((e) => {
        process.stderr.write(`${(e as Error).stack ?? e}\n`);
        process.exitCode = 1;
    });
}
