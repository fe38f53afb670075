/**
 * One HTTP exchange: send, wait for the whole body under a deadline, and say whether a failure may have reached
 * the server. Retries, tokens and envelopes live in the layers above.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as path from "node:path";
import nodeFetch, { type RequestInit as NodeFetchInit } from "node-fetch";

export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  agent?: unknown;
}
export interface FetchResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponse>;

// One pool per protocol for the whole process: a provider process creates many resources, and reusing TLS
// connections saves a handshake per call. Node unreferences idle pooled sockets, so they never keep it alive.
const httpAgent = new http.Agent({ keepAlive: true });
const httpsAgent = new https.Agent({ keepAlive: true });

export function keepAliveAgentFor(url: string): http.Agent {
  return url.startsWith("http:") ? httpAgent : httpsAgent;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

export const defaultFetch: FetchLike = (url, init) =>
  nodeFetch(url, {
    method: init.method,
    headers: init.headers,
    body: init.body,
    // node-fetch declares its own AbortSignal and Agent types; the runtime objects are the standard ones.
    signal: init.signal as unknown as NodeFetchInit["signal"],
    agent: (init.agent as http.Agent | undefined) ?? keepAliveAgentFor(url),
    // The API never redirects. Following one could turn the order POST into a GET or carry the token to
    // another host (or to plain http); a 3xx is reported as an error instead.
    redirect: "manual",
    // A runaway body must not exhaust memory; the largest real answer (a product page) is far smaller.
    size: MAX_BODY_BYTES,
  });

let cachedVersion: string | undefined;

/** Our package version, found by walking up from this file (works from the sources and from dist/). */
export function packageVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  cachedVersion = "0.0.0";
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "pulumi-yeastar-pseries" && pkg.version) {
        cachedVersion = pkg.version;
        break;
      }
    } catch {
      // not here; keep walking up
    }
    dir = path.dirname(dir);
  }
  return cachedVersion;
}

export interface RawResponse {
  status: number;
  retryAfter: string | null;
  text: string;
}

/** A failure without a usable HTTP response. */
export class TransportFailure {
  constructor(
    /** Short description without secrets: "timeout after 30000 ms", "ECONNRESET", ... */
    readonly reason: string,
    /** False only when the request certainly never reached the server (refused connection, unknown host). */
    readonly maybeSent: boolean,
  ) {}
}

// Errors raised before a single byte reached the server. Everything else (reset, EPIPE, socket hang up, a
// timeout, an unknown error) may have happened after the server got the request.
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ERR_INVALID_URL",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

export function describeFailure(err: unknown): TransportFailure {
  const e = (err ?? {}) as { code?: unknown; errno?: unknown; name?: unknown; message?: unknown };
  const code = typeof e.code === "string" ? e.code : typeof e.errno === "string" ? e.errno : undefined;
  const name = typeof e.name === "string" ? e.name : "Error";
  const message = typeof e.message === "string" ? e.message.slice(0, 200) : String(err).slice(0, 200);
  const reason = code ? `${code}: ${message}` : `${name}: ${message}`;
  return new TransportFailure(reason, !(code && NOT_SENT_CODES.has(code)));
}

/**
 * Sends one request and reads the whole body. The deadline covers connect, send, wait and body; it is enforced
 * both through the abort signal and by a race, so a fetch implementation that ignores the signal still cannot
 * hang the caller.
 */
export async function exchange(
  fetch: FetchLike,
  url: string,
  init: Omit<FetchInit, "signal">,
  timeoutMs: number,
): Promise<RawResponse> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new TransportFailure(`timeout after ${timeoutMs} ms`, true));
    }, timeoutMs);
  });
  const work = (async () => {
    let response: FetchResponse;
    try {
      response = await fetch(url, { ...init, signal: controller.signal });
    } catch (err) {
      throw describeFailure(err);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      // Headers arrived, so the server has the request; the body broke off.
      const failure = describeFailure(err);
      throw new TransportFailure(`response body interrupted (${failure.reason})`, true);
    }
    return { status: response.status, retryAfter: response.headers.get("retry-after"), text };
  })();
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    // The loser of the race must not surface as an unhandled rejection.
    work.catch(() => undefined);
    deadline.catch(() => undefined);
  }
}
