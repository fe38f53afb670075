/**
 * One call of a PBX's own API (provider/api/pbx-api.ts) as pure functions: its URL and request, what its reply
 * means in the terms of `classify` (the read and write rules shared with the Partner Portal client), the error to
 * throw, and how messages are worded for a PBX. `pbx-client.ts` runs them.
 *
 * The access token travels in the query (`?access_token=`): it goes only into the URL that is fetched, never into
 * a logged path, and every error is built with it among the secrets to redact.
 */
import type { z } from "zod";
import { parseJson } from "../api/json";
import { PBX_API_ROOT, PBX_ERRCODES, PBX_PATHS, PbxEnvelope, type PbxEndpoint } from "../api/pbx-api";
import { excerpt, formatIssues } from "./call";
import type { Failure, Happened } from "./classify";
import { ApiError, SchemaError, type ServiceWording, type WordedFailure } from "./errors";
import { parseRetryAfter } from "./retry";
import { keepAliveAgentFor, type RawResponse } from "./transport";

/** What each endpoint is called in messages. */
export const PBX_OPERATIONS: Record<PbxEndpoint, string> = {
  getToken: "get access token",
  refreshToken: "refresh access token",
  capacity: "read extension capacity",
  extensionList: "list extensions",
  extensionSearch: "search extensions",
  extensionGet: "get extension",
  extensionCreate: "create extension",
  extensionUpdate: "update extension",
  extensionDelete: "delete extension",
  inboundRouteList: "list inbound routes",
  inboundRouteGet: "get inbound route",
  inboundRouteCreate: "create inbound route",
  inboundRouteUpdate: "update inbound route",
  inboundRouteDelete: "delete inbound route",
};

export interface PbxCall<T> {
  endpoint: PbxEndpoint;
  method: "GET" | "POST";
  query?: Record<string, string | number | undefined>;
  /** JSON body (POST). */
  json?: unknown;
  /** Checks the whole reply (the envelope's other keys are the result). */
  schema: z.ZodType<T, unknown>;
  /** For messages, e.g. "create extension 101"; default PBX_OPERATIONS[endpoint]. */
  operation?: string;
  /** Values of this request to redact besides the client's (a new extension's passwords). */
  secrets?: string[];
}

export function isTokenEndpoint(endpoint: PbxEndpoint): boolean {
  return endpoint === "getToken" || endpoint === "refreshToken";
}

/** The URL of one call; with `accessToken`, the one that is fetched (never logged, never in a message). */
export function pbxUrlFor(base: URL, spec: PbxCall<unknown>, accessToken?: string): string {
  const prefix = base.pathname.replace(/\/+$/, "");
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) params.set(k, String(v));
  if (accessToken !== undefined) params.set("access_token", accessToken);
  const qs = params.toString();
  return `${base.origin}${prefix}${PBX_API_ROOT}${PBX_PATHS[spec.endpoint]}${qs ? `?${qs}` : ""}`;
}

/** Headers and body of one attempt. */
export function pbxRequestInit(spec: PbxCall<unknown>, url: string, userAgent: string) {
  const headers: Record<string, string> = { "User-Agent": userAgent, Accept: "application/json" };
  let body: string | undefined;
  if (spec.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(spec.json);
  }
  return { method: spec.method, headers, body, agent: keepAliveAgentFor(url) };
}

/**
 * The HTTP status an error code stands for, so that `classify` applies the same rules as to the Partner Portal: a
 * refused token or bad request is a definite "no" (for a write: nothing was done), a rate limit is retried (a
 * read). The PBX answers these on HTTP 200; other codes count as the HTTP status they came with.
 */
const ERRCODE_STATUS: Record<number, number> = {
  [PBX_ERRCODES.tokenExpired]: 401,
  [PBX_ERRCODES.badCredentials]: 401,
  [PBX_ERRCODES.invalidParameter]: 400,
  [PBX_ERRCODES.duplicateNumber]: 409,
  [PBX_ERRCODES.capacityReached]: 409,
  [PBX_ERRCODES.notFound]: 404,
  [PBX_ERRCODES.rateLimited]: 429,
};

export interface PbxReply<T> {
  happened: Exclude<Happened, { kind: "network" }>;
  envelope?: { errcode: number; errmsg: string };
  result?: T;
  issues: string[];
}

/** The facts `classify` needs about a reply, with the envelope and the parsed result or the issues. */
export function readPbxReply<T>(
  spec: PbxCall<T>,
  raw: RawResponse,
  onTokenBody: (parsed: unknown) => void,
): PbxReply<T> {
  const retryAfterMs = parseRetryAfter(raw.retryAfter);
  let parsed: unknown;
  try {
    parsed = parseJson(raw.text);
  } catch (err) {
    const issues = [`body is not JSON (${err instanceof Error ? err.message : String(err)})`];
    return { happened: { kind: "no-envelope", httpStatus: raw.status, retryAfterMs }, issues };
  }
  // Learned before anything else can quote the body.
  if (isTokenEndpoint(spec.endpoint)) onTokenBody(parsed);
  const envelope = PbxEnvelope.safeParse(parsed);
  if (!envelope.success) {
    const issues = formatIssues(envelope.error, "reply");
    return { happened: { kind: "no-envelope", httpStatus: raw.status, retryAfterMs }, issues };
  }
  const { errcode, errmsg } = envelope.data;
  const result = errcode === 0 ? spec.schema.safeParse(parsed) : undefined;
  return {
    happened: {
      kind: "envelope",
      httpStatus: raw.status,
      code: errcode === 0 ? "success" : String(errcode),
      bodyStatus: errcode === 0 ? undefined : ERRCODE_STATUS[errcode],
      resultValid: result?.success ?? false,
      retryAfterMs,
    },
    envelope: { errcode, errmsg },
    result: result?.success ? result.data : undefined,
    issues: result && !result.success ? formatIssues(result.error, "reply") : [],
  };
}

