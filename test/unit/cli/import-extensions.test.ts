/**
 * `yeastar-pseries import-extensions`: the data file and the program text (pure), and the command in process
 * against the sandbox's PBX API: it reads only, refuses bad input with exit status 2 (a failed read with 1) before
 * writing anything, and never prints the PBX API's secret nor a token.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";
import { EXTENSION_TOKENS } from "../../../provider/api/contract";
import type { PbxExtension } from "../../../provider/api/pbx-api";
import { main } from "../../../provider/cli/main";
import {
  extensionsDataFile,
  extensionsProgram,
  extensionsProgramYaml,
  importableExtensions,
  type ExtensionsDataFile,
} from "../../../provider/cli/import-extensions-data";
import { startSandbox, type Sandbox } from "../../../sandbox";
import { buyFleet, fleetOf } from "../../helpers/fleet";
import { CANARY_SECRET } from "../../helpers/pbx";

const PBX = "acme-hq.eu.sandbox.yeastarcloud.com";
const PBX_SECRET = "pbx-canary-SECRET-91b3";

function ext(number: string, fields: Partial<PbxExtension> = {}): PbxExtension {
  return { id: `id-${number}`, number, firstName: `F${number}`, lastName: "", email: "", mobile: "", ...fields };
}

describe("import-extensions: the data file and the program", function () {
  it("writes each extension in PbxExtension's terms, sorted by number, empty fields left out", function () {
    const { imported, skipped } = importableExtensions(PBX, [
      ext("1010", { lastName: "Ng", email: "ng@acme.example", mobile: "+4930123456" }),
      ext("2"),
      ext("1002", { email: "b@acme.example" }),
    ]);
    assert.deepEqual(skipped, []);
    assert.deepEqual(imported, [
      { name: "ext-2", id: `${PBX}/2`, args: { pbxUrl: PBX, number: "2", firstName: "F2" } },
      {
        name: "ext-1002",
        id: `${PBX}/1002`,
        args: { pbxUrl: PBX, number: "1002", firstName: "F1002", email: "b@acme.example" },
      },
      {
        name: "ext-1010",
        id: `${PBX}/1010`,
        args: {
          pbxUrl: PBX,
          number: "1010",
          firstName: "F1010",
          lastName: "Ng",
          email: "ng@acme.example",
          mobile: "+4930123456",
        },
      },
    ]);
    const data = extensionsDataFile(PBX, imported, new Date("2026-01-02T03:04:05Z"));
    assert.deepEqual(data, { version: 1, importedAt: "2026-01-02T03:04:05.000Z", pbxUrl: PBX, extensions: imported });
  });

  it("leaves out an extension the resource cannot take as the PBX has it, naming the field and the value", function () {
    const { imported, skipped } = importableExtensions(PBX, [
      ext("1001"),
      ext("1002", { mobile: "+49 30 1234" }),
      ext("1003", { firstName: "" }),
      ext("1004", { lastName: "<script>" }),
      ext("1001", { id: "other" }),
    ]);
    assert.deepEqual(
      imported.map((e) => e.name),
      ["ext-1001"],
    );
    assert.deepEqual(
      skipped.map((s) => s.number),
      ["1001", "1002", "1003", "1004"],
    );
    assert.match(skipped[0].reason, /lists extension 1001 twice/);
    assert.match(skipped[1].reason, /mobile is "\+49 30 1234" \(string\); expected a phone number/);
    assert.match(skipped[2].reason, /firstName is "" \(string\)/);
    assert.match(skipped[3].reason, /lastName is "<script>"/);
    for (const s of skipped.slice(1)) assert.match(s.reason, /change it on the PBX and run the import again/);
  });

  it("the program imports every entry by its id from the data file, protected, and is valid TypeScript", function () {
    const text = extensionsProgram("./extensions.json", PBX);
    // The native plugin's type: Pulumi cannot import a dynamic resource.
    assert.match(text, /class PbxExtension extends pulumi\.CustomResource \{/);
    assert.ok(text.includes(`super(${JSON.stringify(EXTENSION_TOKENS.native)}, name,`));
    assert.match(text, /path\.join\(__dirname, "\.\/extensions\.json"\)/);
    assert.match(text, /new PbxExtension\(e\.name, e\.args, \{ import: e\.id, protect \}\)/);
    assert.match(text, /yeastar:pbxClientId/);
    const yaml = extensionsProgramYaml(PBX);
    assert.match(
      yaml.pulumiYaml,
      /^plugins:\n {2}providers:\n {4}- name: yeastar\n {6}path: node_modules\/pulumi-yeastar-pseries\/bin\n$/m,
    );
    assert.equal(yaml.description, `Extensions of PBX ${PBX}, imported by yeastar-pseries import-extensions`);
    const out = ts.transpileModule(text, {
      reportDiagnostics: true,
      compilerOptions: { module: ts.ModuleKind.CommonJS },
    });
    assert.deepEqual(out.diagnostics ?? [], []);
  });
});

describe("yeastar-pseries import-extensions (in process, against the sandbox)", function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let tmp: string;
  let pbxUrl: string;

  before(async () => {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET, pbxClientSecret: PBX_SECRET });
    const [pbx] = fleetOf(1, "ext-cli");
    pbx.extensions = 20;
    await buyFleet(sandbox.url, CANARY_SECRET, [pbx]);
    pbxUrl = `${pbx.subdomain}.${pbx.suffix}`;
    for (let i = 1; i <= 5; i++) {
      sandbox.admin.putExtension(pbxUrl, {
        number: String(1000 + i),
        first_name: `Staff${i}`,
        last_name: i % 2 === 0 ? "Even" : "",
        email_addr: `staff${i}@acme.example`,
        mobile_number: i === 5 ? "+49 30 555" : "",
      });
    }
  });
  after(async () => {
    await sandbox?.close();
  });
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-extimport-"));
    sandbox.admin.resetCounters();
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
    return {
      YEASTAR_PBX_API_BASE_URL: `${sandbox.url}/pbx/{pbxUrl}`,
      YEASTAR_PBX_CLIENT_ID: "pbx-client",
      YEASTAR_PBX_CLIENT_SECRET: PBX_SECRET,
      ...extra,
    };
  }

  async function cli(argv: string[], e: NodeJS.ProcessEnv = env()) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      ["import-extensions", ...argv],
      { out: (t) => out.push(t), err: (t) => err.push(t) },
      e,
      tmp,
    );
    const all = [...out, ...err].join("\n");
    assert.ok(!all.includes(PBX_SECRET), "the PBX API secret is never printed");
    for (const token of sandbox.admin.issuedTokens()) assert.ok(!all.includes(token), "no token printed");
    return { code, out: out.join("\n"), err: err.join("\n"), all };
  }

  const written = () => fs.readdirSync(tmp);
  const requests = () => sandbox.admin.stats().requests as Record<string, number>;

  it("writes the PBX's extensions with their values, reading only (a token and the list)", async () => {
    const r = await cli(["--pbx", pbxUrl.toUpperCase()]);
    assert.equal(r.code, 0, r.all);
    const data = JSON.parse(fs.readFileSync(path.join(tmp, "yeastar-extensions.json"), "utf8")) as ExtensionsDataFile;
    assert.equal(data.pbxUrl, pbxUrl);
    assert.deepEqual(
      data.extensions.map((e) => e.id),
      ["1001", "1002", "1003", "1004"].map((n) => `${pbxUrl}/${n}`),
    );
    assert.deepEqual(data.extensions[1].args, {
      pbxUrl,
      number: "1002",
      firstName: "Staff2",
      lastName: "Even",
      email: "staff2@acme.example",
    });
    assert.match(r.err, /skipped extension 1005: .*mobile is "\+49 30 555"/);
    assert.match(
      r.out,
      new RegExp(`wrote 4 extensions of ${pbxUrl.replace(/\./g, "\\.")} to .*yeastar-extensions\\.json`),
    );
    assert.match(r.out, /^1002\s+ext-1002\s+Staff2\s+Even\s+staff2@acme\.example$/m);
    const counted = Object.entries(requests()).filter(([, n]) => n > 0);
    assert.deepEqual(Object.fromEntries(counted), { pbxToken: 1, pbxExtensionList: 1 });
  });

  it("--program writes the starter program and the data file in DIR; never overwrites without --force", async () => {
    const secretFile = path.join(tmp, "..", `${path.basename(tmp)}-secret`);
    fs.writeFileSync(secretFile, `${PBX_SECRET}\n`);
    try {
      const r = await cli(
        ["--pbx", pbxUrl, "--program", "exts", "--project-name", "acme-exts", "--pbx-client-secret-file", secretFile],
        env({ YEASTAR_PBX_CLIENT_SECRET: undefined }),
      );
      assert.equal(r.code, 0, r.all);
      const dir = path.join(tmp, "exts");
      assert.deepEqual(fs.readdirSync(dir).sort(), [
        "Pulumi.yaml",
        "extensions.json",
        "index.ts",
        "package.json",
        "tsconfig.json",
      ]);
      const yaml = fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8");
      assert.match(yaml, /^name: acme-exts\n(.*\n)*runtime: nodejs\n(.*\n)*plugins:\n/m);
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
      assert.match(pkg.dependencies["pulumi-yeastar-pseries"] as string, /^file:/);
      assert.match(fs.readFileSync(path.join(dir, "index.ts"), "utf8"), /"\.\/extensions\.json"/);
      for (const f of fs.readdirSync(dir)) {
        assert.ok(!fs.readFileSync(path.join(dir, f), "utf8").includes(PBX_SECRET), `${f} holds no secret`);
      }
      const again = await cli(["--pbx", pbxUrl, "--program", "exts"]);
      assert.equal(again.code, 2);
      assert.match(again.err, /would overwrite .*extensions\.json.*add --force/);
      assert.equal(requests().pbxToken, 1, "refused before any request");
      const forced = await cli(["--pbx", pbxUrl, "--program", "exts", "--force"]);
      assert.equal(forced.code, 0, forced.all);
    } finally {
      fs.rmSync(secretFile, { force: true });
    }
  });

  it("bad input: one clear error, exit status 2, no request and nothing written", async () => {
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [[], env(), /--pbx is required: the host name of the PBX/],
      [
        ["--pbx", `https://${pbxUrl}/`],
        env(),
        new RegExp(`is not a PBX's host name.*give the host name alone: --pbx ${pbxUrl}`),
      ],
      [["--pbx", "acme"], env(), /--pbx "acme" is not a PBX's host name/],
      [["--pbx", pbxUrl], env({ YEASTAR_PBX_CLIENT_ID: undefined }), /no PBX API client id: give --pbx-client-id/],
      [["--pbx", pbxUrl], env({ YEASTAR_PBX_CLIENT_SECRET: undefined }), /no PBX API client secret/],
      [
        ["--pbx", pbxUrl, "--pbx-api-base-url", "http://pbx.example.com/{pbxUrl}"],
        env(),
        /http:\/\/ only for a loopback host/,
      ],
      [["--pbx", pbxUrl, "--project-name", "x"], env(), /--project-name needs --program DIR/],
      [
        ["--pbx", pbxUrl, "--program", "p", "--package-spec", "^0.1.0"],
        env(),
        /would be looked up by name on a registry/,
      ],
      [["--pbx", pbxUrl, "--secret", "x"], env(), /Unknown option '--secret'; valid flags for import-extensions/],
    ];
    for (const [argv, e, message] of cases) {
      const r = await cli(argv, e);
      assert.equal(r.code, 2, `${argv.join(" ")}: ${r.all}`);
      assert.match(r.err, message);
      assert.equal(r.err.split("\n").length, 2, "the error and where to find the flags");
    }
    assert.deepEqual(written(), []);
    assert.equal(requests().pbxToken, 0);
  });

  it("wrong PBX credentials or a PBX the API does not know: exit status 1, nothing written", async () => {
    const wrong = await cli(["--pbx", pbxUrl, "--program", "p"], env({ YEASTAR_PBX_CLIENT_SECRET: "not-the-secret" }));
    assert.equal(wrong.code, 1, wrong.all);
    assert.match(wrong.err, /refused the PBX API client id and secret/);
    assert.ok(!wrong.all.includes("not-the-secret"));
    const unknown = await cli(["--pbx", "nobody.eu.sandbox.yeastarcloud.com"]);
    assert.equal(unknown.code, 1, unknown.all);
    assert.match(unknown.err, /^yeastar-pseries import-extensions: /);
    assert.deepEqual(written(), []);
    assert.equal(requests().pbxExtensionList, 0);
  });
});
