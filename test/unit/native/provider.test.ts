/**
 * The native provider is the engine on another wire: each method calls the engine function the dynamic provider
 * calls, messages carry the resource's URN, configuration reaches settings.ts as the dynamic provider hands it
 * over, and the gRPC service is wrapped to refuse secrets, announce preview support and send a preview's create
 * and update to the methods that plan and price (never order).
 */
import * as assert from "node:assert/strict";
import { configFromVariables, engineAddress, wrapService } from "../../../provider/native/main";
import { nativeProvider } from "../../../provider/native/plugin-provider";
import { PBX_TYPE } from "../../../provider/native/schema";
import { DRY_RUN_KEY, UNKNOWN } from "../../../provider/api/inputs";
import { configure, currentSettings } from "../../../provider/runtime/settings";
import { checked, deps, fakeApi, product, rawInputs, state, URL as URL_OF_PBX } from "../pbx/fixtures";
// The SDK's own protobuf messages, as its server answers with them.
import { ConfigureResponse, CreateResponse, UpdateResponse } from "@pulumi/pulumi/proto/provider_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

const URN = `urn:pulumi:dev::p::${PBX_TYPE}::acme-hq`;

const previewsNotCalled = {
  previewCreate: () => assert.fail("not called"),
  previewUpdate: () => assert.fail("not called"),
};

