/**
 * `yeastar-pseries doctor`: checks, with the user's credentials, that the Partner Portal answers the way this
 * package relies on. It checks the base URL and TLS rule, gets a token, calls every read-only endpoint the
 * provider uses through the provider's own client (so the replies are validated by the zod schemas in
 * `provider/api/schemas.ts`), and looks at the raw replies for the "API assumptions" (docs/api-assumptions.md) that a schema does
 * not catch (for example ids sent as strings, which the client tolerates).
 *
 * It never places an order: the order endpoint is not called at all. Raw replies are inspected in memory and
 * never printed (a token reply holds credentials); every message shown comes from the client's redacted errors or
 * from this file.
 */
import { randomBytes } from "node:crypto";
import { isLosslessNumber } from "lossless-json";
import { PCE_PRODUCT_ID, PLANS } from "../api/catalog";
import type { ProductInfo, RegionInfo } from "../api/schemas";
import { assertSafeBaseUrl } from "../client/base-url";
import type { ApiError } from "../client/errors";
import type { FetchLike } from "../client/transport";
import { defaultFetch } from "../client/transport";
import { CREDENTIAL_OPTIONS, CREDENTIAL_USAGE, credentialsFrom, type Credentials } from "./credentials";
import { parseFlags, type Output } from "./usage";
import { table } from "./text-table";
import { DoctorRun, describeType, type DoctorReport } from "./doctor-run";

export const DOCTOR_USAGE = `usage: yeastar-pseries doctor [--json]
Checks the base URL, TLS, the token and every read-only endpoint the provider uses, validates the replies and
reports which of the "API assumptions" (docs/api-assumptions.md) they contradict. Places no order. Exit status 0 when everything
works and nothing is contradicted, 1 otherwise, 2 for a usage mistake.
  --json                      print the results as JSON instead of tables
${CREDENTIAL_USAGE}`;

export async function doctor(creds: Credentials, fetchImpl: FetchLike = defaultFetch): Promise<DoctorReport> {
  const run = new DoctorRun(creds, fetchImpl);
  let base: URL;
  try {
    base = assertSafeBaseUrl(creds.baseUrl);
  } catch (err) {
    run.row("base URL and TLS", "FAIL", (err as Error).message);
    return run.report();
  }
  run.row(
    "base URL and TLS",
    "ok",
    base.protocol === "https:" ? `${base.origin} over https` : `${base.origin}: plain http, allowed for loopback only`,
  );
  if (!(await checkToken(run))) {
    run.row("read-only endpoints", "skipped", "no token");
    run.row("create order", "skipped", "never called by doctor");
    return run.report();
  }
  const regions = await checkLists(run);
  const first = await checkProducts(run);
  await checkUnknownProduct(run);
  await checkUrls(run, regions, first);
  await checkOrders(run);
  await checkPrice(run);
  run.row("create order", "skipped", "never called by doctor");
  return run.report();
}

/** Gets a token; false when none was issued. */
async function checkToken(run: DoctorRun): Promise<boolean> {
  try {
    await run.client.getToken();
  } catch (err) {
    run.row("token", "FAIL", (err as Error).message);
    return false;
  }
  const token = run.raw("token").result as Record<string, unknown> | undefined;
  const expiresIn = token?.expiresIn;
  const refresh = token?.refreshToken;
  const lifetimeGiven = isLosslessNumber(expiresIn) || (typeof expiresIn === "string" && /^\d+$/.test(expiresIn));
  if (!lifetimeGiven || typeof refresh !== "string" || refresh === "") {
    run.contradict(
      "tokenLifetime",
      `token reply: expiresIn is ${describeType(expiresIn)}, refreshToken is ${refresh ? "present" : "missing"}`,
    );
    run.row("token", "contradicts", "a token was issued, but see the assumptions below");
  } else {
    run.row("token", "ok", `issued, expires in ${String(expiresIn)} s, with a refresh token`);
  }
  return true;
}

/** The lists the guide does not page: regions (returned for the URL check), billing contacts, subordinate users. */
async function checkLists(run: DoctorRun): Promise<RegionInfo[] | undefined> {
  const { client } = run;
  const regions = await run.probe(
    "list regions",
    "regionList",
    () => client.listRegions(),
    (r) => `${r.length} regions`,
    "plainArrays",
  );
  run.checkPlainArray("regionList");
  await run.probe(
    "list billing contacts",
    "billingContactList",
    () => client.listBillingContacts(),
    (c) => `${c.length} billing contacts`,
    "plainArrays",
  );
  run.checkPlainArray("billingContactList");
  await run.probe(
    "list subordinate users",
    "subordinateUserList",
    () => client.listSubordinateUsers(),
    (u) => `${u.length} subordinate users`,
    "plainArrays",
  );
  run.checkPlainArray("subordinateUserList");
  return regions;
}

