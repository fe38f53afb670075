/**
 * What a caller hands the Partner Portal client, and the checks on it: options with their bounds, and the ID
 * fields of a request body, which must be decimal IDs before anything is sent.
 */
import { ID_FIELDS, MAX_REQUESTS_PER_SECOND } from "../api/catalog";
import { ConfigError } from "./errors";
import type { FetchLike } from "./transport";

export interface ClientOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Injected fetch; default node-fetch with a keep-alive agent. */
  fetch?: FetchLike;
  /** Default "pulumi-yeastar-pseries/<package version>". */
  userAgent?: string;
  /** Per attempt, for everything but the order POST; default 30000. */
  timeoutMs?: number;
  /** For the order POST; default 60000. */
  orderTimeoutMs?: number;
  retry?: { retries?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Accept plain http:// on a non-loopback host (a sandbox in a test network); see base-url.ts. */
  allowInsecureHttpForTesting?: boolean;
  /**
   * At most this many requests per second from this client (every endpoint, the token and the order included),
   * e.g. to stay under the portal's rate limit with a large fleet; default: no limit. See gate.ts.
   */
  requestsPerSecond?: number;
  /** Refresh the access token this long before it expires; default 120. */
  refreshMarginSeconds?: number;
  /** Receives one line per attempt, retry and token event; every line is redacted first. */
  log?: (line: string) => void;
  /** Clock for token expiry (tests). Delays always use the real timers. */
  now?: () => number;
}

export function positive(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(field, "must be a positive number", String(value));
  return value;
}

export function requestRate(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > MAX_REQUESTS_PER_SECOND) {
    throw new ConfigError(
      "requestsPerSecond",
      `must be a number of requests per second greater than 0 and at most ${MAX_REQUESTS_PER_SECOND}`,
      String(value),
    );
  }
  return value;
}

export function nonNegative(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(field, "must be zero or more", String(value));
  return value;
}

/** ID fields must be decimal strings (or safe integers): anything else would be sent as a JSON string. */
export function assertIdFields(value: unknown, secrets: string[], path = ""): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertIdFields(item, secrets, `${path}[${i}]`));
    return;
  }
  if (!value || typeof value !== "object") return;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const here = path ? `${path}.${key}` : key;
    if ((ID_FIELDS as readonly string[]).includes(key) && v !== undefined) {
      const ok =
        (typeof v === "string" && /^\d{1,20}$/.test(v)) || (typeof v === "number" && Number.isSafeInteger(v) && v >= 0);
      if (!ok) throw new ConfigError(here, "must be a decimal ID (digits only)", String(v), { secrets });
    } else if (typeof v === "object") {
      assertIdFields(v, secrets, here);
    }
  }
}

/** Both credentials are set; the message never echoes a secret, not even a malformed one. */
export function assertCredentials(opts: Pick<ClientOptions, "clientId" | "clientSecret">): void {
  if (!opts.clientId || typeof opts.clientId !== "string") {
    throw new ConfigError("clientId", "must be set (yeastar:clientId or YEASTAR_CLIENT_ID)");
  }
  if (!opts.clientSecret || typeof opts.clientSecret !== "string") {
    throw new ConfigError("clientSecret", "must be set (yeastar:clientSecret or YEASTAR_CLIENT_SECRET)");
  }
}
