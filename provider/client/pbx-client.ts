/**
 * The client of one PBX's own API (provider/api/pbx-api.ts): a token from the PBX's API client id and secret,
 * refreshed before it expires, reads retried, and writes (create, update, delete) sent exactly once, any doubt
 * about their outcome reported as ambiguous, as the Partner Portal client does with an order (client.ts). The
 * access token rides in the query string, so it is kept out of every logged path and redacted from every error.
 */
import { randomInt } from "node:crypto";
import {
  PBX_ERRCODES,
  PBX_PATHS,
  PbxCapacityReply,
  PbxCreated,
  PbxEnvelope,
  PbxExtensionOne,
  PbxExtensionPage,
  PbxToken,
  extensionBody,
  extensionCreateBody,
  extensionOf,
  isStrongPassword,
  type ExtensionFields,
  type PbxApi,
  type PbxCapacity,
  type PbxEndpoint,
  type PbxExtension,
} from "../api/pbx-api";
import type { InboundRouteFields } from "../api/pbx-inbound-routes";
import { TokenManager, type Grant } from "./auth";
import { assertSafeBaseUrl } from "./base-url";
import { classify, classifyNetwork, errorFlags, type CallKind } from "./classify";
import { ApiError, ConfigError, NetworkError, SchemaError, operationOf, type ServiceWording } from "./errors";
import { nonNegative, positive } from "./options";
import {
  PBX_OPERATIONS,
  isTokenEndpoint,
  pbxErrcodeOf,
  pbxErrorFor,
  pbxRequestInit,
  pbxUrlFor,
  pbxWording,
  readPbxReply,
  type PbxCall,
} from "./pbx-call";
import * as routes from "./pbx-route-calls";
import { redact, rememberFields } from "./redact";
import { withRetries, type RetryDecision, type RetryPolicy } from "./retry";
import {
  defaultFetch,
  exchange,
  packageVersion,
  TransportFailure,
  type FetchLike,
  type RawResponse,
} from "./transport";

export interface PbxClientOptions {
  /**
   * The PBX's base URL: `https://<pbxUrl>` (e.g. "https://acme-hq.eu.yeastarcloud.com"), or a sandbox's
   * `sandbox.pbxBaseUrl(pbxUrl)` (`<sandbox url>/pbx/<pbxUrl>`). https only, except http to a loopback host.
   */
  baseUrl: string;
  /** The PBX API's client id (the PBX's web portal, Integrations > API); not the Partner Portal's. */
  clientId: string;
  clientSecret: string;
  /** Injected fetch; default node-fetch with a keep-alive agent. */
  fetch?: FetchLike;
  /** Per attempt; default 30000. */
  timeoutMs?: number;
  /** Retries of a read after its first attempt; default 4. Writes are never retried. */
  retries?: number;
  /** First wait before a read's retry, doubling with full jitter up to 5000; default 200. */
  retryBaseDelayMs?: number;
  /** Accept plain http:// on a non-loopback host (a sandbox in a test network); see base-url.ts. */
  allowInsecureHttpForTesting?: boolean;
  /** Refresh the access token (and stop using the refresh token) this long before it expires; default 120. */
  refreshMarginSeconds?: number;
  /** Receives one line per attempt, retry and token event; every line is redacted first. */
  log?: (line: string) => void;
  /** Clock for token expiry (tests). Delays always use the real timers. */
  now?: () => number;
}

