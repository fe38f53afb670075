import * as assert from "node:assert/strict";
import { PATHS, PLANS, SERVICES } from "../../../provider/api/catalog";
import { CONTACT_ACME, buy, call, withSandbox } from "./helpers";

describe("sandbox: read endpoints", () => {
  const ctx = withSandbox();
  const get = (path: string) => call(ctx.sandbox, path, { token: ctx.token });

  it("wraps every reply in the envelope, with the HTTP status repeated and a 32-hex request ID", async () => {
    for (const path of [PATHS.regionList, PATHS.billingContactList, "/no/such/route"]) {
      const reply = await get(path);
      assert.deepEqual(Object.keys(reply.body).sort(), ["code", "detailMessage", "requestId", "result", "status"]);
      assert.equal(reply.body.status, reply.status);
      assert.match(reply.body.requestId, /^[0-9a-f]{32}$/);
    }
    const a = await get(PATHS.regionList);
    const b = await get(PATHS.regionList);
    assert.notEqual(a.body.requestId, b.body.requestId);
  });

  it("regionList returns the seeded regions with IDs as bare numbers", async () => {
    const reply = await get(PATHS.regionList);
    assert.equal(reply.body.code, "success");
    assert.deepEqual(reply.result, [
      {
        id: 41,
        name: "Europe",
        region: [
          { pbxSubDomainId: 20, pbxSubDomain: ["eu.sandbox.yeastarcloud.com"] },
          { pbxSubDomainId: 21, pbxSubDomain: ["de.sandbox.yeastarcloud.com"] },
        ],
      },
      {
        id: 42,
        name: "North America",
        region: [{ pbxSubDomainId: 30, pbxSubDomain: ["us.sandbox.yeastarcloud.com"] }],
      },
      { id: 43, name: "Asia Pacific", region: [{ pbxSubDomainId: 40, pbxSubDomain: ["ap.sandbox.yeastarcloud.com"] }] },
    ]);
    assert.match(reply.text, /"id":41,/);
  });

  it("billingContactList emits 64-bit contact IDs as bare JSON integers", async () => {
    const reply = await get(PATHS.billingContactList);
    assert.ok(reply.text.includes('"billingContactId":3197218168379846219'), reply.text);
    assert.ok(!reply.text.includes('"3197218168379846219"'));
    // Lossless parsing keeps every digit, which JSON.parse would not.
    assert.equal(reply.result[1].billingContactId, "3197218168379846219");
    assert.notEqual(String(JSON.parse(reply.text).result[1].billingContactId), "3197218168379846219");
    assert.deepEqual(reply.result[0], {
      billingContactId: CONTACT_ACME,
      emailAddress: "ap@acme.example",
      company: "Acme",
      firstName: "Ada",
      lastName: "Payne",
    });
  });

  it("subordinateUserList returns partner IDs as strings", async () => {
    const reply = await get(PATHS.subordinateUserList);
    assert.ok(reply.text.includes('"partnerId":"3076913644915998721"'));
    assert.deepEqual(
      reply.result.map((u: { partnerId: string; company: string }) => [u.partnerId, u.company]),
      [
        ["3076913644915998721", "Customer One"],
        ["3076913644915998723", "Customer Two"],
        ["3076913644915998725", "Customer Three"],
      ],
    );
  });

  it("pbxUrlExisted: the foreign URL is taken, a free one is not, ours becomes taken", async () => {
    const check = async (url: string) => (await get(`${PATHS.pbxUrlExisted}?pbxUrl=${url}`)).result;
    assert.equal(await check("taken.eu.sandbox.yeastarcloud.com"), true);
    assert.equal(await check("acme-hq.eu.sandbox.yeastarcloud.com"), false);
    await buy(ctx, { prefix: "acme-hq" });
    assert.equal(await check("acme-hq.eu.sandbox.yeastarcloud.com"), true);
    const missing = await get(PATHS.pbxUrlExisted);
    assert.equal(missing.status, 400);
    assert.equal(missing.body.code, "parameter_validation_failed");
    assert.deepEqual(missing.result, { pbxUrl: "required" });
  });

  it("the foreign URL never shows in our product list", async () => {
    const reply = await get(`${PATHS.productList}?productId=13`);
    assert.equal(reply.result.total, 0);
    assert.deepEqual(reply.result.results, []);
  });

  it("productList pages our products with the ProductInfo fields", async () => {
    const bought = [];
    for (const prefix of ["one", "two", "three"]) bought.push(await buy(ctx, { prefix, ha: true }));
    const page1 = await get(`${PATHS.productList}?productId=13&pageSize=2`);
    assert.deepEqual(
      { ...page1.result, results: page1.result.results.length },
      { count: 3, pageNo: 1, pageSize: 2, results: 2, total: 3, totalPage: 2 },
    );
    const page2 = await get(`${PATHS.productList}?productId=13&pageSize=2&pageNo=2`);
    assert.equal(page2.result.results.length, 1);
    assert.equal(page2.result.results[0].productNo, bought[2].productNo);
    const first = page1.result.results[0];
    assert.equal(first.productNo, bought[0].productNo);
    assert.match(first.productNo, /^[0-9A-Z]{16}$/);
    assert.equal(first.instanceId, bought[0].instanceId);
    assert.equal(first.productId, 13);
    assert.equal(first.pbxUrl, "one.eu.sandbox.yeastarcloud.com");
    assert.equal(first.planId, PLANS.enterprise);
    assert.ok(page1.text.includes(`"planId":${PLANS.enterprise}`), "planId is a bare number");
    assert.equal(first.regionId, 41);
    assert.equal(first.pbxSubDomainId, 20);
    assert.equal(first.extensions, 100);
    assert.deepEqual(first.services, [{ serviceId: SERVICES.highAvailability, quantity: 100 }]);
    assert.equal(first.status, "active");
    assert.match(first.expireDate, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(typeof first.createTime, "number");
  });

  it("productList validates its parameters and filters by productId", async () => {
    await buy(ctx);
    const missing = await get(PATHS.productList);
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.result, { productId: "required" });
    const tooBig = await get(`${PATHS.productList}?productId=13&pageSize=101`);
    assert.equal(tooBig.status, 400);
    assert.ok("pageSize" in tooBig.result);
    const zero = await get(`${PATHS.productList}?productId=13&pageNo=0`);
    assert.equal(zero.status, 400);
    const other = await get(`${PATHS.productList}?productId=12`);
    assert.equal(other.result.total, 0);
    const beyond = await get(`${PATHS.productList}?productId=13&pageNo=5`);
    assert.deepEqual(beyond.result.results, []);
    assert.equal(beyond.result.total, 1);
  });

  it("productDetail returns the product plus currentPlan fields; unknown is 404 product_not_found", async () => {
    const order = await buy(ctx);
    const detail = await get(`${PATHS.productDetail}?productNo=${order.productNo}&productId=13`);
    assert.equal(detail.status, 200);
    assert.equal(detail.result.productNo, order.productNo);
    assert.equal(detail.result.currentPlan, "");
    assert.equal(detail.result.currentPlanExpireDate, "");
    assert.ok(!("switchBillingCycle" in detail.result), "internal fields stay internal");
    const unknown = await get(`${PATHS.productDetail}?productNo=0000B000000000XX&productId=13`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, "product_not_found");
    const wrongProduct = await get(`${PATHS.productDetail}?productNo=${order.productNo}&productId=12`);
    assert.equal(wrongProduct.status, 404);
    const missing = await get(PATHS.productDetail);
    assert.equal(missing.status, 400);
    assert.deepEqual(Object.keys(missing.result).sort(), ["productId", "productNo"]);
  });

  it("orderList pages orders newest first, with 64-bit IDs as bare numbers and poNumber as customReferenceNo", async () => {
    const a = await buy(ctx, { prefix: "first", poNumber: "PO-1" });
    const b = await buy(ctx, { prefix: "second" });
    const reply = await get(`${PATHS.orderList}?pageSize=1`);
    assert.equal(reply.result.total, 2);
    assert.equal(reply.result.totalPage, 2);
    assert.equal(reply.result.results[0].orderNo, b.orderNo);
    const older = await get(`${PATHS.orderList}?pageSize=1&pageNo=2`);
    const info = older.result.results[0];
    assert.equal(info.orderNo, a.orderNo);
    assert.equal(info.customReferenceNo, "PO-1");
    assert.equal(info.currencyCode, "USD");
    assert.equal(info.orderStatus, "succeed");
    assert.match(info.invoiceNo, /^INV\d+/);
    assert.match(info.id, /^\d{19}$/);
    assert.ok(older.text.includes(`"id":${info.id},`), "order id is a bare number");
    assert.ok(BigInt(info.id) > BigInt(Number.MAX_SAFE_INTEGER));
  });

  it("orderDetail finds an order by ID or by order number; unknown is 404 order_not_found", async () => {
    const order = await buy(ctx, { ha: true });
    const id = ctx.sandbox.admin.stats().orders[0].id;
    const byId = await get(`${PATHS.orderDetail}/${id}`);
    const byNo = await get(`${PATHS.orderDetail}/${order.orderNo}`);
    assert.equal(byId.status, 200);
    assert.deepEqual(byId.result.orderInformation, byNo.result.orderInformation);
    assert.deepEqual(byId.result.basicInformation, {
      productId: "13",
      productName: "P-Series Cloud Edition",
      productNo: order.productNo,
    });
    assert.equal(byId.result.billingInformation.billingId, CONTACT_ACME);
    const info = byId.result.orderInformation;
    assert.equal(info.id, id);
    assert.equal(info.orderNo, order.orderNo);
    assert.equal(info.operationType, "purchase_plan");
    assert.equal(info.instanceId, order.instanceId);
    assert.equal(info.transactionNo, order.transactionNo);
    const items = byId.result.orderSummary.serviceList;
    assert.deepEqual(
      items.map((i: { serviceId: string; quantity: number }) => [i.serviceId, i.quantity]),
      [
        [PLANS.enterprise, 100],
        [SERVICES.highAvailability, 100],
      ],
    );
    const unknown = await get(`${PATHS.orderDetail}/HB0000000000000000000`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, "order_not_found");
  });

  it("unknown routes and wrong methods get a 404 not_found envelope and are not counted", async () => {
    const unknown = await get("/product/openapi/nothing");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, "not_found");
    const wrongMethod = await call(ctx.sandbox, PATHS.regionList, { token: ctx.token, method: "DELETE" });
    assert.equal(wrongMethod.status, 404);
    const counted = Object.values(ctx.sandbox.admin.stats().requests).reduce((a, b) => a + b, 0);
    assert.equal(counted, 0);
  });
});

