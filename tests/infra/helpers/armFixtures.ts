// The ARM ids and hub connection string that the link provider's unit tests share.
export const SUB = "11111111-2222-3333-4444-555555555555";
export const ACS = `/subscriptions/${SUB}/resourceGroups/rg-push/providers/Microsoft.Communication/communicationServices/acs-push`;
export const HUB = `/subscriptions/${SUB}/resourceGroups/rg-push/providers/Microsoft.NotificationHubs/namespaces/ns/notificationHubs/app.voip`;
/** A made-up send key: a test that finds it in a message has found a leak. */
export const KEY = "a2V5LW1hdGVyaWFsLWZvci10aGUtc2VuZC1ydWxlLTAwMQ==";
export const CS = `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=acs-send;SharedAccessKey=${KEY}`;
