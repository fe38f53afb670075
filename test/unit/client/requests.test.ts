import * as assert from "node:assert/strict";
import { PATHS, PLANS, SERVICES } from "../../../provider/api/catalog";
import { ApiError } from "../../../provider/client/errors";
import {
  CLIENT_ID,
  CONTACT_ACME,
  CONTACT_GLOBEX,
  FakeApi,
  SECRET,
  envelope,
  failure,
  fixtures,
  page,
  sampleOrder,
} from "./fake-api";

describe("client: requests and responses", () => {
  let api: FakeApi;
  beforeEach(() => {
    api = new FakeApi();
  });

  it("requests a token as a form post with pp_credentials and uses tokenHead + token", async () => {
    const client = api.client();
    assert.deepEqual(await client.listRegions(), [
      { id: "41", name: "Europe", region: [{ pbxSubDomainId: "20", pbxSubDomain: ["eu.sandbox.yeastarcloud.com"] }] },
    ]);
    const [tokenReq] = api.to(PATHS.token);
    assert.equal(tokenReq.method, "POST");
    assert.equal(tokenReq.headers["Content-Type"], "application/x-www-form-urlencoded");
    assert.equal(tokenReq.headers.Authorization, undefined);
    const form = new URLSearchParams(tokenReq.body);
    assert.deepEqual(Object.fromEntries(form), {
      grant_type: "pp_credentials",
      client_id: CLIENT_ID,
      client_secret: SECRET,
    });
    const [read] = api.to(PATHS.regionList);
    assert.equal(read.method, "GET");
    assert.equal(read.headers.Authorization, "Bearer canary-TOKEN-1");
    assert.match(read.headers["User-Agent"], /^pulumi-yeastar-pseries\/\d+\.\d+\.\d+/);
    assert.equal(await client.getToken(), "canary-TOKEN-1");
  });

  it("sends a custom User-Agent on every request", async () => {
    const client = api.client({ userAgent: "acme-ci/1.0" });
    await client.listRegions();
    assert.ok(api.requests.every((r) => r.headers["User-Agent"] === "acme-ci/1.0"));
  });

  it("keeps a base URL path prefix (for a proxy in front of the API)", async () => {
    api = new FakeApi("/yeastar");
    const client = api.client({ baseUrl: "https://proxy.example/yeastar/" });
    await client.listRegions();
    assert.deepEqual(
      api.requests.map((r) => r.url),
      [`https://proxy.example/yeastar${PATHS.token}`, `https://proxy.example/yeastar${PATHS.regionList}`],
    );
  });

  it("caches regions, billing contacts and subordinate users with single-flight", async () => {
    const client = api.client();
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => client.listRegions()),
      ...Array.from({ length: 5 }, () => client.listBillingContacts()),
      ...Array.from({ length: 5 }, () => client.listSubordinateUsers()),
    ]);
    await client.listRegions();
    await client.listBillingContacts();
    await client.listSubordinateUsers();
    assert.equal(api.to(PATHS.regionList).length, 1);
    assert.equal(api.to(PATHS.billingContactList).length, 1);
    assert.equal(api.to(PATHS.subordinateUserList).length, 1);
    assert.equal(client.stats.calls.regionList, 1);
    assert.equal(client.stats.calls.billingContactList, 1);
    assert.equal(client.stats.calls.subordinateUserList, 1);
    assert.equal(client.stats.tokenRequests, 1);
    assert.deepEqual(results[5], [
      { billingContactId: CONTACT_ACME, emailAddress: "ap@acme.example", company: "Acme" },
      { billingContactId: CONTACT_GLOBEX, emailAddress: "billing@globex.example", company: "Globex" },
    ]);
    assert.equal((results[10] as { partnerId: string }[])[0].partnerId, "3197218168379840001");
  });

  it("does not cache a failed list: the next call asks again", async () => {
    api.queue(PATHS.regionList, failure(403, "forbidden", "no permission"));
    const client = api.client();
    await assert.rejects(client.listRegions(), ApiError);
    assert.equal((await client.listRegions()).length, 1);
    assert.equal(api.to(PATHS.regionList).length, 2);
  });

  it("checks a PBX URL with the pbxUrl query and returns the boolean", async () => {
    api.setDefault(PATHS.pbxUrlExisted, (req) => ({
      body: envelope(req.query.get("pbxUrl") === "taken.eu.sandbox.yeastarcloud.com"),
    }));
    const client = api.client();
    assert.equal(await client.isPbxUrlTaken("taken.eu.sandbox.yeastarcloud.com"), true);
    assert.equal(await client.isPbxUrlTaken("free.eu.sandbox.yeastarcloud.com"), false);
    assert.equal(await client.isPbxUrlTaken("free.eu.sandbox.yeastarcloud.com"), false);
    // Never cached: availability changes.
    assert.equal(api.to(PATHS.pbxUrlExisted).length, 3);
  });

  it("lists products with productId=13 and the page parameters", async () => {
    api.setDefault(PATHS.productList, { body: envelope(page([fixtures.product(1)], 2, 10, 11)) });
    const client = api.client();
    const result = await client.listProducts({ pageNo: 2, pageSize: 10 });
    const [req] = api.to(PATHS.productList);
    assert.equal(req.query.get("productId"), "13");
    assert.equal(req.query.get("pageNo"), "2");
    assert.equal(req.query.get("pageSize"), "10");
    assert.equal(result.results[0].instanceId, "3197218168379850001");
    assert.equal(result.results[0].planId, PLANS.enterprise);
    assert.equal(result.results[0].services[0].serviceId, SERVICES.highAvailability);
    assert.equal(result.totalPage, 2);
    await client.listProducts();
    assert.equal(api.to(PATHS.productList)[1].query.has("pageNo"), false);
  });

  it("findProductByUrl pages through the product list with pageSize 100 and never caches", async () => {
    const all = Array.from({ length: 250 }, (_, i) => fixtures.product(i + 1));
    api.setDefault(PATHS.productList, (req) => {
      const pageNo = Number(req.query.get("pageNo"));
      const size = Number(req.query.get("pageSize"));
      return { body: envelope(page(all.slice((pageNo - 1) * size, pageNo * size), pageNo, size, all.length)) };
    });
    const client = api.client();
    const hit = await client.findProductByUrl("PBX230.eu.sandbox.yeastarcloud.com");
    assert.equal(hit?.productNo, "PCE-SN-230");
    assert.deepEqual(
      api.to(PATHS.productList).map((r) => [r.query.get("pageNo"), r.query.get("pageSize"), r.query.get("productId")]),
      [
        ["1", "100", "13"],
        ["2", "100", "13"],
        ["3", "100", "13"],
      ],
    );
    assert.equal(await client.findProductByUrl("absent.eu.sandbox.yeastarcloud.com"), undefined);
    assert.equal(api.to(PATHS.productList).length, 6);
    await client.findProductByUrl("pbx1.eu.sandbox.yeastarcloud.com");
    assert.equal(api.to(PATHS.productList).length, 7);
  });

  it("findProductByUrl prefers a PBX bought again over the one whose purchase failed", async () => {
    const all = Array.from({ length: 250 }, (_, i) => fixtures.product(i + 1));
    all[229] = { ...all[229], pbxUrl: "pbx5.eu.sandbox.yeastarcloud.com" };
    all[4] = { ...all[4], status: "failed" };
    api.setDefault(PATHS.productList, (req) => {
      const pageNo = Number(req.query.get("pageNo"));
      const size = Number(req.query.get("pageSize"));
      return { body: envelope(page(all.slice((pageNo - 1) * size, pageNo * size), pageNo, size, all.length)) };
    });
    const client = api.client();
    assert.equal((await client.findProductByUrl("pbx5.eu.sandbox.yeastarcloud.com"))?.productNo, "PCE-SN-230");
    all[229] = { ...all[229], status: "failed" };
    assert.equal((await client.findProductByUrl("pbx5.eu.sandbox.yeastarcloud.com"))?.productNo, "PCE-SN-5");
  });

  it("findProductByUrl stops on an empty list", async () => {
    api.setDefault(PATHS.productList, { body: envelope({ ...page([]), totalPage: 0 }) });
    assert.equal(await api.client().findProductByUrl("x.eu.sandbox.yeastarcloud.com"), undefined);
    assert.equal(api.to(PATHS.productList).length, 1);
  });

  it("gets a product by serial number with productId=13", async () => {
    api.setDefault(PATHS.productDetail, { body: envelope({ ...fixtures.product(7), currentPlan: "" }) });
    const detail = await api.client().getProduct("PCE-SN-7");
    assert.equal(detail?.productNo, "PCE-SN-7");
    assert.equal(detail?.currentPlanExpireDate, "");
    const [req] = api.to(PATHS.productDetail);
    assert.equal(req.query.get("productNo"), "PCE-SN-7");
    assert.equal(req.query.get("productId"), "13");
  });

  it("getProduct returns undefined on an API 404 or product_not_found, and throws on a bare 404", async () => {
    api.queue(
      PATHS.productDetail,
      failure(404, "not_found", "no such product"),
      failure(400, "product_not_found", "no such product"),
      { status: 404, raw: "<html>Not Found</html>" },
    );
    const client = api.client();
    assert.equal(await client.getProduct("PCE-SN-404"), undefined);
    assert.equal(await client.getProduct("PCE-SN-404"), undefined);
    // A proxy page is not the API saying "gone"; dropping a paid PBX from state on it would be wrong.
    const err = await client.getProduct("PCE-SN-404").then(
      () => assert.fail("expected an error"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, "http_404");
    assert.equal(err.fromEnvelope, false);
  });

  it("getProduct rethrows other errors", async () => {
    api.queue(PATHS.productDetail, failure(403, "forbidden", "no"));
    await assert.rejects(
      api.client().getProduct("PCE-SN-1"),
      (e: unknown) => e instanceof ApiError && e.code === "forbidden",
    );
  });

  it("gets an order by number or id with the id encoded in the path", async () => {
    api.setDefault(PATHS.orderDetail, { body: envelope(fixtures.orderDetail) });
    const client = api.client();
    const detail = await client.getOrder("PO2025/0001 x");
    assert.equal(api.to(`${PATHS.orderDetail}/PO2025%2F0001%20x`).length, 1);
    assert.equal(detail.orderInformation.id, "3197218168379860001");
    assert.equal(detail.basicInformation.productId, "13");
    assert.equal(detail.billingInformation?.billingId, CONTACT_ACME);
  });

  it("lists orders with page parameters", async () => {
    api.setDefault(PATHS.orderList, {
      body: envelope(page([{ id: "3197218168379860001", orderNo: "PO2025000001", orderStatus: "pending" }], 1, 25)),
    });
    const result = await api.client().listOrders({ pageNo: 1, pageSize: 25 });
    assert.equal(result.results[0].id, "3197218168379860001");
    const [req] = api.to(PATHS.orderList);
    assert.equal(req.query.get("pageNo"), "1");
    assert.equal(req.query.get("pageSize"), "25");
  });

  it("creates an order with a JSON POST and returns the result", async () => {
    api.setDefault(PATHS.orderSave, { body: envelope(fixtures.orderResult) });
    const client = api.client();
    const result = await client.createOrder(sampleOrder());
    assert.deepEqual(result, fixtures.orderResult);
    const [req] = api.to(PATHS.orderSave);
    assert.equal(req.method, "POST");
    assert.equal(req.headers["Content-Type"], "application/json");
    assert.equal(req.headers.Authorization, "Bearer canary-TOKEN-1");
    assert.equal(client.stats.calls.orderSave, 1);
  });

  it("calculates a price with a JSON POST", async () => {
    api.setDefault(PATHS.priceCalculate, { body: envelope(fixtures.priceQuote) });
    const quote = await api.client().calculatePrice({
      productId: 13,
      operationType: "purchase_plan",
      serviceList: [{ serviceType: "plan", pricingId: PLANS.enterprise, quantity: 10, billingCycle: "annually" }],
    });
    assert.equal(quote.totalAmount, "1200.00");
    assert.equal(quote.items[0].pricingId, PLANS.enterprise);
    const [req] = api.to(PATHS.priceCalculate);
    assert.ok(req.body?.includes(`"pricingId":${PLANS.enterprise}`));
  });

  it("refuses an order whose ID fields are not decimal strings, before sending anything", async () => {
    const client = api.client();
    const bad = { ...sampleOrder(), billingId: "ap@acme.example" };
    await assert.rejects(client.createOrder(bad), /invalid "billingId"/);
    const badItem = sampleOrder();
    (badItem.serviceList[1] as { connectionPlanId?: string }).connectionPlanId = "3.048571730026938e18";
    await assert.rejects(client.createOrder(badItem), /serviceList\[1\]\.connectionPlanId/);
    assert.equal(api.to(PATHS.orderSave).length, 0);
  });

  it("counts every attempt per endpoint in stats", async () => {
    api.queue(PATHS.regionList, { status: 503, body: envelope(null) }, { status: 503, body: envelope(null) });
    const client = api.client();
    await client.listRegions();
    assert.equal(client.stats.calls.regionList, 3);
    assert.equal(client.stats.calls.token, 1);
    assert.equal(client.stats.tokenRequests, 1);
    assert.equal(client.stats.calls.orderSave, 0);
  });
});

