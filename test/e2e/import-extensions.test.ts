/**
 * Bringing a PBX's existing extensions under management: a PBX bought earlier with 30 extensions made on it by
 * hand, `yeastar-pseries import-extensions` (the built bin, as a user runs it) writes a data file and a starter
 * program, and the real CLI's first `pulumi up` imports all 30 without creating, changing or deleting one; the
 * next `pulumi preview --expect-no-changes` passes. The PBX API's secret appears in no output and no file.
 */
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ExtensionsDataFile } from "../../provider/cli/import-extensions-data";
import { startSandbox, type Sandbox } from "../../sandbox";
import { buyFleet, fleetOf } from "../helpers/fleet";
import { CANARY_SECRET } from "../helpers/pbx";
import { PulumiProject, REPO_ROOT } from "../helpers/pulumi";

const COUNT = 30;
const EXT_TYPE = "yeastar:index:PbxExtension";
const PBX_SECRET = "pbx-canary-SECRET-4e7a90";

async function run(file: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }) {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, opts);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe(`yeastar-pseries import-extensions: importing the ${COUNT} extensions a PBX already has`, function () {
  let sandbox: Sandbox;
  let project: PulumiProject;
  let tmp: string;
  let pbxUrl: string;
  const writes = () => {
    const r = sandbox.admin.stats().requests;
    return { create: r.pbxExtensionCreate, update: r.pbxExtensionUpdate, delete: r.pbxExtensionDelete };
  };
  const none = { create: 0, update: 0, delete: 0 };

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET, pbxClientSecret: PBX_SECRET });
    const [pbx] = fleetOf(1, "ext-import");
    pbx.extensions = 40;
    await buyFleet(sandbox.url, CANARY_SECRET, [pbx]);
    pbxUrl = `${pbx.subdomain}.${pbx.suffix}`;
    // Made on the PBX by hand: every field set on some, only the first name on others.
    for (let i = 1; i <= COUNT; i++) {
      const number = String(2000 + i);
      sandbox.admin.putExtension(pbxUrl, {
        number,
        first_name: `Staff ${i}`,
        last_name: i % 3 === 0 ? "" : `Family${i}`,
        email_addr: i % 4 === 0 ? "" : `staff${i}@acme-import.example`,
        mobile_number: i % 2 === 0 ? `+4930555${String(i).padStart(4, "0")}` : "",
      });
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-import-extensions-"));
  });
  after(async function () {
    project?.cleanup();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    await sandbox?.close();
  });

  it(`writes the data file and a starter program with all ${COUNT}, reading only`, async function () {
    sandbox.admin.resetCounters();
    // Asynchronous: the sandbox runs in this process and must keep answering while the bin runs.
    const r = await run(
      process.execPath,
      [
        path.join(REPO_ROOT, "dist", "provider", "cli", "main.js"),
        "import-extensions",
        "--pbx",
        pbxUrl,
        "--program",
        "exts",
      ],
      {
        cwd: tmp,
        env: {
          ...process.env,
          YEASTAR_PBX_API_BASE_URL: `${sandbox.url}/pbx/{pbxUrl}`,
          YEASTAR_PBX_CLIENT_ID: "pbx-client",
          YEASTAR_PBX_CLIENT_SECRET: PBX_SECRET,
        },
      },
    );
    const output = `${r.stdout}${r.stderr}`;
    assert.equal(r.code, 0, output);
    assert.ok(!output.includes(PBX_SECRET), "the secret is not printed");
    assert.match(r.stdout, new RegExp(`wrote ${COUNT} extensions of .* to .*extensions\\.json`));
    const data = JSON.parse(fs.readFileSync(path.join(tmp, "exts", "extensions.json"), "utf8")) as ExtensionsDataFile;
    assert.equal(data.extensions.length, COUNT);
    assert.deepEqual(data.extensions[2], {
      name: "ext-2003",
      id: `${pbxUrl}/2003`,
      args: { pbxUrl, number: "2003", firstName: "Staff 3", email: "staff3@acme-import.example" },
    });
    for (const file of filesUnder(tmp)) {
      assert.ok(!fs.readFileSync(file, "utf8").includes(PBX_SECRET), `${file} holds no secret`);
    }
    assert.deepEqual(writes(), none);
    assert.equal(sandbox.admin.stats().requests.orderSave, 0);
  });

  it(`the first pulumi up imports all ${COUNT}: nothing created, changed or deleted on the PBX`, async function () {
    project = await PulumiProject.create({
      name: "import-extensions",
      sourceDir: path.join(tmp, "exts"),
      config: { "yeastar:pbxClientId": "pbx-client", "yeastar:pbxApiBaseUrl": `${sandbox.url}/pbx/{pbxUrl}` },
      secrets: { "yeastar:pbxClientSecret": PBX_SECRET },
    });
    const before = sandbox.admin.extensions(pbxUrl);
    sandbox.admin.resetCounters();
    // With its preview, as a user runs it.
    const up = await project.run(["up", "--yes"]);
    assert.equal(up.code, 0, up.output);
    assert.match(up.output, new RegExp(`${COUNT} imported`));
    assert.deepEqual(writes(), none);
    assert.deepEqual(sandbox.admin.extensions(pbxUrl), before, "the PBX's extensions are as they were");
    const resources = await project.resourcesOfType(EXT_TYPE);
    assert.equal(resources.length, COUNT);
    const ids = new Map(before.map((e) => [e.number, String(e.id)]));
    for (const res of resources) {
      const outs = res.outputs as { number: string; extensionId: string; adopted: boolean };
      assert.equal(res.id, `${pbxUrl}/${outs.number}`);
      assert.equal(outs.extensionId, ids.get(outs.number));
      assert.equal(res.protect, true, `${outs.number} is protected`);
    }
  });

  it("the next preview --expect-no-changes passes, and the secret is in no state or file", async function () {
    sandbox.admin.resetCounters();
    const preview = await project.preview(["--expect-no-changes"]);
    assert.equal(preview.code, 0, preview.output);
    assert.deepEqual(writes(), none);
    assert.ok(!preview.output.includes(PBX_SECRET));
    assert.ok(!(await project.everything()).includes(PBX_SECRET), "the PBX API secret is in no state or file");
  });
});
