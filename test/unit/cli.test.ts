/**
 * The yeastar-pseries command line (doctor and import) in process, against the sandbox over loopback HTTP.
 * The sandbox's client secret is the canary: no output may ever contain it, nor any token the sandbox issued.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../provider/cli/main";
import type { DataFile } from "../../provider/cli/import-main";
import type { DoctorReport } from "../../provider/cli/doctor-run";
import { startSandbox, type Sandbox } from "../../sandbox";
import { buyFleet, fleetOf, USERS } from "../helpers/fleet";
import { CANARY_SECRET } from "../helpers/pbx";

interface Run {
  code: number;
  out: string;
  err: string;
  all: string;
}

describe("yeastar-pseries CLI", function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let tmp: string;
  const fleet = fleetOf(8, "cli");

  before(async () => {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
    await buyFleet(sandbox.url, CANARY_SECRET, fleet);
  });
  after(async () => {
    await sandbox?.close();
  });
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-cli-"));
    sandbox.admin.resetCounters();
    sandbox.admin.setConfig({ quirks: [] });
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
    return {
      YEASTAR_BASE_URL: sandbox.url,
      YEASTAR_CLIENT_ID: "sandbox-client",
      YEASTAR_CLIENT_SECRET: CANARY_SECRET,
      ...extra,
    };
  }

  async function cli(argv: string[], e: NodeJS.ProcessEnv = env()): Promise<Run> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) }, e, tmp);
    const run = { code, out: out.join("\n"), err: err.join("\n"), all: [...out, ...err].join("\n") };
    assert.ok(!run.all.includes(CANARY_SECRET), "the client secret must never be printed");
    for (const token of sandbox.admin.issuedTokens()) assert.ok(!run.all.includes(token), "no token printed");
    return run;
  }

  describe("doctor", () => {
    it("passes against the sandbox: every endpoint works, no assumption contradicted, no order placed", async () => {
      const r = await cli(["doctor"]);
      assert.equal(r.code, 0, r.all);
      for (const check of [
        "base URL and TLS",
        "token",
        "list regions",
        "list billing contacts",
        "list subordinate users",
        "list products",
        "get product",
        "get unknown product",
        "check PBX URL",
        "check own PBX URL",
        "list orders",
        "get order",
        "calculate price",
      ]) {
        assert.match(r.out, new RegExp(`^${check}\\s+ok\\s`, "m"), `${check} ok in:\n${r.out}`);
      }
      assert.match(r.out, /^create order\s+skipped\s+never called by doctor/m);
      assert.match(r.out, /none of the checked ones is contradicted/);
      const stats = sandbox.admin.stats();
      assert.equal(stats.requests.orderSave, 0);
      assert.equal(stats.orders.length, fleet.length);
      for (const endpoint of ["regionList", "productList", "productDetail", "orderList", "orderDetail"] as const) {
        assert.ok(stats.requests[endpoint] > 0, `${endpoint} called`);
      }
    });

    it("reports ids sent as strings as a contradiction of an assumption in docs/api-assumptions.md, and exits 1", async () => {
      assert.throws(
        () => sandbox.admin.setConfig({ quirks: ["ids-as-words"] as never }),
        /quirks must be an array of any of: ids-as-strings, product-without-expire-date/,
      );
      sandbox.admin.setConfig({ quirks: ["ids-as-strings"] });
      const r = await cli(["doctor", "--json"]);
      assert.equal(r.code, 1, r.all);
      const report = JSON.parse(r.out) as DoctorReport;
      assert.equal(report.ok, false);
      const ids = report.contradictions.filter((c) => c.assumption === "idsAsIntegers");
      assert.ok(
        ids.some((c) => /regionList: result\[0\]\.id is a string/.test(c.evidence)),
        JSON.stringify(ids),
      );
      assert.ok(ids.some((c) => /billingContactList: result\[0\]\.billingContactId is a string/.test(c.evidence)));
      assert.ok(ids.some((c) => /^productList: /.test(c.evidence)));
      assert.equal(report.checks.find((c) => c.check === "list regions")?.result, "contradicts");
      // The client tolerates string ids, so everything still works.
      assert.ok(
        report.checks.every((c) => c.result !== "FAIL"),
        JSON.stringify(report.checks),
      );
      assert.equal(sandbox.admin.stats().requests.orderSave, 0);
    });

    it("reports a product reply without expireDate as a failed schema check and a contradiction", async () => {
      sandbox.admin.setConfig({ quirks: ["product-without-expire-date"] });
      const r = await cli(["doctor"]);
      assert.equal(r.code, 1, r.all);
      assert.match(r.out, /^list products\s+FAIL\s+Yeastar API: list products returned an unexpected response/m);
      assert.match(r.out, /result\.results\.0\.expireDate/);
      assert.match(r.out, /Product list and detail carry URL.*productList: product \S+ has no expireDate/);
      assert.equal(sandbox.admin.stats().requests.orderSave, 0);
    });

    it("stops at the token with wrong credentials, without echoing the secret", async () => {
      const r = await cli(["doctor"], env({ YEASTAR_CLIENT_SECRET: `${CANARY_SECRET}-wrong` }));
      assert.equal(r.code, 1);
      assert.match(r.out, /^token\s+FAIL\s+.*invalid_client/m);
      assert.match(r.out, /^read-only endpoints\s+skipped\s+no token/m);
      assert.equal(sandbox.admin.stats().requests.regionList, 0);
    });

    it("refuses plain http to a non-loopback host before any request", async () => {
      const r = await cli(["doctor", "--base-url", "http://partner.example.com"]);
      assert.equal(r.code, 1);
      assert.match(r.out, /^base URL and TLS\s+FAIL\s+.*http:\/\/ only for a loopback host/m);
      assert.equal(sandbox.admin.stats().requests.token, 0);
    });

    it("reads the secret from --client-secret-file, and names bad flags", async () => {
      const file = path.join(tmp, "secret");
      fs.writeFileSync(file, `${CANARY_SECRET}\n`);
      const ok = await cli(["doctor", "--client-secret-file", file], env({ YEASTAR_CLIENT_SECRET: undefined }));
      assert.equal(ok.code, 0, ok.all);
      const missing = await cli(["doctor"], env({ YEASTAR_CLIENT_SECRET: undefined }));
      assert.equal(missing.code, 2);
      assert.match(missing.err, /no client secret: set YEASTAR_CLIENT_SECRET or give --client-secret-file/);
      const unknown = await cli(["doctor", "--secret", "x"]);
      assert.equal(unknown.code, 2);
      assert.match(unknown.err, /Unknown option '--secret'; valid flags for doctor: .*--client-secret-file <value>/);
      const noFile = await cli(["doctor", "--client-secret-file", path.join(tmp, "nope")]);
      assert.equal(noFile.code, 2);
      assert.match(noFile.err, /--client-secret-file ".*nope" cannot be read \(ENOENT\)/);
      const command = await cli(["fix-everything"]);
      assert.equal(command.code, 2);
      assert.match(command.err, /unknown command "fix-everything"; valid commands: import, import-extensions, doctor/);
    });
  });

  describe("import", () => {
    function readData(file: string): DataFile {
      return JSON.parse(fs.readFileSync(file, "utf8")) as DataFile;
    }

    it("writes every active PBX with its current values, and orders nothing", async () => {
      const r = await cli(["import", "--billing-contact", "AP@acme.example"]);
      assert.equal(r.code, 0, r.all);
      const data = readData(path.join(tmp, "yeastar-pbxs.json"));
      assert.equal(data.pbxs.length, fleet.length);
      for (const want of fleet) {
        const got = data.pbxs.find((p) => p.pbxUrl === `${want.subdomain}.${want.suffix}`);
        assert.ok(got, want.subdomain);
        assert.equal(got.name, want.subdomain);
        assert.deepEqual(got.args, {
          pbxName: want.pbxName,
          subdomain: want.subdomain,
          region: want.regionName,
          domain: want.suffix,
          plan: want.plan,
          extensions: want.extensions,
          billingCycle: want.billingCycle,
          highAvailability: want.highAvailability,
          recordingMinutes: want.recordingMinutes,
          billingContact: "ap@acme.example",
          ...(want.assignId
            ? { owner: want.assignId === USERS.one.partnerId ? USERS.one.email : USERS.two.email }
            : {}),
        });
      }
      assert.match(r.out, /wrote 8 PBXs to /);
      assert.match(
        r.err,
        /note: no stack named \(--stack, --state or --backend\), so PBXs a stack already manages are imported too/,
      );
      assert.equal(sandbox.admin.stats().requests.orderSave, 0);
    });

    it("filters by --region, --owner and --url (a glob, any case)", async () => {
      const r = await cli([
        "import",
        "--billing-contact",
        "3197218168379846219",
        "--region",
        "europe",
        "--owner",
        USERS.one.partnerId,
        "--out",
        "eu.json",
      ]);
      assert.equal(r.code, 0, r.all);
      const eu = readData(path.join(tmp, "eu.json"));
      const expected = fleet.filter((p) => p.regionId === "41" && p.assignId === USERS.one.partnerId);
      assert.ok(expected.length > 0);
      assert.deepEqual(
        eu.pbxs.map((p) => p.args.subdomain),
        expected.map((p) => p.subdomain),
      );
      assert.equal(eu.pbxs[0].args.billingContact, "billing@globex.example");
      const g = await cli([
        "import",
        "--billing-contact",
        "ap@acme.example",
        "--url",
        "CLI-0[1-3].*",
        "--out",
        "g.json",
      ]);
      assert.equal(g.code, 0, g.all);
      assert.deepEqual(
        readData(path.join(tmp, "g.json")).pbxs.map((p) => p.args.subdomain),
        ["cli-01", "cli-02", "cli-03"],
      );
    });

    it("requires a billing contact the account has, naming the flag, the value and the choices", async () => {
      const none = await cli(["import"]);
      assert.equal(none.code, 2);
      assert.match(
        none.err,
        /--billing-contact is required: .* this account has 2: ap@acme.example \(3197218168379846218\), billing@globex.example/,
      );
      const wrong = await cli(["import", "--billing-contact", "boss@acme.example"]);
      assert.equal(wrong.code, 2);
      assert.match(
        wrong.err,
        /--billing-contact "boss@acme.example" is not a billing contact of this account; expected/,
      );
      const region = await cli(["import", "--billing-contact", "ap@acme.example", "--region", "Mars"]);
      assert.equal(region.code, 2);
      assert.match(region.err, /--region: region "Mars" is not in the region list; expected one of "Europe" \(id 41\)/);
      const empty = await cli(["import", "--url", " "]);
      assert.equal(empty.code, 2);
      assert.match(empty.err, /--url is empty/);
      assert.ok(!fs.existsSync(path.join(tmp, "yeastar-pbxs.json")), "nothing written after a usage error");
    });

    it("skips a PBX that is not active, saying why", async () => {
      const target = sandbox.admin.products().find((p) => p.pbxUrl.startsWith("cli-04."))!;
      sandbox.admin.updateProduct(target.productNo, { status: "failed" });
      try {
        const r = await cli(["import", "--billing-contact", "ap@acme.example"]);
        assert.equal(r.code, 0, r.all);
        assert.match(r.err, /skipped cli-04\.\S+: status is "failed"; only active PBXs are imported/);
        assert.equal(readData(path.join(tmp, "yeastar-pbxs.json")).pbxs.length, fleet.length - 1);
      } finally {
        sandbox.admin.updateProduct(target.productNo, { status: "active" });
      }
    });

    it("--program writes a starter program reading the data file, and never overwrites without --force", async () => {
      const r = await cli(["import", "--billing-contact", "ap@acme.example", "--program", "fleet"]);
      assert.equal(r.code, 0, r.all);
      const dir = path.join(tmp, "fleet");
      assert.deepEqual(fs.readdirSync(dir).sort(), [
        "Pulumi.yaml",
        "index.ts",
        "package.json",
        "pbxs.json",
        "tsconfig.json",
      ]);
      assert.match(
        fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"),
        /^name: yeastar-fleet\n(.*\n)*runtime: nodejs$/m,
      );
      const index = fs.readFileSync(path.join(dir, "index.ts"), "utf8");
      assert.match(index, /from "pulumi-yeastar-pseries"/);
      assert.match(index, /path\.join\(__dirname, "\.\/pbxs\.json"\)/);
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
      // Run from this checkout: the program depends on this folder, not on a registry name nobody published.
      const spec = pkg.dependencies["pulumi-yeastar-pseries"] as string;
      assert.match(spec, /^file:/);
      assert.equal(
        fs.realpathSync(path.resolve(dir, spec.slice("file:".length))),
        fs.realpathSync(path.resolve(__dirname, "..", "..", "..")),
      );
      assert.match(r.out, /the program depends on pulumi-yeastar-pseries file:.* \(the folder this command ran from/);
      const bare = await cli([
        "import",
        "--billing-contact",
        "ap@acme.example",
        "--program",
        "bare",
        "--package-spec",
        "^0.1.0",
      ]);
      assert.equal(bare.code, 2);
      assert.match(bare.err, /--package-spec "\^0\.1\.0" would be looked up by name on a registry/);
      assert.ok(!fs.existsSync(path.join(tmp, "bare")), "nothing written");
      const again = await cli(["import", "--billing-contact", "ap@acme.example", "--program", "fleet"]);
      assert.equal(again.code, 2);
      assert.match(again.err, /would overwrite .*pbxs\.json.*add --force/);
      const forced = await cli(["import", "--billing-contact", "ap@acme.example", "--program", "fleet", "--force"]);
      assert.equal(forced.code, 0, forced.all);
    });
  });
});