describe("client: 64-bit ID precision", () => {
  it("writes plan, service and billing IDs as exact bare integers", async () => {
    const api = new FakeApi();
    api.setDefault(PATHS.orderSave, { body: envelope(fixtures.orderResult) });
    const client = api.client();
    await client.createOrder(sampleOrder(CONTACT_ACME));
    await client.createOrder(sampleOrder(CONTACT_GLOBEX));
    const [first, second] = api.to(PATHS.orderSave).map((r) => r.body ?? "");
    for (const [body, contact] of [
      [first, CONTACT_ACME],
      [second, CONTACT_GLOBEX],
    ]) {
      assert.ok(body.includes(`"billingId":${contact}`), body);
      assert.ok(body.includes(`"serviceId":3048571730026938368`), body);
      assert.ok(body.includes(`"connectionPlanId":3048571730026938368`), body);
      assert.ok(body.includes(`"serviceId":3048573935752720384`), body);
      assert.ok(!body.includes(`"${contact}"`), "IDs must not be quoted");
      assert.ok(!body.includes("3048571730026938400"), "no double rounding");
      // Region and domain IDs are documented as strings but typed as IDs; they go out as integers too.
      assert.ok(body.includes(`"regionId":41`) && body.includes(`"pbxSubDomainId":20`), body);
    }
    assert.ok(first.includes("3197218168379846218") && second.includes("3197218168379846219"));
  });

  it("reads bare 64-bit integers in responses back as identical decimal strings", async () => {
    const api = new FakeApi();
    api.setDefault(PATHS.billingContactList, {
      raw:
        '{"code":"success","detailMessage":"","requestId":"r1","status":200,"result":[' +
        '{"billingContactId":3197218168379846218,"emailAddress":"ap@acme.example"},' +
        '{"billingContactId":3197218168379846219,"emailAddress":"billing@globex.example"}]}',
    });
    api.setDefault(PATHS.orderSave, {
      raw:
        '{"code":"success","detailMessage":"","requestId":"r2","status":200,"result":' +
        '{"instanceId":3197218168379850001,"orderNo":"PO1","orderStatus":"succeed","productNo":"SN1","transactionNo":"T1"}}',
    });
    const client = api.client();
    const contacts = await client.listBillingContacts();
    assert.deepEqual(
      contacts.map((c) => c.billingContactId),
      [CONTACT_ACME, CONTACT_GLOBEX],
    );
    // 3197218168379846219 is odd, so a double would already have changed it on parse.
    assert.notEqual(String(Number(CONTACT_GLOBEX)), CONTACT_GLOBEX);
    const result = await client.createOrder(sampleOrder(contacts[1].billingContactId));
    assert.equal(result.instanceId, "3197218168379850001");
    assert.ok(api.to(PATHS.orderSave)[0].body?.includes(`"billingId":3197218168379846219`));
  });
});
