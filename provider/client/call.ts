/**
 * One call of the Partner Portal API as pure functions: its URL and request, and what its response means (the
 * facts `classify` decides on, the parsed result, or the error to throw). `client.ts` runs them.
 */
import type { z } from "zod";
import { PATHS, type EndpointName } from "../api/catalog";
import { parseJson, stringifyJson } from "../api/json";
import { Envelope } from "../api/schemas";
import { effectiveStatus, type Failure, type Happened } from "./classify";
import { ApiError, SchemaError } from "./errors";
import { parseRetryAfter } from "./retry";
import { keepAliveAgentFor, type RawResponse } from "./transport";

/** What each endpoint is called in messages; the user reads these. */
export const OPERATIONS: Record<EndpointName, string> = {
  token: "request access token",
  regionList: "list regions",
  pbxUrlExisted: "check PBX URL",
  billingContactList: "list billing contacts",
  subordinateUserList: "list subordinate users",
  subordinateUser: "get subordinate user",
  saveUser: "create subordinate user",
  countryList: "list countries",
  productList: "list products",
  productDetail: "get product",
  orderSave: "create order",
  orderList: "list orders",
  orderDetail: "get order",
  priceCalculate: "calculate price",
  autoRenewEnable: "enable auto-renewal",
  autoRenewStatus: "get auto-renewal status",
};

export interface CallSpec<T> {
  endpoint: EndpointName;
  method: "GET" | "POST";
  /** Path suffix after PATHS[endpoint], e.g. "/123" for order detail. */
  suffix?: string;
  query?: Record<string, string | number | undefined>;
  /** JSON body; ID fields are written as bare integers. */
  json?: unknown;
  /** Form body (token endpoint only). */
  form?: Record<string, string>;
  schema: z.ZodType<T, unknown>;
}

/** A response as `attempt` reads it: the facts for `classify`, and what the result or the error is built from. */
export interface Reply<T> {
  happened: Exclude<Happened, { kind: "network" }>;
  envelope?: Envelope;
  result?: T;
  /** Why the body or the result is unusable, for a SchemaError. */
  issues: string[];
}

/** The error a failed decision names, with every detail the response gave. */
export function errorFor(
  decision: Failure,
  spec: CallSpec<unknown>,
  raw: RawResponse,
  reply: Reply<unknown>,
  ctx: { operation: string; attempts: number; secrets: string[]; retryable: boolean; ambiguous: boolean },
): ApiError | SchemaError {
  const retryAfterMs = reply.happened.retryAfterMs;
  switch (decision.cause) {
    case "garbled":
      // A truncated or garbled body is usually transient; the same read may well succeed next time.
      return new SchemaError({ ...ctx, issues: reply.issues, httpStatus: raw.status });
    case "schema":
      // Retrying will not help (the same server sends the same shape); an order may have been placed anyway.
      return new SchemaError({
        ...ctx,
        issues: reply.issues,
        requestId: reply.envelope?.requestId,
        httpStatus: raw.status,
      });
    case "http":
      return new ApiError({
        ...ctx,
        httpStatus: raw.status,
        code: `http_${raw.status}`,
        // The token endpoint's body may hold credentials we have not learned yet; show none of it.
        detailMessage:
          spec.endpoint === "token"
            ? "no API envelope in the response"
            : `no API envelope in the response (${excerpt(raw.text)})`,
        retryAfterMs,
      });
    default: {
      // "api": an error envelope.
      const env = reply.envelope as Envelope;
      return new ApiError({
        ...ctx,
        httpStatus: effectiveStatus(raw.status, env.status),
        code: env.code,
        detailMessage: env.detailMessage,
        requestId: env.requestId,
        fieldErrors: fieldErrorsOf(env.result),
        retryAfterMs,
        fromEnvelope: true,
      });
    }
  }
}

/** Headers and body of one attempt; ID fields in a JSON body go out as bare integers. */
export function requestInit(
  spec: CallSpec<unknown>,
  url: string,
  authorization: string | undefined,
  userAgent: string,
) {
  const headers: Record<string, string> = { "User-Agent": userAgent, Accept: "application/json" };
  if (authorization) headers.Authorization = authorization;
  let body: string | undefined;
  if (spec.form) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(spec.form).toString();
  } else if (spec.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = stringifyJson(spec.json);
  }
  return { method: spec.method, headers, body, agent: keepAliveAgentFor(url) };
}

