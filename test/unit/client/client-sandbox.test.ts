/**
 * The client end to end against the in-process sandbox over loopback HTTP: every method, ID precision on the
 * server side, token expiry and refresh, and injected faults (429 with Retry-After, commit-then-500, drop).
 */
import * as assert from "node:assert/strict";
import { inspect } from "node:util";
import { PLANS, SERVICES } from "../../../provider/api/catalog";
import type { OrderRequest } from "../../../provider/api/schemas";
import { ApiError, NetworkError, SchemaError } from "../../../provider/client/errors";
import { PartnerClient } from "../../../provider/client/client";
import type { ClientOptions } from "../../../provider/client/options";
import { startSandbox } from "../../../sandbox";

const CONTACT_ACME = "3197218168379846218";
const CONTACT_GLOBEX = "3197218168379846219";
const SUFFIX = "eu.sandbox.yeastarcloud.com";

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

function order(subdomain: string, billingId: string, extensions = 10): OrderRequest {
  return {
    operationType: "purchase_plan",
    productId: 13,
    billingId,
    poNumber: `PO-${subdomain}`,
    serviceList: [
      {
        serviceType: "plan",
        serviceId: PLANS.enterprise,
        quantity: extensions,
        purchaseType: "purchase",
        billingModel: "recurring",
        billingCycle: "annually",
        multiCycle: 0,
      },
      {
        serviceType: "service",
        serviceId: SERVICES.highAvailability,
        connectionPlanId: PLANS.enterprise,
        quantity: extensions,
        purchaseType: "purchase",
        billingModel: "recurring",
        billingCycle: "annually",
        multiCycle: 0,
      },
    ],
    orderPceSpecialRequest: {
      pbxName: subdomain,
      regionId: "41",
      pbxSubDomainId: "20",
      pbxUrl: `${subdomain}.${SUFFIX}`,
    },
  };
}

