/** The resource contract and the shared helpers below everything that uses them (provider/api). */
import * as assert from "node:assert/strict";
import { BILLING_CYCLES, MAX_REQUESTS_PER_SECOND, billingCycleOf } from "../../../provider/api/catalog";
import {
  NATIVE_PBX_TYPE,
  PBX_TOKENS,
  PBX_TYPE,
  isPbxType,
  readPlannedOrders,
  resourceTokens,
  urnType,
} from "../../../provider/api/contract";
import { UNKNOWN, containsUnknown } from "../../../provider/api/inputs";
import { MAX_PAGES, allEntries, findByIdOrName } from "../../../provider/api/paging";
import type { Page } from "../../../provider/api/schemas";
import { MAX_REQUESTS_PER_SECOND as CLIENT_MAX } from "../../../provider/api/catalog";
import { chooseBillingContact, importArgsOf, type PbxResult } from "../../../provider/inventory";

describe("api: the resource contract", function () {
  it("builds every token of a type from its name, so a second type is one call", function () {
    assert.equal(PBX_TYPE, "pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx");
    assert.equal(NATIVE_PBX_TYPE, "yeastar:index:PSeriesCloudPbx");
    assert.deepEqual(PBX_TOKENS.all, [PBX_TYPE, "pulumi-nodejs:yeastar:PSeriesCloudPbx", NATIVE_PBX_TYPE]);
    const other = resourceTokens("Customer");
    assert.deepEqual(other.all, [
      "pulumi-nodejs:dynamic/yeastar:Customer",
      "pulumi-nodejs:yeastar:Customer",
      "yeastar:index:Customer",
    ]);
    for (const t of PBX_TOKENS.all) assert.ok(isPbxType(t), t);
    assert.ok(!isPbxType(other.native));
  });

  it("reads the type token of a URN, nested under a parent or not", function () {
    assert.equal(urnType(`urn:pulumi:dev::p::${NATIVE_PBX_TYPE}::hq`), NATIVE_PBX_TYPE);
    assert.equal(urnType(`urn:pulumi:dev::p::my:index:Fleet$${PBX_TYPE}::hq`), PBX_TYPE);
    assert.equal(urnType("not-a-urn"), "");
  });

  it("finds the unknown marker anywhere in a value", function () {
    assert.ok(containsUnknown({ a: [1, { b: `x${UNKNOWN}` }] }));
    assert.ok(!containsUnknown({ a: [1, { b: "x" }], c: null }));
  });

  describe("planned orders", function () {
    const order = { operation: "purchase_service", item: "Extension Expansion", quantity: 20, summary: "+20" };

    it("reads priced and unpriced orders and keeps only the contract's fields", function () {
      const r = readPlannedOrders(
        [
          { ...order, price: "USD 800.00 per year", amount: "800.00", currency: "USD", period: "year", extra: 1 },
          // Unpriced: currency and period are not read without an amount.
          { ...order, price: "unavailable", period: "week" },
        ],
        "resource hq",
      );
      assert.deepEqual(r, {
        orders: [
          { ...order, price: "USD 800.00 per year", amount: "800.00", currency: "USD", period: "year" },
          { ...order, price: "unavailable" },
        ],
      });
    });

    it("reads a downgrade's later price: startsAt with the term's end, which is dropped when empty or alone", function () {
      const later = {
        ...order,
        operation: "switch_plan",
        price: "later",
        amount: "9.00",
        currency: "USD",
        period: "year",
      };
      const r = readPlannedOrders(
        [
          { ...later, startsAt: "term-end", termEnd: "2027-06-30" },
          { ...later, startsAt: "term-end", termEnd: "" },
          { ...later, termEnd: "2027-06-30" },
        ],
        "resource hq",
      );
      assert.deepEqual(r, {
        orders: [{ ...later, startsAt: "term-end", termEnd: "2027-06-30" }, { ...later, startsAt: "term-end" }, later],
      });
    });

    for (const [what, bad, message] of [
      ["a bad operation", { operation: "renew" }, /plannedOrders\[1\]\.operation is "renew", not one of purchase_plan/],
      ["a quantity that is not a number", { quantity: "20" }, /plannedOrders\[1\]\.quantity is "20", not a number/],
      ["a missing price", { price: undefined }, /plannedOrders\[1\]\.price is missing, not a string/],
      ["an amount that is not decimal", { amount: "4,000" }, /plannedOrders\[1\]\.amount is "4,000", not a decimal/],
      [
        "an amount without currency",
        { amount: "1.00", period: "year" },
        /\.currency is missing, needed with an amount/,
      ],
      ["an amount without period", { amount: "1.00", currency: "USD" }, /\.period is missing, not "month" or "year"/],
      ["a start that is not the term's end", { startsAt: "tomorrow" }, /\.startsAt is "tomorrow", not "term-end"/],
      ["a term end that is not text", { startsAt: "term-end", termEnd: 5 }, /\.termEnd is 5, not a string/],
    ] as const) {
      it(`rejects ${what}, naming the resource, the order and the field`, function () {
        const good = { ...order, price: "no charge" };
        const r = readPlannedOrders([good, { ...good, ...bad }], "resource hq");
        assert.ok("problem" in r, JSON.stringify(r));
        assert.match(r.problem, /^resource hq: /);
        assert.match(r.problem, message);
      });
    }

    it("rejects an order that is not an object", function () {
      assert.deepEqual(readPlannedOrders(["x"], "resource hq"), {
        problem: "resource hq: plannedOrders[0] is not an object",
      });
    });
  });
});

