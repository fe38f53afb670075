/**
 * PbxInboundRoute's engine (provider/inbound-route/engine.ts) against a fake PbxApi: inputs fail naming the field
 * and the value, a route name is declared once per PBX, the destination extension must be declared by a
 * PbxExtension of the program or (in the preview of a PBX that exists, read once per run) be on the PBX, a create
 * is sent once (a name the PBX has with the same settings is recorded, with other settings refused), and diff,
 * update, read (drift, import) and delete do what they say.
 */
import * as assert from "node:assert/strict";
import * as sinon from "sinon";
import { DRY_RUN_KEY, UNKNOWN } from "../../../provider/api/inputs";
import { PBX_ERRCODES, type PbxApi, type PbxExtension } from "../../../provider/api/pbx-api";
import type { PbxInboundRoute } from "../../../provider/api/pbx-inbound-routes";
import { ApiError, NetworkError } from "../../../provider/client/errors";
import { check as checkExtension } from "../../../provider/extension/engine";
import { check, create, diff, read, remove, resetRuns, update } from "../../../provider/inbound-route/engine";

const URL = "acme-hq.eu.sandbox.yeastarcloud.com";
const OTHER_URL = "globex.eu.sandbox.yeastarcloud.com";

const ext = (number: string): PbxExtension => ({
  id: `id-${number}`,
  number,
  firstName: "Ann",
  lastName: "",
  email: "",
  mobile: "",
});

const pbxRoute = (over: Partial<PbxInboundRoute> = {}): PbxInboundRoute => ({
  id: "7",
  name: "main-line",
  trunks: ["sip-trunk-1"],
  didPatterns: [],
  destinationType: "extension",
  destinationExtension: "1001",
  ...over,
});

function fakePbx(routes: PbxInboundRoute[] = [], extensions: PbxExtension[] = []) {
  const api = {
    capacity: sinon.stub().resolves({ extensionCapacity: 10, extensionUsed: extensions.length }),
    listExtensions: sinon.stub().resolves(extensions),
    findExtension: sinon.stub().resolves(undefined),
    getExtension: sinon.stub().resolves(undefined),
    createExtension: sinon.stub().rejects(new Error("not an extension test")),
    updateExtension: sinon.stub().rejects(new Error("not an extension test")),
    deleteExtension: sinon.stub().rejects(new Error("not an extension test")),
    listInboundRoutes: sinon.stub().callsFake(async () => routes.map((r) => ({ ...r }))),
    getInboundRoute: sinon.stub().callsFake(async (id: string) => routes.find((r) => r.id === id)),
    createInboundRoute: sinon.stub().resolves("41"),
    updateInboundRoute: sinon.stub().resolves(),
    deleteInboundRoute: sinon.stub().resolves(),
  };
  const warnings: string[] = [];
  const deps = {
    pbxApi: sinon.stub().returns(api as unknown as PbxApi),
    report: { info: () => undefined, warn: (m: string) => void warnings.push(m) },
  };
  const reads = () =>
    api.listExtensions.callCount +
    api.capacity.callCount +
    api.listInboundRoutes.callCount +
    api.getInboundRoute.callCount;
  return { api, deps, warnings, reads };
}

const args = (over: Record<string, unknown> = {}) => ({
  pbxUrl: URL,
  name: "main-line",
  trunks: ["sip-trunk-1"],
  destinationExtension: "1001",
  ...over,
});
const preview = (over: Record<string, unknown> = {}) => ({ ...args(over), [DRY_RUN_KEY]: true });
const stored = (over: Record<string, unknown> = {}) => ({ ...args(), routeId: "7", adopted: false, ...over });

function apiError(code: number) {
  return new ApiError({ operation: "inbound_route/create", httpStatus: 200, code: String(code), retryable: false });
}
const lostReply = () =>
  new NetworkError({ operation: "inbound_route/create", cause: "socket hang up", ambiguous: true } as never);

