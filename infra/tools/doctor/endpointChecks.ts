// Checks through the data planes: the webhook's answer to Event Grid's OPTIONS handshake, and the events
// dead-lettered into blob storage.
import { Check, CheckResult, finding, ok, secretForms } from "./model";

const WEBHOOK = "doctor-webhook";
const DEAD_LETTERS = "doctor-dead-letters";

/** The origin Event Grid announces in its CloudEvents abuse-protection handshake. */
export const EVENT_GRID_ORIGIN = "eventgrid.azure.net";
/** Pages of 5,000 blobs read at most; beyond that the count is given as a lower bound. */
export const MAX_BLOB_PAGES = 20;

/** Web Apps API version of the function-keys call (`listkeys` on a function). */
export const WEB_API_VERSION = "2024-04-01";

/**
 * The webhook function's default key, read through Resource Manager (`POST <function id>/listkeys`): the stack
 * outputs hold no credential. The finding when it cannot be read.
 */
async function readWebhookKey({ stack, outputs, client, secrets }: Parameters<Check>[0], check: string): Promise<{ key: string } | { result: CheckResult }> {
    const answer = await client.armRequest("POST", `${outputs.webhookFunctionId}/listkeys`, WEB_API_VERSION);
    const key = answer.json?.properties?.default ?? answer.json?.default;
    if (answer.status >= 200 && answer.status < 300 && typeof key === "string" && key !== "") {
        secrets.push(...secretForms(key));
        return { key };
    }
    if (answer.status === 401 || answer.status === 403) {
        return {
            result: finding(
                check,
                WEBHOOK,
                `Azure refused to read the webhook function's key (HTTP ${answer.status}).`,
                "Sign in as an identity with Microsoft.Web/sites/functions/listkeys/action on the function app (Website Contributor, or Contributor), and run the doctor again.",
            ),
        };
    }
    const missing = answer.status === 404 || (answer.status >= 200 && answer.status < 300);
    return {
        result: finding(
            check,
            WEBHOOK,
            missing
                ? `The webhook function ${outputs.webhookFunctionId.split("/").pop()} has no key to read (HTTP ${answer.status}): the code is not deployed, or the host has not indexed it.`
                : `Reading the webhook function's key answered HTTP ${answer.status}.`,
            `Run \`scripts/up.sh ${stack}\`: it deploys the code and waits until the webhook answers.`,
        ),
    };
}

/** `OPTIONS` with `WebHook-Request-Origin` must come back 200 with `WebHook-Allowed-Origin`. */
export const checkWebhook: Check = async (context) => {
    const { stack, outputs, client } = context;
    const check = "webhook handshake";
    const read = await readWebhookKey(context, check);
    if ("result" in read) return [read.result];
    const shown = outputs.webhookEndpoint;
    const url = `${outputs.webhookEndpoint}?code=${encodeURIComponent(read.key)}`;
    const answer = await client.unauthenticated("OPTIONS", url, { "WebHook-Request-Origin": EVENT_GRID_ORIGIN });
    const allowed = answer.headers["webhook-allowed-origin"];
    if (answer.status === 200 && (allowed === EVENT_GRID_ORIGIN || allowed === "*")) {
        return [ok(check, WEBHOOK, `${shown} allows ${EVENT_GRID_ORIGIN}.`)];
    }
    const redeploy = `Run \`scripts/up.sh ${stack}\`: it deploys the code and reads the current function key.`;
    const [detail, fix] =
        answer.status === 401 || answer.status === 403
            ? [`${shown} refused the function's current key (HTTP ${answer.status}).`, `The app may be mid-restart after a key rotation; wait a minute and run the doctor again, else ${redeploy[0].toLowerCase()}${redeploy.slice(1)}`]
            : answer.status === 404
              ? [`${shown} answered 404: the function is not deployed, or the app does not list it.`, redeploy]
              : answer.status === 200
                ? [`${shown} answered 200 without WebHook-Allowed-Origin: ${EVENT_GRID_ORIGIN}.`, `The deployed code does not answer the handshake. ${redeploy}`]
                : [
                      `${shown} answered HTTP ${answer.status}.`,
                      "Check the function app's state and logs in the portal (Diagnose and solve problems), then run the doctor again.",
                  ];
    return [finding(check, WEBHOOK, detail, fix)];
};

/** Blob names and the newest modification time of one page of a blob list, and where the next starts. */
export function parseBlobList(xml: string): { count: number; newest?: Date; nextMarker?: string } {
    const count = (xml.match(/<Blob>/g) ?? []).length;
    const times = [...xml.matchAll(/<Last-Modified>([^<]+)<\/Last-Modified>/g)].map((m) => new Date(m[1])).filter((d) => !Number.isNaN(d.getTime()));
    const newest = times.length ? new Date(Math.max(...times.map((d) => d.getTime()))) : undefined;
    const nextMarker = /<NextMarker>([^<]+)<\/NextMarker>/.exec(xml)?.[1];
    return { count, newest, nextMarker };
}

/** Event Grid writes dead-lettered events into blobs of one or more events each; any blob there is an event not delivered. */
export const checkDeadLetters: Check = async ({ outputs, client }) => {
    const check = "dead letters";
    const container = outputs.deadLetterContainerUrl;
    let count = 0;
    let newest: Date | undefined;
    let marker: string | undefined;
    let pages = 0;
    do {
        const answer = await client.listBlobs(container, marker);
        if (answer.status === 401 || answer.status === 403) {
            return [
                finding(
                    check,
                    DEAD_LETTERS,
                    `Blob storage refused to list ${container} (HTTP ${answer.status}). The account accepts Entra ID only (shared keys are off).`,
                    "Give your identity Storage Blob Data Reader on the container (or the storage account), wait a few minutes for the role to apply, and run the doctor again.",
                ),
            ];
        }
        if (answer.status !== 200) {
            return [finding(check, DEAD_LETTERS, `Listing ${container} answered HTTP ${answer.status}.`, "Check that the storage account and the container exist, then run the doctor again.")];
        }
        const page = parseBlobList(answer.text);
        count += page.count;
        if (page.newest && (!newest || page.newest > newest)) newest = page.newest;
        marker = page.nextMarker;
        pages++;
    } while (marker && pages < MAX_BLOB_PAGES);
    if (count === 0) return [ok(check, DEAD_LETTERS, `no dead-lettered events in ${container}.`)];
    const amount = marker ? `more than ${count}` : String(count);
    return [
        finding(
            check,
            DEAD_LETTERS,
            `${amount} dead-letter blob(s) in ${container} (each holds one or more undelivered events), the newest from ${newest?.toISOString() ?? "an unknown time"}.`,
            "Read a few to learn why they failed, fix the cause, then replay or archive them and empty the container.",
        ),
    ];
};
