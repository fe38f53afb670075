/**
 * The provider engine against a stubbed PartnerApi: what each method calls, what it buys, and how it behaves
 * when an order's outcome is unknown (docs/architecture.md).
 */
import * as assert from "node:assert/strict";
import { PLANS, SERVICES } from "../../../provider/api/catalog";
import { check, create, deleteMessage, read, remove, update } from "../../../provider/pbx/engine";
import { DRY_RUN_KEY, UNKNOWN } from "../../../provider/api/inputs";
import { checked, deps, fakeApi, haService, product, rawInputs, resolved, state, URL } from "./fixtures";

function ambiguous(message = "socket hang up") {
  return Object.assign(new Error(message), { ambiguous: true });
}

describe("engine: check", function () {
  it("resolves region, domain and contact, checks the URL and quotes a price, placing no order", async function () {
    const api = fakeApi();
    const r = await check({}, rawInputs(), deps(api).deps);
    assert.equal(r.failures, undefined);
    const inputs = r.inputs as Record<string, unknown> & { resolved: Record<string, string> };
    assert.deepEqual(inputs.resolved, resolved());
    assert.match(String(inputs.priceEstimate), /USD 1200\.00 per year/);
    assert.equal(api.isPbxUrlTaken.callCount, 1);
    assert.equal(api.isPbxUrlTaken.firstCall.args[0], URL);
    assert.equal(api.createOrder.callCount, 0);
  });

  it("resolves a region by id, a domain by suffix and a contact by id", async function () {
    const api = fakeApi();
    const r = await check(
      {},
      rawInputs({ region: "41", domain: "de.sandbox.yeastarcloud.com", billingContact: "3197218168379846219" }),
      deps(api).deps,
    );
    const res = (r.inputs as { resolved: Record<string, string> }).resolved;
    assert.equal(res.pbxSubDomainId, "21");
    assert.equal(res.pbxUrl, "acme-hq.de.sandbox.yeastarcloud.com");
    assert.equal(res.billingContactId, "3197218168379846219");
  });

  for (const [field, change, text] of [
    ["region", { region: "Mars" }, /"Europe" \(id 41\)/],
    ["domain", { domain: "us.sandbox.yeastarcloud.com" }, /offers "eu.sandbox.yeastarcloud.com"/],
    ["billingContact", { billingContact: "nobody@acme.example" }, /ap@acme.example/],
    ["owner", { owner: "nobody@acme.example" }, /subordinate users/],
  ] as const) {
    it(`fails on an unknown ${field}, listing what exists`, async function () {
      const api = fakeApi();
      const r = await check({}, rawInputs(change), deps(api).deps);
      const f = r.failures?.find((x) => x.property === field);
      assert.ok(f, JSON.stringify(r));
      assert.match(f.reason, text);
      assert.equal(api.createOrder.callCount, 0);
    });
  }

  it("fails when the URL is taken by someone else", async function () {
    const api = fakeApi();
    api.isPbxUrlTaken.resolves(true);
    const r = await check({}, rawInputs(), deps(api).deps);
    assert.equal(r.failures?.[0].property, "subdomain");
    assert.match(r.failures![0].reason, /taken by another Yeastar customer/);
  });

  it("passes when the URL is taken by a PBX of ours, marking it for adoption", async function () {
    const api = fakeApi();
    api.isPbxUrlTaken.resolves(true);
    api.findProductByUrl.resolves(product());
    const r = await check({}, rawInputs(), deps(api).deps);
    assert.equal((r.inputs as { resolved: { adoptProductNo: string } }).resolved.adoptProductNo, "3658B431119665QJ");
  });

  it("in a preview, looks the URL up and takes the dry-run flag out of the inputs", async function () {
    const api = fakeApi();
    api.isPbxUrlTaken.resolves(true);
    const r = await check({}, { ...rawInputs(), [DRY_RUN_KEY]: true }, deps(api).deps);
    assert.equal(api.isPbxUrlTaken.callCount, 1);
    assert.match(r.failures![0].reason, /taken by another Yeastar customer/);
    const ok = await check({}, { ...rawInputs({ subdomain: "free-one" }), [DRY_RUN_KEY]: true }, deps(fakeApi()).deps);
    assert.equal(ok.failures, undefined);
    assert.ok(!(DRY_RUN_KEY in ok.inputs!), "the flag must not reach state");
  });

  it("in an update, leaves a new PBX's URL lookup to create, which looks right before buying", async function () {
    const api = fakeApi();
    api.isPbxUrlTaken.resolves(true);
    const r = await check({}, { ...rawInputs(), [DRY_RUN_KEY]: false }, deps(api).deps);
    assert.equal(r.failures, undefined);
    assert.equal(api.isPbxUrlTaken.callCount, 0);
    assert.ok(!(DRY_RUN_KEY in r.inputs!), "the flag must not reach state");
    // create is where the taken URL is caught, before any order.
    await assert.rejects(create(r.inputs!, deps(api).deps), /taken by another Yeastar customer; nothing was bought/);
    assert.equal(api.isPbxUrlTaken.callCount, 1);
    assert.equal(api.createOrder.callCount, 0);
  });

  it("in an update, still looks up a URL that changes on an existing PBX", async function () {
    const api = fakeApi();
    api.isPbxUrlTaken.resolves(true);
    api.findProductByUrl.resolves(product());
    const olds = { ...checked({ allowRepurchase: true }) } as Record<string, unknown>;
    const r = await check(
      olds,
      { ...rawInputs({ subdomain: "moved", allowRepurchase: true }), [DRY_RUN_KEY]: false },
      deps(api).deps,
    );
    assert.equal(api.isPbxUrlTaken.callCount, 1);
    assert.match(r.failures![0].reason, /already belongs to your PBX/);
  });

  it("makes no API call when nothing that needs resolving changed", async function () {
    const api = fakeApi();
    const olds = { ...checked(), priceEstimate: "USD 1.00 per year" };
    // In an update, a raise is read from the portal by update itself, right before ordering.
    const r = await check(olds, { ...rawInputs({ extensions: 120 }), [DRY_RUN_KEY]: false }, deps(api).deps);
    assert.equal((r.inputs as { extensions: number }).extensions, 120);
    // In a preview, a change that needs no order reads nothing either (a raise reads the portal: reconcile.test).
    const p = await check(olds, rawInputs({ poNumber: "PO-7" }), deps(api).deps);
    assert.equal((p.inputs as { poNumber: string }).poNumber, "PO-7");
    for (const stub of Object.values(api)) assert.equal(stub.callCount, 0);
  });

  it("skips resolution for values unknown in preview", async function () {
    const api = fakeApi();
    const r = await check({}, rawInputs({ subdomain: UNKNOWN }), deps(api).deps);
    assert.equal((r.inputs as { subdomain: string }).subdomain, UNKNOWN);
    assert.equal(api.isPbxUrlTaken.callCount, 0);
  });

  it("fails early on changes the API cannot make", async function () {
    const api = fakeApi();
    const r = await check({ ...checked() } as Record<string, unknown>, rawInputs({ extensions: 10 }), deps(api).deps);
    assert.equal(r.failures?.[0].property, "extensions");
  });
});

