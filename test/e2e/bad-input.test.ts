/**
 * Bad input, auth and read faults through `pulumi preview`/`up`: each is rejected with a message naming the
 * field (or the failing call), nothing is bought, and no secret appears in the output.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { CANARY_SECRET, declare, pbxArgs, pbxProject } from "../helpers/pbx";
import { PulumiProject, type RunResult } from "../helpers/pulumi";

function noSecrets(output: string) {
  assert.ok(!output.includes(CANARY_SECRET), "the client secret appeared in the CLI output");
  assert.doesNotMatch(output, /eyJ[A-Za-z0-9_-]{10,}\./, "a token appeared in the CLI output");
}

describe("bad input through pulumi preview: rejected, named, nothing bought", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
    project = await pbxProject(sandbox, "badinput");
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
  });

  /**
   * Which part of check finds the case: `inputs`, the schema (every bad field at once); `names`, the portal's region,
   * billing contact and user lists (read once the inputs are valid, each bad name at once); `domain`, the region's
   * suffixes (once the region resolves); `url`, the PBX URL lookup (once every name resolves).
   */
  type Stage = "inputs" | "names" | "domain" | "url";
  const cases: Array<[string, Record<string, unknown>, RegExp, Stage?]> = [
    ["extensions 4", { extensions: 4 }, /extensions is 4 .*integer from 5 to 500/],
    ["extensions 501", { extensions: 501 }, /extensions is 501 .*5 to 500/],
    ["extensions 0", { extensions: 0 }, /extensions is 0 /],
    ["extensions -5", { extensions: -5 }, /extensions is -5 /],
    ["extensions 12.5", { extensions: 12.5 }, /extensions is 12\.5 .*integer/],
    ["extensions as a string", { extensions: "100" }, /extensions is "100" \(string\)/],
    ["extensions true", { extensions: true }, /extensions is true \(boolean\)/],
    ["plan unknown", { plan: "platinum" }, /plan is "platinum".*"enterprise", "ultimate"/],
    ["plan empty", { plan: "" }, /plan is "" /],
    ["billingCycle weekly", { billingCycle: "weekly" }, /billingCycle is "weekly".*"monthly", "annually"/],
    ["region unknown", { region: "Atlantis" }, /region is "Atlantis".*"Europe" \(id 41\)/, "names"],
    ["region id unknown", { region: "99" }, /region is "99"/, "names"],
    [
      "domain not in region",
      { domain: "us.sandbox.yeastarcloud.com" },
      /domain is "us\.sandbox\.yeastarcloud\.com".*offers/,
      "domain",
    ],
    ["domain malformed", { domain: "bad domain" }, /domain is "bad domain"/],
    ["URL taken by someone else", { subdomain: "taken" }, /taken by another Yeastar customer/, "url"],
    ["subdomain uppercase", { subdomain: "AcmeHQ" }, /subdomain is "AcmeHQ".*DNS label/],
    ["subdomain underscore", { subdomain: "acme_hq" }, /subdomain is "acme_hq"/],
    ["subdomain 2 chars", { subdomain: "ab" }, /subdomain .*3 to 63 characters, got 2/],
    ["subdomain 64 chars", { subdomain: "a".repeat(64) }, /subdomain .*got 64/],
    ["subdomain trailing hyphen", { subdomain: "acme-" }, /subdomain is "acme-"/],
    ["subdomain unicode", { subdomain: "bücher" }, /subdomain is "bücher"/],
    ["subdomain with a dot", { subdomain: "a.b.c" }, /subdomain is "a\.b\.c"/],
    ["pbxName oversized", { pbxName: "N".repeat(200) }, /pbxName .*1 to 64 characters, got 200/],
    ["pbxName empty", { pbxName: "" }, /pbxName .*required/],
    ["pbxName script tag", { pbxName: "<img src=x onerror=alert(1)>" }, /pbxName is .*printable text/],
    ["pbxName shell injection", { pbxName: "x`rm -rf /`" }, /pbxName is .*printable text/],
    ["pbxName template injection", { pbxName: "${process.env.HOME}" }, /pbxName is .*printable text/],
    ["pbxName control character", { pbxName: "Acme\u0007HQ" }, /pbxName is .*printable text/],
    [
      "billingContact unknown email",
      { billingContact: "nobody@nowhere.example" },
      /billingContact is "nobody@nowhere\.example".*ap@acme\.example/,
      "names",
    ],
    ["billingContact unknown id", { billingContact: "123456789" }, /billingContact is "123456789"/, "names"],
    [
      "billingContact free text",
      { billingContact: "'; DROP TABLE contacts;--" },
      /billingContact is .*id \(digits\) or/,
    ],
    ["owner unknown", { owner: "ghost@nowhere.example" }, /owner is "ghost@nowhere\.example"/, "names"],
    ["highAvailability as a string", { highAvailability: "true" }, /highAvailability is "true" \(string\)/],
    ["recordingMinutes negative", { recordingMinutes: -100 }, /recordingMinutes is -100 /],
    ["poNumber oversized", { poNumber: "P".repeat(100) }, /poNumber .*got 100/],
    ["unknown input", { extentions: 50 }, /extentions is not an input of PSeriesCloudPbx/],
  ];

  // One preview per round, not per case (each preview costs a few CPU-seconds): a round's PBX carries the bad
  // values of several cases of one stage, at most one case per input, so check reports each of them, and each case
  // still asserts its own message on its round's output.
  const rounds: Array<{ stage: Stage; change: Record<string, unknown>; run?: Promise<RunResult> }> = [];
  const roundOf = new Map<string, (typeof rounds)[number]>();
  for (const [name, change, , stage = "inputs"] of cases) {
    let round = rounds.find((r) => r.stage === stage && Object.keys(change).every((k) => !(k in r.change)));
    if (!round) rounds.push((round = { stage, change: {} }));
    Object.assign(round.change, change);
    roundOf.set(name, round);
  }

  for (const [name, , message] of cases) {
    it(`rejects ${name}`, async function () {
      const round = roundOf.get(name)!;
      round.run ??= declare(project, [{ name: "hq", args: pbxArgs(round.change) }]).then(() => project.preview());
      const r = await round.run;
      assert.notEqual(r.code, 0, r.output);
      assert.match(r.output, message);
      noSecrets(r.output);
      assert.equal(sandbox.admin.stats().orders.length, 0);
    });
  }

  it("an up without preview finds a taken URL before buying, and buys nothing", async function () {
    // In an update check leaves the URL lookup to create, which makes it right before the order.
    await declare(project, [{ name: "hq", args: pbxArgs({ subdomain: "taken" }) }]);
    const r = await project.up();
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /taken by another Yeastar customer; nothing was bought/);
    noSecrets(r.output);
    assert.equal(sandbox.admin.stats().orders.length, 0);
    assert.equal(sandbox.admin.stats().requests.orderSave ?? 0, 0);
  });

  it("rejects missing credentials, naming the setting", async function () {
    const bare = await PulumiProject.create({
      name: "nocreds",
      program: path.join(__dirname, "programs", "pbx.js"),
      config: { "yeastar:baseUrl": sandbox.url },
      env: { YEASTAR_CLIENT_ID: undefined, YEASTAR_CLIENT_SECRET: undefined },
    });
    try {
      await declare(bare, [{ name: "hq", args: pbxArgs() }]);
      const r = await bare.preview();
      assert.notEqual(r.code, 0);
      assert.match(r.output, /yeastar:clientId is not set/);
      assert.equal(sandbox.admin.stats().orders.length, 0);
    } finally {
      bare.cleanup();
    }
  });

  it("rejects a non-https base URL that is not loopback", async function () {
    await project.setConfig("yeastar:baseUrl", "http://partner.example.com");
    try {
      await declare(project, [{ name: "hq", args: pbxArgs() }]);
      const r = await project.preview();
      assert.notEqual(r.code, 0);
      assert.match(r.output, /baseUrl/);
      assert.match(r.output, /https/);
      noSecrets(r.output);
    } finally {
      await project.setConfig("yeastar:baseUrl", sandbox.url);
    }
  });

  it("rejects wrong credentials with the API's error, without showing the secret", async function () {
    await project.setConfig("yeastar:clientSecret", `${CANARY_SECRET}-wrong`, true);
    try {
      await declare(project, [{ name: "hq", args: pbxArgs() }]);
      const r = await project.preview();
      assert.notEqual(r.code, 0);
      assert.match(r.output, /401|invalid_client/);
      assert.ok(!r.output.includes(`${CANARY_SECRET}-wrong`));
      assert.equal(sandbox.admin.stats().orders.length, 0);
    } finally {
      await project.setConfig("yeastar:clientSecret", CANARY_SECRET, true);
    }
  });
});

