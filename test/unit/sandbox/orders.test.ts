import * as assert from "node:assert/strict";
import { PATHS, PLANS, SERVICES } from "../../../provider/api/catalog";
import { startSandbox, type Sandbox } from "../../../sandbox";
import {
  CONTACT_GLOBEX,
  type Json,
  buy,
  call,
  purchaseBody,
  serviceBody,
  sleep,
  switchBody,
  token,
  withSandbox,
} from "./helpers";

/** The tutorial's request, byte for byte apart from the URL (its domain is not one of the sandbox's). */
const TUTORIAL_BODY = `{
    "operationType": "purchase_plan",
    "productId": 13,
    "billingId": 3197218168379846218,
    "serviceList": [
    {
      "serviceId": 3048571730026938368,
      "serviceType": "plan",
      "quantity": 100,
      "purchaseType": "purchase",
      "billingModel": "recurring",
      "billingCycle": "annually",
      "multiCycle": 0
    },
    {
      "connectionPlanId":3048571730026938368,
      "serviceId": 3048573935752720384,
      "serviceType": "service",
      "purchaseType": "purchase",
      "billingModel": "recurring",
      "billingCycle": "annually",
      "multiCycle": 0
    }
  ],
    "orderPceSpecialRequest": {
        "pbxName": "test",
        "regionId": 41,
        "pbxSubDomainId": 20,
        "pbxUrl": "docs.eu.sandbox.yeastarcloud.com"
    }
}`;