describe("engine: create", function () {
  it("places exactly one purchase order and returns the outputs", async function () {
    const api = fakeApi();
    const { id, outs } = await create({ ...checked({ highAvailability: true }) }, deps(api).deps);
    assert.equal(api.createOrder.callCount, 1);
    const order = api.createOrder.firstCall.args[0];
    assert.equal(order.operationType, "purchase_plan");
    assert.deepEqual(order.serviceList[1], {
      serviceType: "service",
      serviceId: SERVICES.highAvailability,
      connectionPlanId: PLANS.enterprise,
      quantity: 100,
      purchaseType: "purchase",
      billingModel: "recurring",
      billingCycle: "annually",
      multiCycle: 0,
    });
    assert.equal(id, "1275655");
    assert.equal(outs.orderNo, "HB3203705539121029120");
    assert.equal(outs.productNo, "3658B431119665QJ");
    assert.equal(outs.pbxUrl, URL);
    assert.equal(outs.orders.length, 1);
  });

  it("adopts a PBX of ours found by URL instead of buying", async function () {
    const api = fakeApi();
    api.isPbxUrlTaken.resolves(true);
    api.findProductByUrl.resolves(product({ extensions: 80 }));
    const { deps: d, messages } = deps(api);
    const { outs } = await create({ ...checked() }, d);
    assert.equal(api.createOrder.callCount, 0);
    assert.equal(outs.adopted, true);
    assert.equal(outs.extensions, 80, "state records what exists, so the next up orders the difference");
    assert.ok(messages.some((m) => m.level === "warn" && /adopting/.test(m.message)));
    // An interrupted run leaves its create pending in the stack; the message names the one command that clears it.
    assert.ok(
      messages.some((m) => m.level === "warn" && m.message.includes("`pulumi refresh --clear-pending-creates --yes`")),
    );
  });

  it("refuses to buy a URL taken by someone else", async function () {
    const api = fakeApi();
    api.isPbxUrlTaken.resolves(true);
    await assert.rejects(
      create({ ...checked() }, deps(api).deps),
      /taken by another Yeastar customer; nothing was bought/,
    );
    assert.equal(api.createOrder.callCount, 0);
  });

  it("after an ambiguous order failure, adopts the PBX if it exists and never orders again", async function () {
    const api = fakeApi();
    api.createOrder.rejects(ambiguous());
    api.findProductByUrl.resolves(product());
    const { outs } = await create({ ...checked() }, deps(api).deps);
    assert.equal(api.createOrder.callCount, 1);
    assert.equal(outs.productNo, "3658B431119665QJ");
    assert.equal(outs.adopted, true);
  });

  it("after an ambiguous failure with no PBX found, fails without retrying", async function () {
    const api = fakeApi();
    api.createOrder.rejects(ambiguous());
    await assert.rejects(create({ ...checked() }, deps(api).deps), /outcome is unknown.*Nothing was retried/s);
    assert.equal(api.createOrder.callCount, 1);
    assert.equal(api.findProductByUrl.callCount, 3);
  });

  it("a definite rejection says nothing was bought", async function () {
    const api = fakeApi();
    api.createOrder.rejects(new Error("create order: HTTP 400 parameter_validation_failed"));
    await assert.rejects(create({ ...checked() }, deps(api).deps), /rejected, nothing was bought/);
    assert.equal(api.findProductByUrl.callCount, 0);
  });

  it("waits for a pending order to succeed", async function () {
    const api = fakeApi();
    api.createOrder.resolves({
      instanceId: "7",
      orderNo: "HB1",
      orderStatus: "pending",
      productNo: "SN7",
      transactionNo: "",
    });
    api.getOrder.onFirstCall().resolves({
      basicInformation: { productId: "13" },
      orderInformation: { id: "1", orderNo: "HB1", orderStatus: "pending" },
    } as never);
    api.getOrder.onSecondCall().resolves({
      basicInformation: { productId: "13" },
      orderInformation: { id: "1", orderNo: "HB1", orderStatus: "succeed" },
    } as never);
    const { outs } = await create({ ...checked() }, deps(api).deps);
    assert.equal(outs.orderStatus, "succeed");
    assert.equal(api.getOrder.callCount, 2);
  });

  it("an order pending past the deadline throws a partial-resource error carrying the id", async function () {
    const api = fakeApi();
    api.createOrder.resolves({
      instanceId: "7",
      orderNo: "HB1",
      orderStatus: "pending",
      productNo: "SN7",
      transactionNo: "",
    });
    api.getOrder.resolves({
      basicInformation: { productId: "13" },
      orderInformation: { id: "1", orderNo: "HB1", orderStatus: "pending" },
    } as never);
    const err = await create({ ...checked({ orderTimeoutSeconds: 5 }) }, deps(api).deps).then(
      () => assert.fail("expected an error"),
      (e) => e as Error & { id: string; properties: Record<string, unknown> },
    );
    assert.equal(err.id, "7");
    assert.equal(err.properties.orderStatus, "pending");
    assert.equal(err.properties.productNo, "SN7");
    assert.match(err.message, /still pending.*No second order/s);
    assert.equal(api.createOrder.callCount, 1);
  });

  it("a failed order is an error with the order number", async function () {
    const api = fakeApi();
    api.createOrder.resolves({
      instanceId: "7",
      orderNo: "HB9",
      orderStatus: "failed",
      productNo: "SN7",
      transactionNo: "",
    });
    await assert.rejects(
      create({ ...checked() }, deps(api).deps),
      /order HB9 \(serial SN7\) ended with status "failed"/,
    );
  });
});