describe("PbxInboundRoute: check", function () {
  beforeEach(resetRuns);

  it("fails a name with a space or a forbidden character, naming the field and the value; nothing is read", async function () {
    const { deps, reads } = fakePbx();
    for (const name of ["main line", "main/line", "a:b", "x".repeat(64), ""]) {
      const r = await check({}, preview({ name }), deps);
      assert.deepEqual(
        (r.failures ?? []).map((f) => f.property),
        ["name"],
        name,
      );
      assert.equal(r.inputs, undefined);
      assert.ok(r.failures![0].reason.startsWith(`name is ${JSON.stringify(name)} (string); `), r.failures![0].reason);
      assert.match(r.failures![0].reason, /1 to 63 characters, no spaces and none of /);
    }
    assert.equal(reads(), 0);
  });

  it("fails empty, repeated or badly named trunks, naming the field and the value", async function () {
    const { deps, reads } = fakePbx();
    const empty = await check({}, preview({ trunks: [] }), deps);
    assert.equal(empty.failures?.[0].property, "trunks");
    assert.match(empty.failures![0].reason, /^trunks is \[\] \(array\); expected at least one trunk name/);
    const twice = await check({}, preview({ trunks: ["t1", "t1"] }), deps);
    assert.match(twice.failures![0].reason, /^trunks is \["t1","t1"\] \(array\); expected each trunk once/);
    const spaced = await check({}, preview({ trunks: ["sip trunk"] }), deps);
    assert.match(spaced.failures![0].reason, /^trunks is \["sip trunk"\] \(array\); expected a trunk name/);
    const missing = await check({}, preview({ trunks: undefined }), deps);
    assert.equal(missing.failures?.[0].property, "trunks");
    assert.equal(reads(), 0);
  });

  it("fails a bad DID pattern naming the field and the value; no patterns (or []) is every call", async function () {
    const { deps, reads } = fakePbx([], [ext("1001")]);
    for (const bad of [["555-ABC"], ["5551234", "5551234"], ["1".repeat(32)], "5551234"]) {
      const r = await check({}, preview({ didPatterns: bad }), deps);
      assert.deepEqual(
        (r.failures ?? []).map((f) => f.property),
        ["didPatterns"],
        JSON.stringify(bad),
      );
      assert.ok(r.failures![0].reason.startsWith(`didPatterns is ${JSON.stringify(bad)} `), r.failures![0].reason);
    }
    const letters = await check({}, preview({ didPatterns: ["555-ABC"] }), deps);
    assert.match(letters.failures![0].reason, /expected DID patterns of up to 31 of: digits, X, Z, N/);
    const good = await check({}, preview({ didPatterns: ["5551234", "555XXXX", "+1[2-9]NX.", "0!"] }), deps);
    assert.equal(good.failures, undefined);
    assert.deepEqual(good.inputs?.didPatterns, ["5551234", "555XXXX", "+1[2-9]NX.", "0!"]);
    resetRuns();
    const none = await check({}, args({ didPatterns: [] }), deps);
    assert.equal(none.failures, undefined);
    assert.equal(none.inputs?.didPatterns, undefined, "[] is left out: every call of the trunks");
    assert.equal(reads(), 1, "only the good preview read the PBX's extensions");
  });

  it("fails a bad destinationExtension naming the field and the value; nothing is read", async function () {
    const { deps, reads } = fakePbx();
    for (const bad of ["10a1", "12345678", "", 1001]) {
      const r = await check({}, preview({ destinationExtension: bad }), deps);
      assert.deepEqual(
        (r.failures ?? []).map((f) => f.property),
        ["destinationExtension"],
        String(bad),
      );
    }
    const r = await check({}, preview({ destinationExtension: "10a1" }), deps);
    assert.match(
      r.failures![0].reason,
      /^destinationExtension is "10a1" \(string\); expected an extension number of 1 to 7 digits/,
    );
    const unknownKey = await check({}, preview({ routeId: "5", colour: "red" }), deps);
    assert.deepEqual(
      unknownKey.failures?.map((f) => f.property),
      ["colour"],
      "an output key is allowed, an unknown key is not",
    );
    assert.equal(reads(), 0);
  });

  it("a name declared twice on one PBX fails naming both resources; the same resource checked again passes", async function () {
    const { deps } = fakePbx();
    const first = await check({}, args({ declaredAs: "hq-main" }), deps);
    assert.equal(first.failures, undefined);
    assert.equal((await check({}, args({ declaredAs: "hq-main" }), deps)).failures, undefined);
    const second = await check({}, args({ declaredAs: "hq-main-2", trunks: ["t2"] }), deps);
    assert.equal(second.failures?.[0].property, "name");
    assert.match(
      second.failures![0].reason,
      /name is "main-line", which PbxInboundRoute hq-main already declares on PBX acme-hq\.eu\.sandbox\.yeastarcloud\.com, and so does hq-main-2; .*Give one of them another name/,
    );
    const elsewhere = await check({}, args({ declaredAs: "globex-main", pbxUrl: OTHER_URL }), deps);
    assert.equal(elsewhere.failures, undefined, "the same name on another PBX is another route");
    const byKey = await check({}, args({ declaredAs: "new-a", pbxUrl: UNKNOWN, pbxKey: "resource:new" }), deps);
    assert.equal(byKey.failures, undefined);
    const byKey2 = await check({}, args({ declaredAs: "new-b", pbxUrl: UNKNOWN, pbxKey: "resource:new" }), deps);
    assert.match(byKey2.failures![0].reason, /PbxInboundRoute new-a already declares on one PBX, and so does new-b/);
  });

  it("a destination declared by a PbxExtension of the program passes in the preview, with no read", async function () {
    const { deps, reads } = fakePbx();
    const e = await checkExtension({}, { pbxUrl: URL, pbxKey: "resource:hq", number: "1001", firstName: "Ann" }, deps);
    assert.equal(e.failures, undefined);
    const r = await check({}, preview({ pbxKey: "resource:hq" }), deps);
    assert.equal(r.failures, undefined);
    assert.equal(r.inputs?.destinationExtension, "1001");
    assert.equal(reads(), 0);
    const elsewhere = await check({}, preview({ pbxKey: "resource:other", name: "other-line" }), deps);
    assert.equal(elsewhere.failures?.[0].property, "destinationExtension", "declared on another PBX only");
  });

  it("in a preview of a PBX that exists, a destination neither on it nor declared fails listing what exists; one read per run", async function () {
    const { deps, api } = fakePbx([], [ext("2002"), ext("2001")]);
    await checkExtension({}, { pbxUrl: URL, pbxKey: "resource:hq", number: "3001", firstName: "Ann" }, deps);
    const r = await check({}, preview({ pbxKey: "resource:hq" }), deps);
    assert.equal(r.failures?.[0].property, "destinationExtension");
    assert.match(
      r.failures![0].reason,
      /destinationExtension is "1001": PBX acme-hq\.eu\.sandbox\.yeastarcloud\.com has no extension 1001 \(it has 2001, 2002\) and this program declares none with that number on it \(it declares 3001\); nothing was changed\. Declare the extension with a PbxExtension/,
    );
    const second = await check(
      {},
      preview({ pbxKey: "resource:hq", name: "second", destinationExtension: "1002" }),
      deps,
    );
    assert.match(second.failures![0].reason, /has no extension 1002/);
    const onPbx = await check(
      {},
      preview({ pbxKey: "resource:hq", name: "third", destinationExtension: "2001" }),
      deps,
    );
    assert.equal(onPbx.failures, undefined, "an extension on the PBX is a destination");
    assert.equal(api.listExtensions.callCount, 1, "the PBX's extensions are read once per run");
    resetRuns();
    const empty = fakePbx();
    const none = await check({}, preview(), empty.deps);
    assert.match(none.failures![0].reason, /\(it has none\) .*\(it declares none\)/);
  });

  it("not in a preview, or of a PBX this run buys (URL unknown), the PBX is not read", async function () {
    const { deps, reads } = fakePbx();
    const up = await check({}, args({ destinationExtension: "9999" }), deps);
    assert.equal(up.failures, undefined, "in `up` the PBX refuses an absent extension itself");
    const bought = await check({}, preview({ pbxUrl: UNKNOWN, pbxKey: "resource:new", name: "x" }), deps);
    assert.equal(bought.failures, undefined);
    assert.equal(bought.inputs?.pbxUrl, UNKNOWN);
    const later = await check({}, preview({ destinationExtension: UNKNOWN, name: "y" }), deps);
    assert.equal(later.failures, undefined, "an extension number not known yet is checked by the PBX at create");
    assert.equal(reads(), 0);
  });

  it("values not known in a preview pass: a trunk list of unknown names, unknown DID patterns", async function () {
    const { deps } = fakePbx();
    const r = await check(
      {},
      preview({ pbxUrl: UNKNOWN, pbxKey: "resource:new", trunks: [UNKNOWN, UNKNOWN], didPatterns: [UNKNOWN, UNKNOWN] }),
      deps,
    );
    assert.deepEqual(r.failures, undefined);
    assert.deepEqual(r.inputs?.trunks, [UNKNOWN, UNKNOWN]);
    const whole = await check(
      {},
      preview({ pbxUrl: UNKNOWN, pbxKey: "resource:new", name: "z", trunks: UNKNOWN }),
      deps,
    );
    assert.equal(whole.failures, undefined);
  });
});

