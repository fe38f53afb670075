/**
 * PbxExtension's engine (provider/extension/engine.ts) against a fake PbxApi: inputs fail naming the field, the
 * program's extensions are counted against what the PBX was bought with (in the preview, the PBX's own
 * extensions included), a create is sent once (a number the PBX has with the same settings is recorded, with
 * other settings refused), and diff, update, read (drift, import) and delete do what they say.
 */
import * as assert from "node:assert/strict";
import * as sinon from "sinon";
import { DRY_RUN_KEY, UNKNOWN } from "../../../provider/api/inputs";
import { PBX_ERRCODES, type PbxApi, type PbxExtension } from "../../../provider/api/pbx-api";
import { ApiError, NetworkError } from "../../../provider/client/errors";
import { check, create, diff, read, remove, resetRuns, update } from "../../../provider/extension/engine";

const URL = "acme-hq.eu.sandbox.yeastarcloud.com";

function fakePbx(existing: PbxExtension[] = [], capacity = 10) {
  const api = {
    capacity: sinon.stub().resolves({ extensionCapacity: capacity, extensionUsed: existing.length }),
    listExtensions: sinon.stub().resolves(existing),
    findExtension: sinon.stub().callsFake(async (n: string) => existing.find((e) => e.number === n)),
    getExtension: sinon.stub().callsFake(async (id: string) => existing.find((e) => e.id === id)),
    createExtension: sinon.stub().resolves("77"),
    updateExtension: sinon.stub().resolves(),
    deleteExtension: sinon.stub().resolves(),
  };
  const warnings: string[] = [];
  const deps = {
    pbxApi: sinon.stub().returns(api as unknown as PbxApi),
    report: { info: () => undefined, warn: (m: string) => warnings.push(m) },
  };
  return { api, deps, warnings };
}

const ext = (number: string, over: Partial<PbxExtension> = {}): PbxExtension => ({
  id: `id-${number}`,
  number,
  firstName: "Ann",
  lastName: "",
  email: "",
  mobile: "",
  ...over,
});

const args = (over: Record<string, unknown> = {}) => ({ pbxUrl: URL, number: "1001", firstName: "Ann", ...over });

function apiError(code: number) {
  return new ApiError({ operation: "extension/create", httpStatus: 200, code: String(code), retryable: false });
}

describe("PbxExtension: check", function () {
  beforeEach(resetRuns);

  it("fails a bad number, email or name, naming the field and the value; nothing is read", async function () {
    const { deps, api } = fakePbx();
    const r = await check({}, args({ number: "10a1", email: "not-an-email", firstName: "" }), deps);
    assert.deepEqual((r.failures ?? []).map((f) => f.property).sort(), ["email", "firstName", "number"]);
    assert.match(r.failures!.find((f) => f.property === "number")!.reason, /number is "10a1" .*1 to 7 digits/);
    assert.equal(api.capacity.callCount + api.listExtensions.callCount, 0);
  });

  it("counts the program's extensions on one PBX against its capacity: the 11th of 10 fails naming the capacity", async function () {
    const { deps, api } = fakePbx();
    for (let i = 1; i <= 10; i++) {
      const r = await check(
        {},
        {
          ...args({ number: `10${String(i).padStart(2, "0")}`, capacity: 10, pbxKey: "resource:hq" }),
          [DRY_RUN_KEY]: true,
        },
        deps,
      );
      assert.equal(r.failures, undefined, `extension ${i}`);
    }
    const r = await check(
      {},
      { ...args({ number: "1011", capacity: 10, pbxKey: "resource:hq" }), [DRY_RUN_KEY]: true },
      deps,
    );
    assert.equal(r.failures?.[0].property, "capacity");
    assert.match(
      r.failures![0].reason,
      /bought with 10 extensions, and with extension 1011 it would have 11 \(11 declared in this program\)/,
    );
    assert.equal(api.listExtensions.callCount, 1, "the PBX is read once per run");
  });

  it("counts the PBX's own extensions too, in the preview; a PBX this run buys (URL unknown) is not read", async function () {
    const { deps, api } = fakePbx([ext("2001"), ext("2002"), ext("2003"), ext("2004")]);
    const preview = (n: string, over = {}) =>
      check({}, { ...args({ number: n, capacity: 5, ...over }), [DRY_RUN_KEY]: true }, deps);
    assert.equal((await preview("1001")).failures, undefined);
    const r = await preview("1002");
    assert.match(r.failures![0].reason, /would have 6 \(2 declared in this program, 4 more already on the PBX\)/);
    resetRuns();
    const { deps: d2, api: a2 } = fakePbx();
    const unknown = await check(
      {},
      { ...args({ pbxUrl: UNKNOWN, pbxKey: "resource:new", capacity: 5 }), [DRY_RUN_KEY]: true },
      d2,
    );
    assert.equal(unknown.failures, undefined);
    assert.equal(a2.listExtensions.callCount + a2.capacity.callCount, 0);
    assert.equal(api.capacity.callCount, 0, "capacity given: system/capacity not read");
  });

  it("an unknown capacity in a preview (the PBX changes in this run) is checked again at create, not guessed", async function () {
    const { deps, api } = fakePbx();
    const r = await check({}, { ...args({ capacity: UNKNOWN, pbxKey: "resource:hq" }), [DRY_RUN_KEY]: true }, deps);
    assert.equal(r.failures, undefined);
    assert.equal(api.listExtensions.callCount, 0);
  });
});