/** The product list and the first product's detail; returns that product. */
async function checkProducts(run: DoctorRun): Promise<ProductInfo | undefined> {
  const { client } = run;
  const productsBefore = run.contradictions.length;
  const page = await run.probe(
    "list products",
    "productList",
    () => client.listProducts({ pageNo: 1, pageSize: 100 }),
    (p) => `${p.total} PBXs (product id ${PCE_PRODUCT_ID})`,
    "productFields",
  );
  run.checkProductFields("productList", (r) => (r as { results?: unknown[] })?.results ?? []);
  if (run.contradictions.length > productsBefore) run.setResult("list products");
  const first: ProductInfo | undefined = page?.results[0];
  if (!first) {
    run.row("get product", "skipped", "the account has no PBX to read");
    return undefined;
  }
  const before = run.contradictions.length;
  await run.probe(
    "get product",
    "productDetail",
    () => client.getProduct(first.productNo),
    (d) => (d ? `serial ${first.productNo} read` : `serial ${first.productNo} not found`),
    "productFields",
  );
  run.checkProductFields("productDetail", (r) => [r]);
  if (run.contradictions.length > before) run.setResult("get product");
  return first;
}

/** An unknown serial number must be a stated not-found (a 404 with `product_not_found`). */
async function checkUnknownProduct(run: DoctorRun): Promise<void> {
  const unknownSerial = `DOCTOR${randomBytes(6).toString("hex").toUpperCase()}`;
  try {
    const found = await run.client.getProduct(unknownSerial);
    const raw = run.raw("productDetail");
    const code = (raw.envelope as { code?: unknown } | undefined)?.code;
    if (found || raw.status !== 404 || code !== "product_not_found") {
      run.contradict(
        "productNotFound",
        `an unknown serial number got HTTP ${raw.status}, code ${JSON.stringify(code)}${found ? " and a product" : ""}`,
      );
      run.row("get unknown product", "contradicts", "see the assumptions below");
    } else {
      run.row("get unknown product", "ok", "404 product_not_found");
    }
  } catch (err) {
    const e = err as ApiError;
    run.contradict("productNotFound", `an unknown serial number got: ${e.message}`);
    run.row("get unknown product", "contradicts", e.message);
  }
}

/** The URL check for a URL nobody has, and for one of ours (which must read as taken). */
async function checkUrls(run: DoctorRun, regions: RegionInfo[] | undefined, first: ProductInfo | undefined) {
  const { client } = run;
  const suffix = regions?.[0]?.region[0]?.pbxSubDomain[0];
  if (suffix) {
    const freeUrl = `doctor-${randomBytes(5).toString("hex")}.${suffix}`;
    await run.probe(
      "check PBX URL",
      "pbxUrlExisted",
      () => client.isPbxUrlTaken(freeUrl),
      (taken) => `${freeUrl}: ${taken ? "taken" : "free"}`,
    );
  } else {
    run.row("check PBX URL", "skipped", "no region with a domain suffix");
  }
  if (first) {
    const taken = await run.probe(
      "check own PBX URL",
      "pbxUrlExisted",
      () => client.isPbxUrlTaken(first.pbxUrl),
      (t) => `${first.pbxUrl}: ${t ? "taken" : "free"}`,
    );
    if (taken === false) {
      run.contradict("ownUrlTaken", `the URL check says ${first.pbxUrl} (serial ${first.productNo}) is free`);
      run.setResult("check own PBX URL");
    }
  }
}

/** The order list (newest first) and the first order's detail. */
async function checkOrders(run: DoctorRun): Promise<void> {
  const { client } = run;
  const orders = await run.probe(
    "list orders",
    "orderList",
    () => client.listOrders({ pageNo: 1, pageSize: 20 }),
    (o) => `${o.total} orders`,
  );
  const times = (orders?.results ?? []).map((o) => o.createTime).filter((t): t is number => typeof t === "number");
  if (times.some((t, i) => i > 0 && t > times[i - 1])) {
    run.contradict("ordersNewestFirst", "the first page of the order list is not sorted by createTime, newest first");
    run.setResult("list orders");
  }
  const firstOrder = orders?.results[0];
  if (firstOrder) {
    await run.probe(
      "get order",
      "orderDetail",
      () => client.getOrder(firstOrder.orderNo),
      (d) => `order ${firstOrder.orderNo}: ${d.orderInformation.orderStatus}`,
    );
  } else {
    run.row("get order", "skipped", "the account has no order to read");
  }
}

async function checkPrice(run: DoctorRun): Promise<void> {
  await run.probe(
    "calculate price",
    "priceCalculate",
    () =>
      run.client.calculatePrice({
        productId: PCE_PRODUCT_ID,
        operationType: "purchase_plan",
        serviceList: [{ serviceType: "plan", pricingId: PLANS.enterprise, quantity: 5, billingCycle: "monthly" }],
      }),
    (q) => `5 Enterprise extensions, monthly: ${q.currencyCode} ${q.totalAmount}`,
    "priceShape",
  );
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
      io.out("API assumptions (docs/api-assumptions.md): none of the checked ones is contradicted by the replies.");
    } else {
      io.out("API assumptions (docs/api-assumptions.md) contradicted by the replies:");
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
