/**
 * The Partner Portal client: envelope and schema checks, token handling, retries for reads, and the one rule that
 * matters most: the order POST is sent exactly once, and any doubt about its outcome is reported as ambiguous.
 */
import { createHash } from "node:crypto";
import type { z } from "zod";
import { ID_FIELDS, MAX_REQUESTS_PER_SECOND, PATHS, PCE_PRODUCT_ID, type EndpointName } from "../api/catalog";
import { parseJson, stringifyJson } from "../api/json";
import { allEntries } from "../api/paging";
import type { PageRequest, PartnerApi } from "../api/partner-api";
import {
  BillingContactList,
  Envelope,
  OrderDetail,
  OrderList,
  OrderResult,
  PbxUrlExisted,
  PriceQuote,
  ProductDetail,
  ProductList,
  RegionList,
  SubordinateUserList,
  TokenResult,
  type BillingContact,
  type OrderInfo,
  type OrderRequest,
  type Page,
  type PriceRequest,
  type ProductInfo,
  type RegionInfo,
  type SubordinateUser,
} from "../api/schemas";
import { TokenManager } from "./auth";
import { assertSafeBaseUrl } from "./base-url";
import {
  classify,
  classifyNetwork,
  effectiveStatus,
  errorFlags,
  isTokenRejection,
  type CallKind,
  type Failure,
  type Happened,
} from "./classify";
import { ApiError, ConfigError, NetworkError, SchemaError } from "./errors";
import { RequestGate } from "./gate";
import { redact } from "./redact";
import { parseRetryAfter, withRetries, type RetryDecision, type RetryPolicy } from "./retry";
import {
  defaultFetch,
  exchange,
  keepAliveAgentFor,
  packageVersion,
  TransportFailure,
  type FetchLike,
  type RawResponse,
} from "./transport";

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

/** What each endpoint is called in messages; the user reads these. */
export const OPERATIONS: Record<EndpointName, string> = {
  token: "request access token",
  regionList: "list regions",
  pbxUrlExisted: "check PBX URL",
  billingContactList: "list billing contacts",
  subordinateUserList: "list subordinate users",
  productList: "list products",
  productDetail: "get product",
  orderSave: "create order",
  orderList: "list orders",
  orderDetail: "get order",
  priceCalculate: "calculate price",
};

const PRODUCT_NOT_FOUND_CODES = new Set(["product_not_found"]);
/** Tokens remembered for redaction; older ones are long expired and will not show up in a response. */
const MAX_REMEMBERED_TOKENS = 50;

interface CallSpec<T> {
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
interface Reply<T> {
  happened: Exclude<Happened, { kind: "network" }>;
  envelope?: Envelope;
  result?: T;
  /** Why the body or the result is unusable, for a SchemaError. */
  issues: string[];
}

type Stats = {
  calls: Record<EndpointName, number>;
  tokenRequests: number;
  /** Replies with HTTP 429 (rate limited), every endpoint together. */
  rateLimited: number;
};

/** Highest `requestsPerSecond` accepted (provider/api/catalog.ts; settings.ts checks the same bound). */
export { MAX_REQUESTS_PER_SECOND };

export class PartnerClient implements PartnerApi {
  readonly stats: Stats;

  private readonly base: URL;
  private readonly fetch: FetchLike;
  private readonly userAgent: string;
  private readonly timeoutMs: number;
  private readonly orderTimeoutMs: number;
  private readonly retryPolicy: RetryPolicy;
  private readonly logSink?: (line: string) => void;
  // Credentials live in ES private fields, which util.inspect, JSON.stringify and Object.keys never show.
  readonly #clientSecret: string;
  readonly #tokenSecrets: string[] = [];
  readonly #tokens: TokenManager;
  private readonly cache = new Map<string, Promise<unknown>>();
  private readonly gate: RequestGate;