describe("PbxExtension: create, diff, update, read, delete", function () {
  beforeEach(resetRuns);

  it("create reads the capacity once per PBX per run and sends each create once", async function () {
    const { deps, api } = fakePbx([], 10);
    const a = await create(args({ number: "1001" }), deps);
    await create(args({ number: "1002" }), deps);
    assert.equal(a.id, `${URL}/1001`);
    assert.equal(a.outs.extensionId, "77");
    assert.equal(api.capacity.callCount, 1);
    assert.equal(api.createExtension.callCount, 2);
  });

  it("a full PBX: create fails before sending, naming the capacity", async function () {
    const { deps, api } = fakePbx([ext("1"), ext("2"), ext("3"), ext("4"), ext("5")], 5);
    await assert.rejects(
      create(args(), deps),
      /has all 5 extensions it was bought with in use, so extension 1001 was not created/,
    );
    assert.equal(api.createExtension.callCount, 0);
  });

  it("a number the PBX has: recorded when its settings match, refused otherwise; never sent twice", async function () {
    const same = fakePbx([ext("1001")]);
    same.api.createExtension.rejects(apiError(PBX_ERRCODES.duplicateNumber));
    const r = await create(args(), same.deps);
    assert.equal(r.outs.extensionId, "id-1001");
    assert.equal(same.api.createExtension.callCount, 1);
    resetRuns();
    const other = fakePbx([ext("1001", { firstName: "Bob" })]);
    other.api.createExtension.rejects(apiError(PBX_ERRCODES.duplicateNumber));
    await assert.rejects(
      create(args(), other.deps),
      /already has extension 1001 \(id id-1001, Bob\) with other settings.*import-extensions --pbx acme-hq\.eu\.sandbox\.yeastarcloud\.com` \(imports "acme-hq\.eu\.sandbox\.yeastarcloud\.com\/1001"\)/,
    );
  });

  it("a lost reply: the number is looked up, never sent again", async function () {
    const { deps, api } = fakePbx();
    api.createExtension.rejects(
      new NetworkError({ operation: "extension/create", cause: "socket hang up", ambiguous: true } as never),
    );
    await assert.rejects(
      create(args(), deps),
      /outcome of creating extension 1001 is unknown .* most likely not created/,
    );
    assert.equal(api.createExtension.callCount, 1);
    assert.equal(api.findExtension.callCount, 1);
  });

  it("diff: a new number or PBX replaces (old one deleted first); a name or email updates; capacity alone changes nothing", function () {
    const olds = { ...args(), extensionId: "5", adopted: false };
    assert.deepEqual(diff("x", olds, args({ number: "1002" })), {
      changes: true,
      replaces: ["number"],
      deleteBeforeReplace: true,
    });
    assert.deepEqual(diff("x", olds, args({ email: "ann@acme.example" })), { changes: true });
    assert.deepEqual(diff("x", { ...olds, capacity: 10 }, args({ capacity: 20 })), { changes: false });
    assert.deepEqual(
      diff("x", olds, args({ pbxUrl: UNKNOWN, capacity: UNKNOWN })),
      { changes: false },
      "the preview of a change of the PBX (its URL unknown) is not another PBX",
    );
  });

  it("update sends the new fields to the extension's id", async function () {
    const { deps, api } = fakePbx();
    const r = await update("x", { ...args(), extensionId: "5", adopted: false }, args({ lastName: "Lee" }), deps);
    assert.deepEqual(api.updateExtension.firstCall.args, [
      "5",
      { number: "1001", firstName: "Ann", lastName: "Lee", email: "", mobile: "" },
    ]);
    assert.equal(r.outs.lastName, "Lee");
  });

  it("read shows drift made on the PBX, drops a deleted one, and imports by <pbxUrl>/<number>", async function () {
    const pbx = fakePbx([ext("1001", { id: "5", email: "new@acme.example" })]);
    const { deps } = pbx;
    const refreshed = await read(`${URL}/1001`, { ...args(), extensionId: "5", adopted: false }, deps);
    assert.equal((refreshed.inputs as unknown as { email?: string }).email, "new@acme.example");
    resetRuns(); // another run: the PBX is listed again
    const gone = fakePbx([]);
    assert.deepEqual(await read(`${URL}/1001`, { ...args(), extensionId: "5", adopted: false }, gone.deps), {});
    assert.match(gone.warnings[0], /no longer has extension 1001; removing it from the stack/);
    resetRuns();
    const imported = await read(`${URL}/1001`, undefined, deps);
    assert.equal(imported.id, `${URL}/1001`);
    assert.equal(imported.props?.extensionId, "5");
    await assert.rejects(read("1001", undefined, deps), /not "<pbxUrl>\/<number>"/);
  });

  it("delete really deletes it; one already gone is fine", async function () {
    const { deps, api } = fakePbx();
    await remove("x", { ...args(), extensionId: "5", adopted: false }, deps);
    assert.deepEqual(api.deleteExtension.firstCall.args, ["5"]);
    api.deleteExtension.rejects(apiError(PBX_ERRCODES.notFound));
    await remove("x", { ...args(), extensionId: "5", adopted: false }, deps);
  });
});
