/**
 * The base URL rule: the client secret and tokens travel in every request, so plain HTTP is allowed only where
 * the traffic cannot leave the machine (the local sandbox).
 */
import { isIPv4 } from "node:net";
import { ConfigError } from "./errors";

const ALLOWED = "an https:// URL, or http:// only for a loopback host (localhost, 127.0.0.0/8, [::1])";

function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === "localhost" || host === "[::1]") return true;
  return isIPv4(host) && host.startsWith("127.");
}

/** Parses and checks `yeastar:baseUrl`; throws ConfigError naming the field, the value and what is allowed. */
export function assertSafeBaseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError("baseUrl", `not a URL; expected ${ALLOWED}`, String(url));
  }
  // Never echo embedded credentials back to the user.
  const shown = parsed.username || parsed.password ? `${parsed.protocol}//***@${parsed.host}${parsed.pathname}` : url;
  if (parsed.username || parsed.password) {
    throw new ConfigError("baseUrl", `must not contain a user name or password; expected ${ALLOWED}`, shown);
  }
  if (parsed.search || parsed.hash) {
    throw new ConfigError("baseUrl", `must not contain a query or fragment; expected ${ALLOWED}`, shown);
  }
  if (parsed.protocol === "https:") return parsed;
  if (parsed.protocol === "http:" && isLoopback(parsed.hostname)) return parsed;
  throw new ConfigError("baseUrl", `expected ${ALLOWED}`, shown);
}