describe("auth and read faults through the CLI", function () {
  let sandbox: Sandbox;

  afterEach(async function () {
    await sandbox?.close();
  });

  async function run(opts: Parameters<typeof startSandbox>[0], setup: (s: Sandbox) => void, subdomain: string) {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET, ...opts });
    setup(sandbox);
    const project = await pbxProject(sandbox, "readfaults");
    await declare(project, [{ name: "hq", args: pbxArgs({ subdomain }) }]);
    return project;
  }

  it("token expiry between calls: the client gets a new token and the up succeeds", async function () {
    const project = await run({ tokenLifetimeSeconds: 1, latencyMs: 400 }, () => undefined, "expiry");
    try {
      const r = await project.up();
      assert.equal(r.code, 0, r.output);
      assert.equal(sandbox.admin.stats().orders.length, 1);
      assert.ok(sandbox.admin.stats().tokensIssued >= 2, "a second token was needed");
      noSecrets(r.output);
    } finally {
      project.cleanup();
    }
  });

  it("refresh token rejected: falls back to the client credentials, one order", async function () {
    const project = await run(
      { tokenLifetimeSeconds: 1, latencyMs: 400 },
      (s) => s.admin.setConfig({ rejectRefreshTokens: true }),
      "refresh-rejected",
    );
    try {
      const r = await project.up();
      assert.equal(r.code, 0, r.output);
      assert.equal(sandbox.admin.stats().orders.length, 1);
      noSecrets(r.output);
    } finally {
      project.cleanup();
    }
  });

  for (const [name, fault] of [
    ["5xx storm", { endpoint: "regionList", status: 503 }],
    ["429 storm", { endpoint: "regionList", status: 429, retryAfterSeconds: 0 }],
  ] as const) {
    it(`${name} on reads: bounded retries, then a clear error, nothing bought`, async function () {
      const project = await run({}, (s) => s.admin.addFault(fault), `storm-${fault.status}`);
      try {
        const r = await project.preview();
        assert.notEqual(r.code, 0);
        assert.match(r.output, new RegExp(String(fault.status)));
        const calls = sandbox.admin.stats().requests.regionList ?? 0;
        assert.ok(calls >= 2 && calls <= 10, `regionList was called ${calls} times`);
        assert.equal(sandbox.admin.stats().orders.length, 0);
        noSecrets(r.output);
      } finally {
        project.cleanup();
      }
    });
  }

  it("the sandbox down at preview and at up: a clear error, nothing bought", async function () {
    const project = await run({}, () => undefined, "down");
    try {
      const ok = await project.preview();
      assert.equal(ok.code, 0, ok.output);
      await sandbox.close();
      const atPreview = await project.preview();
      assert.notEqual(atPreview.code, 0);
      assert.match(atPreview.output, /ECONNREFUSED|connect|network/i);
      const atUp = await project.up();
      assert.notEqual(atUp.code, 0);
      assert.equal((await project.resourcesOfType("pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx")).length, 0);
      noSecrets(atPreview.output + atUp.output);
    } finally {
      project.cleanup();
    }
  });
});
