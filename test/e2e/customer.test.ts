/**
 * Customer through the real CLI: one program declares a customer and two PBXs assigned to it with
 * `owner: customer.partnerId`. The preview lists both purchases (the owner is not known yet, the orders are); `up`
 * creates the subordinate user (no order) and places exactly 2 purchase orders, each naming the new user; a change
 * the API cannot make fails the preview; destroy deletes nothing and says so.
 */
import * as assert from "node:assert/strict";
import { startSandbox, type Sandbox } from "../../sandbox";
import type { PulumiProject } from "../helpers/pulumi";
import { CANARY_SECRET, declare, pbxArgs, pbxProject } from "../helpers/pbx";

const CUSTOMER = {
  email: "it@initech.example",
  company: "Initech",
  country: "Germany",
  firstName: "Bill",
  lastName: "Lumbergh",
};

describe("Customer and its PBXs in one program", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
    project = await pbxProject(sandbox, "customer");
    await project.setConfig("e2e:customers", JSON.stringify([{ name: "initech", args: CUSTOMER }]));
    await declare(project, [
      { name: "initech-hq", args: pbxArgs({ subdomain: "initech-hq" }), ownerOf: "initech" },
      { name: "initech-lab", args: pbxArgs({ subdomain: "initech-lab", extensions: 20 }), ownerOf: "initech" },
    ]);
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
  });

  it("the preview lists the customer and both purchases, and changes nothing", async function () {
    const r = await project.preview();
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /Customer it@initech\.example: `pulumi up` will create this subordinate user/);
    assert.match(
      r.output,
      /PBX initech-hq\.\S+ \(customer created in this update\): `pulumi up` will place 1 order: new PBX \S+: enterprise plan, 100 extensions/,
    );
    assert.match(
      r.output,
      /PBX initech-lab\.\S+ \(customer created in this update\): `pulumi up` will place 1 order: new PBX \S+: enterprise plan, 20 extensions/,
    );
    assert.equal(sandbox.admin.stats().orders.length, 0);
    assert.equal(sandbox.admin.stats().requests.saveUser, 0);
  });

  it("up creates the customer (0 orders) and buys two PBXs assigned to it (2 purchases)", async function () {
    const r = await project.up();
    assert.equal(r.code, 0, r.output);
    // up runs without a preview here: a preview's "will create" line would say something that is not happening.
    assert.doesNotMatch(r.output, /will create this subordinate user/);
    const user = sandbox.admin.users().find((u) => u.email === CUSTOMER.email);
    assert.ok(user, "the subordinate user exists");
    assert.equal(user.company, "Initech");
    const { orders, requests } = sandbox.admin.stats();
    assert.equal(requests.saveUser, 1, "one create request for the customer");
    assert.deepEqual(
      orders.map((o) => o.operationType),
      ["purchase_plan", "purchase_plan"],
    );
    for (const o of orders) assert.equal(o.assignId, user.partnerId, `order ${o.orderNo} names the customer`);
    const products = sandbox.admin.products();
    assert.equal(products.length, 2);
    for (const p of products) assert.equal(p.assignId, user.partnerId, `${p.pbxUrl} is the customer's`);
    const outputs = await project.outputs();
    assert.deepEqual(outputs.customerIds, { initech: user.partnerId });
  });

  it("a second preview and a refresh show no change and call no create", async function () {
    const refresh = await project.refresh(["--yes"]);
    assert.equal(refresh.code, 0, refresh.output);
    const r = await project.preview(["--expect-no-changes"]);
    assert.equal(r.code, 0, r.output);
    assert.equal(sandbox.admin.stats().requests.saveUser, 1);
    assert.equal(sandbox.admin.stats().orders.length, 2);
  });

  it("a change the API cannot make fails the preview, naming the field", async function () {
    await project.setConfig(
      "e2e:customers",
      JSON.stringify([{ name: "initech", args: { ...CUSTOMER, company: "Initrode" } }]),
    );
    const r = await project.preview();
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /company is "Initrode".*the Partner API cannot change a subordinate user/);
    await project.setConfig("e2e:customers", JSON.stringify([{ name: "initech", args: CUSTOMER }]));
  });

  it("removing the customer from the program deletes nothing and says so", async function () {
    await project.setConfig("e2e:customers", "[]");
    await declare(project, []);
    const r = await project.up();
    assert.equal(r.code, 0, r.output);
    assert.match(
      r.output,
      /Customer it@initech\.example \(partner id \d+\) was removed from this stack but NOT deleted/,
    );
    assert.ok(
      sandbox.admin.users().some((u) => u.email === CUSTOMER.email),
      "the user is still in the account",
    );
    assert.equal(sandbox.admin.products().length, 2);
  });
});
