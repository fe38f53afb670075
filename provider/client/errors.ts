/**
 * Errors thrown by the Partner Portal client, and by the PBX client (pbx-client.ts), which words them for a PBX
 * through a `ServiceWording`.
 *
 * Only `message` reaches a Pulumi user, so each message names the operation, the HTTP status, the API code, the
 * request id and what to do next. Every string stored on an error passes through `redact` before it is stored:
 * no error keeps request headers, request bodies or the raw error of the HTTP stack, because any of those may
 * hold the client secret or a token.
 */
import { isTokenRejection } from "./classify";
import { redact } from "./redact";

/** Secrets known at the time the error is built; used for redaction only and never stored. */
export interface RedactionContext {
  secrets?: Iterable<string>;
}

const CREDENTIALS_HINT =
  "check yeastar:clientId and yeastar:clientSecret (or YEASTAR_CLIENT_ID / YEASTAR_CLIENT_SECRET) and that API " +
  "access is switched on in the Partner Portal under System > API";

const ORDER_AMBIGUOUS_HINT =
  "The order may or may not have been placed. Do not order again blindly: first look for the PBX by its URL in " +
  "the Partner Portal product list (the provider does this itself before it orders again)";

/**
 * Who answered and what the user should do next. The messages are the Partner Portal's unless an error's init
 * names another service (the PBX client words its own; provider/client/pbx-call.ts).
 */
export interface ServiceWording {
  /** Starts every message, e.g. "Yeastar PBX API (acme-hq.eu.yeastarcloud.com)". */
  name: string;
  /** Whether the service's replies carry a request id worth naming in a message. */
  requestIds: boolean;
  /** The advice that ends a message. */
  advice(failure: WordedFailure): string;
}

/** What the advice is chosen from. */
export interface WordedFailure {
  kind: "api" | "network" | "schema";
  operation: string;
  ambiguous: boolean;
  httpStatus?: number;
  code?: string;
}

function clean(text: string, ctx: RedactionContext): string {
  return redact(text, ctx.secrets ?? []);
}

function describeRequestId(requestId: string): string {
  return requestId ? `requestId ${requestId}` : "no requestId";
}

/** Base class; `ambiguous` is true only when a non-idempotent call (an order) may have taken effect. */
export class YeastarError extends Error {
  ambiguous: boolean;

  constructor(message: string, options: RedactionContext & { ambiguous?: boolean } = {}) {
    super(clean(message, options));
    this.ambiguous = options.ambiguous ?? false;
  }
}
Object.defineProperty(YeastarError.prototype, "name", { value: "YeastarError", writable: true });

export interface ApiErrorInit extends RedactionContext {
  operation: string;
  httpStatus: number;
  code: string;
  detailMessage?: string;
  requestId?: string;
  fieldErrors?: Record<string, string>;
  retryable: boolean;
  ambiguous?: boolean;
  /** How many attempts were made, for the message. */
  attempts?: number;
  /** The server's Retry-After, in ms, already capped. */
  retryAfterMs?: number;
  /** True when the API itself sent an error envelope (not a proxy page or a bare HTTP error). */
  fromEnvelope?: boolean;
  /** Default: the Partner Portal's. */
  wording?: ServiceWording;
}

/** The API answered with an error envelope (or an HTTP error without one). */
export class ApiError extends YeastarError {
  operation: string;
  httpStatus: number;
  code: string;
  detailMessage: string;
  requestId: string;
  fieldErrors?: Record<string, string>;
  retryable: boolean;
  retryAfterMs?: number;
  /** True when the error came in the API's own envelope, so `code` is the API's word, not ours. */
  fromEnvelope: boolean;

  constructor(init: ApiErrorInit) {
    super(apiErrorMessage(init), init);
    this.operation = init.operation;
    this.httpStatus = init.httpStatus;
    this.code = clean(init.code, init);
    this.detailMessage = clean(init.detailMessage ?? "", init);
    this.requestId = clean(init.requestId ?? "", init);
    if (init.fieldErrors) {
      this.fieldErrors = Object.fromEntries(
        Object.entries(init.fieldErrors).map(([k, v]) => [clean(k, init), clean(v, init)]),
      );
    }
    this.retryable = init.retryable;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    this.fromEnvelope = init.fromEnvelope ?? false;
  }
}
Object.defineProperty(ApiError.prototype, "name", { value: "ApiError", writable: true });

function apiErrorMessage(init: ApiErrorInit): string {
  const name = init.wording?.name ?? "Yeastar API";
  const parts = [`${name}: ${init.operation} failed: HTTP ${init.httpStatus}, code "${init.code}"`];
  if (init.wording?.requestIds !== false) parts.push(`, ${describeRequestId(init.requestId ?? "")}`);
  if (init.detailMessage) parts.push(`: ${init.detailMessage}`);
  const fields = Object.entries(init.fieldErrors ?? {});
  if (fields.length > 0) parts.push(` (${fields.map(([k, v]) => `${k}: ${v}`).join("; ")})`);
  if (init.attempts && init.attempts > 1) parts.push(` after ${init.attempts} attempts`);
  const advice = init.wording
    ? init.wording.advice({ kind: "api", ambiguous: init.ambiguous ?? false, ...pick(init) })
    : apiAdvice(init);
  parts.push(`. ${advice}.`);
  return parts.join("");
}

function pick(init: ApiErrorInit): Omit<WordedFailure, "kind" | "ambiguous"> {
  return { operation: init.operation, httpStatus: init.httpStatus, code: init.code };
}

