/** `read` from the id alone (`pulumi import`): finds the PBX, describes it as inputs and state, orders nothing. */
import * as assert from "node:assert/strict";
import { PLANS, SERVICES } from "../../../provider/api/catalog";
import { check, diff, read } from "../../../provider/pbx/engine";
import { parseImportId } from "../../../provider/pbx/read-by-id";
import { CONTACT_ID, URL, deps, fakeApi, haService, product } from "./fixtures";

const PRODUCT = product({
  extensions: 40,
  planId: PLANS.ultimate,
  services: [haService(40), { serviceId: SERVICES.recordingMinutes, quantity: 300 }],
  assignId: "3076913644915998721",
});

function apiWithPbx() {
  const api = fakeApi();
  api.getProduct.callsFake(async (serial: string) => (serial === PRODUCT.productNo ? PRODUCT : undefined));
  api.findProductByUrl.callsFake(async (url: string) => (url === URL ? PRODUCT : undefined));
  api.listProducts.resolves({ count: 1, pageNo: 1, pageSize: 100, results: [PRODUCT], total: 1, totalPage: 1 });
  return api;
}

describe("engine: read by id (pulumi import)", function () {
  it("parses <pbx>[/<billing contact>]", function () {
    assert.deepEqual(parseImportId(" 1275655 "), { pbx: "1275655", billingContact: undefined });
    assert.deepEqual(parseImportId(`${URL}/ap@acme.example`), { pbx: URL, billingContact: "ap@acme.example" });
    assert.throws(() => parseImportId("/ap@acme.example"), /names no PBX/);
  });

  for (const [what, id] of [
    ["instance id", "1275655"],
    ["serial number", "3658B431119665QJ"],
    ["URL", URL.toUpperCase()],
  ] as const) {
    it(`finds the PBX by its ${what} and returns its current values as inputs`, async function () {
      const api = apiWithPbx();
      const r = await read(`${id}/ap@acme.example`, undefined, deps(api).deps);
      assert.equal(r.id, "1275655", "the resource id is the instance id");
      assert.deepEqual(
        { ...r.inputs },
        {
          pbxName: "Acme HQ",
          subdomain: "acme-hq",
          region: "Europe",
          domain: "eu.sandbox.yeastarcloud.com",
          plan: "ultimate",
          extensions: 40,
          billingCycle: "annually",
          highAvailability: true,
          recordingMinutes: 300,
          billingContact: "ap@acme.example",
          owner: "it@customer-one.example",
          resolved: {
            regionId: "41",
            regionName: "Europe",
            pbxSubDomainId: "20",
            domainSuffix: "eu.sandbox.yeastarcloud.com",
            pbxUrl: URL,
            planId: PLANS.ultimate,
            billingContactId: CONTACT_ID,
            assignId: "3076913644915998721",
          },
        },
      );
      assert.equal(r.props?.productNo, "3658B431119665QJ");
      assert.equal(r.props?.adopted, true);
      assert.equal(r.props?.orderNo, "");
      assert.equal(r.props?.orderTimeoutSeconds, 900);
      assert.equal(api.createOrder.callCount, 0);
      assert.equal(api.calculatePrice.callCount, 0);
    });
  }

  it("afterwards the same values in a program are no change, checked without a call", async function () {
    const api = apiWithPbx();
    const r = await read(`1275655/${CONTACT_ID}`, undefined, deps(api).deps);
    const program = { ...r.inputs, resolved: undefined };
    delete program.resolved;
    const calls = api.getProduct.callCount;
    const c = await check({ ...r.inputs }, program, deps(api).deps);
    assert.deepEqual(c.failures ?? [], []);
    assert.equal(api.getProduct.callCount, calls, "no read for an unchanged PBX");
    assert.equal(diff("1275655", r.props!, c.inputs!).changes, false);
  });

  it("names the domain the PBX's URL ends with, the region's first suffix included", async function () {
    // An omitted domain means "the region's first suffix", which the portal may change: a program that names the
    // suffix keeps meaning this PBX (the same rule as `yeastar-pseries import`, inventory.ts: importArgsOf).
    const api = apiWithPbx();
    const first = await read(`${PRODUCT.productNo}/ap@acme.example`, undefined, deps(api).deps);
    assert.equal(first.inputs?.domain, "eu.sandbox.yeastarcloud.com");
    const de = { ...PRODUCT, pbxUrl: "acme-hq.de.sandbox.yeastarcloud.com", pbxSubDomainId: "21" };
    api.getProduct.resolves(de);
    const r = await read(`${de.productNo}/ap@acme.example`, undefined, deps(api).deps);
    assert.equal(r.inputs?.domain, "de.sandbox.yeastarcloud.com");
    assert.equal(r.inputs?.subdomain, "acme-hq");
  });

  it("uses the account's only billing contact, and with several says how to name one", async function () {
    const api = apiWithPbx();
    await assert.rejects(
      read("1275655", undefined, deps(api).deps),
      /has 2: ap@acme\.example .*pulumi import yeastar:index:PSeriesCloudPbx <name> 1275655\/<billing contact email>/,
    );
    await assert.rejects(read("1275655/nobody@x.example", undefined, deps(api).deps), /not a billing contact/);
    api.listBillingContacts.resolves([{ billingContactId: CONTACT_ID, emailAddress: "ap@acme.example" }]);
    const r = await read("1275655", undefined, deps(api).deps);
    assert.equal(r.inputs?.billingContact, "ap@acme.example");
  });

  it("fails naming the id when the account has no such PBX, or the PBX cannot be declared", async function () {
    const api = apiWithPbx();
    await assert.rejects(read("999/ap@acme.example", undefined, deps(api).deps), /no PBX .* "999"/);
    await assert.rejects(read("nope.example.com", undefined, deps(api).deps), /no PBX .* "nope\.example\.com"/);
    api.getProduct.resolves({ ...PRODUCT, status: "pending" });
    await assert.rejects(
      read("3658B431119665QJ/ap@acme.example", undefined, deps(api).deps),
      /cannot be imported: status is "pending"/,
    );
  });
});