describe("PbxInboundRoute: create", function () {
  beforeEach(resetRuns);

  it("sends the route once and records the PBX's id; nothing is read", async function () {
    const { deps, api } = fakePbx();
    const r = await create(args({ didPatterns: ["555XXXX"], pbxKey: "resource:hq", declaredAs: "hq-main" }), deps);
    assert.equal(r.id, `${URL}/main-line`);
    assert.equal(r.outs.routeId, "41");
    assert.equal(r.outs.adopted, false);
    assert.equal(r.outs.declaredAs, "hq-main");
    assert.equal(api.createInboundRoute.callCount, 1);
    assert.deepEqual(api.createInboundRoute.firstCall.args, [
      { name: "main-line", trunks: ["sip-trunk-1"], didPatterns: ["555XXXX"], destinationExtension: "1001" },
    ]);
    assert.deepEqual(deps.pbxApi.firstCall.args, [URL]);
    assert.equal(api.listInboundRoutes.callCount, 0);
  });

  it("a name the PBX has with the same settings (trunks in another order) is recorded as adopted, with a warning", async function () {
    const pbx = fakePbx([pbxRoute({ trunks: ["t2", "t1"], didPatterns: ["2", "1"] })]);
    pbx.api.createInboundRoute.rejects(apiError(PBX_ERRCODES.duplicateNumber));
    const r = await create(args({ trunks: ["t1", "t2"], didPatterns: ["1", "2"] }), pbx.deps);
    assert.equal(r.outs.routeId, "7");
    assert.equal(r.outs.adopted, true);
    assert.deepEqual(r.outs.trunks, ["t1", "t2"], "the program's inputs are recorded");
    assert.equal(pbx.api.createInboundRoute.callCount, 1);
    assert.equal(pbx.api.listInboundRoutes.callCount, 1);
    assert.match(
      pbx.warnings[0] ?? "",
      /already has inbound route main-line with these settings \(id 7\); recorded it and sent no create again/,
    );
  });

  it("a name the PBX has with other settings is refused with the import hint; never sent twice", async function () {
    const cases: Array<[Partial<PbxInboundRoute>, RegExp]> = [
      [{ destinationExtension: "1002" }, /to extension 1002/],
      [{ trunks: ["t9"] }, /trunks t9,/],
      [{ didPatterns: ["555"] }, /DIDs 555,/],
      [{ destinationType: "ivr", destinationExtension: "" }, /to ivr\)/],
    ];
    for (const [over, detail] of cases) {
      resetRuns();
      const pbx = fakePbx([pbxRoute(over)]);
      pbx.api.createInboundRoute.rejects(apiError(PBX_ERRCODES.duplicateNumber));
      const err = await create(args(), pbx.deps).then(
        () => assert.fail("expected a refusal"),
        (e: unknown) => e as Error,
      );
      assert.match(
        err.message,
        /PBX acme-hq\.eu\.sandbox\.yeastarcloud\.com already has inbound route main-line \(id 7, /,
      );
      assert.match(err.message, detail);
      assert.match(
        err.message,
        /with other settings; nothing was changed\. .*`pulumi import yeastar:index:PbxInboundRoute <name> acme-hq\.eu\.sandbox\.yeastarcloud\.com\/main-line`/,
      );
      assert.equal(pbx.api.createInboundRoute.callCount, 1);
      assert.equal(pbx.warnings.length, 0);
    }
  });

  it("a duplicate the PBX then does not list is the PBX's own error", async function () {
    const pbx = fakePbx([]);
    const refusal = apiError(PBX_ERRCODES.duplicateNumber);
    pbx.api.createInboundRoute.rejects(refusal);
    await assert.rejects(create(args(), pbx.deps), (e: unknown) => e === refusal);
  });

  it("a lost reply: the name is looked up, never sent again; found with the settings, recorded as created", async function () {
    const pbx = fakePbx([pbxRoute({ id: "9" })]);
    pbx.api.createInboundRoute.rejects(lostReply());
    const r = await create(args(), pbx.deps);
    assert.equal(r.outs.routeId, "9");
    assert.equal(r.outs.adopted, false, "this run's create made it");
    assert.equal(pbx.api.createInboundRoute.callCount, 1);
    assert.equal(pbx.api.listInboundRoutes.callCount, 1);
  });

  it("a lost reply and the PBX does not list it: a clear error, never sent again", async function () {
    const pbx = fakePbx([pbxRoute({ name: "another" })]);
    pbx.api.createInboundRoute.rejects(lostReply());
    await assert.rejects(
      create(args(), pbx.deps),
      /PBX acme-hq\.eu\.sandbox\.yeastarcloud\.com: the outcome of creating inbound route main-line is unknown \(.*\) and the PBX does not list it, so it was most likely not created; run `pulumi up` again/,
    );
    assert.equal(pbx.api.createInboundRoute.callCount, 1);
    assert.equal(pbx.api.listInboundRoutes.callCount, 1);
  });

  it("a definite refusal (a bad parameter) is thrown as it is, with no lookup", async function () {
    const pbx = fakePbx();
    const refusal = apiError(PBX_ERRCODES.invalidParameter);
    pbx.api.createInboundRoute.rejects(refusal);
    await assert.rejects(create(args(), pbx.deps), (e: unknown) => e === refusal);
    assert.equal(pbx.api.listInboundRoutes.callCount, 0);
  });
});

