/**
 * The native provider is the engine on another wire: each method calls the engine function the dynamic provider
 * calls, messages carry the resource's URN, configuration reaches settings.ts as the dynamic provider hands it
 * over, and the gRPC service is wrapped to refuse secrets and preview-time orders.
 */
import * as assert from "node:assert/strict";
import { configFromVariables, engineAddress, wrapService } from "../../../provider/native/main";
import { nativeProvider } from "../../../provider/native/provider";
import { PBX_TYPE } from "../../../provider/native/schema";
import { DRY_RUN_KEY } from "../../../provider/pbx/inputs";
import { configure, currentSettings } from "../../../provider/pbx/settings";
import { checked, deps, fakeApi, rawInputs, state } from "../pbx/fixtures";

const URN = `urn:pulumi:dev::p::${PBX_TYPE}::acme-hq`;

function provider(api = fakeApi()) {
  const logged: Array<{ level: string; message: string; urn: string }> = [];
  const p = nativeProvider({
    version: "1.2.3",
    deps: () => deps(api).deps,
    log: {
      info: (message, urn) => void logged.push({ level: "info", message, urn }),
      warn: (message, urn) => void logged.push({ level: "warn", message, urn }),
    },
  });
  return { p, api, logged };
}

describe("native plugin: provider methods", function () {
  it("serves its schema and version", function () {
    const { p } = provider();
    assert.equal(p.version, "1.2.3");
    assert.ok(JSON.parse(p.schema!).resources[PBX_TYPE]);
  });

  it("check plans as in a preview, with the order and its price in the inputs and a message on the PBX", async function () {
    const { p, api, logged } = provider();
    const r = await p.check!(URN, {}, { ...rawInputs(), [DRY_RUN_KEY]: false, __provider: "x" });
    assert.deepEqual(r.failures ?? [], []);
    assert.equal(r.inputs.__provider, undefined);
    assert.equal(r.inputs.plannedOrders.length, 1);
    assert.equal(api.isPbxUrlTaken.callCount, 1, "the URL is looked up as in a preview");
    assert.equal(api.createOrder.callCount, 0);
    assert.deepEqual(
      logged.map((l) => [l.level, l.urn]),
      [["info", URN]],
    );
    assert.match(logged[0].message, /`pulumi up` will place 1 order/);
  });

  it("create buys once; delete warns on the PBX and calls nothing", async function () {
    const { p, api, logged } = provider();
    const c = await p.create!(URN, { ...checked() });
    assert.equal(c.id, "1275655");
    assert.equal(api.createOrder.callCount, 1);
    api.createOrder.resetHistory();
    await p.delete!("1275655", URN, { ...state() });
    assert.equal(api.createOrder.callCount, 0);
    const warning = logged.find((l) => l.level === "warn");
    assert.match(warning!.message, /NOT cancelled/);
    assert.equal(warning!.urn, URN);
  });

  it("read of a PBX the portal no longer has returns an empty id (gone)", async function () {
    const { p, api } = provider();
    api.getProduct.resolves(undefined);
    assert.deepEqual(await p.read!("1275655", URN, { ...state() }), { id: "", props: {} });
  });

  it("routes every method by the URN's type token; a token it does not serve fails naming the ones it does", async function () {
    const { p, api } = provider();
    const other = `urn:pulumi:dev::p::yeastar:index:Customer::acme`;
    for (const call of [
      () => p.check!(other, {}, rawInputs()),
      () => p.diff!("1", other, state(), checked()),
      () => p.create!(other, { ...checked() }),
      () => p.update!("1", other, state(), checked()),
      () => p.read!("1", other, {}),
      () => p.delete!("1", other, state()),
    ]) {
      await assert.rejects(
        call,
        /unknown resource type "yeastar:index:Customer"; this plugin serves yeastar:index:PSeriesCloudPbx/,
      );
    }
    assert.equal(api.createOrder.callCount + api.listRegions.callCount + api.getProduct.callCount, 0);
    // A PBX nested under a component is still a PBX.
    const nested = `urn:pulumi:dev::p::my:index:Fleet$${PBX_TYPE}::acme-hq`;
    assert.equal((await p.diff!("1275655", nested, state(), { ...checked() })).changes, false);
  });

  it("read without state imports by id", async function () {
    const { p, api } = provider();
    api.listBillingContacts.resolves([{ billingContactId: "1", emailAddress: "ap@acme.example" }]);
    const r = await p.read!("3658B431119665QJ", URN, {});
    assert.equal(r.id, "1275655");
    assert.equal(r.inputs.billingContact, "ap@acme.example");
  });
});

describe("native plugin: the gRPC service around the SDK's", function () {
  afterEach(() => configure());

  it("finds the engine address after the engine's flags", function () {
    assert.equal(engineAddress(["--logtostderr", "-v=9", "--tracing", "x", "127.0.0.1:1234"]), "127.0.0.1:1234");
    assert.equal(engineAddress([]), undefined);
  });

  it("configure hands stack config or provider arguments to the settings and refuses secrets", function (done) {
    const vars = new Map([
      ["yeastar:config:clientId", "id-1"],
      ["yeastar:config:clientSecret", "s3cret"],
      ["yeastar:config:baseUrl", "http://127.0.0.1:9"],
    ]);
    let accepted: boolean | undefined;
    const service = {
      configure: (_call: unknown, cb: (e: unknown, v?: unknown) => void) =>
        cb(undefined, { setAcceptsecrets: (v: boolean) => (accepted = v) }),
      create: () => assert.fail("not called"),
      update: () => assert.fail("not called"),
    };
    wrapService(service as never);
    const request = { getVariablesMap: () => vars };
    (service.configure as (c: unknown, cb: (e: unknown) => void) => void)({ request }, (err) => {
      assert.equal(err, undefined);
      assert.equal(accepted, false);
      assert.deepEqual(
        { ...currentSettings() },
        { ...currentSettings(), clientId: "id-1", clientSecret: "s3cret", baseUrl: "http://127.0.0.1:9" },
      );
      done();
    });
  });

  it("create and update refuse a request marked as a preview", function () {
    const calls: string[] = [];
    const service = {
      configure: () => undefined,
      create: () => calls.push("create"),
      update: () => calls.push("update"),
    };
    wrapService(service as never);
    for (const m of ["create", "update"] as const) {
      let error: unknown;
      (service[m] as (c: unknown, cb: (e: unknown) => void) => void)(
        { request: { getPreview: () => true } },
        (e) => (error = e),
      );
      assert.match(String(error), /called in a preview; nothing was ordered/);
      (service[m] as (c: unknown, cb: (e: unknown) => void) => void)(
        { request: { getPreview: () => false } },
        () => {},
      );
    }
    assert.deepEqual(calls, ["create", "update"]);
  });

  it("configFromVariables maps the engine's names to settings.ts's", function () {
    const cfg = configFromVariables({ getVariablesMap: () => new Map([["yeastar:config:clientId", "a"]]) });
    assert.equal(cfg.get("yeastar:clientId"), "a");
    assert.equal(cfg.get("yeastar:clientSecret"), undefined);
  });
});
