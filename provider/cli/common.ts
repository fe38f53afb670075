/**
 * What every `yeastar-pseries` subcommand shares: flag parsing with messages that name the flag, the value and
 * what is valid, and the client built from the user's credentials.
 *
 * Credentials come from the environment (`YEASTAR_CLIENT_ID`, `YEASTAR_CLIENT_SECRET`, `YEASTAR_BASE_URL`, the
 * same variables the provider reads) or from flags. The secret has no flag of its own, because a command line is
 * visible to every user of the machine; `--client-secret-file` reads it from a file instead.
 */
import * as fs from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { DEFAULT_BASE_URL } from "../runtime/settings";
import { PartnerClient } from "../client/client";

/** A mistake in how the command was called; the command exits with status 2 and shows its usage. */
export class UsageError extends Error {}

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const CREDENTIAL_OPTIONS = {
  "base-url": { type: "string" },
  "client-id": { type: "string" },
  "client-secret-file": { type: "string" },
} as const satisfies ParseArgsConfig["options"];

export const CREDENTIAL_USAGE = `Credentials (flags win over the environment):
  --base-url URL              or YEASTAR_BASE_URL (default ${DEFAULT_BASE_URL}); https, or http on loopback only
  --client-id ID              or YEASTAR_CLIENT_ID
  --client-secret-file FILE   or YEASTAR_CLIENT_SECRET (there is no flag for the secret itself)`;

/** node:util parseArgs, with its errors turned into UsageErrors that list the valid flags. */
export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(
  command: string,
  argv: string[],
  options: T,
) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    const valid = Object.entries(options)
      .map(([name, o]) => (o.type === "boolean" ? `--${name}` : `--${name} <value>`))
      .join(", ");
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new UsageError(`${message}; valid flags for ${command}: ${valid}`);
  }
}

/** A flag's value that must not be empty when given. */
export function nonEmpty(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === "") throw new UsageError(`--${flag} is empty; give a value or leave the flag out`);
  return value.trim();
}

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

/** Renders rows as an aligned text table (columns separated by two spaces). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
