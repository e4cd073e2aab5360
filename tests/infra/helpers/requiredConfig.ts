import { RawConfig } from "../../../infra/lib/settings";

/** A syntactically valid PEM private key that is not a real key (with `\n` escapes, as one-line config holds it). */
export const PEM = "-----BEGIN PRIVATE KEY-----\\nMIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg\\n-----END PRIVATE KEY-----";

/** The required keys only; everything else comes from the defaults. */
export const REQUIRED: RawConfig = {
    bundleId: "com.contoso.chat",
    apnsTeamId: "ABCDE12345",
    apnsKeyId: "KEY1234567",
    apnsPrivateKey: PEM,
    fcmProjectId: "contoso-chat",
    fcmClientEmail: "firebase-adminsdk-abc12@contoso-chat.iam.gserviceaccount.com",
    fcmPrivateKey: PEM,
};
