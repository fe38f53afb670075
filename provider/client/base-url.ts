/**
 * The base URL rule: the client secret and tokens travel in every request, so plain HTTP is allowed only where
 * the traffic cannot leave the machine (the local sandbox). A test setup where the sandbox runs on another host
 * (a CI service container such as http://sandbox:8787) opts in explicitly with `allowInsecureHttpForTesting`;
 * the provider then warns on every run (see provider/runtime/settings.ts).
 */
import { isIPv4 } from "node:net";
import { ConfigError } from "./errors";

const ALLOWED = "an https:// URL, or http:// only for a loopback host (localhost, 127.0.0.0/8, [::1])";
const ALLOWED_FOR_TESTING = "an http:// or https:// URL (plain http allowed by allowInsecureHttpForTesting)";

export interface BaseUrlRule {
  /** Accept plain http:// on any host: for a sandbox in a test network only, never for the real portal. */
  allowInsecureHttpForTesting?: boolean;
  /** The setting named in errors; default "baseUrl". */
  field?: string;
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === "localhost" || host === "[::1]") return true;
  return isIPv4(host) && host.startsWith("127.");
}

/** Parses and checks `yeastar:baseUrl`; throws ConfigError naming the field, the value and what is allowed. */
export function assertSafeBaseUrl(url: string, rule: BaseUrlRule = {}): URL {
  const allowed = rule.allowInsecureHttpForTesting ? ALLOWED_FOR_TESTING : ALLOWED;
  const field = rule.field ?? "baseUrl";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(field, `not a URL; expected ${allowed}`, String(url));
  }
  // Never echo embedded credentials back to the user.
  const shown = parsed.username || parsed.password ? `${parsed.protocol}//***@${parsed.host}${parsed.pathname}` : url;
  if (parsed.username || parsed.password) {
    throw new ConfigError(field, `must not contain a user name or password; expected ${allowed}`, shown);
  }
  if (parsed.search || parsed.hash) {
    throw new ConfigError(field, `must not contain a query or fragment; expected ${allowed}`, shown);
  }
  if (parsed.protocol === "https:") return parsed;
  if (parsed.protocol === "http:" && (isLoopback(parsed.hostname) || rule.allowInsecureHttpForTesting)) return parsed;
  const hint =
    parsed.protocol === "http:"
      ? "; for a sandbox on another host in a test network only, set yeastar:allowInsecureHttpForTesting to true"
      : "";
  throw new ConfigError(field, `expected ${allowed}${hint}`, shown);
}

/** True when `url` is plain http:// to a host that is not loopback (allowed only with the testing opt-in). */
export function isInsecureRemoteHttp(url: URL): boolean {
  return url.protocol === "http:" && !isLoopback(url.hostname);
}

/** A PBX host as compared: host names are case-insensitive, and a trailing dot is the same host. */
export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, "");
}
