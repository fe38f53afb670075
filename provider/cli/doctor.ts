/**
 * `yeastar-pseries doctor`: checks, with the user's credentials, that the Partner Portal answers the way this
 * package relies on. It checks the base URL and TLS rule, gets a token, calls every read-only endpoint the
 * provider uses through the provider's own client (so the replies are validated by the zod schemas in
 * `provider/api/schemas.ts`), and looks at the raw replies for the README's "API assumptions" that a schema does
 * not catch (for example ids sent as strings, which the client tolerates).
 *
 * It never places an order: the order endpoint is not called at all. Raw replies are inspected in memory and
 * never printed (a token reply holds credentials); every message shown comes from the client's redacted errors or
 * from this file.
 */
import { randomBytes } from "node:crypto";
import { parse as parseLossless, isLosslessNumber } from "lossless-json";
import { PATHS, PCE_PRODUCT_ID, PLANS, type EndpointName } from "../api/catalog";
import type { ProductInfo } from "../api/schemas";
import { ApiError, PartnerClient, SchemaError, assertSafeBaseUrl, type FetchLike } from "../client";
import { defaultFetch } from "../client/transport";
import {
  CREDENTIAL_OPTIONS,
  CREDENTIAL_USAGE,
  credentialsFrom,
  parseFlags,
  table,
  type Credentials,
  type Output,
} from "./common";

export const DOCTOR_USAGE = `usage: yeastar-pseries doctor [--json]
Checks the base URL, TLS, the token and every read-only endpoint the provider uses, validates the replies and
reports which of the README's "API assumptions" they contradict. Places no order. Exit status 0 when everything
works and nothing is contradicted, 1 otherwise, 2 for a usage mistake.
  --json                      print the results as JSON instead of tables
${CREDENTIAL_USAGE}`;

/** README "API assumptions" that the doctor can check from read-only replies. */
export const ASSUMPTIONS = {
  idsAsIntegers:
    "64-bit ids go on the wire as bare JSON integers, in requests and in replies (region, sub-domain, billing contact, plan, service, order)",
  plainArrays: "Lists that the guide does not page (regions, billing contacts, subordinate users) are plain arrays",
  productFields:
    "Product list and detail carry URL, region, plan id, billing cycle, extensions, services (HA, minutes) and expiry",
  ownUrlTaken: "The URL check answers true for our own PBXs too",
  productNotFound: "Product detail for an unknown serial number is 404 product_not_found",
  ordersNewestFirst: "The order list is newest first",
  priceShape: "The price-calculation reply is {currencyCode, totalAmount, items}",
  tokenLifetime: "A token lasts expiresIn seconds (a number or a digit string) and comes with a refresh token",
} as const;
export type AssumptionKey = keyof typeof ASSUMPTIONS;

export type CheckResult = "ok" | "FAIL" | "contradicts" | "skipped";
export interface CheckRow {
  check: string;
  result: CheckResult;
  detail: string;
}
export interface Contradiction {
  assumption: AssumptionKey;
  text: string;
  evidence: string;
}
export interface DoctorReport {
  ok: boolean;
  checks: CheckRow[];
  contradictions: Contradiction[];
}

interface RawReply {
  status: number;
  text: string;
}

/** Response fields that carry 64-bit ids, per endpoint (README: ids as bare JSON integers). */
const ID_FIELDS_IN_REPLIES: Partial<Record<EndpointName, string[]>> = {
  regionList: ["id", "pbxSubDomainId"],
  billingContactList: ["billingContactId"],
  productList: ["regionId", "pbxSubDomainId", "planId", "serviceId"],
  productDetail: ["regionId", "pbxSubDomainId", "planId", "serviceId"],
  orderList: ["id"],
};

const PRODUCT_FIELDS = ["pbxUrl", "regionId", "planId", "billingCycle", "extensions", "services", "expireDate"];