function provider(api = fakeApi(), env: Record<string, string | undefined> = {}) {
  const logged: Array<{ level: string; message: string; urn: string }> = [];
  const p = nativeProvider({
    version: "1.2.3",
    deps: () => deps(api).deps,
    env,
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

  it("check validates and resolves only: no plannedOrders in the inputs, no URL lookup, no plan line", async function () {
    const { p, api, logged } = provider();
    const r = await p.check!(URN, {}, { ...rawInputs(), [DRY_RUN_KEY]: true, __provider: "x" });
    assert.deepEqual(r.failures ?? [], []);
    assert.equal(r.inputs.__provider, undefined);
    assert.equal(r.inputs.plannedOrders, undefined, "the stored inputs carry no plannedOrders");
    assert.equal(r.inputs.resolved.pbxUrl, URL_OF_PBX);
    assert.equal(api.isPbxUrlTaken.callCount, 0, "create looks the URL up (in a preview and before it buys)");
    assert.equal(api.calculatePrice.callCount, 1, "the purchase is priced once, for priceEstimate");
    assert.equal(api.createOrder.callCount, 0);
    assert.deepEqual(logged, []);
  });

  it("create in a preview lists the purchase with its price in plannedOrders, looks the URL up, orders nothing", async function () {
    const { p, api, logged } = provider();
    const checkedInputs = (await p.check!(URN, {}, rawInputs())).inputs;
    const r = await p.previewCreate(URN, checkedInputs);
    assert.equal(r.id, "");
    const planned = r.outs.plannedOrders as Array<Record<string, unknown>>;
    assert.deepEqual(
      planned.map((o) => [o.operation, o.price]),
      [["purchase_plan", "USD 1200.00 per year"]],
    );
    assert.equal(r.outs.productNo, UNKNOWN, "what the order decides is unknown in a preview");
    assert.equal(r.outs.pbxUrl, URL_OF_PBX);
    assert.equal(r.outs.resolved, undefined);
    assert.equal(api.isPbxUrlTaken.callCount, 1);
    assert.equal(api.calculatePrice.callCount, 1, "check's quote is reused for the same order shape");
    assert.equal(api.createOrder.callCount, 0);
    assert.deepEqual(
      logged.map((l) => [l.level, l.urn]),
      [["info", URN]],
    );
    assert.match(logged[0].message, /`pulumi up` will place 1 order: new PBX .*\[USD 1200\.00 per year\]/);
  });

  it("create in a preview: a URL of ours is an adoption (no order); a URL of another customer fails on subdomain", async function () {
    const { p, api } = provider();
    const checkedInputs = (await p.check!(URN, {}, rawInputs())).inputs;
    api.isPbxUrlTaken.resolves(true);
    api.findProductByUrl.resolves(product());
    const adopted = await p.previewCreate(URN, checkedInputs);
    assert.deepEqual(
      (adopted.outs.plannedOrders as Array<Record<string, unknown>>).map((o) => o.operation),
      ["adopt"],
    );
    assert.equal(adopted.outs.productNo, product().productNo);
    api.findProductByUrl.resolves(undefined);
    await assert.rejects(
      p.previewCreate(URN, checkedInputs),
      /subdomain "acme-hq" .*gives the PBX URL .* taken by another/,
    );
    assert.equal(api.createOrder.callCount, 0);
  });

  it("create in a preview with values not known yet plans nothing and marks the outputs unknown", async function () {
    const { p, api } = provider();
    const r = await p.previewCreate(URN, { ...rawInputs(), extensions: UNKNOWN });
    assert.equal(r.outs.plannedOrders, undefined);
    assert.equal(r.outs.instanceId, UNKNOWN);
    assert.equal(api.calculatePrice.callCount + api.isPbxUrlTaken.callCount + api.createOrder.callCount, 0);
  });

  it("update in a preview lists the follow-up orders from the portal, priced; orders nothing; check did not plan", async function () {
    const { p, api, logged } = provider();
    const olds = { ...checked() };
    const checkedNews = (await p.check!(URN, olds, { ...rawInputs(), extensions: 120 })).inputs;
    assert.equal(checkedNews.plannedOrders, undefined);
    assert.equal(api.getProduct.callCount + api.calculatePrice.callCount, 0, "check read and priced nothing");
    const r = await p.previewUpdate("1275655", URN, { ...state() }, checkedNews);
    const planned = r.outs.plannedOrders as Array<Record<string, unknown>>;
    assert.deepEqual(
      planned.map((o) => [o.operation, o.item, o.quantity]),
      [["purchase_service", "Extension Expansion", 20]],
    );
    assert.equal(r.outs.extensions, 120);
    assert.equal(r.outs.orders, UNKNOWN);
    assert.equal(api.calculatePrice.callCount, 1);
    assert.equal(api.createOrder.callCount, 0);
    assert.match(logged.at(-1)!.message, /will place 1 order: Extension Expansion: \+20 \(100 -> 120\)/);
  });

  it("update in a preview plans from the portal: what the PBX already has is not listed", async function () {
    const { p, api } = provider();
    api.getProduct.resolves(product({ extensions: 120 }));
    const news = { ...checked({ extensions: 120 }) };
    const r = await p.previewUpdate("1275655", URN, { ...state() }, news);
    assert.deepEqual(r.outs.plannedOrders, []);
    assert.equal(api.createOrder.callCount, 0);
  });

  it("update in a preview fails a change the API cannot make against the state, naming the field", async function () {
    const { p, api } = provider();
    await assert.rejects(
      p.previewUpdate("1275655", URN, { ...state({ extensions: 150 }) }, { ...checked({ extensions: 120 }) }),
      /extensions is 120, lower than the 150 already bought/,
    );
    assert.equal(api.createOrder.callCount, 0);
  });

  it("past the large-fleet threshold without the mode, check warns once, for the stack (no URN)", async function () {
    const { p, logged } = provider(fakeApi(), { YEASTAR_LARGE_FLEET_THRESHOLD: "2" });
    for (const name of ["a", "b", "a", "c", "d"]) {
      await p.check!(`urn:pulumi:dev::p::${PBX_TYPE}::${name}`, {}, rawInputs({ subdomain: `fleet-${name}` }));
    }
    const advice = logged.filter((l) => /large-fleet mode/.test(l.message));
    assert.deepEqual(
      advice.map((l) => [l.level, l.urn]),
      [["warn", ""]],
    );
    assert.match(advice[0].message, /more than 2 PBXs.*PULUMI_SKIP_CHECKPOINTS=true/);
  });

  it("in the large-fleet mode, check does not warn about the fleet", async function () {
    const { p, logged } = provider(fakeApi(), { YEASTAR_LARGE_FLEET_THRESHOLD: "0", PULUMI_SKIP_CHECKPOINTS: "true" });
    await p.check!(URN, {}, rawInputs());
    assert.deepEqual(
      logged.filter((l) => /large-fleet mode/.test(l.message)),
      [],
    );
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
    const other = `urn:pulumi:dev::p::yeastar:index:Voicemail::acme`;
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
        /unknown resource type "yeastar:index:Voicemail"; this plugin serves yeastar:index:PSeriesCloudPbx, yeastar:index:Customer/,
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

  it("configure hands stack config or provider arguments to the settings, refuses secrets, supports previews", function (done) {
    const vars = new Map([
      ["yeastar:config:clientId", "id-1"],
      ["yeastar:config:clientSecret", "s3cret"],
      ["yeastar:config:baseUrl", "http://127.0.0.1:9"],
    ]);
    const reply = new ConfigureResponse();
    reply.setAcceptsecrets(true);
    const service = {
      configure: (_call: unknown, cb: (e: unknown, v?: unknown) => void) => cb(undefined, reply),
      create: () => assert.fail("not called"),
      update: () => assert.fail("not called"),
    };
    wrapService(service as never, previewsNotCalled);
    const request = { getVariablesMap: () => vars };
    (service.configure as (c: unknown, cb: (e: unknown) => void) => void)({ request }, (err) => {
      assert.equal(err, undefined);
      assert.equal(reply.getAcceptsecrets(), false);
      assert.equal(reply.getSupportspreview(), true);
      assert.deepEqual(
        { ...currentSettings() },
        { ...currentSettings(), clientId: "id-1", clientSecret: "s3cret", baseUrl: "http://127.0.0.1:9" },
      );
      done();
    });
  });

  it("create and update marked as a preview go to the preview methods, the others to the SDK's (which order)", async function () {
    const calls: string[] = [];
    const service = {
      configure: () => undefined,
      create: (_c: unknown, cb: (e: unknown, v?: unknown) => void) => (calls.push("create"), cb(undefined, "sdk")),
      update: (_c: unknown, cb: (e: unknown, v?: unknown) => void) => (calls.push("update"), cb(undefined, "sdk")),
    };
    const seen: unknown[] = [];
    wrapService(service as never, {
      previewCreate: async (urn, inputs) => (seen.push([urn, inputs]), { id: "", outs: { plannedOrders: [{ a: 1 }] } }),
      previewUpdate: async (id, urn, olds, news) => (seen.push([id, urn, olds, news]), { outs: { extensions: 2 } }),
    });
    const struct = (v: Record<string, unknown>) => Struct.fromJavaScript(v as never);
    const invoke = (m: "create" | "update", request: Record<string, unknown>) =>
      new Promise<unknown>((resolve, reject) =>
        (service[m] as (c: unknown, cb: (e: unknown, v?: unknown) => void) => void)({ request }, (e, v) =>
          e ? reject(e) : resolve(v),
        ),
      );
    const created = (await invoke("create", {
      getPreview: () => true,
      getUrn: () => URN,
      getProperties: () => struct({ extensions: 1 }),
    })) as CreateResponse;
    assert.equal(created.getId(), "");
    assert.deepEqual(created.getProperties()!.toJavaScript(), { plannedOrders: [{ a: 1 }] });
    const updated = (await invoke("update", {
      getPreview: () => true,
      getId: () => "7",
      getUrn: () => URN,
      getOlds: () => struct({ extensions: 1 }),
      getNews: () => struct({ extensions: 2 }),
    })) as UpdateResponse;
    assert.deepEqual(updated.getProperties()!.toJavaScript(), { extensions: 2 });
    assert.deepEqual(seen, [
      [URN, { extensions: 1 }],
      ["7", URN, { extensions: 1 }, { extensions: 2 }],
    ]);
    assert.deepEqual(calls, [], "the SDK's create and update (which order) got no preview");
    assert.equal(await invoke("create", { getPreview: () => false }), "sdk");
    assert.equal(await invoke("update", { getPreview: () => false }), "sdk");
    assert.deepEqual(calls, ["create", "update"]);
  });

  it("configFromVariables maps the engine's names to settings.ts's", function () {
    const cfg = configFromVariables({ getVariablesMap: () => new Map([["yeastar:config:clientId", "a"]]) });
    assert.equal(cfg.get("yeastar:clientId"), "a");
    assert.equal(cfg.get("yeastar:clientSecret"), undefined);
  });
});