function apiAdvice(init: ApiErrorInit): string {
  if (init.ambiguous) return ORDER_AMBIGUOUS_HINT;
  const s = init.httpStatus;
  const orderHint = init.operation === "create order" ? "No order was placed. " : "";
  if (s === 401) return `${orderHint}The API refused the credentials: ${CREDENTIALS_HINT}`;
  if (s === 403)
    return (
      `${orderHint}The partner account may not call this API: ask the Yeastar account manager for API permission ` +
      "and check the client IP allow-list under System > API"
    );
  if (s === 404) return `${orderHint}The object does not exist (or the base URL points at the wrong service)`;
  if (s === 429) return `${orderHint}The API is rate limiting this client; wait a minute and run again`;
  if (s >= 500) return `${orderHint}The Partner Portal had a server error; run again later`;
  return `${orderHint}Fix the request values named above and run again`;
}

export interface NetworkErrorInit extends RedactionContext {
  operation: string;
  /** Short cause: "timeout after 30000 ms", "ECONNRESET", ... (already free of secrets after redaction). */
  reason: string;
  baseUrl: string;
  ambiguous: boolean;
  retryable: boolean;
  attempts?: number;
  /** Default: the Partner Portal's. */
  wording?: ServiceWording;
}

/** No usable HTTP response: DNS, connect, reset, timeout. */
export class NetworkError extends YeastarError {
  operation: string;
  reason: string;
  retryable: boolean;

  constructor(init: NetworkErrorInit) {
    const tries = init.attempts && init.attempts > 1 ? ` after ${init.attempts} attempts` : "";
    const advice = init.wording
      ? init.wording.advice({ kind: "network", operation: init.operation, ambiguous: init.ambiguous })
      : init.ambiguous
        ? ORDER_AMBIGUOUS_HINT
        : `Check network access to ${init.baseUrl} (proxy, firewall, DNS) and run again`;
    const name = init.wording?.name ?? "Yeastar API";
    super(`${name}: ${init.operation} failed: network error (${init.reason})${tries}. ${advice}.`, init);
    this.operation = init.operation;
    this.reason = clean(init.reason, init);
    this.retryable = init.retryable;
  }
}
Object.defineProperty(NetworkError.prototype, "name", { value: "NetworkError", writable: true });

export interface SchemaErrorInit extends RedactionContext {
  operation: string;
  issues: string[];
  requestId?: string;
  httpStatus: number;
  /** True when the body was not even a JSON envelope (truncated or garbled): a repeat may succeed. */
  retryable: boolean;
  ambiguous?: boolean;
  attempts?: number;
  /** Default: the Partner Portal's. */
  wording?: ServiceWording;
}

/** The API answered, but not in the shape we rely on. */
export class SchemaError extends YeastarError {
  operation: string;
  issues: string[];
  requestId: string;
  httpStatus: number;
  retryable: boolean;

  constructor(init: SchemaErrorInit) {
    const shown =
      init.issues.slice(0, 5).join("; ") + (init.issues.length > 5 ? `; and ${init.issues.length - 5} more` : "");
    const tries = init.attempts && init.attempts > 1 ? ` after ${init.attempts} attempts` : "";
    const wording = init.wording;
    const advice = wording
      ? wording.advice({
          kind: "schema",
          operation: init.operation,
          ambiguous: init.ambiguous ?? false,
          httpStatus: init.httpStatus,
        })
      : init.ambiguous
        ? ORDER_AMBIGUOUS_HINT
        : "The Partner Portal API may have changed; report the requestId and the issues to the provider maintainers";
    const requestId = wording?.requestIds === false ? "" : `, ${describeRequestId(init.requestId ?? "")}`;
    super(
      `${wording?.name ?? "Yeastar API"}: ${init.operation} returned an unexpected response: HTTP ` +
        `${init.httpStatus}${requestId}: ${shown}${tries}. ${advice}.`,
      init,
    );
    this.operation = init.operation;
    this.issues = init.issues.map((i) => clean(i, init));
    this.requestId = clean(init.requestId ?? "", init);
    this.httpStatus = init.httpStatus;
    this.retryable = init.retryable;
  }
}
Object.defineProperty(SchemaError.prototype, "name", { value: "SchemaError", writable: true });

/** Bad client settings; thrown before any request is sent. */
export class ConfigError extends YeastarError {
  field: string;
  value?: string;

  /** Pass `value` only for settings that are not secret; it is shown to the user. */
  constructor(field: string, problem: string, value?: string, ctx: RedactionContext = {}) {
    const shown = value === undefined ? "" : ` (got ${JSON.stringify(value)})`;
    super(`Yeastar provider: invalid "${field}"${shown}: ${problem}.`, ctx);
    this.field = field;
    if (value !== undefined) this.value = clean(value, ctx);
  }
}
Object.defineProperty(ConfigError.prototype, "name", { value: "ConfigError", writable: true });

/** A refused access token (expired or revoked): the read that met it gets a new token and is sent once more. */
export function isTokenRejected(err: unknown): boolean {
  return err instanceof ApiError && isTokenRejection(err.httpStatus, err.code);
}

/** The operation an error of this client names, if it is one of ours. */
export function operationOf(err: unknown): string | undefined {
  return err instanceof ApiError || err instanceof NetworkError || err instanceof SchemaError
    ? err.operation
    : undefined;
}
