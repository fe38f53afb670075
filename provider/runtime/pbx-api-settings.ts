/**
 * The client for one PBX's own API, from the settings (runtime/settings.ts): where it is served (the template
 * `yeastar:pbxApiBaseUrl` with `{pbxUrl}`) and its API credentials, read at run time and kept in memory only. One
 * client per PBX per process, so a run fetches one token per PBX.
 */
import type { PbxApi } from "../api/pbx-api";
import { currentSettings, SettingsError } from "./settings";

const clients = new Map<string, PbxApi>();

/** The base URL of a PBX's API: the template with the PBX's host put in. */
export function pbxApiBaseUrl(template: string, pbxUrl: string): string {
  return template.replace("{pbxUrl}", pbxUrl).replace(/\/+$/, "");
}

export function resolvePbxApi(pbxUrl: string): PbxApi {
  const s = currentSettings();
  if (!s.pbxClientId) {
    throw new SettingsError(
      "yeastar:pbxClientId is not set; run `pulumi config set yeastar:pbxClientId <id>` or set YEASTAR_PBX_CLIENT_ID (the PBX's web portal > Integrations > API)",
    );
  }
  if (!s.pbxClientSecret) {
    throw new SettingsError(
      "yeastar:pbxClientSecret is not set; run `pulumi config set --secret yeastar:pbxClientSecret <secret>` or set YEASTAR_PBX_CLIENT_SECRET",
    );
  }
  const baseUrl = pbxApiBaseUrl(s.pbxApiBaseUrl, pbxUrl);
  const key = `${baseUrl}\n${s.pbxClientId}\n${s.pbxClientSecret}`;
  let client = clients.get(key);
  if (!client) {
    const { PbxClient } = require("../client/pbx-client") as { PbxClient: new (o: object) => PbxApi };
    client = new PbxClient({
      baseUrl,
      clientId: s.pbxClientId,
      clientSecret: s.pbxClientSecret,
      allowInsecureHttpForTesting: s.allowInsecureHttpForTesting,
      ...(s.timeoutMs ? { timeoutMs: s.timeoutMs } : {}),
    });
    clients.set(key, client);
  }
  return client;
}
