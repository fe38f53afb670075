/**
 * An existing PBX whose program omits `domain` keeps the domain suffix it was bought with, even when the portal
 * later lists another suffix first for its region. A changed resolved URL is never a silent second purchase:
 * without `allowRepurchase` check fails naming the field, the value and what to do (docs/money.md, "What costs money").
 */
import * as assert from "node:assert/strict";
import { check, diff, diffWithPortal } from "../../../provider/pbx/engine";
import { DRY_RUN_KEY } from "../../../provider/api/inputs";
import type { Resolved } from "../../../provider/api/contract";
import { checked, deps, fakeApi, rawInputs, resolved, state } from "./fixtures";

/** The portal's region list after it put a new suffix first for Europe (and kept the old one, or dropped it). */
function regionsWithNewFirstSuffix(keepOld: boolean) {
  return [
    {
      id: "41",
      name: "Europe",
      region: [
        { pbxSubDomainId: "22", pbxSubDomain: ["eu2.sandbox.yeastarcloud.com"] },
        ...(keepOld ? [{ pbxSubDomainId: "20", pbxSubDomain: ["eu.sandbox.yeastarcloud.com"] }] : []),
      ],
    },
  ];
}

/** Program inputs with `domain` omitted and the billing contact changed (so check resolves again). */
function newsWithoutDomain(overrides: Record<string, unknown> = {}, dryRun = false): Record<string, unknown> {
  const news: Record<string, unknown> = {
    ...rawInputs({ billingContact: "billing@globex.example", extensions: 100, ...overrides }),
    [DRY_RUN_KEY]: dryRun,
  };
  if (!("domain" in overrides)) delete news.domain;
  return news;
}

/** The checked inputs check returns, as these tests read them. */
type Out = Record<string, unknown> & { resolved: Resolved; plannedOrders?: unknown };

/** Old inputs as check receives them from the state. */
function old(overrides: Parameters<typeof checked>[0] = {}): Record<string, unknown> {
  return { ...checked(overrides) };
}

function failureText(result: { failures?: Array<{ property: string; reason: string }> }): string {
  return (result.failures ?? []).map((f) => `${f.property}: ${f.reason}`).join("\n");
}

