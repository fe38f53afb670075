/**
 * The credentials a `yeastar-pseries` subcommand reads the Partner Portal with (or a PBX's own API, for
 * `import-extensions`), and the client built from them.
 *
 * Credentials come from the environment (`YEASTAR_CLIENT_ID`, `YEASTAR_CLIENT_SECRET`, `YEASTAR_BASE_URL`, the
 * same variables the provider reads) or from flags. The secret has no flag of its own, because a command line is
 * visible to every user of the machine; `--client-secret-file` reads it from a file instead.
 */
import * as fs from "node:fs";
import type { ParseArgsConfig } from "node:util";
import { PartnerClient } from "../client/client";
import { PbxClient } from "../client/pbx-client";
import { pbxApiBaseUrl } from "../runtime/pbx-api-settings";
import { DEFAULT_BASE_URL, DEFAULT_PBX_API_BASE_URL } from "../runtime/settings";
import { nonEmpty, UsageError } from "./usage";

export const CREDENTIAL_OPTIONS = {
  "base-url": { type: "string" },
  "client-id": { type: "string" },
  "client-secret-file": { type: "string" },
} as const satisfies ParseArgsConfig["options"];

export const CREDENTIAL_USAGE = `Credentials (flags win over the environment):
  --base-url URL              or YEASTAR_BASE_URL (default ${DEFAULT_BASE_URL}); https, or http on loopback only
  --client-id ID              or YEASTAR_CLIENT_ID
  --client-secret-file FILE   or YEASTAR_CLIENT_SECRET (there is no flag for the secret itself)`;

export interface Credentials {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

export function credentialsFrom(
  values: { "base-url"?: string; "client-id"?: string; "client-secret-file"?: string },
  env: NodeJS.ProcessEnv,
): Credentials {
  const baseUrl = nonEmpty("base-url", values["base-url"]) ?? (env.YEASTAR_BASE_URL || DEFAULT_BASE_URL);
  const clientId = nonEmpty("client-id", values["client-id"]) ?? (env.YEASTAR_CLIENT_ID || "");
  if (!clientId) {
    throw new UsageError(
      "no client id: give --client-id or set YEASTAR_CLIENT_ID (Partner Portal > System > API > Client ID)",
    );
  }
  const clientSecret =
    secretFrom("client-secret-file", values["client-secret-file"]) ?? (env.YEASTAR_CLIENT_SECRET || "");
  if (!clientSecret) {
    throw new UsageError("no client secret: set YEASTAR_CLIENT_SECRET or give --client-secret-file FILE");
  }
  return { baseUrl, clientId, clientSecret };
}

/** The secret in the file a `--...-secret-file` flag names (undefined without the flag). */
function secretFrom(flag: string, value: string | undefined): string | undefined {
  const file = nonEmpty(flag, value);
  if (file === undefined) return undefined;
  let secret: string;
  try {
    secret = fs.readFileSync(file, "utf8").trim();
  } catch (err) {
    throw new UsageError(
      `--${flag} ${JSON.stringify(file)} cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"}); give a readable file that holds only the client secret`,
    );
  }
  if (!secret) throw new UsageError(`--${flag} ${JSON.stringify(file)} is empty`);
  return secret;
}

/** The same client the provider uses (token handling, retries for reads, redaction). */
export function clientFor(creds: Credentials, extra: Partial<ConstructorParameters<typeof PartnerClient>[0]> = {}) {
  return new PartnerClient({ ...creds, ...extra });
}

export const PBX_CREDENTIAL_OPTIONS = {
  "pbx-api-base-url": { type: "string" },
  "pbx-client-id": { type: "string" },
  "pbx-client-secret-file": { type: "string" },
} as const satisfies ParseArgsConfig["options"];

export const PBX_CREDENTIAL_USAGE = `The PBX's own API (its web portal > Integrations > API; flags win over the environment):
  --pbx-api-base-url TEMPLATE    or YEASTAR_PBX_API_BASE_URL (default ${DEFAULT_PBX_API_BASE_URL}), {pbxUrl} standing
                                 for --pbx; https, or http on loopback only
  --pbx-client-id ID             or YEASTAR_PBX_CLIENT_ID
  --pbx-client-secret-file FILE  or YEASTAR_PBX_CLIENT_SECRET (there is no flag for the secret itself)`;

export interface PbxCredentials {
  /** Where the PBX's API is served: a template with `{pbxUrl}` (runtime/pbx-api-settings.ts). */
  baseUrlTemplate: string;
  clientId: string;
  clientSecret: string;
}

/** A PBX API's credentials from flags or the environment (the variables the provider reads). */
export function pbxCredentialsFrom(
  values: { "pbx-api-base-url"?: string; "pbx-client-id"?: string; "pbx-client-secret-file"?: string },
  env: NodeJS.ProcessEnv,
): PbxCredentials {
  const baseUrlTemplate =
    nonEmpty("pbx-api-base-url", values["pbx-api-base-url"]) ??
    (env.YEASTAR_PBX_API_BASE_URL || DEFAULT_PBX_API_BASE_URL);
  const clientId = nonEmpty("pbx-client-id", values["pbx-client-id"]) ?? (env.YEASTAR_PBX_CLIENT_ID || "");
  if (!clientId) {
    throw new UsageError(
      "no PBX API client id: give --pbx-client-id or set YEASTAR_PBX_CLIENT_ID (the PBX's web portal > Integrations > API)",
    );
  }
  const clientSecret =
    secretFrom("pbx-client-secret-file", values["pbx-client-secret-file"]) ?? (env.YEASTAR_PBX_CLIENT_SECRET || "");
  if (!clientSecret) {
    throw new UsageError(
      "no PBX API client secret: set YEASTAR_PBX_CLIENT_SECRET or give --pbx-client-secret-file FILE",
    );
  }
  return { baseUrlTemplate, clientId, clientSecret };
}

/** The client the provider uses for one PBX's own API (token handling, retries for reads, redaction). */
export function pbxClientFor(creds: PbxCredentials, pbxUrl: string): PbxClient {
  return new PbxClient({
    baseUrl: pbxApiBaseUrl(creds.baseUrlTemplate, pbxUrl),
    clientId: creds.clientId,
    clientSecret: creds.clientSecret,
  });
}
