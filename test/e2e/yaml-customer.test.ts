/**
 * A Customer in Pulumi YAML through the native plugin and the real CLI: a program declares a customer
 * (`yeastar:index:Customer`) and a PBX assigned to it with `owner: ${customer.partnerId}`; the preview lists the
 * purchase, `up` creates the user (no order) and places 1 purchase naming it; `pulumi import` records an existing
 * customer by email, creating nothing.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { CANARY_SECRET } from "../helpers/pbx";
import { PulumiProject, REPO_ROOT } from "../helpers/pulumi";

const PLUGIN_DIR = path.join(REPO_ROOT, "bin");
const CUSTOMER_TYPE = "yeastar:index:Customer";

describe("Customer in Pulumi YAML (native plugin)", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;
  const header = "name: yaml-customer\nruntime: yaml\n";
  const program = [
    "resources:",
    "  vandelay:",
    `    type: ${CUSTOMER_TYPE}`,
    "    properties:",
    "      email: it@vandelay.example",
    "      company: Vandelay Industries",
    "      country: United States",
    "      firstName: Art",
    "  vandelay-hq:",
    "    type: yeastar:index:PSeriesCloudPbx",
    "    properties:",
    "      pbxName: Vandelay HQ",
    "      subdomain: vandelay-hq",
    "      region: Europe",
    "      plan: enterprise",
    "      extensions: 25",
    "      billingCycle: annually",
    "      billingContact: ap@acme.example",
    "      owner: ${vandelay.partnerId}",
    "",
  ].join("\n");

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
    const source = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-yaml-customer-"));
    fs.writeFileSync(path.join(source, "Pulumi.yaml"), `${header}${program}`);
    project = await PulumiProject.create({
      name: "yaml-customer",
      sourceDir: source,
      config: { "yeastar:clientId": "sandbox-client", "yeastar:baseUrl": sandbox.url },
      secrets: { "yeastar:clientSecret": CANARY_SECRET },
      env: { PATH: `${PLUGIN_DIR}${path.delimiter}${process.env.PATH ?? ""}` },
    });
    fs.rmSync(source, { recursive: true, force: true });
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
  });

  it("preview lists the purchase for the customer to be created, ordering and creating nothing", async function () {
    const r = await project.preview();
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /Customer it@vandelay\.example: `pulumi up` will create this subordinate user/);
    assert.match(r.output, /PBX vandelay-hq\.\S+ \(customer created in this update\): `pulumi up` will place 1 order/);
    assert.equal(sandbox.admin.stats().orders.length, 0);
    assert.equal(sandbox.admin.stats().requests.saveUser, 0);
  });

  it("up creates the customer (no order) and places 1 purchase assigned to it", async function () {
    const r = await project.up();
    assert.equal(r.code, 0, r.output);
    // up runs without a preview here: a preview's "will create" line would say something that is not happening.
    assert.doesNotMatch(r.output, /will create this subordinate user/);
    const user = sandbox.admin.users().find((u) => u.email === "it@vandelay.example");
    assert.ok(user);
    const orders = sandbox.admin.stats().orders;
    assert.equal(orders.length, 1);
    assert.equal(orders[0].assignId, user.partnerId);
    const [c] = await project.resourcesOfType(CUSTOMER_TYPE);
    assert.equal(c.id, user.partnerId);
    const preview = await project.preview(["--expect-no-changes"]);
    assert.equal(preview.code, 0, preview.output);
  });

  it("pulumi import records an existing customer by email, creating nothing", async function () {
    const r = await project.run(["import", CUSTOMER_TYPE, "two", "it@customer-two.example", "--yes"]);
    assert.equal(r.code, 0, r.output);
    const imported = (await project.resourcesOfType(CUSTOMER_TYPE)).find((x) => String(x.urn).endsWith("::two"));
    assert.equal(imported?.id, "3076913644915998723");
    assert.equal(sandbox.admin.stats().requests.saveUser, 1, "only the first customer was created");
    assert.match(r.output, /company: Customer Two/);
  });
});
