/**
 * A scripted Partner Portal behind an injected fetch: no sockets, every request recorded, replies queued per
 * endpoint. Fixtures follow the shapes in the vendor's documentation (see /work/shared/yeastar-partner-api.md).
 */
import * as sinon from "sinon";
import { PATHS, PLANS, SERVICES } from "../../../provider/api/catalog";
import { stringifyJson } from "../../../provider/api/json";
import type { FetchInit, FetchLike, FetchResponse } from "../../../provider/client/transport";
import { PartnerClient } from "../../../provider/client/client";
import type { ClientOptions } from "../../../provider/client/options";

export const CLIENT_ID = "canary-client-id";
export const SECRET = "canary-SECRET-5f2c9e";
export const BASE_URL = "https://openapi.partner.example";
export const CONTACT_ACME = "3197218168379846218";
export const CONTACT_GLOBEX = "3197218168379846219";

/** Response fields that the real API appears to send as bare JSON integers. */
const RESPONSE_ID_FIELDS = ["id", "billingContactId", "instanceId", "planId", "serviceId", "pbxSubDomainId"];

export interface Recorded {
  url: string;
  path: string;
  query: URLSearchParams;
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export type Reply =
  | { status?: number; body?: unknown; raw?: string; headers?: Record<string, string> }
  | { error: NodeJS.ErrnoException }
  /** Never answers until aborted (like node-fetch, rejects with an AbortError then). */
  | { hang: true }
  /** Never answers and ignores the abort signal. */
  | { hangDeaf: true }
  /** Answers after a real delay. */
  | { delayMs: number; then: Reply };
export type Handler = Reply | ((req: Recorded) => Reply);

export function envelope(result: unknown, requestId = "7249dc2422a5b3192c06b00fa77d31a2") {
  return { code: "success", detailMessage: "", requestId, result, status: 200 };
}

export function failure(
  status: number,
  code: string,
  detailMessage = "",
  result: unknown = null,
  requestId = "req-err-1",
) {
  return { status, body: { code, detailMessage, requestId, result, status } };
}

export function netError(code: string, message = `${code} simulated`): { error: NodeJS.ErrnoException } {
  const err = new Error(message) as NodeJS.ErrnoException;
  err.code = code;
  err.name = "FetchError";
  return { error: err };
}

export const fixtures = {
  regions: [
    { id: 41, name: "Europe", region: [{ pbxSubDomainId: 20, pbxSubDomain: ["eu.sandbox.yeastarcloud.com"] }] },
  ],
  contacts: [
    { billingContactId: CONTACT_ACME, emailAddress: "ap@acme.example", company: "Acme" },
    { billingContactId: CONTACT_GLOBEX, emailAddress: "billing@globex.example", company: "Globex" },
  ],
  users: [{ partnerId: "3197218168379840001", email: "it@acme.example", company: "Acme", userType: "Enduser" }],
  product(n: number, pbxUrl = `pbx${n}.eu.sandbox.yeastarcloud.com`) {
    return {
      productNo: `PCE-SN-${n}`,
      instanceId: `31972181683798${String(50000 + n)}`,
      productId: 13,
      pbxName: `PBX ${n}`,
      pbxUrl,
      regionId: 41,
      pbxSubDomainId: 20,
      planId: PLANS.enterprise,
      billingCycle: "annually",
      extensions: 10,
      services: [{ serviceId: SERVICES.highAvailability, quantity: 10 }],
      expireDate: "2026-01-01",
      status: "active",
      activationStatus: "activated",
    };
  },
  orderResult: {
    instanceId: "3197218168379850001",
    orderNo: "PO2025000001",
    orderStatus: "succeed",
    productNo: "PCE-SN-1",
    transactionNo: "TX-1",
  },
  orderDetail: {
    basicInformation: { productId: "13", productName: "Cloud PBX (PCE Instance)", productNo: "PCE-SN-1" },
    billingInformation: { billingId: CONTACT_ACME },
    orderInformation: { id: "3197218168379860001", orderNo: "PO2025000001", orderStatus: "succeed" },
    orderSummary: { serviceList: [] },
  },
  priceQuote: {
    currencyCode: "USD",
    totalAmount: "1200.00",
    items: [{ pricingId: PLANS.enterprise, quantity: 10, amount: "1200.00" }],
  },
};

export function page<T>(results: T[], pageNo = 1, pageSize = 25, total = results.length) {
  return { count: total, pageNo, pageSize, results, total, totalPage: Math.max(1, Math.ceil(total / pageSize)) };
}

/** A plan + HA order shaped like the vendor's purchase tutorial. */
export function sampleOrder(billingId = CONTACT_ACME) {
  return {
    operationType: "purchase_plan" as const,
    productId: 13,
    billingId,
    poNumber: "PO-2025-0001",
    serviceList: [
      {
        serviceType: "plan" as const,
        serviceId: PLANS.enterprise,
        quantity: 10,
        purchaseType: "purchase" as const,
        billingModel: "recurring" as const,
        billingCycle: "annually" as const,
        multiCycle: 0,
      },
      {
        serviceType: "service" as const,
        serviceId: SERVICES.highAvailability,
        connectionPlanId: PLANS.enterprise,
        quantity: 10,
        purchaseType: "purchase" as const,
        billingModel: "recurring" as const,
        billingCycle: "annually" as const,
        multiCycle: 0,
      },
    ],
    orderPceSpecialRequest: {
      pbxName: "Acme HQ",
      regionId: "41",
      pbxSubDomainId: "20",
      pbxUrl: "acme-hq.eu.sandbox.yeastarcloud.com",
    },
  };
}

function headersOf(map: Record<string, string>) {
  const lower = Object.fromEntries(Object.entries(map).map(([k, v]) => [k.toLowerCase(), v]));
  return { get: (name: string) => lower[name.toLowerCase()] ?? null };
}

export class FakeApi {
  readonly requests: Recorded[] = [];
  tokensIssued = 0;
  private readonly queues = new Map<string, Handler[]>();
  private readonly defaults = new Map<string, Handler>();
  readonly fetch: sinon.SinonStub<[string, FetchInit], Promise<FetchResponse>> & FetchLike;

