/**
 * The Partner Portal client: envelope and schema checks, token handling, retries for reads, and the one rule that
 * matters most: the order POST is sent exactly once, and any doubt about its outcome is reported as ambiguous.
 */
import { PATHS, PCE_PRODUCT_ID, type EndpointName } from "../api/catalog";
import type { CustomerApi } from "../api/customer-api";
import { allEntries } from "../api/paging";
import type { PageRequest, PartnerApi } from "../api/partner-api";
import {
  AutoRenewEnabled,
  AutoRenewStatus,
  BillingContactList,
  OrderDetail,
  OrderList,
  OrderResult,
  PbxUrlExisted,
  PriceQuote,
  ProductDetail,
  ProductList,
  CountryList,
  RegionList,
  SaveUserResult,
  SubordinateUser,
  SubordinateUserList,
  TokenResult,
  type BillingContact,
  type Country,
  type NewSubordinateUser,
  type OrderInfo,
  type OrderRequest,
  type Page,
  type PriceRequest,
  type ProductInfo,
  type RegionInfo,
} from "../api/schemas";
import { TokenManager, partnerGrants } from "./auth";
import { assertSafeBaseUrl, normalizeHost } from "./base-url";
import {
  OPERATIONS,
  errorFor,
  rateLimitLine,
  rateLimitedStatus,
  readReply,
  requestInit,
  urlFor,
  type CallSpec,
} from "./call";
import { classify, classifyNetwork, errorFlags, type CallKind } from "./classify";
import { ApiError, NetworkError, isTokenRejected } from "./errors";
import { RequestGate } from "./gate";
import { assertCredentials, assertIdFields, nonNegative, positive, requestRate, type ClientOptions } from "./options";
import { redact, rememberTokens } from "./redact";
import { SingleFlight } from "./single-flight";
import { retryDecision } from "./retry-decision";
import { withRetries, type RetryPolicy } from "./retry";
import {
  defaultFetch,
  exchange,
  packageVersion,
  TransportFailure,
  type FetchLike,
  type RawResponse,
} from "./transport";

const PRODUCT_NOT_FOUND_CODES = new Set(["product_not_found"]);

type Stats = {
  calls: Record<EndpointName, number>;
  tokenRequests: number;
  /** Replies with HTTP 429 (rate limited), every endpoint together. */
  rateLimited: number;
};

/** Highest `requestsPerSecond` accepted (provider/api/catalog.ts; runtime/settings.ts checks the same bound). */

export class PartnerClient implements PartnerApi, CustomerApi {
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
  private readonly cache = new SingleFlight();
  private readonly gate: RequestGate;