describe("sandbox: purchase_plan", () => {
  const ctx = withSandbox();
  const order = (body: unknown) => call(ctx.sandbox, PATHS.orderSave, { token: ctx.token, json: body });

  it("accepts the tutorial's request and answers in the tutorial's format", async () => {
    const reply = await order(TUTORIAL_BODY);
    assert.equal(reply.status, 200, reply.text);
    const r = reply.result;
    assert.deepEqual(Object.keys(r).sort(), ["instanceId", "orderNo", "orderStatus", "productNo", "transactionNo"]);
    assert.match(r.instanceId, /^\d+$/);
    assert.ok(reply.text.includes(`"instanceId":"${r.instanceId}"`), "instanceId is a string, as in the tutorial");
    assert.match(r.orderNo, /^HB\d{19}$/);
    assert.match(r.transactionNo, /^XN\d{19}$/);
    assert.match(r.productNo, /^[0-9A-Z]{16}$/);
    assert.equal(r.orderStatus, "succeed");
    const [product] = ctx.sandbox.admin.products();
    assert.equal(product.productNo, r.productNo);
    assert.equal(product.extensions, 100);
    assert.equal(product.billingCycle, "annually");
    // The tutorial's HA item has no quantity; HA covers every extension.
    assert.deepEqual(product.services, [{ serviceId: SERVICES.highAvailability, quantity: 100 }]);
  });

  it("records every received ID exactly, and the raw body", async () => {
    await order(TUTORIAL_BODY);
    const [stored] = ctx.sandbox.admin.stats().orders;
    assert.deepEqual(stored.received, {
      billingId: "3197218168379846218",
      "serviceList[0].serviceId": "3048571730026938368",
      "serviceList[1].serviceId": "3048573935752720384",
      "serviceList[1].connectionPlanId": "3048571730026938368",
      "orderPceSpecialRequest.regionId": "41",
      "orderPceSpecialRequest.pbxSubDomainId": "20",
    });
    assert.equal(stored.rawBody, TUTORIAL_BODY);
    assert.equal(stored.billingId, "3197218168379846218");
    assert.deepEqual(stored.orderPceSpecialRequest, {
      pbxName: "test",
      regionId: "41",
      pbxSubDomainId: "20",
      pbxUrl: "docs.eu.sandbox.yeastarcloud.com",
    });
  });

  it("rejects IDs that went through a double (digits changed)", async () => {
    const mangled = TUTORIAL_BODY.replace("3197218168379846218", "3197218168379846000").replace(
      '"serviceId": 3048571730026938368',
      '"serviceId": 3048571730026938400',
    );
    const reply = await order(mangled);
    assert.equal(reply.status, 400);
    assert.match(reply.result.billingId, /unknown billing contact 3197218168379846000/);
    assert.match(reply.result["serviceList[0].serviceId"], /unknown plan ID 3048571730026938400/);
    assert.equal(ctx.sandbox.admin.stats().orders.length, 0);
  });

  it("stores poNumber, assignId and the billing contact", async () => {
    const body = purchaseBody({ poNumber: "PO-7", assignId: "3076913644915998723" });
    body.billingId = CONTACT_GLOBEX;
    const reply = await order(body);
    assert.equal(reply.status, 200, reply.text);
    const [stored] = ctx.sandbox.admin.stats().orders;
    assert.equal(stored.poNumber, "PO-7");
    assert.equal(stored.assignId, "3076913644915998723");
    assert.equal(stored.billingId, CONTACT_GLOBEX);
    assert.equal(ctx.sandbox.admin.products()[0].assignId, "3076913644915998723");
  });

  it("sets the expiry one billing cycle ahead", async () => {
    await buy(ctx, { prefix: "yearly", billingCycle: "annually" });
    await buy(ctx, { prefix: "monthly", billingCycle: "monthly" });
    const [yearly, monthly] = ctx.sandbox.admin.products();
    const today = new Date();
    assert.equal(Number(yearly.expireDate.slice(0, 4)), today.getUTCFullYear() + 1);
    const months = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7));
    assert.equal(months(monthly.expireDate) - (today.getUTCFullYear() * 12 + today.getUTCMonth() + 1), 1);
  });

  /** Each case breaks one rule; the reply must name the field. */
  const rules: Array<[string, (b: Json) => void, string]> = [
    ["productId other than 13", (b) => (b.productId = 12), "productId"],
    ["productId missing", (b) => delete b.productId, "productId"],
    ["an undocumented operationType", (b) => (b.operationType = "buy"), "operationType"],
    ["a documented but unsupported operationType", (b) => (b.operationType = "trial_service"), "operationType"],
    ["an unknown billing contact", (b) => (b.billingId = "3197218168379846217"), "billingId"],
    ["no billing contact", (b) => delete b.billingId, "billingId"],
    ["an unknown subordinate user", (b) => (b.assignId = "3076913644915998722"), "assignId"],
    ["a non-string poNumber", (b) => (b.poNumber = 7), "poNumber"],
    ["an empty serviceList", (b) => (b.serviceList = []), "serviceList"],
    ["a non-object item", (b) => (b.serviceList[1] = 5), "serviceList[1]"],
    ["an unknown serviceType", (b) => (b.serviceList[0].serviceType = "addon"), "serviceList[0].serviceType"],
    ["an unknown plan ID", (b) => (b.serviceList[0].serviceId = "3048571730026938369"), "serviceList[0].serviceId"],
    [
      "a service ID as plan",
      (b) => (b.serviceList[0].serviceId = SERVICES.recordingMinutes),
      "serviceList[0].serviceId",
    ],
    ["purchaseType renew", (b) => (b.serviceList[0].purchaseType = "renew"), "serviceList[0].purchaseType"],
    ["billingModel once", (b) => (b.serviceList[0].billingModel = "once"), "serviceList[0].billingModel"],
    ["billingCycle weekly", (b) => (b.serviceList[0].billingCycle = "weekly"), "serviceList[0].billingCycle"],
    ["multiCycle 1", (b) => (b.serviceList[0].multiCycle = 1), "serviceList[0].multiCycle"],
    ["multiCycle missing", (b) => delete b.serviceList[0].multiCycle, "serviceList[0].multiCycle"],
    ["4 extensions", (b) => (b.serviceList[0].quantity = 4), "serviceList[0].quantity"],
    ["501 extensions", (b) => (b.serviceList[0].quantity = 501), "serviceList[0].quantity"],
    ["a fractional quantity", (b) => (b.serviceList[0].quantity = 10.5), "serviceList[0].quantity"],
    ["no plan quantity", (b) => delete b.serviceList[0].quantity, "serviceList[0].quantity"],
    ["two plan items", (b) => b.serviceList.push({ ...b.serviceList[0] }), "serviceList"],
    ["no plan item", (b) => b.serviceList.shift(), "serviceList"],
    [
      "a service without connectionPlanId",
      (b) => delete b.serviceList[1].connectionPlanId,
      "serviceList[1].connectionPlanId",
    ],
    [
      "connectionPlanId of another plan",
      (b) => (b.serviceList[1].connectionPlanId = PLANS.ultimate),
      "serviceList[1].connectionPlanId",
    ],
    ["HA quantity not the plan quantity", (b) => (b.serviceList[1].quantity = 50), "serviceList[1].quantity"],
    ["recording minutes 0", (b) => (b.serviceList[2].quantity = 0), "serviceList[2].quantity"],
    ["a service on another cycle", (b) => (b.serviceList[1].billingCycle = "monthly"), "serviceList[1].billingCycle"],
    ["the same service twice", (b) => b.serviceList.push({ ...b.serviceList[2] }), "serviceList[3].serviceId"],
    [
      "Extension Expansion with a new PBX",
      (b) => (b.serviceList[2].serviceId = SERVICES.extensionExpansion),
      "serviceList[2].serviceId",
    ],
    ["productNo on a new PBX", (b) => (b.productNo = "1234B123456789AB"), "productNo"],
    ["no orderPceSpecialRequest", (b) => delete b.orderPceSpecialRequest, "orderPceSpecialRequest"],
    ["an empty pbxName", (b) => (b.orderPceSpecialRequest.pbxName = " "), "orderPceSpecialRequest.pbxName"],
    [
      "a 65-character pbxName",
      (b) => (b.orderPceSpecialRequest.pbxName = "x".repeat(65)),
      "orderPceSpecialRequest.pbxName",
    ],
    ["an unknown region", (b) => (b.orderPceSpecialRequest.regionId = "99"), "orderPceSpecialRequest.regionId"],
    [
      "a sub-domain of another region",
      (b) => (b.orderPceSpecialRequest.pbxSubDomainId = "30"),
      "orderPceSpecialRequest.pbxSubDomainId",
    ],
    ["no pbxUrl", (b) => delete b.orderPceSpecialRequest.pbxUrl, "orderPceSpecialRequest.pbxUrl"],
    [
      "a URL on another sub-domain",
      (b) => (b.orderPceSpecialRequest.pbxUrl = "acme.de.sandbox.yeastarcloud.com"),
      "orderPceSpecialRequest.pbxUrl",
    ],
    [
      "a two-character prefix",
      (b) => (b.orderPceSpecialRequest.pbxUrl = "ab.eu.sandbox.yeastarcloud.com"),
      "orderPceSpecialRequest.pbxUrl",
    ],
    [
      "a 64-character prefix",
      (b) => (b.orderPceSpecialRequest.pbxUrl = `${"a".repeat(64)}.eu.sandbox.yeastarcloud.com`),
      "orderPceSpecialRequest.pbxUrl",
    ],
    [
      "a prefix starting with a hyphen",
      (b) => (b.orderPceSpecialRequest.pbxUrl = "-acme.eu.sandbox.yeastarcloud.com"),
      "orderPceSpecialRequest.pbxUrl",
    ],
    [
      "an upper-case prefix",
      (b) => (b.orderPceSpecialRequest.pbxUrl = "Acme.eu.sandbox.yeastarcloud.com"),
      "orderPceSpecialRequest.pbxUrl",
    ],
    [
      "a dotted prefix",
      (b) => (b.orderPceSpecialRequest.pbxUrl = "a.b.eu.sandbox.yeastarcloud.com"),
      "orderPceSpecialRequest.pbxUrl",
    ],
  ];
  for (const [name, mutate, field] of rules) {
    it(`rejects ${name} (${field})`, async () => {
      const body = purchaseBody({ ha: true, recordingMinutes: 100 });
      body.serviceList[1].quantity = 100;
      mutate(body);
      const reply = await order(body);
      assert.equal(reply.status, 400, reply.text);
      assert.equal(reply.body.code, "parameter_validation_failed");
      assert.ok(field in reply.result, `expected ${field} in ${reply.text}`);
      assert.ok(reply.body.detailMessage.includes(field), reply.body.detailMessage);
      assert.equal(ctx.sandbox.admin.stats().orders.length, 0);
      assert.equal(ctx.sandbox.admin.products().length, 0);
    });
  }

  it("the valid base of those cases is accepted", async () => {
    const body = purchaseBody({ ha: true, recordingMinutes: 100 });
    body.serviceList[1].quantity = 100;
    const reply = await order(body);
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(ctx.sandbox.admin.products()[0].services, [
      { serviceId: SERVICES.highAvailability, quantity: 100 },
      { serviceId: SERVICES.recordingMinutes, quantity: 100 },
    ]);
  });

  it("accepts the extension bounds 5 and 500 and 63-character prefixes", async () => {
    assert.equal((await order(purchaseBody({ prefix: "small", extensions: 5 }))).status, 200);
    assert.equal((await order(purchaseBody({ prefix: "large", extensions: 500 }))).status, 200);
    assert.equal((await order(purchaseBody({ prefix: `a${"-".repeat(61)}z` }))).status, 200);
  });

  it("rejects a body that is not JSON, or not an object", async () => {
    const broken = await order('{"operationType":');
    assert.equal(broken.status, 400);
    assert.equal(broken.body.code, "parameter_validation_failed");
    const array = await order("[]");
    assert.equal(array.status, 400);
    assert.ok("body" in array.result);
  });

  it("keeps PBX URLs unique: ours and the foreign one are pbx_url_existed", async () => {
    await buy(ctx, { prefix: "unique" });
    const again = await order(purchaseBody({ prefix: "unique" }));
    assert.equal(again.status, 400);
    assert.equal(again.body.code, "pbx_url_existed");
    const foreign = await order(purchaseBody({ prefix: "taken" }));
    assert.equal(foreign.body.code, "pbx_url_existed");
    assert.equal(ctx.sandbox.admin.stats().orders.length, 1);
  });
});