describe("api: billing cycles and the request rate", function () {
  it("normalises a billing cycle to one of ours, or undefined", function () {
    for (const c of BILLING_CYCLES) assert.equal(billingCycleOf(c), c);
    for (const c of ["Monthly", "yearly", "", undefined, 1]) assert.equal(billingCycleOf(c), undefined);
  });

  it("has one request-rate bound, which the client exports", function () {
    assert.equal(MAX_REQUESTS_PER_SECOND, 1000);
    assert.equal(CLIENT_MAX, MAX_REQUESTS_PER_SECOND);
  });
});

describe("api: paging and finding by id or name", function () {
  function pagedList(total: number, pageSize = 2) {
    const read: number[] = [];
    const list = async (p: { pageNo?: number; pageSize?: number }): Promise<Page<number>> => {
      const pageNo = p.pageNo ?? 1;
      read.push(pageNo);
      const start = (pageNo - 1) * pageSize;
      const results = Array.from({ length: Math.max(0, Math.min(pageSize, total - start)) }, (_, i) => start + i);
      return { count: results.length, pageNo, pageSize, results, total, totalPage: Math.ceil(total / pageSize) };
    };
    return { list, read };
  }

  it("walks every page in order, asking with the page size", async function () {
    const sizes: Array<number | undefined> = [];
    const { list, read } = pagedList(5);
    const seen: number[] = [];
    for await (const n of allEntries((p) => (sizes.push(p.pageSize), list(p)), { pageSize: 2 })) seen.push(n);
    assert.deepEqual(seen, [0, 1, 2, 3, 4]);
    assert.deepEqual(read, [1, 2, 3]);
    assert.deepEqual(sizes, [2, 2, 2]);
  });

  it("reads no page after the caller stops, and ends at an empty page", async function () {
    const { list, read } = pagedList(10);
    for await (const n of allEntries(list)) if (n === 2) break;
    assert.deepEqual(read, [1, 2]);
    const empty = async (): Promise<Page<number>> => ({
      count: 0,
      pageNo: 1,
      pageSize: 100,
      results: [],
      total: 0,
      totalPage: 99,
    });
    const seen: number[] = [];
    for await (const n of allEntries(empty)) seen.push(n);
    assert.deepEqual(seen, []);
  });

  it("stops after maxPages pages: silently, or with the caller's error", async function () {
    const endless = async (p: { pageNo?: number }): Promise<Page<number>> => ({
      count: 1,
      pageNo: p.pageNo ?? 1,
      pageSize: 1,
      results: [p.pageNo ?? 1],
      total: 1e9,
      totalPage: 1e9,
    });
    const seen: number[] = [];
    for await (const n of allEntries(endless, { maxPages: 3 })) seen.push(n);
    assert.deepEqual(seen, [1, 2, 3]);
    const walk = async () => {
      for await (const _ of allEntries(endless, { maxPages: 2, tooMany: (m) => new RangeError(`more than ${m}`) }));
    };
    await assert.rejects(walk, /RangeError: more than 2/);
    assert.equal(MAX_PAGES, 1000);
  });

  it("finds by exact id or by name or email in any case, spaces around the wanted value ignored", function () {
    const users = [
      { id: "101", email: "It@Customer.example" },
      { id: "202", email: undefined },
    ];
    const find = (w: string) => findByIdOrName(users, w, "id", "email")?.id;
    assert.equal(find(" 101 "), "101");
    assert.equal(find("it@customer.EXAMPLE "), "101");
    assert.equal(find("202"), "202");
    assert.equal(find("20"), undefined);
    assert.equal(find(" "), undefined, "an empty value matches no entry, not even one without an email");
  });
});

