/**
 * Plain `pulumi preview` (without --diff) shows no input values, so check reports one info line per new PBX: what
 * would be bought and the price estimate.
 */
import * as assert from "node:assert/strict";
import { check } from "../../../provider/pbx/engine";
import { DRY_RUN_KEY } from "../../../provider/pbx/inputs";
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
});