describe("sandbox: purchase_service", () => {
  const ctx = withSandbox();
  const order = (body: unknown) => call(ctx.sandbox, PATHS.orderSave, { token: ctx.token, json: body });
  const product = (productNo: string) => ctx.sandbox.admin.products().find((p) => p.productNo === productNo)!;

  it("Extension Expansion adds extensions, up to 500 in total", async () => {
    const { productNo } = await buy(ctx, { extensions: 100 });
    const ok = await order(serviceBody(productNo, PLANS.enterprise, [[SERVICES.extensionExpansion, 20]]));
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.result.productNo, productNo);
    assert.equal(product(productNo).extensions, 120);
    const tooMany = await order(serviceBody(productNo, PLANS.enterprise, [[SERVICES.extensionExpansion, 381]]));
    assert.equal(tooMany.status, 400);
    assert.ok("serviceList[0].quantity" in tooMany.result);
    const exact = await order(serviceBody(productNo, PLANS.enterprise, [[SERVICES.extensionExpansion, 380]]));
    assert.equal(exact.status, 200);
    assert.equal(product(productNo).extensions, 500);
  });

  it("High Availability: quantity equals the current extensions, once only, and follows expansions", async () => {
    const { productNo } = await buy(ctx, { extensions: 40 });
    const wrong = await order(serviceBody(productNo, PLANS.enterprise, [[SERVICES.highAvailability, 39]]));
    assert.equal(wrong.status, 400);
    assert.ok("serviceList[0].quantity" in wrong.result);
    const ok = await order(serviceBody(productNo, PLANS.enterprise, [[SERVICES.highAvailability, 40]]));
    assert.equal(ok.status, 200, ok.text);
    const twice = await order(serviceBody(productNo, PLANS.enterprise, [[SERVICES.highAvailability, 40]]));
    assert.equal(twice.status, 400);
    assert.match(twice.body.detailMessage, /already enabled/);
    await order(serviceBody(productNo, PLANS.enterprise, [[SERVICES.extensionExpansion, 10]]));
    assert.deepEqual(product(productNo).services, [{ serviceId: SERVICES.highAvailability, quantity: 50 }]);
  });

  it("Recording Minutes add up", async () => {
    const { productNo } = await buy(ctx, { recordingMinutes: 100 });
    await order(serviceBody(productNo, PLANS.enterprise, [[SERVICES.recordingMinutes, 250]]));
    assert.deepEqual(product(productNo).services, [{ serviceId: SERVICES.recordingMinutes, quantity: 350 }]);
    const zero = await order(serviceBody(productNo, PLANS.enterprise, [[SERVICES.recordingMinutes, 0]]));
    assert.equal(zero.status, 400);
  });

  it("needs the product's current plan as connectionPlanId, its billing cycle, services only", async () => {
    const { productNo } = await buy(ctx, { billingCycle: "monthly" });
    const wrongPlan = await order(serviceBody(productNo, PLANS.ultimate, [[SERVICES.recordingMinutes, 10]], "monthly"));
    assert.ok("serviceList[0].connectionPlanId" in wrongPlan.result);
    const wrongCycle = await order(serviceBody(productNo, PLANS.enterprise, [[SERVICES.recordingMinutes, 10]]));
    assert.ok("serviceList[0].billingCycle" in wrongCycle.result);
    const plan = serviceBody(productNo, PLANS.enterprise, [[SERVICES.recordingMinutes, 10]], "monthly");
    plan.serviceList[0].serviceType = "plan";
    plan.serviceList[0].serviceId = PLANS.enterprise;
    const planItem = await order(plan);
    assert.ok("serviceList[0].serviceType" in planItem.result);
    assert.equal(ctx.sandbox.admin.stats().orders.length, 1);
  });

  it("needs a productNo of ours", async () => {
    const missing = serviceBody("", PLANS.enterprise, [[SERVICES.recordingMinutes, 10]]);
    delete missing.productNo;
    const none = await order(missing);
    assert.equal(none.status, 400);
    assert.ok("productNo" in none.result);
    const unknown = await order(serviceBody("0000B000000000XX", PLANS.enterprise, [[SERVICES.recordingMinutes, 10]]));
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.code, "product_not_found");
  });
});

