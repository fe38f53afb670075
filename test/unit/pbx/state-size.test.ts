/**
 * What a PBX keeps in state (docs/architecture.md, "State size"): the resolved values are stored once, as outputs,
 * and rebuilt from them; the provider object is its module's exports, so an installed package stores only a
 * module reference.
 */
import * as assert from "node:assert/strict";
import { create, diff, read, update } from "../../../provider/pbx/engine";
import type { PbxState } from "../../../provider/api/contract";
import { checked, deps, fakeApi, resolved, state } from "./fixtures";

/** A state as the engine now writes it: no `resolved`. */
function stored(overrides: Partial<PbxState> = {}): PbxState {
  const { resolved: _dropped, ...rest } = state(overrides);
  return rest as PbxState;
}

describe("state size: resolved values stored once", function () {
  it("create and update return outputs without `resolved`, its values as outputs", async function () {
    const api = fakeApi();
    const created = await create({ ...checked() }, deps(api).deps);
    assert.equal("resolved" in created.outs, false);
    assert.equal(created.outs.pbxUrl, resolved().pbxUrl);
    assert.equal(created.outs.regionId, resolved().regionId);
    assert.equal(created.outs.billingContactId, resolved().billingContactId);
    const updated = await update("1", stored(), { ...checked({ poNumber: "PO-9" }) }, deps(api).deps);
    assert.equal("resolved" in updated.outs, false);
    assert.equal(updated.outs.poNumber, "PO-9");
  });

  it("a state without `resolved` diffs exactly like one with it", function () {
    for (const news of [
      checked(),
      checked({ extensions: 130 }),
      checked({ region: "41" }),
      checked({ domain: "eu.sandbox.yeastarcloud.com" }),
      checked({
        domain: "de.sandbox.yeastarcloud.com",
        resolved: resolved({ domainSuffix: "de.sandbox.yeastarcloud.com" }),
      }),
      checked({ subdomain: "acme-ho", resolved: resolved({ pbxUrl: "acme-ho.eu.sandbox.yeastarcloud.com" }) }),
    ]) {
      assert.deepEqual(diff("1", stored(), { ...news }), diff("1", state(), { ...news }), JSON.stringify(news));
    }
    assert.equal(diff("1", stored(), { ...checked() }).changes, false);
  });

  it("an expansion from a state without `resolved` places the same one order", async function () {
    const api = fakeApi();
    await update("1", stored(), { ...checked({ extensions: 130 }) }, deps(api).deps);
    assert.equal(api.createOrder.callCount, 1);
    assert.equal(api.createOrder.firstCall.args[0].serviceList[0].quantity, 30);
  });

  it("refresh rebuilds the resolved inputs from the outputs", async function () {
    const api = fakeApi();
    const r = await read("1", stored(), deps(api).deps);
    const inputs = r.inputs as unknown as { resolved: Record<string, string> };
    assert.deepEqual(inputs.resolved, resolved());
    assert.equal("resolved" in (r.props as object), false);
  });

  it("the provider module's exports are the provider object (stored as a module reference when installed)", function () {
    const exported = require("../../../provider/pbx/provider") as Record<string, unknown>;
    for (const m of ["configure", "check", "diff", "create", "update", "read", "delete"]) {
      assert.equal(typeof exported[m], "function", m);
    }
  });
});