export interface PbxErrorContext {
  operation: string;
  attempts: number;
  secrets: string[];
  retryable: boolean;
  ambiguous: boolean;
  wording: ServiceWording;
}

/** The error a failed decision names. `httpStatus` is the status line as it came (the PBX errs on HTTP 200). */
export function pbxErrorFor(
  decision: Failure,
  spec: PbxCall<unknown>,
  raw: RawResponse,
  reply: PbxReply<unknown>,
  ctx: PbxErrorContext,
): ApiError | SchemaError {
  const retryAfterMs = reply.happened.retryAfterMs;
  switch (decision.cause) {
    case "garbled":
    case "schema":
      return new SchemaError({ ...ctx, issues: reply.issues, httpStatus: raw.status });
    case "http":
      return new ApiError({
        ...ctx,
        httpStatus: raw.status,
        code: `http_${raw.status}`,
        // A token reply may hold a token we have not learned yet; show none of it.
        detailMessage: isTokenEndpoint(spec.endpoint)
          ? "no API reply in the response"
          : `no API reply in the response (${excerpt(raw.text)})`,
        retryAfterMs,
      });
    default: {
      const env = reply.envelope as { errcode: number; errmsg: string };
      return new ApiError({
        ...ctx,
        httpStatus: raw.status,
        code: String(env.errcode),
        detailMessage: env.errmsg,
        retryAfterMs,
        fromEnvelope: true,
      });
    }
  }
}

/** The PBX's error code of an error of the PBX client, when the PBX answered with one. */
export function pbxErrcodeOf(err: unknown): number | undefined {
  return err instanceof ApiError && err.fromEnvelope && /^\d+$/.test(err.code) ? Number(err.code) : undefined;
}

/** How messages about one PBX are worded; `where` names it (its host, and the sandbox's path). */
export function pbxWording(where: string): ServiceWording {
  return { name: `Yeastar PBX API (${where})`, requestIds: false, advice: (f) => pbxAdvice(where, f) };
}

function pbxAdvice(where: string, f: WordedFailure): string {
  const route = /inbound route/.test(f.operation);
  if (f.ambiguous) {
    return (
      `The PBX may or may not have carried out "${f.operation}". Do not send it again blindly: first look the ` +
      `${route ? "inbound route up by its name" : "extension up by its number"} (the provider does this itself before it creates again)`
    );
  }
  const write = /^(create|update|delete) /.test(f.operation);
  const nothing = write ? "Nothing was changed on the PBX. " : "";
  if (route && Number(f.code) === PBX_ERRCODES.duplicateNumber) {
    return `${nothing}That inbound route name is taken on the PBX: import the route or choose another name`;
  }
  if (route && Number(f.code) === PBX_ERRCODES.notFound) {
    return `${nothing}The PBX has no inbound route with that id (was it deleted on the PBX?)`;
  }
  if (f.kind === "network") return `${nothing}Check network access to ${where} (proxy, firewall, DNS) and run again`;
  if (f.kind === "schema") return "The PBX's API may have changed; report the issues to the provider maintainers";
  switch (Number(f.code)) {
    case PBX_ERRCODES.badCredentials:
      return (
        `The PBX at ${where} refused the PBX API client id and secret: check the client id and secret of the ` +
        "PBX's own API (its web portal, Integrations > API, where the API must be switched on); they are not the " +
        "Partner Portal's"
      );
    case PBX_ERRCODES.tokenExpired:
      return `${nothing}The PBX refused the access token; run again`;
    case PBX_ERRCODES.duplicateNumber:
      return `${nothing}That extension number is taken on the PBX: import the extension or choose another number`;
    case PBX_ERRCODES.capacityReached:
      return (
        `${nothing}The PBX has as many extensions as it was bought with: buy more (Extension Expansion) or ` +
        "remove some"
      );
    case PBX_ERRCODES.notFound:
      return `${nothing}The PBX has no extension with that id (was it deleted on the PBX?)`;
  }
  const s = f.httpStatus ?? 0;
  if (s === 404) return `${nothing}No PBX API answers at ${where}: check the PBX's URL and that the PBX is active`;
  if (s === 429 || Number(f.code) === PBX_ERRCODES.rateLimited) {
    return `${nothing}The PBX is rate limiting this client; wait a minute and run again`;
  }
  if (s >= 500) return `${nothing}The PBX had a server error; run again later`;
  return `${nothing}Fix the request values named above and run again`;
}