describe("client against the sandbox", function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let lines: string[];

  before(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  after(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    lines = [];
  });

  function client(extra: Partial<ClientOptions> = {}): PartnerClient {
    return new PartnerClient({
      baseUrl: sandbox.url,
      clientId: "sandbox-client",
      clientSecret: "sandbox-secret",
      retry: { retries: 3, baseDelayMs: 10, maxDelayMs: 50 },
      log: (l) => lines.push(l),
      ...extra,
    });
  }

  it("lists regions, contacts and users, and checks URLs", async () => {
    const c = client();
    const regions = await c.listRegions();
    const europe = regions.find((r) => r.name === "Europe");
    assert.equal(europe?.id, "41");
    assert.equal(europe?.region[0].pbxSubDomainId, "20");
    assert.ok(europe?.region[0].pbxSubDomain.includes(SUFFIX));
    const contacts = await c.listBillingContacts();
    assert.deepEqual(
      contacts.map((x) => [x.billingContactId, x.emailAddress]),
      [
        [CONTACT_ACME, "ap@acme.example"],
        [CONTACT_GLOBEX, "billing@globex.example"],
      ],
    );
    assert.ok(Array.isArray(await c.listSubordinateUsers()));
    assert.equal(await c.isPbxUrlTaken(`taken.${SUFFIX}`), true);
    assert.equal(await c.isPbxUrlTaken(`free-${Date.now()}.${SUFFIX}`), false);
    assert.equal(c.stats.tokenRequests, 1);
  });

  it("prices, orders, and reads the order and the product back, keeping 64-bit IDs exact", async () => {
    const c = client();
    const quote = await c.calculatePrice({
      productId: 13,
      operationType: "purchase_plan",
      serviceList: [{ serviceType: "plan", pricingId: PLANS.enterprise, quantity: 10, billingCycle: "annually" }],
    });
    assert.match(quote.totalAmount, /^\d+(\.\d+)?$/);

    const before = sandbox.admin.stats().orders.length;
    const result = await c.createOrder(order("precision", CONTACT_GLOBEX));
    assert.match(result.instanceId, /^\d+$/);
    assert.ok(result.orderNo);
    const orders = sandbox.admin.stats().orders;
    assert.equal(orders.length, before + 1);
    const stored = orders[orders.length - 1];
    assert.equal(stored.billingId, CONTACT_GLOBEX);
    assert.equal(stored.serviceList[0].serviceId, PLANS.enterprise);
    assert.equal(stored.serviceList[1].serviceId, SERVICES.highAvailability);
    assert.equal(stored.serviceList[1].connectionPlanId, PLANS.enterprise);
    assert.ok(Object.values(stored.received).includes(CONTACT_GLOBEX), JSON.stringify(stored.received));
    // On the wire: bare integers, every digit intact.
    assert.ok(stored.rawBody.includes(`"billingId":${CONTACT_GLOBEX}`), stored.rawBody);
    assert.ok(stored.rawBody.includes(`"serviceId":${PLANS.enterprise}`), stored.rawBody);
    assert.ok(stored.rawBody.includes(`"connectionPlanId":${PLANS.enterprise}`), stored.rawBody);

    const detail = await c.getOrder(result.orderNo);
    assert.equal(detail.orderInformation.orderNo, result.orderNo);
    const listed = await c.listOrders({ pageNo: 1, pageSize: 100 });
    assert.ok(listed.results.some((o) => o.orderNo === result.orderNo));

    const product = await waitFor(() => c.findProductByUrl(`precision.${SUFFIX}`));
    assert.equal(product.instanceId, result.instanceId);
    assert.equal(product.planId, PLANS.enterprise);
    const page = await c.listProducts({ pageNo: 1, pageSize: 100 });
    assert.ok(page.results.some((p) => p.productNo === product.productNo));
    const got = await c.getProduct(product.productNo);
    assert.equal(got?.pbxUrl, `precision.${SUFFIX}`);
    assert.equal(await c.getProduct("NO-SUCH-SN"), undefined);
    assert.equal(await c.isPbxUrlTaken(`precision.${SUFFIX}`), true);
  });

  it("gets a new token after the sandbox expires all tokens", async () => {
    const c = client();
    await c.isPbxUrlTaken(`a.${SUFFIX}`);
    const first = await c.getToken();
    const rejectedBefore = sandbox.admin.stats().requests.pbxUrlExisted;
    sandbox.admin.expireTokens();
    assert.equal(await c.isPbxUrlTaken(`b.${SUFFIX}`), false);
    assert.notEqual(await c.getToken(), first);
    assert.equal(c.stats.tokenRequests, 2);
    // One rejected attempt (401 token_expired), one after re-authentication.
    assert.equal(sandbox.admin.stats().requests.pbxUrlExisted - rejectedBefore, 2);
    assert.equal(c.stats.calls.pbxUrlExisted, 3);
  });

  it("refreshes ahead of expiry, and falls back to credentials when the refresh token is refused", async () => {
    let now = Date.now();
    const c = client({ now: () => now });
    await c.getToken();
    now += 1_800_000;
    await c.isPbxUrlTaken(`c.${SUFFIX}`);
    assert.equal(c.stats.tokenRequests, 2, "one refresh");
    sandbox.admin.setConfig({ rejectRefreshTokens: true });
    try {
      now += 1_800_000;
      await c.isPbxUrlTaken(`d.${SUFFIX}`);
      assert.equal(c.stats.tokenRequests, 4, "a refused refresh, then credentials");
    } finally {
      sandbox.admin.setConfig({ rejectRefreshTokens: false });
    }
  });

  it("waits out a 429 with Retry-After and then succeeds", async () => {
    const c = client();
    await c.getToken();
    const count = () => sandbox.admin.stats().requests.productList ?? 0;
    const before = count();
    sandbox.admin.addFault({ endpoint: "productList", status: 429, retryAfterSeconds: 1, times: 1 });
    const started = Date.now();
    await c.listProducts();
    assert.ok(Date.now() - started >= 950, "Retry-After honoured");
    assert.equal(count() - before, 2);
    assert.equal(c.stats.calls.productList, 2);
  });

  it("reports a 500 after the order was committed as ambiguous, with exactly one stored order", async () => {
    const c = client();
    await c.getToken();
    const before = sandbox.admin.stats().orders.length;
    sandbox.admin.addFault({ endpoint: "orderSave", status: 500, afterCommit: true, times: 1 });
    const err = await c.createOrder(order("committed", CONTACT_ACME)).catch((e: unknown) => e);
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.ambiguous, true);
    assert.equal(c.stats.calls.orderSave, 1);
    assert.equal(sandbox.admin.stats().orders.length, before + 1);
    // The provider's reconciliation path: the PBX is found by its URL.
    assert.ok(await waitFor(() => c.findProductByUrl(`committed.${SUFFIX}`)));
  });

  it("reports a dropped connection on the order as an ambiguous NetworkError", async () => {
    const c = client();
    await c.getToken();
    const before = sandbox.admin.stats().orders.length;
    sandbox.admin.addFault({ endpoint: "orderSave", drop: true, afterCommit: true, times: 1 });
    const err = await c.createOrder(order("dropped", CONTACT_ACME)).catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError, String(err));
    assert.equal(err.ambiguous, true);
    assert.equal(c.stats.calls.orderSave, 1);
    assert.equal(sandbox.admin.stats().orders.length, before + 1);
  });

  it("reports a malformed reply to a committed order as an ambiguous SchemaError", async () => {
    const c = client();
    await c.getToken();
    const before = sandbox.admin.stats().orders.length;
    sandbox.admin.addFault({ endpoint: "orderSave", malformed: true, afterCommit: true, times: 1 });
    const err = await c.createOrder(order("garbled", CONTACT_ACME)).catch((e: unknown) => e);
    assert.ok(err instanceof SchemaError, String(err));
    assert.equal(err.ambiguous, true);
    assert.equal(sandbox.admin.stats().orders.length, before + 1);
  });

  it("times out a hanging order once, without a second attempt", async () => {
    const c = client({ orderTimeoutMs: 300 });
    await c.getToken();
    const requests = () => sandbox.admin.stats().requests.orderSave ?? 0;
    const before = requests();
    sandbox.admin.addFault({ endpoint: "orderSave", hang: true, times: 1 });
    const err = await c.createOrder(order("hanging", CONTACT_ACME)).catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError, String(err));
    assert.equal(err.ambiguous, true);
    assert.match(err.reason, /timeout after 300 ms/);
    assert.equal(requests() - before, 1);
  });

  it("retries a malformed read and a dropped read", async () => {
    const c = client();
    await c.getToken();
    sandbox.admin.addFault({ endpoint: "orderList", malformed: true, times: 1 });
    sandbox.admin.addFault({ endpoint: "productList", drop: true, times: 1 });
    await c.listOrders();
    await c.listProducts();
    assert.equal(c.stats.calls.orderList, 2);
    assert.equal(c.stats.calls.productList, 2);
  });

  it("reports a wrong secret without leaking it", async () => {
    const c = client({ clientSecret: "canary-SECRET-5f2c9e" });
    const err = await c.listRegions().catch((e: unknown) => e);
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.code, "invalid_client");
    assert.match(err.message, /request access token failed: HTTP 401.*yeastar:clientSecret/);
    for (const text of [err.message, JSON.stringify(err), inspect(err, { depth: 5 }), ...lines]) {
      assert.ok(!text.includes("canary-SECRET"), text);
    }
  });

  it("never logs the secret or a token", async () => {
    const c = client();
    sandbox.admin.addFault({ endpoint: "regionList", status: 503, times: 1 });
    await c.listRegions();
    sandbox.admin.expireTokens();
    await c.isPbxUrlTaken(`e.${SUFFIX}`);
    const tokens = [await c.getToken()];
    assert.ok(lines.length >= 4);
    for (const line of lines) {
      assert.ok(!line.includes("sandbox-secret"), line);
      for (const token of tokens) assert.ok(!line.includes(token), line);
    }
  });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}