function endpointOf(url: string): EndpointName | undefined {
  const pathname = new URL(url).pathname;
  // Longest path first: the order-detail path is a prefix match ("/get/{id}").
  const entries = (Object.entries(PATHS) as Array<[EndpointName, string]>).sort((a, b) => b[1].length - a[1].length);
  return entries.find(([, p]) => pathname.endsWith(p) || pathname.includes(`${p}/`))?.[0];
}

export async function doctor(creds: Credentials, fetchImpl: FetchLike = defaultFetch): Promise<DoctorReport> {
  const checks: CheckRow[] = [];
  const contradictions: Contradiction[] = [];
  const row = (check: string, result: CheckResult, detail: string) => checks.push({ check, result, detail });
  const contradict = (assumption: AssumptionKey, evidence: string) =>
    contradictions.push({ assumption, text: ASSUMPTIONS[assumption], evidence });
  const report = (): DoctorReport => ({
    ok: checks.every((c) => c.result === "ok" || c.result === "skipped") && contradictions.length === 0,
    checks,
    contradictions,
  });

  let base: URL;
  try {
    base = assertSafeBaseUrl(creds.baseUrl);
  } catch (err) {
    row("base URL and TLS", "FAIL", (err as Error).message);
    return report();
  }
  row(
    "base URL and TLS",
    "ok",
    base.protocol === "https:" ? `${base.origin} over https` : `${base.origin}: plain http, allowed for loopback only`,
  );

  const last = new Map<EndpointName, RawReply>();
  const recording: FetchLike = async (url, init) => {
    const res = await fetchImpl(url, init);
    const text = await res.text();
    const endpoint = endpointOf(url);
    if (endpoint) last.set(endpoint, { status: res.status, text });
    return { status: res.status, headers: res.headers, text: async () => text };
  };
  // Few retries: the doctor should answer quickly, and a flaky endpoint is worth seeing.
  const client = new PartnerClient({ ...creds, fetch: recording, retry: { retries: 1, baseDelayMs: 200 } });

  try {
    await client.getToken();
    const token = rawResult(last.get("token"));
    const expiresIn = (token as Record<string, unknown> | undefined)?.expiresIn;
    const refresh = (token as Record<string, unknown> | undefined)?.refreshToken;
    const lifetimeGiven = isLosslessNumber(expiresIn) || (typeof expiresIn === "string" && /^\d+$/.test(expiresIn));
    if (!lifetimeGiven || typeof refresh !== "string" || refresh === "") {
      contradict(
        "tokenLifetime",
        `token reply: expiresIn is ${describeType(expiresIn)}, refreshToken is ${refresh ? "present" : "missing"}`,
      );
      row("token", "contradicts", "a token was issued, but see the assumptions below");
    } else {
      row("token", "ok", `issued, expires in ${String(expiresIn)} s, with a refresh token`);
    }
  } catch (err) {
    row("token", "FAIL", (err as Error).message);
    row("read-only endpoints", "skipped", "no token");
    row("create order", "skipped", "never called by doctor");
    return report();
  }

  /** Runs one read; returns its value, or undefined after recording a failure. */
  async function probe<T>(
    check: string,
    endpoint: EndpointName,
    call: () => Promise<T>,
    describe: (value: T) => string,
    onSchemaError?: AssumptionKey,
  ): Promise<T | undefined> {
    const before = contradictions.length;
    try {
      const value = await call();
      checkIdsAreIntegers(endpoint);
      row(check, contradictions.length > before ? "contradicts" : "ok", describe(value));
      return value;
    } catch (err) {
      if (err instanceof SchemaError && onSchemaError) contradict(onSchemaError, `${check}: ${err.issues.join("; ")}`);
      row(check, "FAIL", (err as Error).message);
      return undefined;
    }
  }

  function checkIdsAreIntegers(endpoint: EndpointName): void {
    const fields = ID_FIELDS_IN_REPLIES[endpoint];
    const result = rawResult(last.get(endpoint));
    if (!fields || result === undefined) return;
    const bad = findNonIntegerIds(result, new Set(fields), "result");
    if (bad.length > 0) {
      contradict(
        "idsAsIntegers",
        `${endpoint}: ${bad.slice(0, 3).join(", ")}${bad.length > 3 ? ` and ${bad.length - 3} more` : ""}`,
      );
    }
  }

  function checkPlainArray(endpoint: EndpointName): void {
    const result = rawResult(last.get(endpoint));
    if (result !== undefined && !Array.isArray(result)) {
      contradict("plainArrays", `${endpoint}: result is ${describeType(result)}, not an array`);
    }
  }

  const regions = await probe(
    "list regions",
    "regionList",
    () => client.listRegions(),
    (r) => `${r.length} regions`,
    "plainArrays",
  );
  checkPlainArray("regionList");
  await probe(
    "list billing contacts",
    "billingContactList",
    () => client.listBillingContacts(),
    (c) => `${c.length} billing contacts`,
    "plainArrays",
  );
  checkPlainArray("billingContactList");
  await probe(
    "list subordinate users",
    "subordinateUserList",
    () => client.listSubordinateUsers(),
    (u) => `${u.length} subordinate users`,
    "plainArrays",
  );
  checkPlainArray("subordinateUserList");

  const productsBefore = contradictions.length;
  const page = await probe(
    "list products",
    "productList",
    () => client.listProducts({ pageNo: 1, pageSize: 100 }),
    (p) => `${p.total} PBXs (product id ${PCE_PRODUCT_ID})`,
    "productFields",
  );
  checkProductFields("productList", (r) => (r as { results?: unknown[] })?.results ?? []);
  if (contradictions.length > productsBefore) setResult("list products");
  const first: ProductInfo | undefined = page?.results[0];

  if (first) {
    const before = contradictions.length;
    await probe(
      "get product",
      "productDetail",
      () => client.getProduct(first.productNo),
      (d) => (d ? `serial ${first.productNo} read` : `serial ${first.productNo} not found`),
      "productFields",
    );
    checkProductFields("productDetail", (r) => [r]);
    if (contradictions.length > before) setResult("get product");
  } else {
    row("get product", "skipped", "the account has no PBX to read");
  }

  const unknownSerial = `DOCTOR${randomBytes(6).toString("hex").toUpperCase()}`;
  try {
    const found = await client.getProduct(unknownSerial);
    const raw = last.get("productDetail");
    const code = (rawEnvelope(raw) as { code?: unknown } | undefined)?.code;
    if (found || raw?.status !== 404 || code !== "product_not_found") {
      contradict(
        "productNotFound",
        `an unknown serial number got HTTP ${raw?.status}, code ${JSON.stringify(code)}${found ? " and a product" : ""}`,
      );
      row("get unknown product", "contradicts", "see the assumptions below");
    } else {
      row("get unknown product", "ok", "404 product_not_found");
    }
  } catch (err) {
    const e = err as ApiError;
    contradict("productNotFound", `an unknown serial number got: ${e.message}`);
    row("get unknown product", "contradicts", e.message);
  }

  const suffix = regions?.[0]?.region[0]?.pbxSubDomain[0];
  if (suffix) {
    const freeUrl = `doctor-${randomBytes(5).toString("hex")}.${suffix}`;
    await probe(
      "check PBX URL",
      "pbxUrlExisted",
      () => client.isPbxUrlTaken(freeUrl),
      (taken) => `${freeUrl}: ${taken ? "taken" : "free"}`,
    );
  } else {
    row("check PBX URL", "skipped", "no region with a domain suffix");
  }
  if (first) {
    const taken = await probe(
      "check own PBX URL",
      "pbxUrlExisted",
      () => client.isPbxUrlTaken(first.pbxUrl),
      (t) => `${first.pbxUrl}: ${t ? "taken" : "free"}`,
    );
    if (taken === false) {
      contradict("ownUrlTaken", `the URL check says ${first.pbxUrl} (serial ${first.productNo}) is free`);
      setResult("check own PBX URL");
    }
  }

  const orders = await probe(
    "list orders",
    "orderList",
    () => client.listOrders({ pageNo: 1, pageSize: 20 }),
    (o) => `${o.total} orders`,
  );
  const times = (orders?.results ?? []).map((o) => o.createTime).filter((t): t is number => typeof t === "number");
  if (times.some((t, i) => i > 0 && t > times[i - 1])) {
    contradict("ordersNewestFirst", "the first page of the order list is not sorted by createTime, newest first");
    setResult("list orders");
  }
  const firstOrder = orders?.results[0];
  if (firstOrder) {
    await probe(
      "get order",
      "orderDetail",
      () => client.getOrder(firstOrder.orderNo),
      (d) => `order ${firstOrder.orderNo}: ${d.orderInformation.orderStatus}`,
    );
  } else {
    row("get order", "skipped", "the account has no order to read");
  }

  await probe(
    "calculate price",
    "priceCalculate",
    () =>
      client.calculatePrice({
        productId: PCE_PRODUCT_ID,
        operationType: "purchase_plan",
        serviceList: [{ serviceType: "plan", pricingId: PLANS.enterprise, quantity: 5, billingCycle: "monthly" }],
      }),
    (q) => `5 Enterprise extensions, monthly: ${q.currencyCode} ${q.totalAmount}`,
    "priceShape",
  );
  row("create order", "skipped", "never called by doctor");
  return report();

  function setResult(check: string): void {
    const r = checks.find((c) => c.check === check);
    if (r && r.result === "ok") r.result = "contradicts";
  }

  function checkProductFields(endpoint: EndpointName, itemsOf: (result: unknown) => unknown[]): void {
    const result = rawResult(last.get(endpoint));
    if (result === undefined) return;
    for (const item of itemsOf(result)) {
      if (!item || typeof item !== "object") continue;
      const missing = PRODUCT_FIELDS.filter((f) => !(f in (item as object)));
      if (missing.length > 0) {
        const serial = (item as { productNo?: unknown }).productNo;
        contradict("productFields", `${endpoint}: product ${String(serial)} has no ${missing.join(", ")}`);
        return;
      }
    }
  }
}

