/**
 * Trials (provider/pbx/trial.ts and the engine around it): what a trial may not be asked for, the orders that buy
 * and convert one, and, through the engine against a stubbed PartnerApi, that a conversion is decided from the
 * portal (a trial the portal already converted is never converted again) and that a trial is never priced.
 */
import * as assert from "node:assert/strict";
import { PLANS, SERVICES } from "../../../provider/api/catalog";
import { update } from "../../../provider/pbx/engine";
import { followUpOrders, purchaseOrder, transitionFailures } from "../../../provider/pbx/order-plan";
import { portalFacts, reconcile, withPending } from "../../../provider/pbx/reconcile";
import { trialFailures } from "../../../provider/pbx/trial";
import { purchaseView } from "../../../provider/pbx/preview";
import { outputsOf } from "../../../provider/pbx/state";
import { checked, deps, fakeApi, product, state } from "./fixtures";

const TODAY = "2026-12-06";
const trialState = (over: Record<string, unknown> = {}) =>
  state({ trial: true, extensions: 10, expireDate: "2027-01-05", ...over } as never);
const converting = (over: Record<string, unknown> = {}) =>
  checked({ trial: false, extensions: 20, highAvailability: true, ...over } as never);

describe("trials (pure)", function () {
  it("a trial holds the plan only: an add-on or a renewal fails, naming the field", function () {
    const failures = trialFailures(undefined, {
      ...checked({ trial: true, highAvailability: true, recordingMinutes: 300, renewThrough: "2028-01-01" } as never),
    });
    assert.deepEqual(
      failures.map((f) => f.property),
      ["highAvailability", "recordingMinutes", "renewThrough"],
    );
    assert.match(failures[1].reason, /recordingMinutes is 300, but a trial holds the plan only/);
    assert.deepEqual(trialFailures(undefined, { ...checked({ trial: true } as never) }), []);
  });

  it("a paid PBX cannot become a trial; a trial changes only by its conversion", function () {
    const paid = transitionFailures(state(), { ...checked({ trial: true } as never) });
    assert.deepEqual(
      paid.map((f) => f.property),
      ["trial"],
    );
    assert.match(paid[0].reason, /a paid PBX cannot become a trial/);
    const changed = trialFailures(
      { trial: true, extensions: 10, plan: "enterprise", billingCycle: "annually" },
      { ...checked({ trial: true, extensions: 20, plan: "ultimate" } as never) },
    );
    assert.deepEqual(
      changed.map((f) => f.property),
      ["extensions", "plan"],
    );
  });

  it("converting may set a new billing cycle; a paid PBX may not", function () {
    const cycle = { ...converting({ billingCycle: "monthly" }) };
    assert.deepEqual(transitionFailures({ ...checked({ trial: true, extensions: 10 } as never) }, cycle), []);
    assert.deepEqual(
      transitionFailures(checked({ extensions: 10 }), cycle).map((f) => f.property),
      ["billingCycle"],
    );
  });

  it("a new trial is one trial_plan order of the plan alone", function () {
    const order = purchaseOrder(checked({ trial: true, extensions: 10 } as never));
    assert.equal(order.operationType, "trial_plan");
    assert.deepEqual(
      order.serviceList.map((s) => [s.serviceType, s.serviceId, s.quantity, s.purchaseType]),
      [["plan", PLANS.enterprise, 10, "trial"]],
    );
    assert.ok(order.orderPceSpecialRequest, "it creates the PBX");
  });

  it("the conversion is one switchTrial_plan order of the PBX's whole paid shape, before any renewal", function () {
    const orders = followUpOrders(trialState(), converting({ renewThrough: "2028-06-01" }), TODAY);
    assert.deepEqual(
      orders.map((o) => [o.field, o.request.operationType]),
      [
        ["trial", "switchTrial_plan"],
        ["renewal", "renew_plan"],
      ],
    );
    assert.deepEqual(
      orders[0].request.serviceList.map((s) => [s.serviceId, s.quantity, s.purchaseType]),
      [
        [PLANS.enterprise, 20, "purchase"],
        [SERVICES.highAvailability, 20, "purchase"],
      ],
    );
    assert.equal(orders[1].request.serviceList[0].quantity, 20, "the renewal renews the converted PBX");
    assert.deepEqual(followUpOrders(trialState(), { ...checked({ trial: true, extensions: 10 } as never) }, TODAY), []);
  });

  it("the portal decides: a trial it already converted (or is converting) is recorded, not converted again", function () {
    const converted = portalFacts(
      product({ extensions: 20, services: [{ serviceId: SERVICES.highAvailability, quantity: 20 }] }),
    );
    const r = reconcile(trialState(), converting(), converted);
    assert.deepEqual(r.failures, []);
    assert.equal(r.base.trial, false);
    assert.ok(
      r.notes.some((n) => /already converted from its trial/.test(n)),
      r.notes.join("\n"),
    );
    assert.deepEqual(followUpOrders(r.base, converting(), TODAY), []);

    const stillTrial = portalFacts(product({ extensions: 10, isTrial: true }));
    assert.equal(stillTrial.trial, true);
    const coming = withPending(stillTrial, [
      {
        orderNo: "HB1",
        operationType: "switchTrial_plan",
        productNo: "3658B431119665QJ",
        items: [
          { serviceType: "plan", serviceId: PLANS.enterprise, quantity: 20 },
          { serviceType: "service", serviceId: SERVICES.highAvailability, quantity: 20 },
        ],
      },
    ]);
    assert.deepEqual([coming.trial, coming.extensions, coming.highAvailability], [false, 20, true]);
  });

  it("a trial's last day is an output; a paid PBX's is empty, and an earlier release's state gets none", function () {
    assert.equal(outputsOf(trialState()).trialEndsOn, "2027-01-05");
    assert.equal(outputsOf(state({ trial: false } as never)).trialEndsOn, "");
    assert.equal("trialEndsOn" in outputsOf(state()), false);
  });
});

describe("trials through the engine", function () {
  it("a trial is shown free and the price API is not asked", async function () {
    const api = fakeApi();
    const view = await purchaseView(api, checked({ trial: true, extensions: 10 } as never));
    assert.deepEqual([view.operation, view.price, view.amount], ["trial_plan", "no charge", undefined]);
    assert.equal(api.calculatePrice.callCount, 0);
  });

  it("update converts a trial the portal still has with one order, and records the paid PBX", async function () {
    const api = fakeApi();
    api.getProduct.resolves(product({ extensions: 10, isTrial: true, expireDate: "2027-01-05" }));
    const { outs } = await update(
      "1",
      trialState(),
      { ...converting() },
      deps(api, { t: Date.parse(`${TODAY}T12:00:00Z`) }).deps,
    );
    assert.equal(api.createOrder.callCount, 1);
    assert.equal(api.createOrder.firstCall.args[0].operationType, "switchTrial_plan");
    const o = outs as unknown as Record<string, unknown>;
    assert.deepEqual([o.trial, o.extensions, o.highAvailability, o.trialEndsOn], [false, 20, true, ""]);
  });

  it("update orders nothing for a trial the portal already converted (state behind)", async function () {
    const api = fakeApi();
    api.getProduct.resolves(
      product({ extensions: 20, services: [{ serviceId: SERVICES.highAvailability, quantity: 20 }] }),
    );
    await update("1", trialState(), { ...converting() }, deps(api, { t: Date.parse(`${TODAY}T12:00:00Z`) }).deps);
    assert.equal(api.createOrder.callCount, 0);
  });
});
