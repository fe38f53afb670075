/**
 * The credentials a `yeastar-pseries` subcommand reads the Partner Portal with, and the client built from them.
 *
 * Credentials come from the environment (`YEASTAR_CLIENT_ID`, `YEASTAR_CLIENT_SECRET`, `YEASTAR_BASE_URL`, the
 * same variables the provider reads) or from flags. The secret has no flag of its own, because a command line is
 * visible to every user of the machine; `--client-secret-file` reads it from a file instead.
 */
import * as fs from "node:fs";
import type { ParseArgsConfig } from "node:util";
import { PartnerClient } from "../client/client";
import { DEFAULT_BASE_URL } from "../runtime/settings";
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
  let clientSecret = env.YEASTAR_CLIENT_SECRET || "";
  const file = nonEmpty("client-secret-file", values["client-secret-file"]);
  if (file !== undefined) {
    try {
      clientSecret = fs.readFileSync(file, "utf8").trim();
    } catch (err) {
      throw new UsageError(
        `--client-secret-file ${JSON.stringify(file)} cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"}); give a readable file that holds only the client secret`,
      );
    }
    if (!clientSecret) throw new UsageError(`--client-secret-file ${JSON.stringify(file)} is empty`);
  }
  if (!clientSecret) {
    throw new UsageError("no client secret: set YEASTAR_CLIENT_SECRET or give --client-secret-file FILE");
  }
  return { baseUrl, clientId, clientSecret };
}

/** The same client the provider uses (token handling, retries for reads, redaction). */
export function clientFor(creds: Credentials, extra: Partial<ConstructorParameters<typeof PartnerClient>[0]> = {}) {
  return new PartnerClient({ ...creds, ...extra });
}