describe("inventory: a found PBX as resource inputs (both import paths)", function () {
  const pbx: PbxResult = {
    serialNumber: "3658B431119665QJ",
    instanceId: "1275655",
    pbxName: "Acme HQ",
    pbxUrl: "acme-hq.eu.sandbox.yeastarcloud.com",
    subdomain: "acme-hq",
    domainSuffix: "eu.sandbox.yeastarcloud.com",
    regionId: "41",
    regionName: "Europe",
    pbxSubDomainId: "20",
    plan: "ultimate",
    planId: "3048572026291630080",
    pendingPlan: "",
    billingCycle: "annually",
    extensions: 40,
    highAvailability: true,
    recordingMinutes: 300,
    expireDate: "2027-01-01",
    status: "active",
    ownerId: "3076913644915998721",
    ownerEmail: "it@customer-one.example",
    comment: "",
  };

  it("always names the domain suffix the URL ends with, and the owner by email", function () {
    const { args, notes } = importArgsOf(pbx, "ap@acme.example");
    assert.deepEqual(args, {
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
    });
    assert.deepEqual(notes, []);
  });

  it("leaves out an owner who is not a subordinate user, with a note naming the partner", function () {
    const { args, notes } = importArgsOf({ ...pbx, ownerEmail: "" }, "ap@acme.example");
    assert.equal("owner" in args, false);
    assert.deepEqual(notes, [
      'PBX acme-hq.eu.sandbox.yeastarcloud.com is assigned to partner 3076913644915998721, who is not in your subordinate user list; left out "owner"',
    ]);
    assert.deepEqual(importArgsOf({ ...pbx, ownerId: "", ownerEmail: "" }, "x").notes, []);
  });
});

describe("inventory: the billing contact of an imported PBX (both import paths)", function () {
  const contacts = [
    { id: "1", email: "ap@acme.example", company: "", firstName: "", lastName: "" },
    { id: "2", email: "billing@globex.example", company: "", firstName: "", lastName: "" },
  ];
  const listed = "ap@acme.example (1), billing@globex.example (2)";

  it("takes the named one by id or email, and says when it is not one of the account's", function () {
    assert.deepEqual(chooseBillingContact(contacts, "BILLING@globex.example"), { contact: contacts[1], listed });
    assert.deepEqual(chooseBillingContact(contacts, "2"), { contact: contacts[1], listed });
    assert.deepEqual(chooseBillingContact(contacts, "3"), { listed, problem: "unknown" });
  });

  it("without a name takes the only contact, and with several says it cannot choose", function () {
    assert.deepEqual(chooseBillingContact(contacts.slice(0, 1)), {
      contact: contacts[0],
      listed: "ap@acme.example (1)",
    });
    assert.deepEqual(chooseBillingContact(contacts), { listed, problem: "ambiguous" });
    assert.deepEqual(chooseBillingContact([]), { listed: "(none)", problem: "ambiguous" });
  });
});
