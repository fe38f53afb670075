/**
 * Auto-renewal (provider/pbx/auto-renew.ts) through the engine against a stubbed PartnerApi: what each lifecycle
 * step reads and writes, that it is never an order, that `false` fails on a PBX the portal renews, and that a lost
 * reply is settled by reading the status back, never by sending again.
 */
import * as assert from "node:assert/strict";
import { PLANS } from "../../../provider/api/catalog";
import { create, diff, diffWithPortal, read, update } from "../../../provider/pbx/engine";
import { checked, deps, fakeApi, product, state } from "./fixtures";

function ambiguous(message = "socket hang up") {
  return Object.assign(new Error(message), { ambiguous: true });
}

describe("auto-renewal: create", function () {
  it("autoRenew true: one purchase order, then auto-renewal enabled for the plan (no second order)", async function () {
    const api = fakeApi();
    const { outs } = await create({ ...checked({ autoRenew: true }) }, deps(api).deps);
    assert.equal(api.createOrder.callCount, 1);
    assert.equal(api.getAutoRenew.callCount, 1, "the portal is asked first");
    assert.deepEqual(api.enableAutoRenew.firstCall.args, [outs.productNo, PLANS.enterprise]);
    assert.equal(outs.autoRenew, true);
  });

  it("autoRenew true on a PBX the portal already renews: read, not written", async function () {
    const api = fakeApi();
    api.getAutoRenew.resolves(true);
    const { outs } = await create({ ...checked({ autoRenew: true }) }, deps(api).deps);
    assert.equal(api.enableAutoRenew.callCount, 0);
    assert.equal(outs.autoRenew, true);
  });

  it("left out: neither read nor written, and no autoRenew in the state", async function () {
    const api = fakeApi();
    const { outs } = await create({ ...checked() }, deps(api).deps);
    assert.equal(api.getAutoRenew.callCount + api.enableAutoRenew.callCount, 0);
    assert.equal("autoRenew" in outs, false);
  });

  it("a refused enable never fails the bought PBX: it warns and records autoRenew false for the next up", async function () {
    const api = fakeApi();
    api.enableAutoRenew.rejects(new Error("HTTP 400 product_not_active"));
    const d = deps(api);
    const { id, outs } = await create({ ...checked({ autoRenew: true }) }, d.deps);
    assert.ok(id);
    assert.equal(outs.autoRenew, false);
    assert.ok(
      d.messages.some((m) => m.level === "warn" && /bought, but its auto-renewal could not be enabled/.test(m.message)),
    );
  });

  it("autoRenew false on a new PBX the portal renews: warns that the API cannot turn it off, records it on", async function () {
    const api = fakeApi();
    api.getAutoRenew.resolves(true);
    const d = deps(api);
    const { outs } = await create({ ...checked({ autoRenew: false }) }, d.deps);
    assert.equal(outs.autoRenew, true);
    assert.ok(d.messages.some((m) => /has no call that turns it off/.test(m.message)));
  });
});

describe("auto-renewal: diff", function () {
  it("left out says nothing: a state that renews previews no change; a value the program gives counts", function () {
    assert.equal(diff("1", state({ autoRenew: true }), { ...checked() }).changes, false);
    assert.equal(diff("1", state({ autoRenew: true }), { ...checked({ autoRenew: true }) }).changes, false);
    assert.equal(diff("1", state(), { ...checked({ autoRenew: true }) }).changes, true);
    assert.equal(diff("1", state({ autoRenew: true }), { ...checked({ autoRenew: false }) }).changes, true);
  });

  it("false on a PBX the portal renews fails before anything is done, naming the PBX and where to turn it off", async function () {
    const api = fakeApi();
    api.getAutoRenew.resolves(true);
    await assert.rejects(
      diffWithPortal("1", state({ autoRenew: true }), { ...checked({ autoRenew: false }) }, deps(api).deps),
      /autoRenew is false, but PBX acme-hq\.eu\.sandbox\.yeastarcloud\.com .* has no call that turns it off; nothing was changed/,
    );
    assert.equal(api.enableAutoRenew.callCount + api.createOrder.callCount, 0);
  });

  it("false where the portal has it off passes with one read; where the state already says off, no read", async function () {
    const api = fakeApi();
    const r = await diffWithPortal("1", state(), { ...checked({ autoRenew: false }) }, deps(api).deps);
    assert.equal(r.changes, true);
    assert.equal(api.getAutoRenew.callCount, 1);
    const again = await diffWithPortal(
      "1",
      state({ autoRenew: false }),
      { ...checked({ autoRenew: false }) },
      deps(api).deps,
    );
    assert.equal(again.changes, false);
    assert.equal(api.getAutoRenew.callCount, 1);
  });
});