  /** `prefix`: a path the base URL carries in front of the API paths (a proxy); stripped from `path`. */
  constructor(private readonly prefix = "") {
    const stub = sinon.stub<[string, FetchInit], Promise<FetchResponse>>();
    stub.callsFake((url, init) => this.handle(url, init));
    this.fetch = stub as typeof stub & FetchLike;
    this.defaults.set(PATHS.token, () => {
      this.tokensIssued += 1;
      const n = this.tokensIssued;
      return {
        body: envelope({
          token: `canary-TOKEN-${n}`,
          tokenHead: "Bearer ",
          expiresIn: "1800",
          refreshToken: `canary-TOKEN-refresh-${n}`,
        }),
      };
    });
    this.defaults.set(PATHS.regionList, { body: envelope(fixtures.regions) });
    this.defaults.set(PATHS.billingContactList, { body: envelope(fixtures.contacts) });
    this.defaults.set(PATHS.subordinateUserList, { body: envelope(fixtures.users) });
  }

  /** Default reply for a path, used when its queue is empty. */
  setDefault(path: string, handler: Handler): this {
    this.defaults.set(path, handler);
    return this;
  }

  /** Replies used once each, in order, before the default. */
  queue(path: string, ...handlers: Handler[]): this {
    this.queues.set(path, [...(this.queues.get(path) ?? []), ...handlers]);
    return this;
  }

  to(path: string): Recorded[] {
    return this.requests.filter((r) => r.path === path);
  }

  client(extra: Partial<ClientOptions> = {}): PartnerClient {
    return new PartnerClient({
      baseUrl: BASE_URL,
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      fetch: this.fetch,
      retry: { retries: 4, baseDelayMs: 1, maxDelayMs: 5 },
      ...extra,
    });
  }

  private async handle(url: string, init: FetchInit): Promise<FetchResponse> {
    const parsed = new URL(url);
    const req: Recorded = {
      url,
      path: parsed.pathname.startsWith(this.prefix) ? parsed.pathname.slice(this.prefix.length) : parsed.pathname,
      query: parsed.searchParams,
      method: init.method,
      headers: init.headers,
      body: init.body,
      signal: init.signal,
    };
    this.requests.push(req);
    const key = [...this.defaults.keys(), ...this.queues.keys()]
      .filter((p) => req.path === p || req.path.startsWith(`${p}/`))
      .sort((a, b) => b.length - a.length)[0];
    const queued = key ? this.queues.get(key) : undefined;
    const handler = queued && queued.length > 0 ? queued.shift() : key ? this.defaults.get(key) : undefined;
    if (!handler)
      return this.respond({
        status: 404,
        body: { code: "not_found", detailMessage: "no route", requestId: "", status: 404 },
      });
    return this.play(typeof handler === "function" ? handler(req) : handler, init);
  }

  private async play(reply: Reply, init: FetchInit): Promise<FetchResponse> {
    if ("delayMs" in reply) {
      await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      return this.play(reply.then, init);
    }
    if ("error" in reply) throw reply.error;
    if ("hangDeaf" in reply) return new Promise<never>(() => undefined);
    if ("hang" in reply) {
      return new Promise<never>((_, reject) => {
        const abort = () => {
          const err = new Error("The user aborted a request.");
          err.name = "AbortError";
          reject(err);
        };
        if (init.signal?.aborted) abort();
        init.signal?.addEventListener("abort", abort);
      });
    }
    return this.respond(reply);
  }

  private respond(reply: { status?: number; body?: unknown; raw?: string; headers?: Record<string, string> }) {
    const text = reply.raw ?? (reply.body === undefined ? "" : stringifyJson(reply.body, RESPONSE_ID_FIELDS));
    return {
      status: reply.status ?? 200,
      headers: headersOf({ "content-type": "application/json", ...(reply.headers ?? {}) }),
      text: async () => text,
    };
  }
}
