/**
 * `yeastar-pseries fleet` (the built bin) over two real stacks of the sandbox, read with the real CLI's
 * `pulumi stack export` from their file:// backends: a PBX bought by hand is in no stack, one declared in both
 * stacks is in two, a monthly PBX expires soon (with auto-renewal off and no renewal declared: renewal not covered),
 * a PBX expanded in the portal has its state behind; all flagged. Each PBX's auto-renewal is read from the portal,
 * and a renewal a stack declares (renewThrough after the expiry) covers a PBX whose auto-renewal is off.
 * The report places no order and creates no user, and an unreadable stack or portal exits non-zero.
 */
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { startSandbox, type Sandbox } from "../../sandbox";
import { buyFleet, fleetOf } from "../helpers/fleet";
import { CANARY_SECRET, declare, pbxArgs, pbxProject } from "../helpers/pbx";
import { startPostgres } from "../helpers/postgres";
import { REPO_ROOT, type PulumiProject } from "../helpers/pulumi";

/** The day after an ISO date. */
function dayAfter(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

interface Row {
  pbxUrl: string;
  customer: string;
  stacks: string[];
  flags: string[];
  autoRenew: string;
  renewThrough?: string;
  yearly?: string;
  monthly?: string;
  daysLeft?: number;
}

describe("yeastar-pseries fleet over two stacks", function () {
  let sandbox: Sandbox;
  let north: PulumiProject;
  let south: PulumiProject;

  async function fleet(args: string[], env: NodeJS.ProcessEnv = {}, command = "fleet") {
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        [path.join(REPO_ROOT, "dist", "provider", "cli", "main.js"), command, ...args],
        {
          cwd: north.dir,
          env: {
            ...north.env,
            YEASTAR_BASE_URL: sandbox.url,
            YEASTAR_CLIENT_ID: "sandbox-client",
            YEASTAR_CLIENT_SECRET: CANARY_SECRET,
            ...env,
          },
        },
      );
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  }
  const bothStacks = () => [
    "--backend",
    north.env.PULUMI_BACKEND_URL!,
    "--stack",
    "organization/fleet-north/dev",
    "--backend",
    south.env.PULUMI_BACKEND_URL!,
    "--stack",
    "organization/fleet-south/dev",
  ];

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
    north = await pbxProject(sandbox, "fleet-north");
    south = await pbxProject(sandbox, "fleet-south");
    await declare(north, [
      { name: "alpha", args: pbxArgs({ subdomain: "alpha", owner: "it@customer-one.example" }) },
      { name: "shared", args: pbxArgs({ subdomain: "shared", extensions: 20 }) },
    ]);
    await declare(south, [
      { name: "shared", args: pbxArgs({ subdomain: "shared", extensions: 20 }) },
      { name: "beta", args: pbxArgs({ subdomain: "beta", billingCycle: "monthly", extensions: 10 }) },
    ]);
    for (const p of [north, south]) {
      const r = await p.up();
      assert.equal(r.code, 0, r.output);
    }
    // Bought by hand, outside any stack.
    await buyFleet(sandbox.url, CANARY_SECRET, [{ ...fleetOf(1, "loose")[0], billingCycle: "annually" }]);
    // Expanded in the Partner Portal: the north stack's state says 100.
    const alpha = sandbox.admin.products().find((p) => p.pbxUrl.startsWith("alpha."))!;
    sandbox.admin.updateProduct(alpha.productNo, { extensions: 120 });
  });
  after(async function () {
    north?.cleanup();
    south?.cleanup();
    await sandbox?.close();
  });

  it("joins the product list with both stacks and flags what needs attention, ordering nothing", async function () {
    const before = sandbox.admin.stats();
    sandbox.admin.resetCounters();
    const r = await fleet([...bothStacks(), "--json", "--expires-within", "31"]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { complete: boolean; rows: Row[]; counts: Record<string, number> };
    assert.equal(report.complete, true);
    const row = (prefix: string) => report.rows.find((x) => x.pbxUrl.startsWith(`${prefix}.`))!;
    assert.equal(report.rows.length, 4);
    assert.deepEqual(row("loose-01").flags, ["no-stack"]);
    assert.deepEqual(row("shared").stacks, ["fleet-north/dev", "fleet-south/dev"]);
    assert.deepEqual(row("shared").flags, ["several-stacks"]);
    assert.deepEqual(row("beta").flags, ["expires-soon", "renewal-not-covered"], "auto-renewal off, no renewal");
    assert.deepEqual(
      report.rows.map((x) => x.autoRenew),
      ["off", "off", "off", "off"],
      "a new PBX of the sandbox does not renew itself",
    );
    assert.ok(row("beta").daysLeft! <= 31 && row("beta").daysLeft! >= 28, String(row("beta").daysLeft));
    assert.deepEqual(row("alpha").flags, ["state-behind"]);
    assert.match(row("alpha").customer, /it@customer-one\.example \(Customer One\)/);
    // Sandbox prices: enterprise USD 40.00 per extension a year, 4.00 a month.
    assert.equal(row("alpha").yearly, "4800.00");
    assert.equal(row("alpha").monthly, "400.00");
    assert.equal(row("beta").monthly, "40.00");
    assert.equal(row("beta").yearly, "480.00");
    assert.deepEqual(report.counts, {
      "no-stack": 1,
      "several-stacks": 1,
      "expires-soon": 1,
      "renewal-not-covered": 1,
      "state-behind": 1,
      unpriced: 0,
      "auto-renew-unknown": 0,
    });
    const after = sandbox.admin.stats();
    assert.equal(after.orders.length, before.orders.length, "no order placed");
    assert.equal(after.requests.orderSave, 0);
    assert.equal(after.requests.saveUser, 0);
    // One page of products, one user list, one quote per distinct shape (4 PBXs, 4 shapes), one token.
    assert.equal(after.requests.productList, 1);
    assert.equal(after.requests.priceCalculate, 4);
    assert.equal(after.requests.productDetail, 0);
    assert.equal(after.requests.autoRenewStatus, 4, "one auto-renewal read per PBX");
    assert.equal(after.requests.autoRenewEnable, 0);
  });

  it("renders Markdown with totals per customer and per billing period, and CSV", async function () {
    const md = await fleet([...bothStacks(), "--today", new Date().toISOString().slice(0, 10)]);
    assert.equal(md.code, 0, md.stderr);
    fs.writeFileSync(path.join(REPO_ROOT, ".e2e-tmp", "fleet-report.md"), md.stdout);
    assert.match(md.stdout, /^# Yeastar PBX fleet/m);
    assert.match(
      md.stdout,
      /\| shared\.\S+ \| \(none\) \|.*\| fleet-north\/dev, fleet-south\/dev \| in two or more stacks \|/,
    );
    assert.match(md.stdout, /\| loose-01\.\S+ \|.*\| - \| in no stack \|/);
    assert.match(md.stdout, /## Per customer/);
    assert.match(md.stdout, /\| it@customer-one\.example \(Customer One\) \| 2 \| USD 5000\.00 \| USD 416\.67 \| 0 \|/);
    assert.match(md.stdout, /## Per billing period/);
    assert.match(md.stdout, /\| monthly \| 1 \| USD 480\.00 \| USD 40\.00 \| 0 \|/);
    assert.match(md.stdout, /\| annually \| 3 \| USD 5800\.00 \| USD 483\.34 \| 0 \|/);
    const csv = await fleet([...bothStacks(), "--csv"]);
    assert.equal(csv.code, 0, csv.stderr);
    const lines = csv.stdout.trim().split("\n");
    assert.equal(lines.length, 5);
    assert.match(lines[0], /^pbxUrl,serialNumber,customer,/);
    assert.ok(
      lines.some((l) => /^shared\..*fleet-north\/dev fleet-south\/dev,several-stacks$/.test(l)),
      csv.stdout,
    );
  });

  it("reads exported state files as well", async function () {
    const file = path.join(north.dir, "north.json");
    fs.writeFileSync(file, (await north.exportState()).text);
    const r = await fleet(["--state", file, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const rows = (JSON.parse(r.stdout) as { rows: Row[] }).rows;
    assert.deepEqual(rows.find((x) => x.pbxUrl.startsWith("shared."))!.stacks, ["fleet-north/dev"]);
    assert.deepEqual(rows.find((x) => x.pbxUrl.startsWith("beta."))!.flags.includes("no-stack"), true);
  });

  it("an unreadable stack, state file or portal is named and exits 1", async function () {
    const missing = await fleet([...bothStacks(), "--stack", "organization/nowhere/dev"]);
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, /stack organization\/nowhere\/dev.*failed/);
    assert.match(missing.stdout, /## Could not read/);
    const empty = path.join(north.dir, "empty.json");
    fs.writeFileSync(empty, "");
    const e = await fleet(["--state", empty]);
    assert.equal(e.code, 1);
    assert.match(e.stderr, /empty\.json is empty/);
    const portal = await fleet(bothStacks(), { YEASTAR_CLIENT_SECRET: "wrong" });
    assert.equal(portal.code, 1);
    assert.match(portal.stderr, /cannot read the Partner Portal: .*invalid_client/);
    assert.equal(portal.stdout, "", "no report without the product list");
  });

  it("import leaves out the PBXs another stack manages, unless --include-managed", async function () {
    sandbox.admin.resetCounters();
    const out = path.join(north.dir, "import.json");
    const common = ["--billing-contact", "ap@acme.example", "--out", out, "--force"];
    const r = await fleet(
      [...common, "--backend", north.env.PULUMI_BACKEND_URL!, "--stack", "organization/fleet-north/dev"],
      {},
      "import",
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /skipped alpha\.\S+: already managed by stack fleet-north\/dev; --include-managed imports it anyway/,
    );
    assert.match(r.stderr, /skipped shared\.\S+: already managed by stack fleet-north\/dev/);
    const urls = (file: string) =>
      (JSON.parse(fs.readFileSync(file, "utf8")) as { pbxs: Array<{ pbxUrl: string }> }).pbxs
        .map((p) => p.pbxUrl.split(".")[0])
        .sort();
    assert.deepEqual(urls(out), ["beta", "loose-01"]);
    fs.writeFileSync(path.join(north.dir, "north.json"), (await north.exportState()).text);
    const all = await fleet(
      [...common, "--state", path.join(north.dir, "north.json"), "--include-managed"],
      {},
      "import",
    );
    assert.equal(all.code, 0, all.stderr);
    assert.match(
      all.stderr,
      /warning: alpha\.\S+ is already managed by stack fleet-north\/dev; imported as --include-managed asks/,
    );
    assert.deepEqual(urls(out), ["alpha", "beta", "loose-01", "shared"]);
    const broken = await fleet([...common, "--stack", "organization/nowhere/dev"], {}, "import");
    assert.equal(broken.code, 1, "an unreadable stack stops the import");
    assert.match(broken.stderr, /organization\/nowhere\/dev/);
    assert.equal(sandbox.admin.stats().requests.orderSave, 0);
  });

  it("reads a stack in a postgres:// backend through the real CLI", async function () {
    const pg = await startPostgres();
    let kept: PulumiProject | undefined;
    try {
      kept = await pbxProject(sandbox, "fleet-pg", { PULUMI_BACKEND_URL: pg.url });
      // Takes over the PBX bought by hand: adopted by URL, no order.
      const loose = fleetOf(1, "loose")[0];
      await declare(kept, [
        { name: "loose", args: pbxArgs({ subdomain: loose.subdomain, extensions: loose.extensions }) },
      ]);
      const orders = sandbox.admin.stats().orders.length;
      const up = await kept.up();
      assert.equal(up.code, 0, up.output);
      assert.equal(sandbox.admin.stats().orders.length, orders, "adopted, not bought");
      const r = await fleet([...bothStacks(), "--backend", pg.url, "--stack", "organization/fleet-pg/dev", "--json"]);
      assert.equal(r.code, 0, r.stderr);
      const row = (JSON.parse(r.stdout) as { rows: Row[] }).rows.find((x) => x.pbxUrl.startsWith("loose-01."))!;
      assert.deepEqual(row.stacks, ["fleet-pg/dev"]);
      assert.deepEqual(row.flags, []);
    } finally {
      kept?.cleanup();
      await pg.stop();
    }
  });

  it("shows auto-renewal per PBX and flags a renewal nothing covers: neither the portal nor a stack's renewThrough", async function () {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const product = (prefix: string) => sandbox.admin.products().find((p) => p.pbxUrl.startsWith(`${prefix}.`))!;
    // The south stack declares a renewal of beta a day past its expiry: `up` orders it (one month more).
    const through = dayAfter(product("beta").expireDate);
    await declare(south, [
      { name: "shared", args: pbxArgs({ subdomain: "shared", extensions: 20 }) },
      {
        name: "beta",
        args: pbxArgs({ subdomain: "beta", billingCycle: "monthly", extensions: 10, renewThrough: through }),
      },
    ]);
    const up = await south.up();
    assert.equal(up.code, 0, up.output);
    assert.ok(product("beta").expireDate >= through, product("beta").expireDate);
    // Then every PBX expires in 10 days: alpha renews itself; beta's declared renewal is past that expiry.
    for (const prefix of ["alpha", "beta", "shared", "loose-01"]) {
      sandbox.admin.updateProduct(product(prefix).productNo, { expireDate: day(10) });
    }
    sandbox.admin.updateProduct(product("alpha").productNo, { autoRenew: true });
    sandbox.admin.resetCounters();
    const r = await fleet([...bothStacks(), "--json", "--expires-within", "31"]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { rows: Row[]; counts: Record<string, number> };
    const row = (prefix: string) => report.rows.find((x) => x.pbxUrl.startsWith(`${prefix}.`))!;
    assert.equal(sandbox.admin.stats().requests.autoRenewStatus, 4, "one auto-renewal read per PBX");
    assert.equal(row("alpha").autoRenew, "on");
    assert.deepEqual(row("alpha").flags, ["expires-soon", "state-behind"]);
    assert.equal(row("beta").autoRenew, "off");
    assert.equal(row("beta").renewThrough, through, "read from the stack's real state");
    assert.deepEqual(row("beta").flags, ["expires-soon"], "covered by the declared renewal");
    assert.deepEqual(row("shared").flags, ["several-stacks", "expires-soon", "renewal-not-covered"]);
    assert.deepEqual(row("loose-01").flags, ["no-stack", "expires-soon", "renewal-not-covered"]);
    assert.equal(report.counts["renewal-not-covered"], 2);

    // A declared renewal that does not reach past the expiry covers nothing.
    sandbox.admin.updateProduct(product("beta").productNo, { expireDate: through });
    const md = await fleet([...bothStacks(), "--expires-within", "60"]);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /\| Days left \| Auto-renew \| Per year \|/);
    assert.match(md.stdout, /\| alpha\.\S+ \|.*\| \d+ \| on \| USD .*\| expires soon, state behind the portal \|/);
    assert.match(
      md.stdout,
      /\| beta\.\S+ \|.*\| off \| USD .*\| fleet-south\/dev \| expires soon, renewal not covered \|/,
    );
    assert.match(md.stdout, /renewal not covered: 3; .*; auto-renewal unknown: 0$/m);
    assert.match(
      md.stdout,
      /beta\.\S+: renewal not covered: .*the latest renewThrough its stacks declare \(\d{4}-\d\d-\d\d\) is not after/,
    );

    // A status the portal refuses to give is "?", never "off": named, counted, and the run exits 1.
    sandbox.admin.resetCounters();
    sandbox.admin.addFault({ endpoint: "autoRenewStatus", status: 403, code: "forbidden", times: 1 });
    try {
      const failed = await fleet([...bothStacks(), "--json", "--expires-within", "31"]);
      assert.equal(failed.code, 1, failed.stderr);
      assert.match(
        failed.stderr,
        /auto-renewal could not be read for 1 of 4 PBXs \(shown as "\?", not as off\): \S+ \(serial \S+\): .*forbidden/,
      );
      const rows = (JSON.parse(failed.stdout) as { complete: boolean; rows: Row[] }).rows;
      const unknown = rows.filter((x) => x.autoRenew === "?");
      assert.equal(unknown.length, 1);
      assert.ok(unknown[0].flags.includes("auto-renew-unknown"));
      assert.ok(!unknown[0].flags.includes("renewal-not-covered"), "an unknown status is not taken as off");
      assert.equal(sandbox.admin.stats().requests.autoRenewStatus, 4, "a refusal is not retried");
      for (const out of [failed.stdout, failed.stderr, md.stdout, r.stdout]) assert.ok(!out.includes(CANARY_SECRET));
    } finally {
      sandbox.admin.clearFaults();
    }
  });
});
