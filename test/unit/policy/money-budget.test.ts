import * as assert from "assert";

import { unknownCheckingProxy } from "@pulumi/policy";

import { moneyBudget } from "../../../policy/src/money-budget";
import { policies } from "../../../policy/src/policies";
import { StackResource, assertHasStackViolation, assertNoStackViolations, pbxProps, runStackPolicy } from "./util";

/** A planned order as the provider's check lists it in a preview. */
function order(amount: string | undefined, currency = "USD", summary = "new PBX: enterprise, 100 extensions") {
  return {
    operation: "purchase_plan",
    item: "new PBX",
    quantity: 100,
    summary,
    price: amount ? `${currency} ${amount} per year` : "unavailable (the price API did not answer)",
    ...(amount ? { amount, currency, period: "year" } : {}),
  };
}

function pbx(name: string, orders: unknown[] | undefined): StackResource {
  return { name, props: pbxProps({ subdomain: name, ...(orders ? { plannedOrders: orders } : {}) }) };
}

describe("policy: yeastar-money-budget", () => {
  const policy = moneyBudget;

  it("is in the pack", () => {
    assert.ok(policies.includes(policy));
  });

  it("passes without caps, and a stack whose planned orders stay within both caps", async () => {
    await assertNoStackViolations(policy, [pbx("a", [order("4000.00")])]);
    await assertNoStackViolations(policy, [pbx("a", [order("4000.00")]), pbx("b", [order("999.99")])], {
      maxPerPbx: 4000,
      maxPerStack: "4999.99",
    });
  });

  it("reports a PBX over maxPerPbx, naming the amount, the cap and the config key, on that PBX", async () => {
    const v = await assertHasStackViolation(
      policy,
      [pbx("a", [order("3000.00"), order("1000.50", "USD", "Extension Expansion +20")]), pbx("b", [order("10")])],
      ['PBX "a"', "2 order(s) costing USD 4000.50", "allowed USD 4000.00 per PBX", '"maxPerPbx"'],
      { maxPerPbx: 4000 },
    );
    assert.match(v.urn ?? "", /::a$/);
  });

  it("reports a stack over maxPerStack, adding amounts exactly (no floating point)", async () => {
    const stack = [pbx("a", [order("0.10")]), pbx("b", [order("0.20")])];
    await assertNoStackViolations(policy, stack, { maxPerStack: "0.30" });
    const v = await assertHasStackViolation(
      policy,
      stack,
      ["costing USD 0.30 in this stack", "a: USD 0.10", "b: USD 0.20", "allowed USD 0.29", '"maxPerStack"'],
      { maxPerStack: 0.29 },
    );
    assert.strictEqual(v.urn, undefined);
  });

  it("counts nothing for a PBX with no planned orders or an adoption", async () => {
    const adopt = { operation: "adopt", item: "existing PBX", quantity: 0, summary: "adopt", price: "no charge" };
    await assertNoStackViolations(policy, [pbx("a", undefined), pbx("b", [adopt]), pbx("c", [])], { maxPerStack: 0 });
  });

  it("reports an order without a price, unless allowUnpriced", async () => {
    const stack = [pbx("a", [order(undefined)])];
    await assertHasStackViolation(policy, stack, ['PBX "a"', "has no price", '"allowUnpriced"'], { maxPerStack: 10 });
    await assertNoStackViolations(policy, stack, { maxPerStack: 10, allowUnpriced: true });
  });

  it("reports an order in another currency than the caps'", async () => {
    await assertHasStackViolation(policy, [pbx("a", [order("10", "EUR")])], ["priced in EUR, not USD"], {
      maxPerPbx: 100,
    });
    await assertNoStackViolations(policy, [pbx("a", [order("10", "EUR")])], { maxPerPbx: 100, currency: "EUR" });
  });

  it("reports a cap that is not an amount, naming the key and the value", async () => {
    await assertHasStackViolation(policy, [pbx("a", [order("1")])], ['"maxPerStack"', '"lots"', "non-negative"], {
      maxPerStack: "lots",
    });
  });

  it("ignores other resource types and unknown plannedOrders behind the runtime's proxy", async () => {
    await assertNoStackViolations(
      policy,
      [{ name: "x", type: "aws:s3/bucket:Bucket", props: { plannedOrders: [order("9")] } }],
      {
        maxPerStack: 1,
      },
    );
    const props = unknownCheckingProxy({ ...pbxProps(), plannedOrders: "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2" });
    assert.deepStrictEqual(await runStackPolicy(policy, [{ name: "a", props }], { maxPerStack: 1 }), []);
  });
});