describe("engine: an omitted domain keeps the suffix the PBX was bought with", function () {
  for (const dryRun of [true, false]) {
    const mode = dryRun ? "preview" : "update";
    it(`in ${mode === "preview" ? "a" : "an"} ${mode}, keeps the old suffix when the region lists another first, and diff replaces nothing`, async function () {
      const api = fakeApi();
      api.listRegions.resolves(regionsWithNewFirstSuffix(true));
      const result = await check(old(), newsWithoutDomain({}, dryRun), deps(api).deps);
      assert.equal(failureText(result), "");
      const inputs = result.inputs as Out;
      assert.equal(inputs.resolved.pbxUrl, "acme-hq.eu.sandbox.yeastarcloud.com");
      assert.equal(inputs.resolved.domainSuffix, "eu.sandbox.yeastarcloud.com");
      assert.equal(inputs.resolved.pbxSubDomainId, "20");
      assert.equal(inputs.resolved.billingContactId, "3197218168379846219");
      assert.equal(inputs.plannedOrders, undefined, "no purchase planned");
      assert.equal(api.createOrder.callCount, 0);
      assert.equal(api.calculatePrice.callCount, 0, "no purchase priced");
      const d = diff("1275655", state(), inputs);
      assert.equal(d.replaces, undefined);
      const provided = await diffWithPortal("1275655", state(), inputs);
      assert.equal(provided.replaces, undefined);
    });
  }

  it("the native plugin's check (its preview plans in create and update) keeps the old suffix the same way", async function () {
    const api = fakeApi();
    api.listRegions.resolves(regionsWithNewFirstSuffix(true));
    const kept = await check(old(), newsWithoutDomain({}, true), deps(api).deps, "preview-methods");
    assert.equal(failureText(kept), "");
    assert.equal((kept.inputs as Out).resolved.pbxUrl, "acme-hq.eu.sandbox.yeastarcloud.com");
    api.listRegions.resolves(regionsWithNewFirstSuffix(false));
    const gone = await check(old(), newsWithoutDomain({}, true), deps(api).deps, "preview-methods");
    assert.equal(gone.failures?.[0]?.property, "domain", failureText(gone));
  });

  it("fails naming domain when the suffix the PBX was bought with is gone from the region", async function () {
    const api = fakeApi();
    api.listRegions.resolves(regionsWithNewFirstSuffix(false));
    const result = await check(old(), newsWithoutDomain(), deps(api).deps);
    assert.equal(result.inputs, undefined);
    assert.equal(result.failures?.length, 1, failureText(result));
    const [f] = result.failures!;
    assert.equal(f.property, "domain");
    assert.match(f.reason, /eu\.sandbox\.yeastarcloud\.com/, "names the suffix the PBX has");
    assert.match(f.reason, /eu2\.sandbox\.yeastarcloud\.com/, "names what the region offers now");
    assert.match(f.reason, /acme-hq\.eu\.sandbox\.yeastarcloud\.com/, "names the PBX");
    assert.match(f.reason, /allowRepurchase/, "says what a new suffix would take");
    assert.equal(api.createOrder.callCount, 0);
  });

  it("still moves to a suffix the program names explicitly (a replacement: needs allowRepurchase)", async function () {
    const api = fakeApi();
    api.listRegions.resolves(regionsWithNewFirstSuffix(true));
    const refused = await check(old(), newsWithoutDomain({ domain: "eu2.sandbox.yeastarcloud.com" }), deps(api).deps);
    assert.equal(refused.failures?.[0]?.property, "domain", failureText(refused));
    assert.match(refused.failures![0].reason, /allowRepurchase/);

    const allowed = await check(
      old(),
      newsWithoutDomain({ domain: "eu2.sandbox.yeastarcloud.com", allowRepurchase: true }),
      deps(api).deps,
    );
    assert.equal(failureText(allowed), "");
    const inputs = allowed.inputs as Out;
    assert.equal(inputs.resolved.pbxUrl, "acme-hq.eu2.sandbox.yeastarcloud.com");
    assert.deepEqual(diff("1275655", state(), inputs).replaces, ["domain"]);
  });

  it("a PBX bought with an explicit domain keeps it when the program later omits it", async function () {
    const api = fakeApi();
    const de = resolved({
      pbxSubDomainId: "21",
      domainSuffix: "de.sandbox.yeastarcloud.com",
      pbxUrl: "acme-hq.de.sandbox.yeastarcloud.com",
    });
    const result = await check(
      old({ domain: "de.sandbox.yeastarcloud.com", resolved: de }),
      newsWithoutDomain(),
      deps(api).deps,
    );
    assert.equal(failureText(result), "");
    assert.equal((result.inputs as Out).resolved.pbxUrl, "acme-hq.de.sandbox.yeastarcloud.com");
  });

  it("a new PBX with domain omitted still takes the region's first suffix", async function () {
    const api = fakeApi();
    api.listRegions.resolves(regionsWithNewFirstSuffix(true));
    const result = await check({}, newsWithoutDomain({}, true), deps(api).deps);
    assert.equal(failureText(result), "");
    assert.equal((result.inputs as Out).resolved.pbxUrl, "acme-hq.eu2.sandbox.yeastarcloud.com");
  });
});

describe("engine: a changed PBX URL without allowRepurchase is refused (defence in depth)", function () {
  it("check fails naming the field, the old and new URL and what to do, when the resolved URL changes anyway", async function () {
    const api = fakeApi();
    // Old inputs from a state whose resolved suffix no longer matches its region's: the old region id differs,
    // so the omitted domain cannot be kept, yet no input the program names changed.
    api.listRegions.resolves(regionsWithNewFirstSuffix(true));
    const olds = old({ resolved: resolved({ regionId: "40" }) });
    const result = await check(olds, newsWithoutDomain(), deps(api).deps);
    assert.equal(result.inputs, undefined, "nothing passes on to create");
    const text = failureText(result);
    assert.match(text, /acme-hq\.eu\.sandbox\.yeastarcloud\.com/, text);
    assert.match(text, /allowRepurchase/);
    assert.ok(
      result.failures!.every((f) => ["domain", "region", "subdomain"].includes(f.property)),
      text,
    );
  });

  it("diff of the provider refuses a replacement the inputs do not allow, in a preview and in an update", async function () {
    const news = old({
      billingContact: "billing@globex.example",
      resolved: resolved({
        domainSuffix: "eu2.sandbox.yeastarcloud.com",
        pbxUrl: "acme-hq.eu2.sandbox.yeastarcloud.com",
      }),
    });
    await assert.rejects(diffWithPortal("1275655", state(), news), (err: Error) => {
      assert.match(err.message, /domain/);
      assert.match(err.message, /acme-hq\.eu\.sandbox\.yeastarcloud\.com/);
      assert.match(err.message, /acme-hq\.eu2\.sandbox\.yeastarcloud\.com/);
      assert.match(err.message, /allowRepurchase/);
      return true;
    });
    const allowed = await diffWithPortal("1275655", state(), { ...news, allowRepurchase: true });
    assert.deepEqual(allowed.replaces, ["domain"]);
  });
});