describe("sandbox: switch_plan", () => {
  const ctx = withSandbox();
  const order = (body: unknown) => call(ctx.sandbox, PATHS.orderSave, { token: ctx.token, json: body });
  const detail = async (productNo: string) =>
    (await call(ctx.sandbox, `${PATHS.productDetail}?productNo=${productNo}&productId=13`, { token: ctx.token }))
      .result;

  it("an upgrade applies at once and must keep the billing cycle", async () => {
    const { productNo } = await buy(ctx, { billingCycle: "monthly" });
    const changedCycle = await order(switchBody(productNo, PLANS.ultimate, "annually"));
    assert.equal(changedCycle.status, 400);
    assert.ok("serviceList[0].billingCycle" in changedCycle.result);
    const ok = await order(switchBody(productNo, PLANS.ultimate, "monthly"));
    assert.equal(ok.status, 200, ok.text);
    const d = await detail(productNo);
    assert.equal(d.planId, PLANS.ultimate);
    assert.equal(d.currentPlan, "");
  });

  it("a downgrade shows in currentPlan until the term ends, then applies", async () => {
    const { productNo } = await buy(ctx, { plan: PLANS.ultimate });
    const ok = await order(switchBody(productNo, PLANS.enterprise));
    assert.equal(ok.status, 200, ok.text);
    let d = await detail(productNo);
    assert.equal(d.planId, PLANS.ultimate);
    assert.equal(d.currentPlan, "enterprise");
    assert.equal(d.currentPlanExpireDate, d.expireDate);
    const again = await order(switchBody(productNo, PLANS.enterprise));
    assert.equal(again.status, 400);
    assert.match(again.body.detailMessage, /already pending/);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    ctx.sandbox.admin.updateProduct(productNo, { currentPlanExpireDate: yesterday, expireDate: yesterday });
    d = await detail(productNo);
    assert.equal(d.planId, PLANS.enterprise);
    assert.equal(d.currentPlan, "");
    assert.ok(d.expireDate > yesterday, "a new term starts");
  });

  it("rejects a switch to the current plan, a purchase item, and more than one item", async () => {
    const { productNo } = await buy(ctx);
    const same = await order(switchBody(productNo, PLANS.enterprise));
    assert.match(same.result["serviceList[0].serviceId"], /already on this plan/);
    const purchase = switchBody(productNo, PLANS.ultimate);
    purchase.serviceList[0].purchaseType = "purchase";
    assert.ok("serviceList[0].purchaseType" in (await order(purchase)).result);
    const two = switchBody(productNo, PLANS.ultimate);
    two.serviceList.push({ ...two.serviceList[0] });
    assert.ok("serviceList" in (await order(two)).result);
    const quantity = switchBody(productNo, PLANS.ultimate);
    quantity.serviceList[0].quantity = 99;
    assert.ok("serviceList[0].quantity" in (await order(quantity)).result);
    assert.equal(ctx.sandbox.admin.stats().orders.length, 1);
  });
});

