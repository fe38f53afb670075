/**
 * Plain `pulumi preview` (without --diff) shows no input values, so check reports one info line per new PBX: what
 * would be bought and the price estimate.
 */
import * as assert from "node:assert/strict";
import { check } from "../../../provider/pbx/engine";
import { DRY_RUN_KEY, UNKNOWN } from "../../../provider/api/inputs";
import { deps, fakeApi, rawInputs, state } from "./fixtures";

describe("engine: the preview's purchase line", function () {
  it("a new PBX in a preview: one info line with the URL, what is bought and the price", async function () {
    const d = deps(fakeApi());
    await check({}, { ...rawInputs({ highAvailability: true }), [DRY_RUN_KEY]: true }, d.deps);
    const infos = d.messages.filter((m) => m.level === "info").map((m) => m.message);
    assert.equal(infos.length, 1, infos.join("\n"));
    assert.match(
      infos[0],
      /^PBX acme-hq\.eu\.sandbox\.yeastarcloud\.com: `pulumi up` will place 1 order: new PBX acme-hq\.eu\.sandbox\.yeastarcloud\.com: enterprise plan, 100 extensions/,
    );
    assert.match(infos[0], /High Availability/);
    assert.match(infos[0], /\[USD \d+\.\d\d per year\]$/);
  });

  it("says nothing during the update itself, nor for a PBX the stack already has", async function () {
    const update = deps(fakeApi());
    await check({}, { ...rawInputs(), [DRY_RUN_KEY]: false }, update.deps);
    assert.deepEqual(update.messages, []);
    const existing = deps(fakeApi());
    await check(state() as never, { ...rawInputs({ extensions: 120 }), [DRY_RUN_KEY]: true }, existing.deps);
    assert.deepEqual(
      existing.messages.filter((m) => /new PBX/.test(m.message)),
      [],
    );
  });

  it("names the PBX's customer: the owner as written, or one this update creates (its id not known yet)", async function () {
    const d = deps(fakeApi());
    await check({}, { ...rawInputs({ owner: "it@customer-one.example" }), [DRY_RUN_KEY]: true }, d.deps);
    assert.match(
      d.messages[0].message,
      /^PBX acme-hq\.\S+ \(customer it@customer-one\.example\): `pulumi up` will place 1 order/,
    );
    const pending = deps(fakeApi());
    const r = await check({}, { ...rawInputs({ owner: UNKNOWN }), [DRY_RUN_KEY]: true }, pending.deps);
    assert.match(
      pending.messages[0].message,
      /^PBX acme-hq\.\S+ \(customer created in this update\): `pulumi up` will place 1 order/,
    );
    assert.equal(r.inputs?.owner, UNKNOWN, "the owner stays unknown");
    assert.equal((r.inputs?.plannedOrders as unknown[]).length, 1, "the purchase is listed all the same");
    // In the update, an owner that is still unknown is not planned around: nothing is resolved.
    const update = await check({}, { ...rawInputs({ owner: UNKNOWN }), [DRY_RUN_KEY]: false }, deps(fakeApi()).deps);
    assert.equal(update.inputs?.resolved, undefined);
  });
});
