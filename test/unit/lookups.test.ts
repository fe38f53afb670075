/**
 * Program lookups against the in-process sandbox over loopback HTTP, with credentials from the environment or
 * from stack config, as a program would have them.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  getBillingContacts,
  getBillingContactsOutput,
  getPbx,
  getPbxOutput,
  getRegions,
  getRegionsOutput,
  getSubordinateUsers,
  getSubordinateUsersOutput,
  listPbxs,
  listPbxsOutput,
} from "../../provider";
import { resetSharedClients } from "../../provider/client/shared";
import { configure } from "../../provider/runtime/settings";
import { startSandbox, type Sandbox } from "../../sandbox";
import { buyFleet, fleetOf, USERS } from "../helpers/fleet";
import { CANARY_SECRET } from "../helpers/pbx";

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

describe("lookups (getRegions, getBillingContacts, getSubordinateUsers, getPbx, listPbxs)", function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  const fleet = fleetOf(6, "look");
  const saved = { ...process.env };

  before(async () => {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
    await buyFleet(sandbox.url, CANARY_SECRET, fleet);
  });
  after(async () => {
    await sandbox?.close();
  });
  beforeEach(() => {
    resetSharedClients();
    process.env.YEASTAR_BASE_URL = sandbox.url;
    process.env.YEASTAR_CLIENT_ID = "sandbox-client";
    process.env.YEASTAR_CLIENT_SECRET = CANARY_SECRET;
    sandbox.admin.resetCounters();
  });
  afterEach(() => {
    for (const key of ["YEASTAR_BASE_URL", "YEASTAR_CLIENT_ID", "YEASTAR_CLIENT_SECRET"]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    for (const key of ["yeastar:baseUrl", "yeastar:clientId", "yeastar:clientSecret"]) {
      pulumi.runtime.setConfig(key, "");
    }
    resetSharedClients();
    configure();
  });

  it("getRegions lists regions with their domain suffixes", async () => {
    const regions = await getRegions();
    const europe = regions.find((r) => r.name === "Europe");
    assert.deepEqual(europe, {
      id: "41",
      name: "Europe",
      domains: [
        { pbxSubDomainId: "20", suffixes: ["eu.sandbox.yeastarcloud.com"] },
        { pbxSubDomainId: "21", suffixes: ["de.sandbox.yeastarcloud.com"] },
      ],
    });
    assert.deepEqual(await valueOf(getRegionsOutput()), regions);
  });

  it("getBillingContacts and getSubordinateUsers return ids as decimal strings", async () => {
    const contacts = await getBillingContacts();
    assert.deepEqual(
      contacts.map((c) => [c.id, c.email]),
      [
        ["3197218168379846218", "ap@acme.example"],
        ["3197218168379846219", "billing@globex.example"],
      ],
    );
    const users = await getSubordinateUsers();
    assert.equal(users.length, 3);
    assert.deepEqual(users[0], {
      partnerId: USERS.one.partnerId,
      email: USERS.one.email,
      company: "Customer One",
      userType: "Enduser",
    });
    assert.deepEqual(await valueOf(getBillingContactsOutput()), contacts);
    assert.deepEqual(await valueOf(getSubordinateUsersOutput()), users);
  });

  it("lookups share one client: one token for many calls, and nothing is ordered", async () => {
    await Promise.all([
      getRegions(),
      getBillingContacts(),
      listPbxs(),
      getPbx({ url: "look-01.eu.sandbox.yeastarcloud.com" }),
    ]);
    const stats = sandbox.admin.stats();
    assert.equal(stats.tokensIssued, 1);
    assert.equal(stats.requests.regionList, 1, "the region list is cached by the shared client");
    assert.equal(stats.requests.orderSave, 0);
    assert.equal(stats.orders.length, fleet.length);
  });

  it("listPbxs describes every PBX with the values a PSeriesCloudPbx takes", async () => {
    const all = await listPbxs();
    assert.equal(all.length, fleet.length);
    for (const want of fleet) {
      const got = all.find((p) => p.pbxUrl === `${want.subdomain}.${want.suffix}`);
      assert.ok(got, `${want.subdomain} listed`);
      assert.equal(got.subdomain, want.subdomain);
      assert.equal(got.domainSuffix, want.suffix);
      assert.equal(got.regionName, want.regionName);
      assert.equal(got.plan, want.plan);
      assert.equal(got.extensions, want.extensions);
      assert.equal(got.billingCycle, want.billingCycle);
      assert.equal(got.highAvailability, want.highAvailability);
      assert.equal(got.recordingMinutes, want.recordingMinutes);
      assert.equal(got.ownerId, want.assignId);
      assert.equal(got.status, "active");
      assert.match(got.serialNumber, /\S/);
    }
    const owned = all.find((p) => p.ownerId === USERS.two.partnerId);
    assert.equal(owned?.ownerEmail, USERS.two.email);
  });

  it("listPbxs filters by region (name or id) and owner (email or id), and names a bad filter", async () => {
    const europe = await listPbxs({ region: "europe" });
    assert.deepEqual(
      europe.map((p) => p.subdomain).sort(),
      fleet.filter((p) => p.regionId === "41").map((p) => p.subdomain),
    );
    assert.deepEqual(await listPbxs({ region: "42" }), await listPbxs({ region: "North America" }));
    const mine = await listPbxs({ owner: USERS.one.email.toUpperCase(), region: "Europe" });
    assert.deepEqual(
      mine.map((p) => p.subdomain),
      fleet.filter((p) => p.assignId === USERS.one.partnerId && p.regionId === "41").map((p) => p.subdomain),
    );
    assert.ok(mine.length > 0);
    const out = await valueOf(listPbxsOutput({ owner: pulumi.output(USERS.one.partnerId) }));
    assert.equal(out.length, fleet.filter((p) => p.assignId === USERS.one.partnerId).length);
    await assert.rejects(
      listPbxs({ region: "Atlantis" }),
      /region "Atlantis" is not in the region list.*"Europe" \(id 41\)/,
    );
    await assert.rejects(listPbxs({ owner: "nobody@example.com" }), /owner "nobody@example.com" is not one of/);
  });

  it("getPbx finds a PBX by URL (any case) or serial number, and fails clearly when there is none", async () => {
    const byUrl = await getPbx({ url: "LOOK-02.de.sandbox.yeastarcloud.com" });
    assert.equal(byUrl.subdomain, "look-02");
    assert.equal(byUrl.domainSuffix, "de.sandbox.yeastarcloud.com");
    const bySerial = await getPbx({ serialNumber: byUrl.serialNumber });
    assert.deepEqual(bySerial, byUrl);
    assert.deepEqual(await valueOf(getPbxOutput({ url: pulumi.output(byUrl.pbxUrl) })), byUrl);
    await assert.rejects(getPbx({ url: "nope.eu.sandbox.yeastarcloud.com" }), /no PBX with URL "nope.eu/);
    await assert.rejects(getPbx({ serialNumber: "NOSUCHSN" }), /no PBX with serial number "NOSUCHSN"/);
    await assert.rejects(
      getPbx({ url: "a.b", serialNumber: "x" } as never),
      /give exactly one of "url" .* or "serialNumber"/,
    );
    await assert.rejects(getPbx({} as never), /give exactly one of/);
  });

  it("stack config wins over the environment, and missing credentials are named without echoing secrets", async () => {
    process.env.YEASTAR_BASE_URL = "http://127.0.0.1:9"; // nothing listens there
    pulumi.runtime.setConfig("yeastar:baseUrl", sandbox.url);
    assert.equal((await getRegions()).length, 3);

    delete process.env.YEASTAR_CLIENT_SECRET;
    resetSharedClients();
    await assert.rejects(getRegions(), (err: Error) => {
      assert.match(err.message, /yeastar:clientSecret is not set.*YEASTAR_CLIENT_SECRET/);
      return true;
    });
    process.env.YEASTAR_CLIENT_SECRET = "wrong-secret";
    await assert.rejects(listPbxs(), (err: Error) => {
      assert.match(err.message, /HTTP 401, code "invalid_client"/);
      assert.doesNotMatch(err.message, /wrong-secret/);
      // A RunError: the program host prints its message alone, no stack and no dump of the error's fields.
      assert.ok(pulumi.RunError.isInstance(err), "a RunError");
      assert.equal((err.cause as Error).name, "ApiError", "the client's error is its cause");
      return true;
    });
  });

  it("refuses plain http to a non-loopback host before sending anything", async () => {
    process.env.YEASTAR_BASE_URL = "http://partner.example.com";
    await assert.rejects(getRegions(), /invalid "baseUrl".*http:\/\/ only for a loopback host/);
  });
});