describe("engine: update", function () {
  it("places one expansion order for the difference", async function () {
    const api = fakeApi();
    const { outs } = await update("1", { ...state() }, { ...checked({ extensions: 130 }) }, deps(api).deps);
    assert.equal(api.createOrder.callCount, 1);
    assert.equal(api.createOrder.firstCall.args[0].serviceList[0].quantity, 30);
    assert.equal(outs.extensions, 130);
    assert.equal(outs.orders.at(-1)?.operationType, "purchase_service");
  });

  it("places no order when only future-order fields change", async function () {
    const api = fakeApi();
    const { outs } = await update("1", { ...state() }, { ...checked({ poNumber: "PO-9" }) }, deps(api).deps);
    assert.equal(api.createOrder.callCount, 0);
    assert.equal(outs.poNumber, "PO-9");
    assert.equal(outs.instanceId, "1275655", "the full output set is returned");
  });

  it("keeps what was bought when a later order of the same update fails", async function () {
    const api = fakeApi();
    api.createOrder.onSecondCall().rejects(new Error("HTTP 400 parameter_validation_failed"));
    const err = await update(
      "1",
      { ...state() },
      { ...checked({ extensions: 120, highAvailability: true }) },
      deps(api).deps,
    ).then(
      () => assert.fail("expected an error"),
      (e) => e as Error & { id: string; properties: Record<string, unknown> },
    );
    assert.equal(err.id, "1");
    assert.equal(err.properties.extensions, 120, "the expansion is recorded");
    assert.equal(err.properties.highAvailability, false);
    assert.equal(api.createOrder.callCount, 2);
  });

  it("after an ambiguous failure, records the order if the PBX shows it and does not retry", async function () {
    const api = fakeApi();
    api.createOrder.rejects(ambiguous("timeout"));
    // First the read before ordering (no HA yet), then the read after the lost reply (HA is there).
    api.getProduct.onSecondCall().resolves(product({ services: [haService(100)] }));
    const { outs } = await update("1", { ...state() }, { ...checked({ highAvailability: true }) }, deps(api).deps);
    assert.equal(api.createOrder.callCount, 1);
    assert.equal(outs.highAvailability, true);
  });

  it("resumes a pending create and buys nothing new", async function () {
    const api = fakeApi();
    const { outs } = await update(
      "1",
      {
        ...state({
          orderStatus: "pending",
          orders: [
            { orderNo: "HB3203705539121029120", operationType: "purchase_plan", orderStatus: "pending", summary: "" },
          ],
        }),
      },
      { ...checked() },
      deps(api).deps,
    );
    assert.equal(api.createOrder.callCount, 0);
    assert.equal(outs.orderStatus, "succeed");
    assert.equal(outs.orders[0].orderStatus, "succeed");
  });
});