/** The facts `classify` needs about a response, with the envelope and the parsed result or the issues. */
export function readReply<T>(spec: CallSpec<T>, raw: RawResponse, onTokenBody: (parsed: unknown) => void): Reply<T> {
  const retryAfterMs = parseRetryAfter(raw.retryAfter);
  let parsed: unknown;
  try {
    parsed = parseJson(raw.text);
  } catch (err) {
    const issues = [`body is not JSON (${err instanceof Error ? err.message : String(err)})`];
    return { happened: { kind: "no-envelope", httpStatus: raw.status, retryAfterMs }, issues };
  }
  if (spec.endpoint === "token") onTokenBody(parsed);
  const envelope = Envelope.safeParse(parsed);
  if (!envelope.success) {
    const issues = formatIssues(envelope.error, "envelope");
    return { happened: { kind: "no-envelope", httpStatus: raw.status, retryAfterMs }, issues };
  }
  const env = envelope.data;
  const result = spec.schema.safeParse(env.result);
  return {
    happened: {
      kind: "envelope",
      httpStatus: raw.status,
      code: env.code,
      bodyStatus: env.status,
      resultValid: result.success,
      retryAfterMs,
    },
    envelope: env,
    result: result.success ? result.data : undefined,
    issues: result.success ? [] : formatIssues(result.error, "result"),
  };
}

/** The URL of one call: base URL path, endpoint path, suffix and query. */
export function urlFor(base: URL, spec: CallSpec<unknown>): string {
  const prefix = base.pathname.replace(/\/+$/, "");
  let url = `${base.origin}${prefix}${PATHS[spec.endpoint]}${spec.suffix ?? ""}`;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  if (qs) url += `?${qs}`;
  return url;
}

/** `result` of an error envelope, when it is the documented "field -> reason" map. */
function fieldErrorsOf(result: unknown): Record<string, string> | undefined {
  if (!result || typeof result !== "object" || Array.isArray(result)) return undefined;
  const entries = Object.entries(result as Record<string, unknown>);
  if (entries.length === 0 || !entries.every(([, v]) => typeof v === "string")) return undefined;
  return Object.fromEntries(entries) as Record<string, string>;
}

/** Zod issues as "root.path: message" lines (no values: they may hold credentials). */
export function formatIssues(error: z.ZodError, root: string): string[] {
  return error.issues.map((issue) => {
    const where = [root, ...issue.path.map(String)].join(".");
    return `${where}: ${issue.message}`;
  });
}

/** The start of a body that is not an envelope (a proxy page), for a message; redacted where it is stored. */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat === "") return "empty body";
  return flat.length > 120 ? `body starts ${JSON.stringify(flat.slice(0, 120))}...` : `body ${JSON.stringify(flat)}`;
}

/**
 * A 429 is the account's limit, not this request's: every request of the client not yet sent waits for its
 * `Retry-After` and then goes at a learned pace (gate.ts), so a fleet does not earn a 429 per request. The request
 * itself is retried (a read) or looked up and sent again (an order, provider/pbx/orders.ts) by its caller.
 */
export function rateLimitedStatus(happened: Reply<unknown>["happened"]): { retryAfterMs?: number } | undefined {
  const status =
    happened.kind === "envelope" ? effectiveStatus(happened.httpStatus, happened.bodyStatus) : happened.httpStatus;
  return status === 429 ? { retryAfterMs: happened.retryAfterMs } : undefined;
}

/** The log line for a 429: how long every request is held, and the pace after. */
export function rateLimitLine(operation: string, retryAfterMs: number | undefined, pace: number): string {
  const held = retryAfterMs === undefined ? "" : `holding every request for ${retryAfterMs} ms (Retry-After), then `;
  return `yeastar: ${operation}: HTTP 429, rate limited; ${held}sending at most ${pace.toFixed(1)} requests per second`;
}