describe("PbxInboundRoute: diff", function () {
  it("a new name or PBX replaces, the new route created first; an unknown URL in a preview is the same PBX", function () {
    const olds = stored();
    assert.deepEqual(diff("x", olds, args({ name: "main-line-2" })), { changes: true, replaces: ["name"] });
    assert.deepEqual(diff("x", olds, args({ pbxUrl: OTHER_URL })), { changes: true, replaces: ["pbxUrl"] });
    assert.deepEqual(diff("x", olds, args({ pbxUrl: OTHER_URL, name: "b" })), {
      changes: true,
      replaces: ["pbxUrl", "name"],
    });
    assert.deepEqual(diff("x", olds, args({ name: UNKNOWN })), { changes: true, replaces: ["name"] });
    assert.deepEqual(diff("x", olds, args({ pbxUrl: UNKNOWN })), { changes: false });
    assert.deepEqual(diff("x", olds, args()), { changes: false });
  });

  it("trunks, DID patterns and the destination are an update; their order is no change", function () {
    const olds = stored({ trunks: ["t1", "t2"], didPatterns: ["1", "2"] });
    const same = args({ trunks: ["t1", "t2"], didPatterns: ["1", "2"] });
    assert.deepEqual(diff("x", olds, same), { changes: false });
    assert.deepEqual(diff("x", olds, { ...same, trunks: ["t1", "t2", "t3"] }), { changes: true });
    assert.deepEqual(diff("x", olds, { ...same, didPatterns: ["1"] }), { changes: true });
    assert.deepEqual(diff("x", olds, { ...same, didPatterns: undefined }), { changes: true });
    assert.deepEqual(diff("x", olds, { ...same, destinationExtension: "1002" }), { changes: true });
    assert.deepEqual(diff("x", olds, { ...same, destinationExtension: UNKNOWN }), { changes: true });
    // Sets on the PBX: a refresh that lists them in the PBX's order shows no change.
    assert.deepEqual(diff("x", olds, { ...same, trunks: ["t2", "t1"], didPatterns: ["2", "1"] }), { changes: false });
    assert.deepEqual(
      diff("x", stored(), args({ didPatterns: undefined })),
      { changes: false },
      "none before, none now",
    );
  });
});