describe("sandbox: price calculation", () => {
  const ctx = withSandbox();
  const quote = (body: unknown) => call(ctx.sandbox, PATHS.priceCalculate, { token: ctx.token, json: body });
  const item = (serviceType: string, pricingId: string, quantity: number, billingCycle = "annually") => ({
    serviceType,
    pricingId,
    quantity,
    billingCycle,
  });

  it("prices a purchase per unit and cycle, with pricing IDs as bare numbers", async () => {
    const reply = await quote({
      productId: 13,
      operationType: "purchase_plan",
      serviceList: [
        item("plan", PLANS.enterprise, 10),
        { ...item("service", SERVICES.highAvailability, 10), connectionPlanId: PLANS.enterprise },
      ],
    });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.result.currencyCode, "USD");
    assert.equal(reply.result.totalAmount, "550.00");
    const lines = reply.result.items.map((i: { pricingId: string; quantity: number; amount: string }) => [
      i.pricingId,
      i.quantity,
      i.amount,
    ]);
    assert.deepEqual(lines, [
      [PLANS.enterprise, 10, "400.00"],
      [SERVICES.highAvailability, 10, "150.00"],
    ]);
    assert.ok(reply.text.includes(`"pricingId":${PLANS.enterprise}`));
  });

  it("setPrices overrides the table, and the quote follows the cycle", async () => {
    ctx.sandbox.admin.setPrices({ [PLANS.ultimate]: { monthly: "1.255", annually: "12.00" } });
    const reply = await quote({
      productId: 13,
      operationType: "purchase_plan",
      serviceList: [item("plan", PLANS.ultimate, 7, "monthly")],
    });
    // 7 x 1.255 = 8.785, rounded half up.
    assert.equal(reply.result.totalAmount, "8.79");
    assert.throws(() => ctx.sandbox.admin.setPrices({ [PLANS.ultimate]: { monthly: "cheap", annually: "1" } }));
  });

  it("validates like an order", async () => {
    const cases: Array<[unknown, string]> = [
      [
        { productId: 12, operationType: "purchase_plan", serviceList: [item("plan", PLANS.enterprise, 10)] },
        "productId",
      ],
      [
        { productId: 13, operationType: "trial_plan", serviceList: [item("plan", PLANS.enterprise, 10)] },
        "operationType",
      ],
      [{ productId: 13, operationType: "purchase_plan", serviceList: [] }, "serviceList"],
      [
        { productId: 13, operationType: "purchase_plan", serviceList: [item("plan", "3048571730026938400", 10)] },
        "serviceList[0].pricingId",
      ],
      [
        { productId: 13, operationType: "purchase_plan", serviceList: [item("plan", PLANS.enterprise, 501)] },
        "serviceList[0].quantity",
      ],
      [
        { productId: 13, operationType: "purchase_plan", serviceList: [item("plan", PLANS.enterprise, 10, "weekly")] },
        "serviceList[0].billingCycle",
      ],
      [
        {
          productId: 13,
          operationType: "purchase_plan",
          serviceList: [item("service", SERVICES.recordingMinutes, 10)],
        },
        "serviceList",
      ],
      [
        {
          productId: 13,
          operationType: "purchase_plan",
          serviceList: [
            item("plan", PLANS.enterprise, 10),
            { ...item("service", SERVICES.recordingMinutes, 10), connectionPlanId: PLANS.ultimate },
          ],
        },
        "serviceList[1].connectionPlanId",
      ],
      [
        {
          productId: 13,
          operationType: "purchase_service",
          serviceList: [item("service", SERVICES.recordingMinutes, 5)],
        },
        "productNo",
      ],
    ];
    for (const [body, field] of cases) {
      const reply = await quote(body);
      assert.equal(reply.status, 400, `${field}: ${reply.text}`);
      assert.equal(reply.body.code, "parameter_validation_failed");
      assert.ok(field in reply.result, `${field} not in ${reply.text}`);
    }
    const unknownProduct = await quote({
      productId: 13,
      productNo: "0000B000000000XX",
      operationType: "purchase_service",
      serviceList: [item("service", SERVICES.recordingMinutes, 5)],
    });
    assert.equal(unknownProduct.body.code, "product_not_found");
  });

  it("prices a service for an existing product", async () => {
    const order = await buy(ctx);
    const reply = await quote({
      productId: 13,
      productNo: order.productNo,
      operationType: "purchase_service",
      serviceList: [{ ...item("service", SERVICES.recordingMinutes, 1000), connectionPlanId: PLANS.enterprise }],
    });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.result.totalAmount, "200.00");
    assert.equal(ctx.sandbox.admin.stats().orders.length, 1, "a quote places no order");
  });
});
