/** Shared helpers for the sandbox's unit tests: raw HTTP over loopback with Node's fetch, no provider client. */
import { request as httpRequest } from "node:http";
import { PATHS, PCE_PRODUCT_ID, PLANS, SERVICES } from "../../../provider/api/catalog";
import { parseJson, stringifyJson } from "../../../provider/api/json";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../../sandbox";

export const UA = { "User-Agent": "sandbox-unit-test/1.0" };
export const CONTACT_ACME = "3197218168379846218";
export const CONTACT_GLOBEX = "3197218168379846219";

/** Request bodies and results that tests poke into freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Envelope {
  code: string;
  detailMessage: string;
  requestId: string;
  result: unknown;
  status: number;
}

export interface Reply {
  status: number;
  text: string;
  headers: Headers;
  body: Envelope;
  result: Json;
}

export interface CallOptions {
  method?: string;
  token?: string;
  /** A string is sent as is; anything else through stringifyJson, so IDs go out as bare integers. */
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function call(sandbox: Sandbox, path: string, opts: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...UA, ...(opts.headers ?? {}) };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = typeof opts.json === "string" ? opts.json : stringifyJson(opts.json);
  } else if (opts.form) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(opts.form).toString();
  }
  const method = opts.method ?? (body === undefined ? "GET" : "POST");
  const res = await fetch(sandbox.url + path, { method, headers, body, signal: opts.signal });
  const text = await res.text();
  const parsed = parseJson(text) as Envelope;
  return { status: res.status, text, headers: res.headers, body: parsed, result: parsed.result };
}

export async function tokenPair(sandbox: Sandbox, clientId = "sandbox-client", clientSecret = "sandbox-secret") {
  const reply = await call(sandbox, PATHS.token, {
    form: { grant_type: "pp_credentials", client_id: clientId, client_secret: clientSecret },
  });
  if (reply.status !== 200) throw new Error(`token request failed: ${reply.text}`);
  return reply.result as { token: string; refreshToken: string; expiresIn: string; tokenHead: string };
}

export async function token(sandbox: Sandbox): Promise<string> {
  return (await tokenPair(sandbox)).token;
}

/** An HTTP request without the User-Agent that fetch always adds. */
export function requestWithoutUserAgent(
  sandbox: Sandbox,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Envelope }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(sandbox.url + path, { method: "GET", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Envelope }));
    });
    req.on("error", reject);
    req.end();
  });
}

export interface PurchaseOverrides {
  prefix?: string;
  plan?: string;
  extensions?: number;
  billingCycle?: string;
  ha?: boolean;
  recordingMinutes?: number;
  poNumber?: string;
  assignId?: string;
}

/** A valid purchase_plan body shaped like the vendor's tutorial (IDs as decimal strings until serialized). */
export function purchaseBody(o: PurchaseOverrides = {}): Json {
  const plan = o.plan ?? PLANS.enterprise;
  const cycle = o.billingCycle ?? "annually";
  const service = (serviceId: string, quantity?: number) => ({
    connectionPlanId: plan,
    serviceId,
    serviceType: "service",
    ...(quantity === undefined ? {} : { quantity }),
    purchaseType: "purchase",
    billingModel: "recurring",
    billingCycle: cycle,
    multiCycle: 0,
  });
  return {
    operationType: "purchase_plan",
    productId: PCE_PRODUCT_ID,
    billingId: CONTACT_ACME,
    ...(o.poNumber === undefined ? {} : { poNumber: o.poNumber }),
    ...(o.assignId === undefined ? {} : { assignId: o.assignId }),
    serviceList: [
      {
        serviceId: plan,
        serviceType: "plan",
        quantity: o.extensions ?? 100,
        purchaseType: "purchase",
        billingModel: "recurring",
        billingCycle: cycle,
        multiCycle: 0,
      },
      ...(o.ha ? [service(SERVICES.highAvailability)] : []),
      ...(o.recordingMinutes === undefined ? [] : [service(SERVICES.recordingMinutes, o.recordingMinutes)]),
    ],
    orderPceSpecialRequest: {
      pbxName: "Acme HQ",
      regionId: "41",
      pbxSubDomainId: "20",
      pbxUrl: `${o.prefix ?? "acme-hq"}.eu.sandbox.yeastarcloud.com`,
    },
  };
}

/** A purchase_service body for an existing product. */
export function serviceBody(
  productNo: string,
  planId: string,
  items: Array<[string, number?]>,
  cycle = "annually",
): Json {
  return {
    operationType: "purchase_service",
    productId: PCE_PRODUCT_ID,
    productNo,
    billingId: CONTACT_ACME,
    serviceList: items.map(([serviceId, quantity]) => ({
      serviceType: "service",
      serviceId,
      connectionPlanId: planId,
      ...(quantity === undefined ? {} : { quantity }),
      purchaseType: "purchase",
      billingModel: "recurring",
      billingCycle: cycle,
      multiCycle: 0,
    })),
  };
}

export function switchBody(productNo: string, planId: string, cycle = "annually"): Json {
  return {
    operationType: "switch_plan",
    productId: PCE_PRODUCT_ID,
    productNo,
    billingId: CONTACT_ACME,
    serviceList: [
      {
        serviceType: "plan",
        serviceId: planId,
        purchaseType: "switch",
        billingModel: "recurring",
        billingCycle: cycle,
        multiCycle: 0,
      },
    ],
  };
}

/** Starts a sandbox and a token for each test of a suite; closes it afterwards. */
export function withSandbox(opts: SandboxOptions = {}) {
  const ctx = {} as { sandbox: Sandbox; token: string };
  before(async () => {
    ctx.sandbox = await startSandbox(opts);
  });
  beforeEach(async () => {
    ctx.sandbox.admin.reset();
    ctx.token = await token(ctx.sandbox);
    ctx.sandbox.admin.resetCounters();
  });
  after(async () => {
    await ctx.sandbox?.close();
  });
  return ctx;
}

export async function buy(ctx: { sandbox: Sandbox; token: string }, o: PurchaseOverrides = {}) {
  const reply = await call(ctx.sandbox, PATHS.orderSave, { token: ctx.token, json: purchaseBody(o) });
  if (reply.status !== 200) throw new Error(`purchase failed: ${reply.text}`);
  return reply.result as {
    instanceId: string;
    orderNo: string;
    orderStatus: string;
    productNo: string;
    transactionNo: string;
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