describe("PbxInboundRoute: update, read, delete", function () {
  beforeEach(resetRuns);

  it("update sends every field to the route's id and keeps the id and adopted", async function () {
    const { deps, api } = fakePbx();
    const r = await update(
      "x",
      stored({ adopted: true }),
      args({ trunks: ["t1", "t2"], didPatterns: ["555XXXX"], destinationExtension: "1002" }),
      deps,
    );
    assert.deepEqual(api.updateInboundRoute.firstCall.args, [
      "7",
      { name: "main-line", trunks: ["t1", "t2"], didPatterns: ["555XXXX"], destinationExtension: "1002" },
    ]);
    assert.equal(r.outs.routeId, "7");
    assert.equal(r.outs.adopted, true);
    assert.equal(r.outs.destinationExtension, "1002");
    const cleared = await update("x", stored({ didPatterns: ["1"] }), args(), deps);
    assert.deepEqual(api.updateInboundRoute.secondCall.args[1].didPatterns, [], "patterns left out: every call");
    assert.equal(cleared.outs.didPatterns, undefined);
  });

  it("update of a route gone from the PBX says so clearly; other errors are the client's", async function () {
    const { deps, api } = fakePbx();
    api.updateInboundRoute.rejects(apiError(PBX_ERRCODES.notFound));
    await assert.rejects(
      update("x", stored(), args(), deps),
      /PBX acme-hq\.eu\.sandbox\.yeastarcloud\.com no longer has inbound route main-line \(id 7\); nothing was changed\. Run `pulumi refresh`/,
    );
    const other = apiError(PBX_ERRCODES.invalidParameter);
    api.updateInboundRoute.rejects(other);
    await assert.rejects(update("x", stored(), args(), deps), (e: unknown) => e === other);
    await assert.rejects(update("x", {}, args(), deps), /without a stored state/);
  });

  it("read shows drift made on the PBX, keeps what only the program knows", async function () {
    const { deps } = fakePbx([
      pbxRoute({ trunks: ["t9"], didPatterns: ["555XXXX"], destinationExtension: "2002" }),
      pbxRoute({ id: "8", name: "other" }),
    ]);
    const r = await read(`${URL}/main-line`, stored({ pbxKey: "resource:hq", declaredAs: "hq-main" }), deps);
    assert.equal(r.id, `${URL}/main-line`);
    assert.deepEqual(r.inputs, {
      pbxUrl: URL,
      pbxKey: "resource:hq",
      declaredAs: "hq-main",
      name: "main-line",
      trunks: ["t9"],
      didPatterns: ["555XXXX"],
      destinationExtension: "2002",
    });
    assert.equal(r.props?.routeId, "7");
    assert.equal(r.props?.adopted, false);
  });

  it("read finds a route renamed on the PBX by its id, and one made again by its name", async function () {
    const renamed = fakePbx([pbxRoute({ name: "renamed" })]);
    const r = await read(`${URL}/main-line`, stored(), renamed.deps);
    assert.equal(r.id, `${URL}/renamed`);
    assert.equal(r.inputs?.name, "renamed", "a new name is drift (the program's name replaces it)");
    resetRuns();
    const again = fakePbx([pbxRoute({ id: "12" })]);
    const byName = await read(`${URL}/main-line`, stored(), again.deps);
    assert.equal(byName.props?.routeId, "12");
  });

  it("read of a route that sends calls elsewhere warns and shows no extension", async function () {
    const { deps, warnings } = fakePbx([pbxRoute({ destinationType: "ivr", destinationExtension: "" })]);
    const r = await read(`${URL}/main-line`, stored(), deps);
    assert.equal(r.inputs?.destinationExtension, "");
    assert.match(warnings[0] ?? "", /inbound route main-line now sends calls to ivr, not to an extension/);
  });

  it("read of a route gone from the PBX drops it from the stack with a warning", async function () {
    const { deps, warnings } = fakePbx([pbxRoute({ id: "8", name: "other" })]);
    assert.deepEqual(await read(`${URL}/main-line`, stored(), deps), {});
    assert.match(
      warnings[0] ?? "",
      /PBX acme-hq\.eu\.sandbox\.yeastarcloud\.com no longer has inbound route main-line; removing it from the stack/,
    );
  });

  it("import by <pbxUrl>/<name>: found by name, adopted; a bad id or an absent name fail clearly", async function () {
    const { deps, api } = fakePbx([pbxRoute({ didPatterns: ["5551234"] })]);
    const imported = await read(`${URL}/main-line`, undefined, deps);
    assert.equal(imported.id, `${URL}/main-line`);
    assert.equal(imported.props?.routeId, "7");
    assert.equal(imported.props?.adopted, true);
    assert.deepEqual(imported.inputs, {
      pbxUrl: URL,
      name: "main-line",
      trunks: ["sip-trunk-1"],
      didPatterns: ["5551234"],
      destinationExtension: "1001",
    });
    assert.deepEqual(deps.pbxApi.firstCall.args, [URL]);
    await assert.rejects(
      read(`${URL}/absent`, {}, deps),
      /PBX acme-hq\.eu\.sandbox\.yeastarcloud\.com has no inbound route absent to import/,
    );
    const calls = api.listInboundRoutes.callCount;
    for (const bad of ["main-line", `${URL}/main line`, `${URL}/`, "Not_A_Host/main-line", `/main-line`]) {
      await assert.rejects(read(bad, undefined, deps), /PbxInboundRoute id .* is not "<pbxUrl>\/<name>"/, bad);
    }
    assert.equal(api.listInboundRoutes.callCount, calls, "a bad id reads nothing");
  });

  it("reads list each PBX's routes once per run, however many routes it has", async function () {
    const { deps, api } = fakePbx([pbxRoute(), pbxRoute({ id: "8", name: "b" }), pbxRoute({ id: "9", name: "c" })]);
    await Promise.all([
      read(`${URL}/main-line`, stored(), deps),
      read(`${URL}/b`, stored({ name: "b", routeId: "8" }), deps),
      read(`${URL}/c`, undefined, deps),
    ]);
    assert.equal(api.listInboundRoutes.callCount, 1);
    await read(`${OTHER_URL}/main-line`, undefined, deps);
    assert.equal(api.listInboundRoutes.callCount, 2, "another PBX is listed on its own");
    assert.deepEqual(
      deps.pbxApi.getCalls().map((c) => c.args[0]),
      [URL, OTHER_URL],
    );
    resetRuns();
    await read(`${URL}/main-line`, stored(), deps);
    assert.equal(api.listInboundRoutes.callCount, 3, "another run lists again");
  });

  it("delete deletes the route by its id; one already gone is fine; no id, no call", async function () {
    const { deps, api } = fakePbx();
    await remove("x", stored(), deps);
    assert.deepEqual(api.deleteInboundRoute.firstCall.args, ["7"]);
    assert.deepEqual(deps.pbxApi.firstCall.args, [URL]);
    api.deleteInboundRoute.rejects(apiError(PBX_ERRCODES.notFound));
    await remove("x", stored(), deps);
    const other = apiError(PBX_ERRCODES.invalidParameter);
    api.deleteInboundRoute.rejects(other);
    await assert.rejects(remove("x", stored(), deps), (e: unknown) => e === other);
    const calls = api.deleteInboundRoute.callCount;
    await remove("x", stored({ routeId: "" }), deps);
    await remove("x", undefined, deps);
    await remove("x", {}, deps);
    assert.equal(api.deleteInboundRoute.callCount, calls);
  });
});
