/**
 * A customer, their PBX and its extensions in one program, through the real CLI against the sandbox (which serves
 * each PBX's own API): more extensions than the PBX is bought with fail the preview naming the capacity and buy
 * nothing; a PBX big enough is bought with 1 order and its extensions created; raising the PBX and adding
 * extensions beyond the old capacity works in one `up` (the expansion first); a change made on the PBX shows as
 * drift after a refresh; removing an extension deletes it and keeps the PBX.
 */
import * as assert from "node:assert/strict";
import { startSandbox, type Sandbox } from "../../sandbox";
import { CANARY_SECRET, declare, pbxArgs } from "../helpers/pbx";
import { PulumiProject } from "../helpers/pulumi";
import * as path from "node:path";

const EXT_TYPE = "pulumi-nodejs:dynamic/yeastar:PbxExtension";
const PBX_SECRET = "pbx-canary-secret-5f1c";

describe("extensions: a customer, their PBX and its extensions in one program", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;
  const orders = () => sandbox.admin.stats().orders;
  const requests = () => sandbox.admin.stats().requests as Record<string, number>;
  const url = "ext-hq.eu.sandbox.yeastarcloud.com";
  const onPbx = () => sandbox.admin.extensions(url);
  const staff = (n: number, from = 1) =>
    Array.from({ length: n }, (_, i) => {
      const number = String(1000 + from + i);
      return {
        name: `ext-${number}`,
        pbx: "hq",
        args: { number, firstName: `Staff${number}`, email: `staff${number}@acme.example` },
      };
    });
  async function program(extensions: number, list: ReturnType<typeof staff>) {
    await declare(project, [{ name: "hq", args: pbxArgs({ subdomain: "ext-hq", extensions }), ownerOf: "acme" }]);
    await project.setConfig("e2e:extensions", JSON.stringify(list));
  }

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET, pbxClientSecret: PBX_SECRET });
    project = await PulumiProject.create({
      name: "extensions",
      program: path.join(__dirname, "programs", "pbx.js"),
      config: {
        "yeastar:clientId": "sandbox-client",
        "yeastar:baseUrl": sandbox.url,
        "yeastar:pbxClientId": "pbx-client",
        "yeastar:pbxApiBaseUrl": `${sandbox.url}/pbx/{pbxUrl}`,
      },
      secrets: { "yeastar:clientSecret": CANARY_SECRET, "yeastar:pbxClientSecret": PBX_SECRET },
    });
    await project.setConfig(
      "e2e:customers",
      JSON.stringify([
        {
          name: "acme",
          args: { email: "it@acme-ext.example", company: "Acme Ext", country: "Germany", firstName: "Ida" },
        },
      ]),
    );
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
  });

  it("a PBX of 10 with 12 extensions: the preview fails naming the capacity; nothing is bought or created", async function () {
    await program(10, staff(12));
    const preview = await project.preview();
    assert.notEqual(preview.code, 0, preview.output);
    assert.match(
      preview.output,
      /was bought with 10 extensions, and with extension 10\d\d it would have 11 \(11 declared in this program\)/,
    );
    // `pulumi up` with its preview (as the CI recipes run it): the preview fails, so nothing runs.
    const up = await project.run(["up", "--yes"]);
    assert.notEqual(up.code, 0, up.output);
    assert.equal(orders().length, 0);
    assert.equal(sandbox.admin.products().length, 0);
  });

  it("raised to 20: 1 order, then the 12 extensions, each created once", async function () {
    await program(20, staff(12));
    const preview = await project.preview();
    assert.equal(preview.code, 0, preview.output);
    sandbox.admin.resetCounters();
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    assert.equal(orders().length, 1);
    assert.equal(onPbx().length, 12);
    assert.equal(requests().pbxExtensionCreate, 12);
    assert.equal(requests().pbxCapacity, 1, "the PBX's capacity is read once for the run");
    const again = await project.preview(["--expect-no-changes"]);
    assert.equal(again.code, 0, again.output);
  });

  it("raising the PBX to 25 and adding 6 extensions (18 > 20 bought) works in one up: the expansion first", async function () {
    await program(25, staff(18));
    const preview = await project.preview();
    assert.equal(preview.code, 0, preview.output);
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    assert.deepEqual(
      orders().map((o) => o.operationType),
      ["purchase_plan", "purchase_service"],
    );
    assert.equal(onPbx().length, 18);
  });

  it("an email changed on the PBX: refresh records it, and the next up puts the program's back", async function () {
    sandbox.admin.updateExtension(url, "1003", { email_addr: "changed@acme.example" });
    const refresh = await project.refresh();
    assert.equal(refresh.code, 0, refresh.output);
    const [res] = (await project.resourcesOfType(EXT_TYPE)).filter((r) => String(r.urn).endsWith("::ext-1003"));
    assert.equal((res.outputs as { email?: string }).email, "changed@acme.example");
    const preview = await project.preview(["--diff"]);
    assert.equal(preview.code, 0, preview.output);
    assert.match(preview.output, /staff1003@acme\.example/);
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    assert.equal(onPbx().find((e) => e.number === "1003")?.email_addr, "staff1003@acme.example");
  });

  it("an extension removed from the program is deleted on the PBX; the PBX stays, nothing is ordered", async function () {
    const before = orders().length;
    await program(25, staff(17));
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    assert.equal(onPbx().length, 17);
    assert.ok(!onPbx().some((e) => e.number === "1018"));
    assert.equal(orders().length, before);
    assert.equal(sandbox.admin.products().length, 1);
    const everything = await project.everything();
    assert.ok(!everything.includes(PBX_SECRET), "the PBX API secret is in no state or file");
    assert.ok(!everything.includes(CANARY_SECRET), "the Partner API secret is in no state or file");
  });
});