  constructor(opts: ClientOptions) {
    this.base = assertSafeBaseUrl(opts.baseUrl, opts);
    if (!opts.clientId || typeof opts.clientId !== "string") {
      throw new ConfigError("clientId", "must be set (yeastar:clientId or YEASTAR_CLIENT_ID)");
    }
    if (!opts.clientSecret || typeof opts.clientSecret !== "string") {
      // Never echo a secret, not even a malformed one.
      throw new ConfigError("clientSecret", "must be set (yeastar:clientSecret or YEASTAR_CLIENT_SECRET)");
    }
    this.#clientSecret = opts.clientSecret;
    this.fetch = opts.fetch ?? defaultFetch;
    this.userAgent = opts.userAgent ?? `pulumi-yeastar-pseries/${packageVersion()}`;
    this.timeoutMs = positive(opts.timeoutMs, 30_000, "timeoutMs");
    this.orderTimeoutMs = positive(opts.orderTimeoutMs, 60_000, "orderTimeoutMs");
    this.retryPolicy = {
      retries: nonNegative(opts.retry?.retries, 4, "retry.retries"),
      baseDelayMs: nonNegative(opts.retry?.baseDelayMs, 200, "retry.baseDelayMs"),
      maxDelayMs: nonNegative(opts.retry?.maxDelayMs, 5000, "retry.maxDelayMs"),
    };
    this.logSink = opts.log;
    this.gate = new RequestGate(requestRate(opts.requestsPerSecond));
    const calls = Object.fromEntries(Object.keys(PATHS).map((k) => [k, 0])) as Record<EndpointName, number>;
    this.stats = { calls, tokenRequests: 0, rateLimited: 0 };
    this.#tokens = new TokenManager({
      clientId: opts.clientId,
      clientSecret: opts.clientSecret,
      now: opts.now ?? Date.now,
      refreshMarginSeconds: nonNegative(opts.refreshMarginSeconds, 120, "refreshMarginSeconds"),
      log: (line) => this.log(line),
      requestToken: (form) => this.read({ endpoint: "token", method: "POST", form, schema: TokenResult }),
    });
  }

  /** The current access token (fetching or refreshing it when due). */
  async getToken(): Promise<string> {
    return (await this.#tokens.session()).token;
  }

  // ---- PartnerApi ----

  listRegions(): Promise<RegionInfo[]> {
    return this.cached("regions", () => this.read({ endpoint: "regionList", method: "GET", schema: RegionList }));
  }

  isPbxUrlTaken(pbxUrl: string): Promise<boolean> {
    return this.read({ endpoint: "pbxUrlExisted", method: "GET", query: { pbxUrl }, schema: PbxUrlExisted });
  }

  listBillingContacts(): Promise<BillingContact[]> {
    return this.cached("billingContacts", () =>
      this.read({ endpoint: "billingContactList", method: "GET", schema: BillingContactList }),
    );
  }

  listSubordinateUsers(): Promise<SubordinateUser[]> {
    return this.cached("subordinateUsers", () =>
      this.read({ endpoint: "subordinateUserList", method: "GET", schema: SubordinateUserList }),
    );
  }

  listProducts(page: PageRequest = {}): Promise<Page<ProductInfo>> {
    return this.read({
      endpoint: "productList",
      method: "GET",
      query: { productId: PCE_PRODUCT_ID, pageNo: page.pageNo, pageSize: page.pageSize },
      schema: ProductList,
    });
  }

  async findProductByUrl(pbxUrl: string): Promise<ProductInfo | undefined> {
    // Host names are case-insensitive; a trailing dot is the same host.
    const wanted = normalizeHost(pbxUrl);
    // A PBX whose purchase failed keeps its listing but frees its URL: one bought again later wins over it.
    let failed: ProductInfo | undefined;
    for await (const p of allEntries((page) => this.listProducts(page))) {
      if (normalizeHost(p.pbxUrl) !== wanted) continue;
      if (p.status !== "failed") return p;
      failed ??= p;
    }
    return failed;
  }

  async getProduct(productNo: string): Promise<ProductDetail | undefined> {
    try {
      return await this.read({
        endpoint: "productDetail",
        method: "GET",
        query: { productId: PCE_PRODUCT_ID, productNo },
        schema: ProductDetail,
      });
    } catch (err) {
      // Only a not-found the API itself stated (a parsed envelope) counts: a bare 404 from a proxy or a wrong
      // base URL must not make the provider drop a paid PBX from state.
      if (
        err instanceof ApiError &&
        err.fromEnvelope &&
        (err.httpStatus === 404 || PRODUCT_NOT_FOUND_CODES.has(err.code))
      ) {
        return undefined;
      }
      throw err;
    }
  }

  async createOrder(order: OrderRequest): Promise<OrderResult> {
    assertIdFields(order, this.secrets());
    const spec: CallSpec<OrderResult> = { endpoint: "orderSave", method: "POST", json: order, schema: OrderResult };
    // The token is fetched (and retried) before the order leaves; a token failure places no order.
    const session = await this.#tokens.session();
    try {
      return await this.attempt(spec, session.authorization, 1, false);
    } catch (err) {
      if (err instanceof ApiError && err.httpStatus === 401) this.#tokens.invalidate(session.token);
      throw err;
    }
  }

  getOrder(orderNoOrId: string): Promise<OrderDetail> {
    return this.read({
      endpoint: "orderDetail",
      method: "GET",
      suffix: `/${encodeURIComponent(orderNoOrId)}`,
      schema: OrderDetail,
    });
  }

  listOrders(page: PageRequest = {}): Promise<Page<OrderInfo>> {
    return this.read({
      endpoint: "orderList",
      method: "GET",
      query: { pageNo: page.pageNo, pageSize: page.pageSize },
      schema: OrderList,
    });
  }

  calculatePrice(request: PriceRequest): Promise<PriceQuote> {
    assertIdFields(request, this.secrets());
    // A price calculation changes nothing on the server, so it is retried like a read.
    return this.read({ endpoint: "priceCalculate", method: "POST", json: request, schema: PriceQuote });
  }

  // ---- machinery ----

  /** Idempotent call: retried on 429/5xx/network/garbled bodies, and re-authenticated once after a 401. */
  private read<T>(spec: CallSpec<T>): Promise<T> {
    const authenticated = spec.endpoint !== "token";
    let reauthenticated = false;
    return withRetries(
      async (attemptNo) => {
        if (!authenticated) return this.attempt(spec, undefined, attemptNo, true);
        const session = await this.#tokens.session();
        try {
          return await this.attempt(spec, session.authorization, attemptNo, true);
        } catch (err) {
          if (reauthenticated || !isTokenRejected(err)) throw err;
          reauthenticated = true;
          this.log(`yeastar: ${OPERATIONS[spec.endpoint]}: access token rejected; getting a new one and retrying once`);
          this.#tokens.invalidate(session.token);
          const fresh = await this.#tokens.session();
          return this.attempt(spec, fresh.authorization, attemptNo, true);
        }
      },
      this.retryPolicy,
      (err) => this.retryDecision(spec, err),
      (err, next, retryAfterMs) => {
        const why = err instanceof Error ? err.message : String(err);
        const after = retryAfterMs ? `, Retry-After ${retryAfterMs} ms` : "";
        this.log(
          `yeastar: ${OPERATIONS[spec.endpoint]}: retrying (attempt ${next} of ${this.retryPolicy.retries + 1}${after}) after: ${why}`,
        );
      },
    );
  }

  private retryDecision(spec: CallSpec<unknown>, err: unknown): RetryDecision {
    // A token failure inside a read was already retried by the token request itself; retrying the read would
    // multiply the attempts.
    if (spec.endpoint !== "token" && operationOf(err) === OPERATIONS.token) return { retry: false };
    if (err instanceof ApiError) return { retry: err.retryable, retryAfterMs: err.retryAfterMs };
    if (err instanceof NetworkError || err instanceof SchemaError) return { retry: err.retryable };
    return { retry: false };
  }

  /** One HTTP attempt, mapped to a result or to exactly one of our error types; `classify` decides which. */
  private async attempt<T>(
    spec: CallSpec<T>,
    authorization: string | undefined,
    attemptNo: number,
    idempotent: boolean,
  ): Promise<T> {
    const call: CallKind = { idempotent };
    const url = this.urlFor(spec);
    const shownPath = url.slice(this.base.origin.length);
    // Secrets are read when the error is built: a token response teaches us new ones.
    const context = () => ({ operation: OPERATIONS[spec.endpoint], attempts: attemptNo, secrets: this.secrets() });
    this.stats.calls[spec.endpoint] += 1;
    if (spec.endpoint === "token") this.stats.tokenRequests += 1;

    await this.gate.acquire();
    const started = Date.now();
    let raw: RawResponse;
    try {
      raw = await exchange(this.fetch, url, this.requestInit(spec, url, authorization), this.timeoutFor(call));
    } catch (err) {
      const failure = err instanceof TransportFailure ? err : new TransportFailure(String(err), true);
      this.log(`yeastar: ${spec.method} ${shownPath} -> network error (${failure.reason}) attempt ${attemptNo}`);
      throw new NetworkError({
        ...context(),
        reason: failure.reason,
        baseUrl: this.base.origin,
        // An order is never repeated by us; "retryable" tells the caller whether repeating is safe.
        ...errorFlags(classifyNetwork(failure.maybeSent, call)),
      });
    }

    const reply = this.readReply(spec, raw);
    const ms = Date.now() - started;
    const env = reply.envelope;
    this.log(
      env === undefined
        ? `yeastar: ${spec.method} ${shownPath} -> HTTP ${raw.status}, no valid envelope, ${ms} ms, attempt ${attemptNo}`
        : `yeastar: ${spec.method} ${shownPath} -> HTTP ${raw.status} code=${env.code} requestId=${env.requestId || "-"} ${ms} ms, attempt ${attemptNo}`,
    );
    this.noteRateLimit(reply.happened, spec);
    const decision = classify(reply.happened, call);
    if (decision.kind === "success") return reply.result as T;
    throw this.errorFor(decision, spec, raw, reply, { ...context(), ...errorFlags(decision) });
  }

  /**
   * A 429 is the account's limit, not this request's: every request of this client not yet sent waits for its
   * `Retry-After` and then goes at a learned pace (gate.ts), so a fleet does not earn a 429 per request. The
   * request itself is retried (a read) or looked up and sent again (an order, provider/pbx/orders.ts) by its caller.
   */
  private noteRateLimit(happened: Reply<unknown>["happened"], spec: CallSpec<unknown>): void {
    const status =
      happened.kind === "envelope" ? effectiveStatus(happened.httpStatus, happened.bodyStatus) : happened.httpStatus;
    if (status !== 429) return;
    this.stats.rateLimited += 1;
    const pace = this.gate.rateLimited(happened.retryAfterMs);
    const held =
      happened.retryAfterMs === undefined
        ? ""
        : `holding every request for ${happened.retryAfterMs} ms (Retry-After), then `;
    this.log(
      `yeastar: ${OPERATIONS[spec.endpoint]}: HTTP 429, rate limited; ${held}sending at most ${pace.toFixed(1)} requests per second`,
    );
  }

  /** The error a failed decision names, with every detail the response gave. */
  private errorFor(
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
  private requestInit(spec: CallSpec<unknown>, url: string, authorization: string | undefined) {
    const headers: Record<string, string> = { "User-Agent": this.userAgent, Accept: "application/json" };
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

  private timeoutFor(call: CallKind): number {
    return call.idempotent ? this.timeoutMs : this.orderTimeoutMs;
  }

  /** The facts `classify` needs about a response, with the envelope and the parsed result or the issues. */
  private readReply<T>(spec: CallSpec<T>, raw: RawResponse): Reply<T> {
    const retryAfterMs = parseRetryAfter(raw.retryAfter);
    let parsed: unknown;
    try {
      parsed = parseJson(raw.text);
    } catch (err) {
      const issues = [`body is not JSON (${err instanceof Error ? err.message : String(err)})`];
      return { happened: { kind: "no-envelope", httpStatus: raw.status, retryAfterMs }, issues };
    }
    if (spec.endpoint === "token") this.rememberTokens(parsed);
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

  private urlFor(spec: CallSpec<unknown>): string {
    const prefix = this.base.pathname.replace(/\/+$/, "");
    let url = `${this.base.origin}${prefix}${PATHS[spec.endpoint]}${spec.suffix ?? ""}`;
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    if (qs) url += `?${qs}`;
    return url;
  }

  /** Single-flight cache: concurrent callers share one request; a failure is not cached. */
  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    let hit = this.cache.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = load();
      this.cache.set(key, hit);
      hit.catch(() => {
        if (this.cache.get(key) === hit) this.cache.delete(key);
      });
    }
    return hit;
  }

  private rememberTokens(parsed: unknown): void {
    const result = (parsed as { result?: unknown } | undefined)?.result as Record<string, unknown> | undefined;
    if (!result || typeof result !== "object") return;
    for (const key of ["token", "refreshToken"]) {
      const value = result[key];
      if (typeof value === "string" && value.length > 0 && !this.#tokenSecrets.includes(value)) {
        this.#tokenSecrets.push(value);
      }
    }
    while (this.#tokenSecrets.length > MAX_REMEMBERED_TOKENS) this.#tokenSecrets.shift();
  }

  private secrets(): string[] {
    return [this.#clientSecret, ...this.#tokenSecrets];
  }

  private log(line: string): void {
    if (this.logSink) this.logSink(redact(line, this.secrets()));
  }
}

// ---- shared clients ----

const shared = new Map<string, PartnerClient>();

/**
 * One client per process and account, so every resource in a provider process shares one token, one region list
 * and one contact list. The key holds a hash of the secret, never the secret itself; the first caller's other
 * options (fetch, timeouts, log) win.
 */
export function sharedClient(opts: ClientOptions): PartnerClient {
  const secretHash = createHash("sha256").update(String(opts.clientSecret)).digest("hex");
  const key = `${assertSafeBaseUrl(opts.baseUrl, opts).href}\n${opts.clientId}\n${secretHash}`;
  let client = shared.get(key);
  if (!client) {
    client = new PartnerClient(opts);
    shared.set(key, client);
  }
  return client;
}

/** Forgets all shared clients (tests, or after credentials were rotated). */
export function resetSharedClients(): void {
  shared.clear();
}

// ---- helpers ----

function positive(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(field, "must be a positive number", String(value));
  return value;
}

function requestRate(value: number | undefined): number | undefined {
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

function nonNegative(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(field, "must be zero or more", String(value));
  return value;
}

function isTokenRejected(err: unknown): boolean {
  return err instanceof ApiError && isTokenRejection(err.httpStatus, err.code);
}

function operationOf(err: unknown): string | undefined {
  return err instanceof ApiError || err instanceof NetworkError || err instanceof SchemaError
    ? err.operation
    : undefined;
}

/** `result` of an error envelope, when it is the documented "field -> reason" map. */
function fieldErrorsOf(result: unknown): Record<string, string> | undefined {
  if (!result || typeof result !== "object" || Array.isArray(result)) return undefined;
  const entries = Object.entries(result as Record<string, unknown>);
  if (entries.length === 0 || !entries.every(([, v]) => typeof v === "string")) return undefined;
  return Object.fromEntries(entries) as Record<string, string>;
}

function formatIssues(error: z.ZodError, root: string): string[] {
  return error.issues.map((issue) => {
    const where = [root, ...issue.path.map(String)].join(".");
    return `${where}: ${issue.message}`;
  });
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat === "") return "empty body";
  return flat.length > 120 ? `body starts ${JSON.stringify(flat.slice(0, 120))}...` : `body ${JSON.stringify(flat)}`;
}

function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, "");
}

/** ID fields must be decimal strings (or safe integers): anything else would be sent as a JSON string. */
function assertIdFields(value: unknown, secrets: string[], path = ""): void {
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