describe("auto-renewal: update and refresh", function () {
  it("turning it on: no order, one read and one enable", async function () {
    const api = fakeApi();
    const { outs } = await update("1", state(), { ...checked({ autoRenew: true }) }, deps(api).deps);
    assert.equal(api.createOrder.callCount, 0);
    assert.equal(api.enableAutoRenew.callCount, 1);
    assert.equal(outs.autoRenew, true);
  });

  it("decides from the portal, not the state: a PBX already renewing (state behind) is not written again", async function () {
    const api = fakeApi();
    api.getAutoRenew.resolves(true);
    const { outs } = await update(
      "1",
      state({ autoRenew: false }),
      { ...checked({ autoRenew: true }) },
      deps(api).deps,
    );
    assert.equal(api.enableAutoRenew.callCount, 0);
    assert.equal(outs.autoRenew, true);
  });

  it("a lost reply: read back; on means done, and the enable is never sent twice", async function () {
    const api = fakeApi();
    api.getAutoRenew.onFirstCall().resolves(false).onSecondCall().resolves(true);
    api.enableAutoRenew.rejects(ambiguous());
    const { outs } = await update("1", state(), { ...checked({ autoRenew: true }) }, deps(api).deps);
    assert.equal(api.enableAutoRenew.callCount, 1);
    assert.equal(outs.autoRenew, true);
  });

  it("a lost reply with the portal still off fails, keeping the state, and was sent once", async function () {
    const api = fakeApi();
    api.enableAutoRenew.rejects(ambiguous());
    await assert.rejects(
      update("1", state(), { ...checked({ autoRenew: true }) }, deps(api).deps),
      (err: Error & { properties?: { autoRenew?: boolean } }) => {
        assert.match(err.message, /outcome of enabling auto-renewal is unknown .* it was not sent again/);
        assert.notEqual(err.properties?.autoRenew, true);
        return true;
      },
    );
    assert.equal(api.enableAutoRenew.callCount, 1);
  });

  it("an extension change and auto-renewal in one update: the order first, then the enable", async function () {
    const api = fakeApi();
    api.getProduct.resolves(product({ extensions: 100 }));
    const { outs } = await update("1", state(), { ...checked({ extensions: 120, autoRenew: true }) }, deps(api).deps);
    assert.equal(api.createOrder.callCount, 1);
    assert.ok(api.createOrder.firstCall.calledBefore(api.enableAutoRenew.firstCall));
    assert.equal(outs.extensions, 120);
    assert.equal(outs.autoRenew, true);
  });

  it("refresh reads it for a PBX whose program declared it, and not otherwise", async function () {
    const api = fakeApi();
    api.getAutoRenew.resolves(true);
    const declared = await read("1", state({ autoRenew: false }), deps(api).deps);
    assert.equal((declared.props as { autoRenew?: boolean }).autoRenew, true);
    assert.equal(api.getAutoRenew.callCount, 1);
    const silent = await read("1", state(), deps(api).deps);
    assert.equal("autoRenew" in (silent.props as object), false);
    assert.equal(api.getAutoRenew.callCount, 1);
  });
});
