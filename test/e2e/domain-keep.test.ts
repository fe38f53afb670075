/**
 * A PBX whose program omits `domain` keeps the domain suffix it was bought with when the portal later lists
 * another suffix first for its region, through the real CLI against the sandbox: a change that makes check resolve
 * again (here the billing contact) places no order, and a suffix gone from the region fails naming `domain`.
 * Nothing is ever bought a second time without `allowRepurchase` (docs/money.md, "What costs money").
 */
import * as assert from "node:assert/strict";
import { startSandbox, type Sandbox } from "../../sandbox";
import { REGIONS } from "../../sandbox/seeds";
import { CANARY_SECRET, declare, pbxArgs, pbxProject } from "../helpers/pbx";
import type { PulumiProject } from "../helpers/pulumi";

const OLD = "eu.sandbox.yeastarcloud.com";
const NEW = "eu2.sandbox.yeastarcloud.com";

/** The seeded regions with a new suffix listed first for Europe; the old one kept, or dropped. */
function regionsWithNewFirst(keepOld: boolean) {
  return REGIONS.map((r) =>
    r.name !== "Europe"
      ? r
      : {
          ...r,
          region: [
            { pbxSubDomainId: "22", pbxSubDomain: [NEW] },
            ...r.region.filter((d) => keepOld || !d.pbxSubDomain.includes(OLD)),
          ],
        },
  );
}

describe("an omitted domain keeps the suffix the PBX was bought with, through the pulumi CLI", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;
  const orders = () => sandbox.admin.stats().orders;
  const one = (args: object) => declare(project, [{ name: "hq", args }]);
  const withoutDomain = (overrides: Record<string, unknown> = {}) => {
    const args: Record<string, unknown> = pbxArgs(overrides);
    delete args.domain;
    return args;
  };

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
    project = await pbxProject(sandbox, "domainkeep");
    await one(withoutDomain());
    const r = await project.up();
    assert.equal(r.code, 0, r.output);
    assert.equal(orders().length, 1);
    assert.equal(sandbox.admin.products()[0].pbxUrl, `acme-hq.${OLD}`);
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
  });

  it("the region lists a new suffix first and the billing contact changes: preview and up place 0 orders", async function () {
    sandbox.admin.setRegions(regionsWithNewFirst(true));
    await one(withoutDomain({ billingContact: "billing@globex.example" }));
    const p = await project.preview();
    assert.equal(p.code, 0, p.output);
    assert.doesNotMatch(p.output, /replace|new PBX|eu2\./, p.output);
    const r = await project.up();
    assert.equal(r.code, 0, r.output);
    assert.equal(orders().length, 1, "no second purchase");
    assert.equal(sandbox.admin.products().length, 1);
    const out = (await project.outputs()).pbxs as Record<string, Record<string, unknown>>;
    assert.equal(out.hq.pbxUrl, `acme-hq.${OLD}`);
    assert.equal(sandbox.admin.products()[0].pbxUrl, `acme-hq.${OLD}`);
  });

  it("the suffix is gone from the region: preview and up fail naming domain, and place 0 orders", async function () {
    sandbox.admin.setRegions(regionsWithNewFirst(false));
    await one(withoutDomain({ billingContact: "ap@acme.example" }));
    for (const r of [await project.preview(), await project.up()]) {
      assert.notEqual(r.code, 0, r.output);
      assert.match(
        r.output,
        /domain is omitted, so PBX acme-hq\.eu\.sandbox\.yeastarcloud\.com keeps the domain suffix/,
      );
      assert.match(r.output, /no longer offers that suffix \(it offers "eu2\.sandbox\.yeastarcloud\.com"/);
      assert.match(r.output, /allowRepurchase: true/);
    }
    assert.equal(orders().length, 1, "no second purchase");
    assert.equal(sandbox.admin.stats().requests.orderSave ?? 0, 1);
  });
});