const PAGE_SIZE = 100;
/** 100 pages of 100: far more extensions than a PBX holds; a server that never ends its list is stopped here. */
const MAX_PAGES = 100;
const PASSWORD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A strong random password (24 of 62 characters, about 143 bits) that meets the API's rule. */
function newPassword(): string {
  for (;;) {
    const password = Array.from({ length: 24 }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join("");
    if (isStrongPassword(password)) return password;
  }
}

function assertId(id: string): void {
  if (typeof id !== "string" || !/^\d{1,18}$/.test(id)) {
    throw new ConfigError("id", "an extension id is a decimal number", String(id));
  }
}

export class PbxClient implements PbxApi {
  readonly stats: { calls: Record<PbxEndpoint, number>; tokenRequests: number };

  private readonly base: URL;
  private readonly where: string;
  private readonly wording: ServiceWording;
  private readonly fetch: FetchLike;
  private readonly userAgent = `pulumi-yeastar-pseries/${packageVersion()}`;
  private readonly timeoutMs: number;
  private readonly retryPolicy: RetryPolicy;
  private readonly logSink?: (line: string) => void;
  // ES private fields, which util.inspect, JSON.stringify and Object.keys never show.
  readonly #clientSecret: string;
  readonly #tokenSecrets: string[] = [];
  readonly #tokens: TokenManager;

  constructor(opts: PbxClientOptions) {
    this.base = assertSafeBaseUrl(opts.baseUrl, { ...opts, field: "PBX baseUrl" });
    if (!opts.clientId || typeof opts.clientId !== "string") {
      throw new ConfigError("clientId", "the PBX API's client id must be set");
    }
    if (!opts.clientSecret || typeof opts.clientSecret !== "string") {
      throw new ConfigError("clientSecret", "the PBX API's client secret must be set");
    }
    this.#clientSecret = opts.clientSecret;
    this.where = `${this.base.host}${this.base.pathname.replace(/\/+$/, "")}`;
    this.wording = pbxWording(this.where);
    this.fetch = opts.fetch ?? defaultFetch;
    this.timeoutMs = positive(opts.timeoutMs, 30_000, "timeoutMs");
    this.retryPolicy = {
      retries: nonNegative(opts.retries, 4, "retries"),
      baseDelayMs: nonNegative(opts.retryBaseDelayMs, 200, "retryBaseDelayMs"),
      maxDelayMs: 5000,
    };
    this.logSink = opts.log;
    const calls = Object.fromEntries(Object.keys(PBX_PATHS).map((k) => [k, 0])) as Record<PbxEndpoint, number>;
    this.stats = { calls, tokenRequests: 0 };
    const grant = (t: PbxToken): Grant => ({
      token: t.access_token,
      authorization: "",
      lifetimeSeconds: t.access_token_expire_time,
      refreshToken: t.refresh_token,
      refreshLifetimeSeconds: t.refresh_token_expire_time,
    });
    const clientId = opts.clientId;
    this.#tokens = new TokenManager({
      fromCredentials: async () =>
        grant(
          await this.read({
            endpoint: "getToken",
            method: "POST",
            json: { username: clientId, password: this.#clientSecret },
            schema: PbxToken,
          }),
        ),
      fromRefreshToken: async (refreshToken) =>
        grant(
          await this.read({
            endpoint: "refreshToken",
            method: "POST",
            json: { refresh_token: refreshToken },
            schema: PbxToken,
            secrets: [refreshToken],
          }),
        ),
      now: opts.now ?? Date.now,
      refreshMarginSeconds: nonNegative(opts.refreshMarginSeconds, 120, "refreshMarginSeconds"),
      log: (line) => this.log(line),
    });
  }

  // ---- PbxApi ----

  async capacity(): Promise<PbxCapacity> {
    const reply = await this.read({ endpoint: "capacity", method: "GET", schema: PbxCapacityReply });
    return { extensionCapacity: reply.data.extension_capacity, extensionUsed: reply.data.extension_used };
  }

  listExtensions(): Promise<PbxExtension[]> {
    return this.pages("extensionList", {}, () => false);
  }

  async findExtension(number: string): Promise<PbxExtension | undefined> {
    // The search matches parts of numbers and names: only the exact number counts.
    const hits = await this.pages("extensionSearch", { search_value: number }, (e) => e.number === number);
    return hits.find((e) => e.number === number);
  }

  async getExtension(id: string): Promise<PbxExtension | undefined> {
    assertId(id);
    try {
      const reply = await this.read({
        endpoint: "extensionGet",
        method: "GET",
        query: { id },
        schema: PbxExtensionOne,
      });
      return extensionOf(reply.data);
    } catch (err) {
      // Only the PBX's own "no such extension" on a good HTTP status: a 404 page from a proxy or a wrong base URL
      // must not make the provider drop an extension from state.
      if (pbxErrcodeOf(err) === PBX_ERRCODES.notFound && (err as ApiError).httpStatus < 400) return undefined;
      throw err;
    }
  }

  async createExtension(fields: ExtensionFields): Promise<string> {
    const secrets = { userPassword: newPassword(), regPassword: newPassword() };
    const reply = await this.sendOnce({
      endpoint: "extensionCreate",
      method: "POST",
      json: extensionCreateBody(fields, secrets),
      schema: PbxCreated,
      operation: `create extension ${fields.number}`,
      secrets: [secrets.userPassword, secrets.regPassword],
    });
    return reply.id;
  }

  async updateExtension(id: string, fields: ExtensionFields): Promise<void> {
    assertId(id);
    await this.sendOnce({
      endpoint: "extensionUpdate",
      method: "POST",
      json: extensionBody(fields, id),
      schema: PbxEnvelope,
      operation: `update extension ${fields.number} (id ${id})`,
    });
  }

  async deleteExtension(id: string): Promise<void> {
    assertId(id);
    // A GET that deletes: sent once like the other writes.
    await this.sendOnce({
      endpoint: "extensionDelete",
      method: "GET",
      query: { id },
      schema: PbxEnvelope,
      operation: `delete extension id ${id}`,
    });
  }

  // Inbound routes (pbx-route-calls.ts), over this client's reads and writes.
  private readonly channel: routes.PbxChannel = { read: (s) => this.read(s), sendOnce: (s) => this.sendOnce(s) };
  listInboundRoutes = () => routes.listInboundRoutes(this.channel);
  getInboundRoute = (id: string) => routes.getInboundRoute(this.channel, id);
  createInboundRoute = (fields: InboundRouteFields) => routes.createInboundRoute(this.channel, fields);
  updateInboundRoute = (id: string, fields: InboundRouteFields) => routes.updateInboundRoute(this.channel, id, fields);
  deleteInboundRoute = (id: string) => routes.deleteInboundRoute(this.channel, id);

  // ---- machinery ----

  /** Every entry of a paged list (by id, once each), or fewer once `enough` holds for one. */
  private async pages(
    endpoint: "extensionList" | "extensionSearch",
    query: Record<string, string>,
    enough: (e: PbxExtension) => boolean,
  ): Promise<PbxExtension[]> {
    const byId = new Map<string, PbxExtension>();
    for (let page = 1; page <= MAX_PAGES; page++) {
      const reply = await this.read({
        endpoint,
        method: "GET",
        query: { ...query, page, page_size: PAGE_SIZE },
        schema: PbxExtensionPage,
      });
      const entries = reply.data.map(extensionOf);
      for (const e of entries) byId.set(e.id, e);
      if (entries.some(enough) || entries.length < PAGE_SIZE || byId.size >= reply.total_number) break;
    }
    return [...byId.values()];
  }

  /** A write: one attempt, never retried. The token is fetched (and retried) first; a token failure sends nothing. */
  private async sendOnce<T>(spec: PbxCall<T>): Promise<T> {
    const session = await this.#tokens.session();
    try {
      return await this.attempt(spec, session.token, 1, false);
    } catch (err) {
      if (pbxErrcodeOf(err) === PBX_ERRCODES.tokenExpired) this.#tokens.invalidate(session.token);
      throw err;
    }
  }

  /** A read: retried on network errors, 5xx, 429 and garbled replies, and sent once more with a new token on 10004. */
  private read<T>(spec: PbxCall<T>): Promise<T> {
    let renewed = false;
    return withRetries(
      async (attemptNo) => {
        if (isTokenEndpoint(spec.endpoint)) return this.attempt(spec, undefined, attemptNo, true);
        const session = await this.#tokens.session();
        try {
          return await this.attempt(spec, session.token, attemptNo, true);
        } catch (err) {
          if (renewed || pbxErrcodeOf(err) !== PBX_ERRCODES.tokenExpired) throw err;
          renewed = true;
          this.log(`yeastar: ${this.operationOf(spec)}: access token refused; getting a new one and retrying once`);
          this.#tokens.invalidate(session.token);
          const fresh = await this.#tokens.session();
          return this.attempt(spec, fresh.token, attemptNo, true);
        }
      },
      this.retryPolicy,
      (err) => this.retryDecision(spec, err),
      (err, next, retryAfterMs) => {
        const why = err instanceof Error ? err.message : String(err);
        const after = retryAfterMs ? `, Retry-After ${retryAfterMs} ms` : "";
        this.log(
          `yeastar: ${this.operationOf(spec)}: retrying (attempt ${next} of ${this.retryPolicy.retries + 1}${after}) after: ${why}`,
        );
      },
    );
  }

  private retryDecision(spec: PbxCall<unknown>, err: unknown): RetryDecision {
    // A token failure inside a read was already retried by the token request itself.
    const op = operationOf(err);
    if (!isTokenEndpoint(spec.endpoint) && (op === PBX_OPERATIONS.getToken || op === PBX_OPERATIONS.refreshToken)) {
      return { retry: false };
    }
    if (err instanceof ApiError) return { retry: err.retryable, retryAfterMs: err.retryAfterMs };
    if (err instanceof NetworkError || err instanceof SchemaError) return { retry: err.retryable };
    return { retry: false };
  }

  /** One HTTP attempt, mapped to a result or to one of our errors; `classify` decides which. */
  private async attempt<T>(
    spec: PbxCall<T>,
    accessToken: string | undefined,
    attemptNo: number,
    idempotent: boolean,
  ): Promise<T> {
    const call: CallKind = { idempotent };
    const url = pbxUrlFor(this.base, spec, accessToken);
    // The logged path is built without the token.
    const shown = `${spec.method} ${this.base.host}${pbxUrlFor(this.base, spec).slice(this.base.origin.length)}`;
    const context = () => ({
      operation: this.operationOf(spec),
      attempts: attemptNo,
      secrets: [...this.secrets(), ...(accessToken ? [accessToken] : []), ...(spec.secrets ?? [])],
      wording: this.wording,
    });
    this.stats.calls[spec.endpoint] += 1;
    if (isTokenEndpoint(spec.endpoint)) this.stats.tokenRequests += 1;
    const started = Date.now();
    let raw: RawResponse;
    try {
      raw = await exchange(this.fetch, url, pbxRequestInit(spec, url, this.userAgent), this.timeoutMs);
    } catch (err) {
      const failure = err instanceof TransportFailure ? err : new TransportFailure(String(err), true);
      const ctx = context();
      this.log(`yeastar: ${shown} -> network error (${redact(failure.reason, ctx.secrets)}) attempt ${attemptNo}`);
      throw new NetworkError({
        ...ctx,
        reason: failure.reason,
        baseUrl: this.where,
        ...errorFlags(classifyNetwork(failure.maybeSent, call)),
      });
    }
    const reply = readPbxReply(spec, raw, (parsed) =>
      rememberFields(parsed, ["access_token", "refresh_token"], this.#tokenSecrets),
    );
    const errcode = reply.envelope ? `errcode=${reply.envelope.errcode}` : "no valid reply";
    this.log(`yeastar: ${shown} -> HTTP ${raw.status} ${errcode} ${Date.now() - started} ms, attempt ${attemptNo}`);
    const decision = classify(reply.happened, call);
    if (decision.kind === "success") return reply.result as T;
    throw pbxErrorFor(decision, spec, raw, reply, { ...context(), ...errorFlags(decision) });
  }

  private operationOf(spec: PbxCall<unknown>): string {
    return spec.operation ?? PBX_OPERATIONS[spec.endpoint];
  }

  private secrets(): string[] {
    return [this.#clientSecret, ...this.#tokenSecrets];
  }

  private log(line: string): void {
    if (this.logSink) this.logSink(redact(line, this.secrets()));
  }
}