function rawEnvelope(raw: RawReply | undefined): unknown {
  if (!raw) return undefined;
  try {
    return parseLossless(raw.text);
  } catch {
    return undefined;
  }
}

function rawResult(raw: RawReply | undefined): unknown {
  const env = rawEnvelope(raw) as { result?: unknown } | undefined;
  return env && typeof env === "object" ? env.result : undefined;
}

function describeType(value: unknown): string {
  if (isLosslessNumber(value)) return "a number";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value === undefined) return "missing";
  return `a ${typeof value}`;
}

/** Paths of id fields (by name) whose value is not a bare JSON integer. */
function findNonIntegerIds(value: unknown, fields: Set<string>, at: string): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => findNonIntegerIds(v, fields, `${at}[${i}]`));
  if (!value || typeof value !== "object" || isLosslessNumber(value)) return [];
  const out: string[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (fields.has(key) && v !== undefined && !isLosslessNumber(v)) out.push(`${at}.${key} is ${describeType(v)}`);
    else out.push(...findNonIntegerIds(v, fields, `${at}.${key}`));
  }
  return out;
}

export async function runDoctor(argv: string[], io: Output, env: NodeJS.ProcessEnv): Promise<number> {
  const values = parseFlags("doctor", argv, {
    ...CREDENTIAL_OPTIONS,
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    io.out(DOCTOR_USAGE);
    return 0;
  }
  const result = await doctor(credentialsFrom(values, env));
  if (values.json) {
    io.out(JSON.stringify(result, null, 2));
  } else {
    io.out(
      table(
        ["check", "result", "detail"],
        result.checks.map((c) => [c.check, c.result, c.detail]),
      ),
    );
    io.out("");
    if (result.contradictions.length === 0) {
      io.out("API assumptions (README): none of the checked ones is contradicted by the replies.");
    } else {
      io.out("API assumptions (README) contradicted by the replies:");
      io.out(
        table(
          ["assumption", "evidence"],
          result.contradictions.map((c) => [c.text, c.evidence]),
        ),
      );
    }
  }
  return result.ok ? 0 : 1;
}
