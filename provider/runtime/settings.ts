/**
 * Provider settings for the process that runs the provider: credentials and base URL from stack config
 * (`yeastar:*`) or the environment, read at run time and kept only in this module's memory.
 */
import { MAX_REQUESTS_PER_SECOND } from "../api/catalog";
import type { PartnerApi } from "../api/partner-api";

export const DEFAULT_BASE_URL = "https://openapi.partner.yeastar.com";
/** Where a PBX's own API is served: the PBX's host itself. */
export const DEFAULT_PBX_API_BASE_URL = "https://{pbxUrl}";

export interface Settings {
  baseUrl: string;
  clientId?: string;
  clientSecret?: string;
  /**
   * Plain http:// to a non-loopback host (a sandbox in a CI network), from yeastar:allowInsecureHttpForTesting or
   * YEASTAR_ALLOW_INSECURE_HTTP_FOR_TESTING; the provider warns on every run that uses it.
   */
  allowInsecureHttpForTesting?: boolean;
  /** Per-request timeouts (YEASTAR_TIMEOUT_MS, YEASTAR_ORDER_TIMEOUT_MS); defaults are the client's. */
  timeoutMs?: number;
  orderTimeoutMs?: number;
  /**
   * At most this many API requests per second from the provider process (yeastar:requestsPerSecond or
   * YEASTAR_REQUESTS_PER_SECOND): one process serves every PBX of a stack, so this paces the whole run.
   */
  requestsPerSecond?: number;
  /**
   * Each PBX's own API (PbxExtension): its API client id and secret (yeastar:pbxClientId, yeastar:pbxClientSecret
   * or YEASTAR_PBX_CLIENT_ID, YEASTAR_PBX_CLIENT_SECRET) and where it is served, a template with `{pbxUrl}`
   * (yeastar:pbxApiBaseUrl or YEASTAR_PBX_API_BASE_URL; default "https://{pbxUrl}").
   */
  pbxClientId?: string;
  pbxClientSecret?: string;
  pbxApiBaseUrl: string;
}

/** What `configure` reads the stack config through (a `pulumi.Config` or the provider's config map). */
export interface SettingsConfig {
  get(key: string): string | undefined;
}

let settings: Settings | undefined;
let insecureWarned = false;

/** Called from the provider's `configure()`; config wins over the environment. */
export function configure(config?: SettingsConfig): void {
  flagErrors.length = 0;
  insecureWarned = false;
  const get = (key: string, env: string) => {
    const fromConfig = config?.get(`yeastar:${key}`);
    return fromConfig !== undefined && fromConfig !== "" ? fromConfig : process.env[env] || undefined;
  };
  settings = {
    baseUrl: get("baseUrl", "YEASTAR_BASE_URL") ?? DEFAULT_BASE_URL,
    clientId: get("clientId", "YEASTAR_CLIENT_ID"),
    clientSecret: get("clientSecret", "YEASTAR_CLIENT_SECRET"),
    allowInsecureHttpForTesting: flag(
      "yeastar:allowInsecureHttpForTesting",
      "YEASTAR_ALLOW_INSECURE_HTTP_FOR_TESTING",
      get("allowInsecureHttpForTesting", "YEASTAR_ALLOW_INSECURE_HTTP_FOR_TESTING"),
    ),
    requestsPerSecond: rate(get("requestsPerSecond", "YEASTAR_REQUESTS_PER_SECOND")),
    pbxClientId: get("pbxClientId", "YEASTAR_PBX_CLIENT_ID"),
    pbxClientSecret: get("pbxClientSecret", "YEASTAR_PBX_CLIENT_SECRET"),
    pbxApiBaseUrl: get("pbxApiBaseUrl", "YEASTAR_PBX_API_BASE_URL") ?? DEFAULT_PBX_API_BASE_URL,
    timeoutMs: positiveInt(process.env.YEASTAR_TIMEOUT_MS),
    orderTimeoutMs: positiveInt(process.env.YEASTAR_ORDER_TIMEOUT_MS),
  };
}

