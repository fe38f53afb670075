/**
 * The sandbox's trials: `trial_plan` makes a free trial PBX (the plan alone, no charge, TRIAL_DAYS long), and
 * `switchTrial_plan` converts a trial into the paid PBX the order describes, charged like a purchase of that
 * shape; a paid PBX cannot be converted, and a trial with an add-on is refused.
 */
import * as assert from "node:assert/strict";
import { PATHS, PLANS, SERVICES } from "../../../provider/api/catalog";
import { addCycle, addDays, isoDate } from "../../../provider/api/terms";
import { TRIAL_DAYS } from "../../../sandbox/store";
import { buy, call, purchaseBody, withSandbox } from "./helpers";

/** A purchase body turned into a trial (`trial_plan`, purchaseType "trial"). */
function trialBody(o: Parameters<typeof purchaseBody>[0] = {}) {
  const body = purchaseBody(o);
  body.operationType = "trial_plan";
  for (const item of body.serviceList) item.purchaseType = "trial";
  return body;
}

/** A purchase body turned into the conversion of `productNo`. */
function conversionBody(productNo: string, o: Parameters<typeof purchaseBody>[0] = {}) {
  const body = purchaseBody(o);
  body.operationType = "switchTrial_plan";
  body.productNo = productNo;
  delete body.orderPceSpecialRequest;
  return body;
}

describe("sandbox: trials", () => {
  const ctx = withSandbox();
  const order = (json: unknown) => call(ctx.sandbox, PATHS.orderSave, { token: ctx.token, json });

  it("trial_plan makes a free trial PBX of the plan alone, ending TRIAL_DAYS from today", async () => {
    const r = await order(trialBody({ extensions: 10 }));
    assert.equal(r.status, 200, r.text);
    const [o] = ctx.sandbox.admin.stats().orders;
    assert.equal(o.operationType, "trial_plan");
    assert.equal(o.totalAmount, "0.00");
    const [p] = ctx.sandbox.admin.products();
    assert.equal(p.isTrial, true);
    assert.equal(p.extensions, 10);
    assert.equal(p.expireDate, addDays(isoDate(Date.now()), TRIAL_DAYS));
  });

  it("refuses a trial with an add-on, naming the item; nothing is made", async () => {
    const r = await order(trialBody({ extensions: 10, ha: true }));
    assert.equal(r.status, 400, r.text);
    assert.match(String(r.result["serviceList[1]"]), /holds the plan only/);
    assert.equal(ctx.sandbox.admin.products().length, 0);
  });

  it("switchTrial_plan converts the trial into the PBX it describes, charged like that purchase", async () => {
    const trial = (await order(trialBody({ extensions: 10 }))).result as { productNo: string };
    const r = await order(conversionBody(trial.productNo, { extensions: 20, ha: true }));
    assert.equal(r.status, 200, r.text);
    // The same PBX bought outright, to compare the charge with.
    await buy(ctx, { prefix: "paid-one", extensions: 20, ha: true });
    const after = ctx.sandbox.admin.stats().orders;
    assert.equal(after[1].operationType, "switchTrial_plan");
    assert.equal(after[1].totalAmount, after[2].totalAmount, "a conversion costs what the same purchase costs");
    const p = ctx.sandbox.admin.products().find((x) => x.productNo === trial.productNo)!;
    assert.equal(p.isTrial, false);
    assert.equal(p.extensions, 20);
    assert.deepEqual(p.services, [{ serviceId: SERVICES.highAvailability, quantity: 20 }]);
    assert.equal(p.planId, PLANS.enterprise);
    assert.equal(p.expireDate, addCycle(isoDate(Date.now()), "annually"));
  });

  it("refuses to convert a PBX that is not a trial, naming productNo; nothing is charged", async () => {
    const { productNo } = await buy(ctx, { extensions: 10 });
    const r = await order(conversionBody(productNo, { extensions: 20 }));
    assert.equal(r.status, 400, r.text);
    assert.match(String(r.result.productNo), /is not a trial/);
    assert.equal(ctx.sandbox.admin.stats().orders.length, 1);
  });
});