  constructor(opts: ClientOptions) {
    this.base = assertSafeBaseUrl(opts.baseUrl, opts);
    assertCredentials(opts);
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
      ...partnerGrants(opts.clientId, opts.clientSecret, (form) =>
        this.read({ endpoint: "token", method: "POST", form, schema: TokenResult }),
      ),
      now: opts.now ?? Date.now,
      refreshMarginSeconds: nonNegative(opts.refreshMarginSeconds, 120, "refreshMarginSeconds"),
      log: (line) => this.log(line),
    });
  }

  /** The current access token (fetching or refreshing it when due). */
  async getToken(): Promise<string> {
    return (await this.#tokens.session()).token;
  }

  // ---- PartnerApi ----

  listRegions(): Promise<RegionInfo[]> {
    return this.cache.get("regions", () => this.read({ endpoint: "regionList", method: "GET", schema: RegionList }));
  }

  isPbxUrlTaken(pbxUrl: string): Promise<boolean> {
    return this.read({ endpoint: "pbxUrlExisted", method: "GET", query: { pbxUrl }, schema: PbxUrlExisted });
  }

  listBillingContacts(): Promise<BillingContact[]> {
    return this.cache.get("billingContacts", () =>
      this.read({ endpoint: "billingContactList", method: "GET", schema: BillingContactList }),
    );
  }

  listSubordinateUsers(): Promise<SubordinateUser[]> {
    return this.cache.get("subordinateUsers", () =>
      this.read({ endpoint: "subordinateUserList", method: "GET", schema: SubordinateUserList }),
    );
  }

  /** The subordinate user list read afresh (after a customer was created); replaces the cached one. */
  refreshSubordinateUsers(): Promise<SubordinateUser[]> {
    this.cache.delete("subordinateUsers");
    return this.listSubordinateUsers();
  }

  /** One subordinate user by partner id or Yeastar ID (email); undefined only on a definite not-found. */
  async getSubordinateUser(idOrEmail: string): Promise<SubordinateUser | undefined> {
    try {
      return await this.read({
        endpoint: "subordinateUser",
        method: "GET",
        suffix: `/${encodeURIComponent(idOrEmail)}`,
        schema: SubordinateUser,
      });
    } catch (err) {
      if (err instanceof ApiError && err.fromEnvelope && err.httpStatus === 404) return undefined;
      throw err;
    }
  }

  /** Countries whose name contains `name` (one page of 100). */
  listCountries(name: string): Promise<Page<Country>> {
    return this.read({
      endpoint: "countryList",
      method: "GET",
      query: { name, pageNo: 1, pageSize: 100 },
      schema: CountryList,
    });
  }

  /** Creates a subordinate user. Sent once, like an order: the caller looks the email up after a failure. */
  async createSubordinateUser(user: NewSubordinateUser): Promise<boolean> {
    try {
      return await this.sendOnce({ endpoint: "saveUser", method: "POST", json: user, schema: SaveUserResult });
    } finally {
      this.cache.delete("subordinateUsers");
    }
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
    return this.sendOnce({ endpoint: "orderSave", method: "POST", json: order, schema: OrderResult });
  }

  /**
   * A POST that buys or creates something: one attempt, never retried (docs/money.md, "Money safety"). The token is
   * fetched (and retried) before the request leaves; a token failure sends nothing.
   */
  private async sendOnce<T>(spec: CallSpec<T>): Promise<T> {
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

  async getAutoRenew(productNo: string): Promise<boolean> {
    const query = { productNo, productId: PCE_PRODUCT_ID };
    return (await this.read({ endpoint: "autoRenewStatus", method: "GET", query, schema: AutoRenewStatus })).autoRenew;
  }

  /** Sent once, like an order (it commits the PBX to future charges); the caller reads the status back. */
  async enableAutoRenew(productNo: string, planId: string): Promise<void> {
    const json = { productNo, productId: String(PCE_PRODUCT_ID), planOrServiceId: planId };
    assertIdFields(json, this.secrets());
    if (!(await this.sendOnce({ endpoint: "autoRenewEnable", method: "POST", json, schema: AutoRenewEnabled }))) {
      throw new Error(`${OPERATIONS.autoRenewEnable}: the portal answered false; auto-renewal is not enabled`);
    }
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
      (err) => retryDecision(spec.endpoint, err),
      (err, next, retryAfterMs) => {
        const why = err instanceof Error ? err.message : String(err);
        const after = retryAfterMs ? `, Retry-After ${retryAfterMs} ms` : "";
        this.log(
          `yeastar: ${OPERATIONS[spec.endpoint]}: retrying (attempt ${next} of ${this.retryPolicy.retries + 1}${after}) after: ${why}`,
        );
      },
    );
  }

  /** One HTTP attempt, mapped to a result or to exactly one of our error types; `classify` decides which. */
  private async attempt<T>(
    spec: CallSpec<T>,
    authorization: string | undefined,
    attemptNo: number,
    idempotent: boolean,
  ): Promise<T> {
    const call: CallKind = { idempotent };
    const url = urlFor(this.base, spec);
    const shownPath = url.slice(this.base.origin.length);
    // Secrets are read when the error is built: a token response teaches us new ones.
    const context = () => ({ operation: OPERATIONS[spec.endpoint], attempts: attemptNo, secrets: this.secrets() });
    this.stats.calls[spec.endpoint] += 1;
    if (spec.endpoint === "token") this.stats.tokenRequests += 1;

    await this.gate.acquire();
    const started = Date.now();
    let raw: RawResponse;
    try {
      raw = await exchange(
        this.fetch,
        url,
        requestInit(spec, url, authorization, this.userAgent),
        this.timeoutFor(call),
      );
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

    const reply = readReply(spec, raw, (parsed) => rememberTokens(parsed, this.#tokenSecrets));
    const ms = Date.now() - started;
    const env = reply.envelope;
    this.log(
      env === undefined
        ? `yeastar: ${spec.method} ${shownPath} -> HTTP ${raw.status}, no valid envelope, ${ms} ms, attempt ${attemptNo}`
        : `yeastar: ${spec.method} ${shownPath} -> HTTP ${raw.status} code=${env.code} requestId=${env.requestId || "-"} ${ms} ms, attempt ${attemptNo}`,
    );
    const status = rateLimitedStatus(reply.happened);
    if (status !== undefined) {
      this.stats.rateLimited += 1;
      this.log(
        rateLimitLine(OPERATIONS[spec.endpoint], status.retryAfterMs, this.gate.rateLimited(status.retryAfterMs)),
      );
    }
    const decision = classify(reply.happened, call);
    if (decision.kind === "success") return reply.result as T;
    throw errorFor(decision, spec, raw, reply, { ...context(), ...errorFlags(decision) });
  }

  private timeoutFor(call: CallKind): number {
    return call.idempotent ? this.timeoutMs : this.orderTimeoutMs;
  }

  private secrets(): string[] {
    return [this.#clientSecret, ...this.#tokenSecrets];
  }

  private log(line: string): void {
    if (this.logSink) this.logSink(redact(line, this.secrets()));
  }
}
