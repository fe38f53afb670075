/**
 * Where the client secret ends up in the stack state, through the real `pulumi` CLI and the sandbox (docs/partner-portal.md,
 * "Using it against the real Partner Portal", "Where the client secret is kept").
 *
 * The engine records the whole stack config as the inputs and outputs of the dynamic resource's default provider,
 * `pulumi:providers:pulumi-nodejs::default`: a secret set with `pulumi config set --secret yeastar:clientSecret` is
 * stored there, encrypted. The documented way to keep it out of state entirely is YEASTAR_CLIENT_SECRET in the
 * environment; this file proves both statements, so docs/partner-portal.md cannot drift from what the engine does.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { CANARY_SECRET, declare, pbxArgs } from "../helpers/pbx";
import { PulumiProject, REPO_ROOT } from "../helpers/pulumi";

const PROGRAM = path.join(__dirname, "programs", "pbx.js");
const DEFAULT_PROVIDER = "pulumi:providers:pulumi-nodejs";

describe("the client secret and the stack state (dynamic resource)", function () {
  let sandbox: Sandbox;
  const projects: PulumiProject[] = [];
  const orders = () => sandbox.admin.stats().orders;

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
  });
  after(async function () {
    for (const p of projects) p.cleanup();
    await sandbox?.close();
  });

  it("YEASTAR_CLIENT_SECRET in the environment: up, refresh and destroy work, and the state holds no trace of the secret", async function () {
    const project = await PulumiProject.create({
      name: "secret-env",
      program: PROGRAM,
      config: { "yeastar:clientId": "sandbox-client", "yeastar:baseUrl": sandbox.url },
      env: { YEASTAR_CLIENT_SECRET: CANARY_SECRET },
    });
    projects.push(project);
    const before = orders().length;
    await declare(project, [{ name: "hq", args: pbxArgs({ subdomain: "secret-env" }) }]);

    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    assert.equal(
      orders().length,
      before + 1,
      "the sandbox accepted the secret from the environment and bought the PBX",
    );
    const refresh = await project.refresh();
    assert.equal(refresh.code, 0, refresh.output);

    const [provider] = await project.resourcesOfType(DEFAULT_PROVIDER);
    assert.ok(provider, "the default provider is in the state");
    const providerText = JSON.stringify(provider);
    assert.doesNotMatch(providerText, /clientSecret/, "no yeastar:clientSecret key in the provider's state entry");
    assert.doesNotMatch(providerText, /ciphertext/, "no encrypted value in the provider's state entry");

    const everything = await project.everything();
    assert.ok(!everything.includes(CANARY_SECRET), "the secret in plain text is in no state or project file");
    assert.doesNotMatch(everything, /yeastar:clientSecret/, "no yeastar:clientSecret key in any state or config file");
    for (const token of sandbox.admin.issuedTokens?.() ?? []) {
      assert.ok(!everything.includes(token), "an access or refresh token was found in state");
    }
    for (const r of [up, refresh]) assert.ok(!r.output.includes(CANARY_SECRET), "the secret in no CLI output");

    // The raw checkpoint file of the file:// backend too, not only what `stack export` prints.
    const backend = new URL(String(project.env.PULUMI_BACKEND_URL)).pathname;
    const checkpoint = fs.readFileSync(path.join(backend, ".pulumi", "stacks", "secret-env", "dev.json"), "utf8");
    assert.ok(!checkpoint.includes(CANARY_SECRET));
    assert.doesNotMatch(checkpoint, /clientSecret/);

    const destroy = await project.destroy();
    assert.equal(destroy.code, 0, destroy.output);
    assert.equal(orders().length, before + 1, "destroy bought nothing");
  });

  it("`pulumi config set --secret yeastar:clientSecret`: the engine stores it in the default provider's entry, encrypted, never in plain text; `config rm` and the environment take it out", async function () {
    const project = await PulumiProject.create({
      name: "secret-config",
      program: PROGRAM,
      config: { "yeastar:clientId": "sandbox-client", "yeastar:baseUrl": sandbox.url },
      secrets: { "yeastar:clientSecret": CANARY_SECRET },
    });
    projects.push(project);
    const before = orders().length;
    await declare(project, [{ name: "hq", args: pbxArgs({ subdomain: "secret-config" }) }]);
    const up = await project.up();
    assert.equal(up.code, 0, up.output);

    const [provider] = await project.resourcesOfType(DEFAULT_PROVIDER);
    assert.ok(provider, "the default provider is in the state");
    const inputs = provider.inputs as Record<string, unknown>;
    // What docs/partner-portal.md says the engine does: the key is there, its value a ciphertext of the stack's secrets provider.
    assert.match(JSON.stringify(inputs["yeastar:clientSecret"]), /"ciphertext"/, JSON.stringify(inputs));
    assert.ok(!JSON.stringify(provider).includes(CANARY_SECRET), "never in plain text");
    assert.ok(!(await project.everything()).includes(CANARY_SECRET));
    const [pbx] = await project.resourcesOfType("pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx");
    assert.equal(orders().length, before + 1);

    // The docs' way out: remove the config key, give the secret in the environment, and the next up rewrites
    // the provider's entry without it; the PBX is neither replaced nor bought again.
    await project.mustRun(["config", "rm", "yeastar:clientSecret"]);
    const again = await project.up([], { YEASTAR_CLIENT_SECRET: CANARY_SECRET });
    assert.equal(again.code, 0, again.output);
    assert.equal(orders().length, before + 1, "no second purchase");
    const [providerAfter] = await project.resourcesOfType(DEFAULT_PROVIDER);
    assert.doesNotMatch(JSON.stringify(providerAfter), /clientSecret|ciphertext/, JSON.stringify(providerAfter));
    const [pbxAfter] = await project.resourcesOfType("pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx");
    assert.equal(pbxAfter.id, pbx.id, "the same PBX, not a replacement");
    const destroy = await project.destroy([], { YEASTAR_CLIENT_SECRET: CANARY_SECRET });
    assert.equal(destroy.code, 0, destroy.output);
  });

  it("docs/partner-portal.md says where the secret is kept, and recommends YEASTAR_CLIENT_SECRET to keep it out of state", function () {
    const doc = fs.readFileSync(path.join(REPO_ROOT, "docs", "partner-portal.md"), "utf8");
    const start = doc.indexOf("## Where the client secret is kept");
    assert.ok(start >= 0, "docs/partner-portal.md has a section 'Where the client secret is kept'");
    const end = doc.indexOf("\n## ", start + 1);
    const section = doc.slice(start, end < 0 ? doc.length : end);
    const prose = section.replace(/\s+/g, " ");
    assert.match(prose, /pulumi:providers:pulumi-nodejs::default/);
    assert.match(prose, /encrypted with the stack's secrets provider/);
    assert.match(prose, /`YEASTAR_CLIENT_SECRET`[^.]*keeps it out of the state entirely/);
    assert.match(prose, /pulumi:providers:yeastar::default/, "the native plugin's default provider is named too");
    // The CI recipes give the secret through the environment, never as stack config, and say why.
    const ci = (file: string) => fs.readFileSync(path.join(REPO_ROOT, "examples", "ci", file), "utf8");
    assert.match(ci("github-actions.yml"), /YEASTAR_CLIENT_SECRET: \$\{\{ secrets\.YEASTAR_CLIENT_SECRET \}\}/);
    for (const file of ["github-actions.yml", "gitlab-ci.yml", "pbx-pipeline.sh", "README.md"]) {
      assert.doesNotMatch(ci(file), /config set[^\n]*yeastar:clientSecret/, `${file} sets no secret as stack config`);
    }
    assert.match(ci("README.md").replace(/\s+/g, " "), /keeps the client secret out of the shared state/);
  });
});