/** A boolean setting: "true" or "false" (any case); anything else fails when the provider first needs the API. */
function flag(configKey: string, envName: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === "true") return true;
  if (v === "false") return false;
  flagErrors.push(`${configKey} (or ${envName}) must be "true" or "false", got ${JSON.stringify(value)}`);
  return undefined;
}

/** yeastar:requestsPerSecond: a number > 0 and <= 1000; anything else fails when the provider first needs the API. */
function rate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  const n = Number(text);
  if (text !== "" && Number.isFinite(n) && n > 0 && n <= MAX_REQUESTS_PER_SECOND) return n;
  flagErrors.push(
    `yeastar:requestsPerSecond (or YEASTAR_REQUESTS_PER_SECOND) must be a number of requests per second greater than 0 and at most ${MAX_REQUESTS_PER_SECOND}, got ${JSON.stringify(value)}`,
  );
  return undefined;
}

const flagErrors: string[] = [];

function positiveInt(value: string | undefined): number | undefined {
  const n = Number(value);
  return value && Number.isInteger(n) && n > 0 ? n : undefined;
}

export function currentSettings(): Settings {
  if (!settings) configure();
  return settings!;
}

export class SettingsError extends Error {}

/** The shared API client for the current settings; errors name the missing setting and how to set it. */
export function resolveApi(reporter?: Reporter): PartnerApi {
  const s = currentSettings();
  const { assertSafeBaseUrl, isInsecureRemoteHttp } =
    require("../client/base-url") as typeof import("../client/base-url");
  const { sharedClient } = require("../client/shared") as typeof import("../client/shared");
  if (!s.clientId) {
    throw new SettingsError(
      "yeastar:clientId is not set; run `pulumi config set yeastar:clientId <id>` or set YEASTAR_CLIENT_ID (Partner Portal > System > API)",
    );
  }
  if (!s.clientSecret) {
    throw new SettingsError(
      "yeastar:clientSecret is not set; run `pulumi config set --secret yeastar:clientSecret <secret>` or set YEASTAR_CLIENT_SECRET",
    );
  }
  if (flagErrors.length > 0) throw new SettingsError(flagErrors.join("; "));
  const url = assertSafeBaseUrl(s.baseUrl, { allowInsecureHttpForTesting: s.allowInsecureHttpForTesting });
  if (isInsecureRemoteHttp(url) && !insecureWarned) {
    // Once per provider process, that is once per pulumi run: the opt-in must never go unnoticed.
    insecureWarned = true;
    (reporter ?? report()).warn(
      `yeastar:allowInsecureHttpForTesting is on: the client secret and tokens go in plain text over http to ${url.host}; use it only with a sandbox in a test network, never with the real Partner Portal`,
    );
  }
  return sharedClient({
    baseUrl: s.baseUrl,
    allowInsecureHttpForTesting: s.allowInsecureHttpForTesting,
    clientId: s.clientId,
    clientSecret: s.clientSecret,
    ...(s.timeoutMs ? { timeoutMs: s.timeoutMs } : {}),
    ...(s.orderTimeoutMs ? { orderTimeoutMs: s.orderTimeoutMs } : {}),
    ...(s.requestsPerSecond ? { requestsPerSecond: s.requestsPerSecond } : {}),
  });
}

export interface Reporter {
  info(message: string): void;
  warn(message: string): void;
}

/** Messages for the user: through the engine's log when available, else stderr. */
export function report(): Reporter {
  const emit = (level: "info" | "warn", message: string) => {
    try {
      const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
      void pulumi.log[level](message);
    } catch {
      process.stderr.write(`${level}: ${message}\n`);
    }
  };
  return { info: (m) => emit("info", m), warn: (m) => emit("warn", m) };
}