describe("sandbox: pending and failing orders", () => {
  let sandbox: Sandbox;
  let bearer: string;
  beforeEach(async () => {
    sandbox = await startSandbox({ orderPendingMs: 300 });
    bearer = await token(sandbox);
  });
  afterEach(() => sandbox.close());
  const get = (path: string) => call(sandbox, path, { token: bearer });
  const order = (body: unknown) => call(sandbox, PATHS.orderSave, { token: bearer, json: body });

  it("an order is pending until orderPendingMs has passed, then succeeds", async () => {
    const reply = await order(purchaseBody({ prefix: "slow" }));
    assert.equal(reply.result.orderStatus, "pending");
    const { productNo, orderNo } = reply.result;
    assert.equal((await get(`${PATHS.orderDetail}/${orderNo}`)).result.orderInformation.orderStatus, "pending");
    assert.equal((await get(`${PATHS.productList}?productId=13`)).result.results[0].status, "pending");
    assert.equal((await get(`${PATHS.pbxUrlExisted}?pbxUrl=slow.eu.sandbox.yeastarcloud.com`)).result, true);
    const early = await order(serviceBody(productNo, PLANS.enterprise, [[SERVICES.recordingMinutes, 10]]));
    assert.equal(early.status, 400);
    assert.equal(early.body.code, "product_not_active");
    await sleep(350);
    assert.equal((await get(`${PATHS.orderDetail}/${orderNo}`)).result.orderInformation.orderStatus, "succeed");
    const product = (await get(`${PATHS.productList}?productId=13`)).result.results[0];
    assert.equal(product.status, "active");
    assert.equal(product.activationStatus, "activated");
    assert.match((await get(PATHS.orderList)).result.results[0].invoiceNo, /^INV/);
  });

  it("pending expansions count towards the 500-extension cap, and apply when they succeed", async () => {
    sandbox.admin.setConfig({ orderPendingMs: 0 });
    const { productNo } = await buy({ sandbox, token: bearer }, { extensions: 400 });
    sandbox.admin.setConfig({ orderPendingMs: 300 });
    const first = await order(serviceBody(productNo, PLANS.enterprise, [[SERVICES.extensionExpansion, 60]]));
    assert.equal(first.result.orderStatus, "pending");
    assert.equal(sandbox.admin.products()[0].extensions, 400, "not applied while pending");
    const second = await order(serviceBody(productNo, PLANS.enterprise, [[SERVICES.extensionExpansion, 60]]));
    assert.equal(second.status, 400, "460 + 60 would exceed 500");
    await sleep(350);
    assert.equal(sandbox.admin.products()[0].extensions, 460);
  });

  it("failOrdersForUrls: the order fails after the pending time, the product fails and frees its URL", async () => {
    sandbox.admin.setConfig({ failOrdersForUrls: ["doomed.eu.sandbox.yeastarcloud.com"] });
    const reply = await order(purchaseBody({ prefix: "doomed" }));
    assert.equal(reply.result.orderStatus, "pending");
    await sleep(350);
    const info = (await get(`${PATHS.orderDetail}/${reply.result.orderNo}`)).result.orderInformation;
    assert.equal(info.orderStatus, "failed");
    assert.equal((await get(`${PATHS.orderList}`)).result.results[0].invoiceNo, "");
    assert.equal(sandbox.admin.products()[0].status, "failed");
    assert.equal((await get(`${PATHS.pbxUrlExisted}?pbxUrl=doomed.eu.sandbox.yeastarcloud.com`)).result, false);
    sandbox.admin.setConfig({ failOrdersForUrls: [], orderPendingMs: 0 });
    const retry = await order(purchaseBody({ prefix: "doomed" }));
    assert.equal(retry.result.orderStatus, "succeed");
  });

  it("failOrdersForUrls with no pending time fails the order at once", async () => {
    sandbox.admin.setConfig({ orderPendingMs: 0, failOrdersForUrls: ["doomed.eu.sandbox.yeastarcloud.com"] });
    const reply = await order(purchaseBody({ prefix: "doomed" }));
    assert.equal(reply.status, 200);
    assert.equal(reply.result.orderStatus, "failed");
    assert.equal(sandbox.admin.products()[0].status, "failed");
    assert.equal(sandbox.admin.stats().orders[0].orderStatus, "failed");
  });
});