describe("engine: read and delete", function () {
  it("read reports drift in extensions, plan, services and expiry, returning inputs too", async function () {
    const api = fakeApi();
    api.getProduct.resolves(
      product({
        extensions: 140,
        planId: PLANS.ultimate,
        services: [haService(140), { serviceId: SERVICES.recordingMinutes, quantity: 50 }],
        expireDate: "2028-01-01",
      }),
    );
    const r = await read("1", { ...state() }, deps(api).deps);
    assert.equal(r.id, "1");
    assert.equal(r.props?.extensions, 140);
    assert.equal(r.props?.plan, "ultimate");
    assert.equal(r.props?.highAvailability, true);
    assert.equal(r.props?.recordingMinutes, 50);
    assert.equal(r.props?.expireDate, "2028-01-01");
    assert.equal(r.inputs?.extensions, 140);
    assert.equal(r.inputs?.instanceId, undefined, "inputs hold inputs only");
  });

  it("read of a definitely missing PBX drops it", async function () {
    const api = fakeApi();
    api.getProduct.resolves(undefined);
    const r = await read("1", { ...state() }, deps(api).deps);
    assert.equal(r.id, undefined);
  });

  it("delete calls nothing and warns with the URL, serial number and what to do", async function () {
    const api = fakeApi();
    const { deps: d, messages } = deps(api);
    await remove("1", { ...state() }, d);
    for (const stub of Object.values(api)) assert.equal(stub.callCount, 0);
    assert.equal(messages.length, 1);
    assert.match(messages[0].message, new RegExp(URL.replace(/\./g, "\\.")));
    assert.match(messages[0].message, /3658B431119665QJ/);
    assert.match(messages[0].message, /NOT cancelled.*auto-renew/s);
    assert.equal(deleteMessage({ ...state() }), messages[0].message);
  });
});
