import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PATHS, PLANS, SERVICES } from "../../../provider/api/catalog";
import { startSandbox } from "../../../sandbox";
import { buy, call, purchaseBody, serviceBody, token, withSandbox } from "./helpers";

describe("sandbox: admin surface", () => {
  const ctx = withSandbox();
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${ctx.sandbox.url}/__admin/${path}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & unknown[] };
  };

  it("counts requests per endpoint, failed and rejected ones included", async () => {
    await call(ctx.sandbox, PATHS.regionList, { token: ctx.token });
    await call(ctx.sandbox, PATHS.regionList); // 401
    await call(ctx.sandbox, PATHS.orderSave, { token: ctx.token, json: {} }); // 400
    await call(ctx.sandbox, `${PATHS.orderDetail}/123`, { token: ctx.token }); // 404
    const { requests } = ctx.sandbox.admin.stats();
    assert.deepEqual(requests, {
      token: 0,
      regionList: 2,
      pbxUrlExisted: 0,
      billingContactList: 0,
      subordinateUserList: 0,
      subordinateUser: 0,
      saveUser: 0,
      countryList: 0,
      productList: 0,
      productDetail: 0,
      orderSave: 1,
      orderList: 0,
      orderDetail: 1,
      priceCalculate: 0,
      autoRenewEnable: 0,
      autoRenewStatus: 0,
      pbxToken: 0,
      pbxRefreshToken: 0,
      pbxCapacity: 0,
      pbxExtensionList: 0,
      pbxExtensionSearch: 0,
      pbxExtensionGet: 0,
      pbxExtensionCreate: 0,
      pbxExtensionUpdate: 0,
      pbxExtensionDelete: 0,
      pbxInboundRouteList: 0,
      pbxInboundRouteGet: 0,
      pbxInboundRouteCreate: 0,
      pbxInboundRouteUpdate: 0,
      pbxInboundRouteDelete: 0,
    });
  });

  it("resetCounters() zeroes counters and tokensIssued, and keeps orders", async () => {
    await buy(ctx);
    await token(ctx.sandbox);
    assert.equal(ctx.sandbox.admin.stats().tokensIssued, 1);
    ctx.sandbox.admin.resetCounters();
    const stats = ctx.sandbox.admin.stats();
    assert.equal(stats.tokensIssued, 0);
    assert.equal(stats.requests.orderSave, 0);
    assert.equal(stats.orders.length, 1);
  });

  it("reset() clears products, orders, faults and counters, and restores prices and config", async () => {
    await buy(ctx);
    ctx.sandbox.admin.addFault({ endpoint: "billingContactList", status: 500 });
    ctx.sandbox.admin.setConfig({ orderPendingMs: 60_000 });
    ctx.sandbox.admin.setPrices({ [PLANS.enterprise]: { monthly: "99.00", annually: "999.00" } });
    ctx.sandbox.admin.reset();
    assert.equal(ctx.sandbox.admin.products().length, 0);
    assert.equal(ctx.sandbox.admin.stats().orders.length, 0);
    assert.equal(ctx.sandbox.admin.stats().requests.orderSave, 0);
    assert.equal((await call(ctx.sandbox, PATHS.billingContactList, { token: ctx.token })).status, 200);
    const again = await buy(ctx);
    assert.equal(again.orderStatus, "succeed", "orderPendingMs is back to the startup value");
    const quote = await call(ctx.sandbox, PATHS.priceCalculate, {
      token: ctx.token,
      json: {
        productId: 13,
        operationType: "purchase_plan",
        serviceList: [{ serviceType: "plan", pricingId: PLANS.enterprise, quantity: 10, billingCycle: "monthly" }],
      },
    });
    assert.equal(quote.result.totalAmount, "40.00");
    assert.equal((await call(ctx.sandbox, PATHS.regionList, { token: ctx.token })).status, 200, "tokens survive");
  });

  it("setRegions (PUT /__admin/regions) changes the region list and what orders may use; reset restores it", async () => {
    const europe = (suffixes: Array<[string, string]>) => [
      { id: "41", name: "Europe", region: suffixes.map(([id, s]) => ({ pbxSubDomainId: id, pbxSubDomain: [s] })) },
    ];
    const put = await admin("PUT", "regions", europe([["22", "eu2.sandbox.yeastarcloud.com"]]));
    assert.equal(put.status, 200);
    const list = await call(ctx.sandbox, PATHS.regionList, { token: ctx.token });
    assert.equal(list.result.length, 1);
    assert.equal(list.result[0].region[0].pbxSubDomain[0], "eu2.sandbox.yeastarcloud.com");
    const moved = purchaseBody({ prefix: "moved" });
    moved.orderPceSpecialRequest.pbxSubDomainId = "22";
    moved.orderPceSpecialRequest.pbxUrl = "moved.eu2.sandbox.yeastarcloud.com";
    const ok = await call(ctx.sandbox, PATHS.orderSave, { token: ctx.token, json: moved });
    assert.equal(ok.status, 200, ok.text);
    const gone = await call(ctx.sandbox, PATHS.orderSave, { token: ctx.token, json: purchaseBody() });
    assert.equal(gone.status, 400);
    assert.match(gone.text, /pbxSubDomainId/, "the old sub-domain is no longer offered");

    const bad = await admin("PUT", "regions", [{ id: "41", name: "Europe", region: [{ pbxSubDomainId: "x" }] }]);
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.error), /regions\[0\]\.region\[0\] needs "pbxSubDomainId"/);
    assert.throws(() => ctx.sandbox.admin.setRegions({} as never), /regions must be an array/);

    ctx.sandbox.admin.reset();
    const seeded = await call(ctx.sandbox, PATHS.regionList, { token: ctx.token });
    assert.deepEqual(
      seeded.result.map((r: { name: string }) => r.name),
      ["Europe", "North America", "Asia Pacific"],
    );
  });

  it("stats() and products() hand out copies", async () => {
    await buy(ctx);
    ctx.sandbox.admin.stats().orders[0].orderStatus = "failed";
    ctx.sandbox.admin.products()[0].extensions = 1;
    assert.equal(ctx.sandbox.admin.stats().orders[0].orderStatus, "succeed");
    assert.equal(ctx.sandbox.admin.products()[0].extensions, 100);
  });

  it("updateProduct() makes drift that the API shows; bad patches are refused", async () => {
    const { productNo } = await buy(ctx);
    ctx.sandbox.admin.updateProduct(productNo, {
      extensions: 150,
      planId: PLANS.ultimate,
      services: [{ serviceId: SERVICES.recordingMinutes, quantity: 5 }],
      expireDate: "2031-01-31",
    });
    const detail = await call(ctx.sandbox, `${PATHS.productDetail}?productNo=${productNo}&productId=13`, {
      token: ctx.token,
    });
    assert.equal(detail.result.extensions, 150);
    assert.equal(detail.result.planId, PLANS.ultimate);
    assert.equal(detail.result.expireDate, "2031-01-31");
    assert.deepEqual(detail.result.services, [{ serviceId: SERVICES.recordingMinutes, quantity: 5 }]);
    // Orders validate against the drifted product.
    const ha = await call(ctx.sandbox, PATHS.orderSave, {
      token: ctx.token,
      json: serviceBody(productNo, PLANS.ultimate, [[SERVICES.highAvailability, 150]]),
    });
    assert.equal(ha.status, 200, ha.text);
    assert.throws(() => ctx.sandbox.admin.updateProduct(productNo, { extensions: "many" as unknown as number }));
    assert.throws(() => ctx.sandbox.admin.updateProduct(productNo, { productNo: "X" }));
    assert.throws(() => ctx.sandbox.admin.updateProduct("nope", { extensions: 1 }), /no product/);
  });

  it("deleteProduct() makes the product vanish and frees its URL", async () => {
    const { productNo } = await buy(ctx, { prefix: "gone" });
    ctx.sandbox.admin.deleteProduct(productNo);
    const detail = await call(ctx.sandbox, `${PATHS.productDetail}?productNo=${productNo}&productId=13`, {
      token: ctx.token,
    });
    assert.equal(detail.status, 404);
    const existed = await call(ctx.sandbox, `${PATHS.pbxUrlExisted}?pbxUrl=gone.eu.sandbox.yeastarcloud.com`, {
      token: ctx.token,
    });
    assert.equal(existed.result, false);
    assert.throws(() => ctx.sandbox.admin.deleteProduct(productNo));
  });

  it("setConfig() refuses unknown fields and bad values", () => {
    assert.throws(() => ctx.sandbox.admin.setConfig({ orderPendingMs: -1 }));
    assert.throws(() => ctx.sandbox.admin.setConfig({ tokenLifetimeSeconds: 0 }));
    assert.throws(() => ctx.sandbox.admin.setConfig({ failOrdersForUrls: "x" as unknown as string[] }));
    assert.throws(() => ctx.sandbox.admin.setConfig({ colour: 1 } as never));
  });

  it("the same surface works over HTTP under /__admin/", async () => {
    const { productNo } = await buy(ctx);
    const stats = await admin("GET", "stats");
    assert.equal(stats.status, 200);
    assert.equal((stats.body.orders as unknown[]).length, 1);
    assert.equal((stats.body.requests as Record<string, number>).orderSave, 1);

    assert.equal((await admin("POST", "faults", { endpoint: "regionList", status: 503 })).status, 200);
    assert.equal((await call(ctx.sandbox, PATHS.regionList, { token: ctx.token })).status, 503);
    assert.equal((await admin("DELETE", "faults")).status, 200);
    assert.equal((await call(ctx.sandbox, PATHS.regionList, { token: ctx.token })).status, 200);
    const badFault = await admin("POST", "faults", { endpoint: "nowhere" });
    assert.equal(badFault.status, 400);
    assert.match(String(badFault.body.error), /endpoint/);

    assert.equal((await admin("POST", "config", { orderPendingMs: "soon" })).status, 400);
    assert.equal((await admin("POST", "config", { rejectRefreshTokens: true })).status, 200);

    const products = await admin("GET", "products");
    assert.equal((products.body[0] as { productNo: string }).productNo, productNo);
    const patched = await admin("PATCH", `products/${productNo}`, { extensions: 123 });
    assert.equal((patched.body as unknown as { extensions: number }).extensions, 123);
    assert.equal((await admin("PATCH", "products/nope", { extensions: 1 })).status, 404);

    const tokens = await admin("GET", "tokens");
    assert.ok((tokens.body as unknown as string[]).includes(ctx.token));
    assert.equal((await admin("POST", "expire-tokens")).status, 200);
    const expired = await call(ctx.sandbox, PATHS.regionList, { token: ctx.token });
    assert.equal(expired.body.code, "token_expired");
    ctx.token = await token(ctx.sandbox);

    const prices = await admin("PUT", "prices", { [PLANS.enterprise]: { monthly: "1.00", annually: "10.00" } });
    assert.equal(prices.status, 200);
    assert.equal((await admin("PUT", "prices", { [PLANS.enterprise]: { monthly: 1 } })).status, 400);

    assert.equal((await admin("POST", "reset-counters")).status, 200);
    assert.equal(ctx.sandbox.admin.stats().tokensIssued, 0);
    assert.equal((await admin("DELETE", `products/${productNo}`)).status, 200);
    assert.equal(ctx.sandbox.admin.products().length, 0);
    await buy(ctx, { prefix: "another" });
    assert.equal((await admin("POST", "reset")).status, 200);
    assert.equal(ctx.sandbox.admin.stats().orders.length, 0);
  });
});

describe("sandbox: state file", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "yeastar-sandbox-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("saves after each change and loads at start: products, orders, URLs, prices and tokens survive", async () => {
    const stateFile = join(dir, "state.json");
    const first = await startSandbox({ stateFile });
    const bearer = await token(first);
    const order = await buy({ sandbox: first, token: bearer }, { prefix: "persisted", ha: true });
    first.admin.setPrices({ [PLANS.ultimate]: { monthly: "7.00", annually: "70.00" } });
    await first.close();
    const saved = JSON.parse(readFileSync(stateFile, "utf8")) as { products: Array<{ productNo: string }> };
    assert.equal(saved.products[0].productNo, order.productNo);

    const second = await startSandbox({ stateFile });
    try {
      const detail = await call(second, `${PATHS.orderDetail}/${order.orderNo}`, { token: bearer });
      assert.equal(detail.status, 200, "the old token and the order survived");
      assert.equal(detail.result.basicInformation.productNo, order.productNo);
      const again = await call(second, PATHS.orderSave, {
        token: bearer,
        json: purchaseBody({ prefix: "persisted" }),
      });
      assert.equal(again.body.code, "pbx_url_existed");
      assert.equal(second.admin.products()[0].services[0].quantity, 100);
      const quote = await call(second, PATHS.priceCalculate, {
        token: bearer,
        json: {
          productId: 13,
          operationType: "purchase_plan",
          serviceList: [{ serviceType: "plan", pricingId: PLANS.ultimate, quantity: 10, billingCycle: "monthly" }],
        },
      });
      assert.equal(quote.result.totalAmount, "70.00");
      second.admin.reset();
    } finally {
      await second.close();
    }
    const third = await startSandbox({ stateFile });
    try {
      assert.equal(third.admin.products().length, 0, "reset was saved too");
    } finally {
      await third.close();
    }
  });

  it("refuses to start from a corrupt state file", async () => {
    const stateFile = join(dir, "corrupt.json");
    require("node:fs").writeFileSync(stateFile, "{not json");
    await assert.rejects(startSandbox({ stateFile }), /not valid JSON/);
  });
});
