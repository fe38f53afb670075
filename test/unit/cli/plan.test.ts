/**
 * The purchase summary (`plan`): parsing both shapes of `pulumi preview --json`, the summary's rows, totals and
 * warnings, the gates, the Markdown, and the command's exit codes. Fixtures under test/fixtures/preview are real
 * previews of this project against the sandbox, trimmed, with `plannedOrders` added per the provider's contract.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { main as cli } from "../../../provider/cli/main";
import { main } from "../../../provider/cli/plan-main";
import {
  checkGates,
  COMMENT_MARKER,
  escapeMarkdown,
  formatAmount,
  parseAmount,
  parsePreview,
  PlanInputError,
  renderMarkdown,
  summarize,
  type PurchaseSummary,
} from "../../../provider/cli/plan";

const FIXTURES = path.resolve(__dirname, "..", "..", "..", "..", "test", "fixtures", "preview");
const fixture = (name: string) => path.join(FIXTURES, name);
const load = (name: string) => summarize(parsePreview(fs.readFileSync(fixture(name), "utf8")));

function emptySummary(overrides: Partial<PurchaseSummary> = {}): PurchaseSummary {
  return {
    source: "digest",
    policyReported: false,
    policyPacks: [],
    pbxs: [],
    unchanged: 0,
    orderCount: 0,
    totals: [],
    unpricedOrders: 0,
    previewFailed: false,
    warnings: [],
    ...overrides,
  };
}

describe("plan: PBXs of the native provider plugin (Pulumi YAML)", function () {
  it("summarizes them like the dynamic resource's", function () {
    const text = fs.readFileSync(fixture("expand-and-add.jsonl"), "utf8");
    const native = text.replaceAll("pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx", "yeastar:index:PSeriesCloudPbx");
    assert.notEqual(native, text);
    const summary = summarize(parsePreview(native));
    const dynamic = load("expand-and-add.jsonl");
    assert.deepEqual(
      { ...summary, pbxs: summary.pbxs.map((p) => ({ ...p, urn: "" })) },
      { ...dynamic, pbxs: dynamic.pbxs.map((p) => ({ ...p, urn: "" })) },
    );
    assert.equal(summary.orderCount, 3);
  });
});

describe("plan: reading pulumi preview --json", function () {
  for (const [what, text, message] of [
    ["empty input", "  \n", /input is empty/],
    ["text that is not JSON", "Previewing update (dev):\n  + 1 to create", /not JSON/],
    ["a JSON array", "[1, 2]", /not an object/],
    ["an object without steps", '{"config": {}, "duration": 1}', /no "steps" array \(its keys: config, duration\)/],
    ["a step without op", '{"steps": [{"urn": "urn:pulumi:dev::p::t::n"}]}', /steps\[0\] has no "op"/],
    [
      "a broken event stream line",
      '{"sequence": 1, "preludeEvent": {}}\n{"sequence": 2, ',
      /line 2 of the event stream/,
    ],
    ["lines that are not engine events", '{"a": 1}\n{"b": 2}', /line 1 is not an engine event/],
  ] as const) {
    it(`rejects ${what}, naming what is wrong`, function () {
      assert.throws(
        () => parsePreview(text),
        (e: unknown) => e instanceof PlanInputError && message.test((e as Error).message),
      );
    });
  }

  it("rejects plannedOrders that break the contract, naming the resource and field", function () {
    const doc = JSON.parse(fs.readFileSync(fixture("create.json"), "utf8"));
    doc.steps[1].newState.inputs.plannedOrders[0].amount = "4,000";
    assert.throws(
      () => summarize(parsePreview(JSON.stringify(doc))),
      /resource hq: plannedOrders\[0\]\.amount is "4,000"/,
    );
    doc.steps[1].newState.inputs.plannedOrders[0] = {
      operation: "renew",
      item: "x",
      quantity: 1,
      summary: "",
      price: "",
    };
    assert.throws(() => summarize(parsePreview(JSON.stringify(doc))), /plannedOrders\[0\]\.operation is "renew"/);
  });

  it("reads the digest: one row per changed PBX with URL, orders and prices; totals exclude unpriced orders", function () {
    const s = load("create.json");
    assert.equal(s.source, "digest");
    assert.equal(s.policyReported, false);
    assert.deepEqual(
      s.pbxs.map((p) => [p.name, p.action, p.url, p.orders?.length]),
      [
        ["hq", "create", "acme-hq.eu.sandbox.yeastarcloud.com", 1],
        ["desk", "create", "desk.eu.sandbox.yeastarcloud.com", 1],
      ],
    );
    assert.equal(s.orderCount, 2);
    assert.deepEqual(s.totals, [{ currency: "USD", period: "year", amount: "4000.00", orders: 1 }]);
    assert.equal(s.unpricedOrders, 1);
    assert.deepEqual(
      s.warnings.map((w) => w.kind),
      ["unpriced"],
    );
    assert.equal(s.project, "capture");
    assert.equal(s.stack, "dev");
  });

  it("an update sums its orders; a replacement is a second purchase naming the PBX that stays billed", function () {
    const s = load("update-replace.json");
    assert.deepEqual(
      s.pbxs.map((p) => [p.name, p.action]),
      [
        ["hq", "update"],
        ["desk", "replace"],
      ],
    );
    assert.deepEqual(s.totals, [{ currency: "USD", period: "year", amount: "2400.00", orders: 3 }]);
    const repurchase = s.warnings.filter((w) => w.kind === "repurchase");
    assert.equal(repurchase.length, 1);
    assert.equal(repurchase[0].resource, "desk");
    assert.match(repurchase[0].message, /second PBX \(desk2\.eu\.sandbox\.yeastarcloud\.com\)/);
    assert.match(repurchase[0].message, /desk\.eu\.sandbox\.yeastarcloud\.com, serial 1265B704027113AR/);
    assert.equal(s.unchanged, 0);
  });

  it("a fleet: unchanged, adopted, removed, no-order and unknown-order PBXs, totals per billing period", function () {
    const s = load("fleet.json");
    assert.equal(s.unchanged, 1);
    assert.deepEqual(
      s.pbxs.map((p) => [p.name, p.action, p.orders === null ? null : p.orders.length]),
      [
        ["branch-2", "create", 1],
        ["branch-3", "delete", 0],
        ["branch-4", "update", 0],
        ["branch-5", "update", null],
        ["branch-6", "update", 2],
      ],
    );
    // The adoption is not an order; the no-charge plan switch is.
    assert.equal(s.orderCount, 2);
    assert.deepEqual(s.totals, [{ currency: "USD", period: "month", amount: "0.10", orders: 1 }]);
    assert.deepEqual(
      s.warnings.map((w) => [w.kind, w.resource]),
      [
        ["adoption", "branch-2"],
        ["removal", "branch-3"],
        ["unknown-orders", "branch-5"],
      ],
    );
    assert.match(s.warnings[1].message, /serial 1265B704027113AC\) stays billed/);
  });

  it("reads the event stream: the same rows plus the policy violations and packs", function () {
    const s = load("events-policy.jsonl");
    assert.equal(s.source, "events");
    assert.equal(s.policyReported, true);
    assert.deepEqual(s.policyPacks, ["yeastar-guardrails"]);
    assert.deepEqual(
      s.pbxs.map((p) => [p.name, p.action]),
      [
        ["hq", "create"],
        ["desk", "create"],
      ],
    );
    assert.deepEqual(s.totals, [
      { currency: "USD", period: "month", amount: "130.00", orders: 1 },
      { currency: "USD", period: "year", amount: "4000.00", orders: 1 },
    ]);
    const policy = s.warnings.filter((w) => w.kind === "policy");
    assert.deepEqual(
      policy.map((w) => [w.policy, w.resource, w.enforcementLevel, w.policyPack]),
      [
        ["yeastar-allowed-plans", "desk", "advisory", "yeastar-guardrails"],
        ["yeastar-protect-required", "desk", "advisory", "yeastar-guardrails"],
      ],
    );
    assert.match(policy[0].message, /plan "ultimate" is not allowed/);
    assert.equal(s.previewFailed, false);
  });

  it("a failed preview (a mandatory policy in the digest) is flagged", function () {
    const s = load("policy-mandatory.json");
    assert.equal(s.previewFailed, true);
    assert.deepEqual(
      s.warnings.map((w) => [w.kind, w.message]),
      [["preview-error", "preview failed"]],
    );
  });
});

describe("plan: amounts", function () {
  it("adds decimal strings exactly", function () {
    const sum = (parseAmount("0.1") as bigint) + (parseAmount("0.2") as bigint);
    assert.equal(formatAmount(sum), "0.30");
    assert.equal(formatAmount(parseAmount("1234567.125") as bigint, true), "1,234,567.125");
    assert.equal(formatAmount(parseAmount("5") as bigint), "5.00");
  });
  for (const bad of ["", "-5", "1e3", "1.1234567", "1,000", "abc", "0x10", " 5 5"]) {
    it(`refuses ${JSON.stringify(bad)}`, function () {
      assert.equal(parseAmount(bad), undefined);
    });
  }
});

describe("plan: gates", function () {
  it("--fail-on-purchase fails when orders would be placed, and not for a no-order change", function () {
    assert.deepEqual(checkGates(load("create.json"), { failOnPurchase: true }), [
      "--fail-on-purchase: this change would place 2 orders",
    ]);
    const noOrder = emptySummary({ pbxs: [{ name: "a", urn: "u", action: "update", orders: [] }] });
    assert.deepEqual(checkGates(noOrder, { failOnPurchase: true }), []);
  });

  it("--fail-on-purchase: an adoption is not a purchase; orders not known are treated as one", function () {
    const adopt = emptySummary({
      pbxs: [
        {
          name: "a",
          urn: "u",
          action: "create",
          orders: [{ operation: "adopt", item: "existing PBX", quantity: 0, summary: "", price: "no charge" }],
        },
      ],
    });
    assert.deepEqual(checkGates(adopt, { failOnPurchase: true }), []);
    const unknown = emptySummary({ pbxs: [{ name: "a", urn: "u", action: "update", orders: null }] });
    assert.deepEqual(checkGates(unknown, { failOnPurchase: true }), [
      "--fail-on-purchase: this change would place orders the preview cannot list yet",
    ]);
  });

  it("--max-total names the currency and period above the limit; equal passes", function () {
    const s = load("events-policy.jsonl");
    assert.deepEqual(checkGates(s, { maxTotal: "4000" }), []);
    assert.deepEqual(checkGates(s, { maxTotal: "3999.99" }), [
      "--max-total 3999.99: the total USD 4000.00 per year is above it",
    ]);
    assert.deepEqual(checkGates(s, { maxTotal: "100" }), [
      "--max-total 100.00: the total USD 130.00 per month is above it",
      "--max-total 100.00: the total USD 4000.00 per year is above it",
    ]);
  });

  it("--max-total fails when an order has no price: the total cannot be checked", function () {
    assert.deepEqual(checkGates(load("create.json"), { maxTotal: "100000" }), [
      "--max-total 100000.00: 1 order has no price, so the totals cannot be checked",
    ]);
  });

  it("a gate fails when the preview itself failed; without gates nothing fails", function () {
    const s = load("policy-mandatory.json");
    assert.deepEqual(checkGates(s, {}), []);
    assert.deepEqual(checkGates(s, { maxTotal: "100000" }), [
      "the preview reported errors, so what `up` would buy is not fully known",
    ]);
  });
});

describe("plan: Markdown", function () {
  it("has the marker, the headline, a row per PBX and a totals table", function () {
    const md = renderMarkdown(load("update-replace.json"));
    const lines = md.split("\n");
    assert.equal(lines[0], COMMENT_MARKER);
    assert.match(md, /### Yeastar PBX purchases in `capture\/dev`/);
    assert.match(md, /\*\*1 changed, 1 replaced \(second purchase\) · 3 orders · USD 2,400\.00 per year\*\*/);
    assert.ok(
      lines.includes(
        "| `hq` | acme-hq.eu.sandbox.yeastarcloud.com | - | change | Extension Expansion: +20 (100 -> 120)<br>High Availability: on, for 120 extensions | USD 400.00 per year<br>USD 1,200.00 per year |",
      ),
      md,
    );
    assert.ok(lines.includes("| USD 2,400.00 | per year | 3 |"), md);
    assert.match(md, /- \*\*Second purchase\*\*: `desk` is replaced/);
    assert.match(md, /Policy results are not in the plain `pulumi preview --json` output/);
  });

  it("lists policy violations and gate failures as warnings", function () {
    const md = renderMarkdown(load("events-policy.jsonl"), [
      "--max-total 100.00: the total USD 130.00 per month is above it",
    ]);
    assert.match(
      md,
      /- \*\*Pipeline gate failed\*\*: --max-total 100\.00: the total USD 130\.00 per month is above it/,
    );
    assert.match(md, /- \*\*Policy advisory\*\* `yeastar-allowed-plans` on `desk`: .*plan "ultimate" is not allowed/);
    assert.match(md, /Policy packs: `yeastar-guardrails`; 2 violations/);
  });

  it("says so when there is nothing to buy", function () {
    const md = renderMarkdown(emptySummary({ unchanged: 3 }));
    assert.match(md, /\*\*3 unchanged · nothing to buy\*\*/);
    assert.doesNotMatch(md, /\| PBX \|/);
  });

  it("escapes what came from the program, so a value cannot break the table or inject HTML", function () {
    assert.equal(escapeMarkdown("a|b<img src=x>*c*\nd"), "a\\|b&lt;img src=x>\\*c\\* d");
    const md = renderMarkdown(
      emptySummary({
        pbxs: [
          {
            name: "x`|y",
            urn: "u",
            url: "<b>u|rl</b>",
            action: "create",
            orders: [{ operation: "purchase_plan", item: "new PBX", quantity: 5, summary: "a|b", price: "<script>" }],
          },
        ],
        orderCount: 1,
        unpricedOrders: 1,
      }),
    );
    const row = md.split("\n").find((l) => l.includes("buy new PBX")) as string;
    assert.equal(row, "| `` x` y `` | &lt;b>u\\|rl&lt;/b> | - | buy new PBX | a\\|b | &lt;script> |");
  });
});

describe("plan: the command", function () {
  function io(stdinText?: string, tty = false) {
    const stdin = Object.assign(new PassThrough(), { isTTY: tty });
    if (stdinText !== undefined) stdin.end(stdinText);
    let stdout = "";
    let stderr = "";
    return {
      io: {
        stdin,
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: (t: string) => (stderr += t) },
      },
      out: () => stdout,
      err: () => stderr,
    };
  }

  it("prints Markdown from a file and exits 0", async function () {
    const t = io();
    assert.equal(await main([fixture("create.json")], t.io), 0);
    assert.match(t.out(), /\| `hq` \| acme-hq\.eu\.sandbox\.yeastarcloud\.com \| - \| buy new PBX \|/);
    assert.equal(t.err(), "");
  });

  it("is the `plan` command of the yeastar-pseries CLI, with its gates", async function () {
    const t = io();
    const lines: string[] = [];
    const lineIo = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    const code = await cli(["plan", fixture("create.json"), "--fail-on-purchase"], lineIo, {}, process.cwd(), t.io);
    assert.equal(code, 1, "a purchase fails the gate");
    assert.match(t.out(), /\| `hq` \| acme-hq\.eu\.sandbox\.yeastarcloud\.com \| - \| buy new PBX \|/);
    assert.deepEqual(lines, []);
  });

  it("reads stdin with - and without a file", async function () {
    const text = fs.readFileSync(fixture("events-policy.jsonl"), "utf8");
    for (const args of [["-"], []]) {
      const t = io(text);
      assert.equal(await main(args, t.io), 0);
      assert.match(t.out(), /yeastar-allowed-plans/);
    }
  });

  it("--json prints the same data as JSON", async function () {
    const t = io();
    assert.equal(await main([fixture("update-replace.json"), "--json"], t.io), 0);
    const data = JSON.parse(t.out());
    assert.deepEqual(data.totals, [{ currency: "USD", period: "year", amount: "2400.00", orders: 3 }]);
    assert.equal(data.pbxs.length, 2);
    assert.equal(data.buysAnything, true);
    assert.deepEqual(data.gateFailures, []);
  });

  it("--fail-on-purchase exits 1, prints the summary and says why on stderr", async function () {
    const t = io();
    assert.equal(await main([fixture("create.json"), "--fail-on-purchase"], t.io), 1);
    assert.match(t.out(), /Pipeline gate failed/);
    assert.equal(t.err(), "plan: --fail-on-purchase: this change would place 2 orders\n");
  });

  it("--max-total exits 1 naming the total above it, 0 when within", async function () {
    const over = io();
    assert.equal(await main([fixture("update-replace.json"), "--max-total", "2000"], over.io), 1);
    assert.match(over.err(), /the total USD 2400\.00 per year is above it/);
    const within = io();
    assert.equal(await main([fixture("update-replace.json"), "--max-total=2400.00"], within.io), 0);
  });

  for (const [what, args, stdin, message] of [
    ["an unknown flag", ["--fail-on-buy"], undefined, /Unknown option '--fail-on-buy'/],
    ["--max-total without a number", ["x.json", "--max-total", "lots"], undefined, /--max-total must be .* got "lots"/],
    ["--max-total negative", ["x.json", "--max-total=-5"], undefined, /--max-total must be a non-negative amount/],
    ["two files", ["a.json", "b.json"], undefined, /at most one input file, got 2/],
    ["a missing file", ["/nonexistent/preview.json"], undefined, /cannot read \/nonexistent\/preview\.json: ENOENT/],
    ["empty stdin", ["-"], "", /stdin: the input is empty/],
    ["stdin that is not preview JSON", [], '{"hello": "world"}', /stdin: the input has no "steps" array/],
  ] as const) {
    it(`exits 2 on ${what}, naming it`, async function () {
      const t = io(stdin);
      assert.equal(await main([...args], t.io), 2);
      assert.match(t.err(), message);
      assert.match(t.err(), /usage: plan/);
      assert.equal(t.out(), "");
    });
  }

  it("exits 2 when stdin is a terminal and no file is given", async function () {
    const t = io(undefined, true);
    assert.equal(await main([], t.io), 2);
    assert.match(t.err(), /no input: pass a file/);
  });
});

describe("plan: an update without plannedOrders", function () {
  const fleet = () => JSON.parse(fs.readFileSync(fixture("fleet.json"), "utf8"));
  const step = (doc: { steps: Array<{ urn: string }> }, name: string) =>
    doc.steps.find((s) => s.urn.endsWith(`::${name}`)) as unknown as { newState: { inputs: Record<string, unknown> } };

  it("orders nothing when no ordering input changed (a billing contact)", function () {
    const row = summarize(parsePreview(JSON.stringify(fleet()))).pbxs.find((p) => p.name === "branch-4");
    assert.deepEqual(row?.orders, []);
  });

  for (const [input, value] of [
    ["extensions", 150],
    ["recordingMinutes", 500],
    ["highAvailability", true],
    ["plan", "ultimate"],
  ] as const) {
    it(`is not known when ${input} changed: it may buy`, function () {
      const doc = fleet();
      step(doc, "branch-4").newState.inputs[input] = value;
      const s = summarize(parsePreview(JSON.stringify(doc)));
      assert.equal(s.pbxs.find((p) => p.name === "branch-4")?.orders, null);
      assert.deepEqual(checkGates(s, { failOnPurchase: true }), [
        "--fail-on-purchase: this change would place 2 orders",
      ]);
    });
  }
});

describe("plan: the README's captured example", function () {
  it("shows exactly what the command prints for the captured preview (refresh both together)", function () {
    const readme = fs.readFileSync(path.resolve(FIXTURES, "..", "..", "..", "README.md"), "utf8");
    const block = /\n```markdown\n(<!-- yeastar-pseries-plan -->\n[\s\S]*?)```\n/.exec(readme);
    assert.ok(block, "README.md has no ```markdown block with the summary");
    assert.equal(block[1].trimEnd(), renderMarkdown(load("expand-and-add.jsonl")).trimEnd());
  });

  it("the captured preview is real: the provider's planned orders and the policy pack's violation", function () {
    const s = load("expand-and-add.jsonl");
    assert.deepEqual(
      s.pbxs.map((p) => [p.name, p.action, p.orders?.map((o) => o.operation)]),
      [
        ["acme-branch", "create", ["purchase_plan"]],
        ["acme-hq", "update", ["purchase_service", "purchase_service"]],
      ],
    );
    assert.deepEqual(s.totals, [
      { currency: "USD", period: "month", amount: "130.00", orders: 1 },
      { currency: "USD", period: "year", amount: "1850.00", orders: 2 },
    ]);
    assert.deepEqual(
      s.warnings.map((w) => [w.kind, w.policy]),
      [["policy", "yeastar-allowed-plans"]],
    );
  });
});

describe("plan: a real preview of the provider with plannedOrders (digest)", function () {
  // Captured against the sandbox: hq's billing contact changed (no order), desk moved to a new subdomain with
  // allowRepurchase, lost (bought by another stack) declared here, old removed from the program.
  it("a no-order change, a second purchase, an adoption and a removal", function () {
    const s = load("real-fleet.json");
    assert.deepEqual(
      s.pbxs.map((p) => [p.name, p.action, p.orders?.map((o) => o.operation)]),
      [
        ["hq", "update", []],
        ["desk", "replace", ["purchase_plan"]],
        ["lost", "create", ["adopt"]],
        ["old", "delete", []],
      ],
    );
    assert.equal(s.orderCount, 1);
    assert.deepEqual(s.totals, [{ currency: "USD", period: "year", amount: "400.00", orders: 1 }]);
    assert.deepEqual(
      s.warnings.map((w) => [w.kind, w.resource]),
      [
        ["repurchase", "desk"],
        ["adoption", "lost"],
        ["removal", "old"],
      ],
    );
    assert.match(
      s.warnings[0].message,
      /acme-desk2\.eu\.sandbox\.yeastarcloud\.com\) is bought, and the current one \(acme-desk\./,
    );
    assert.deepEqual(checkGates(s, { failOnPurchase: true }), ["--fail-on-purchase: this change would place 1 order"]);
  });
});

describe("plan: the customer of each PBX", () => {
  it("names each PBX's owner in the table and the JSON, and says when it is not known yet", () => {
    const step = (name: string, owner: unknown) => ({
      urn: `urn:pulumi:dev::shop::pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx::${name}`,
      op: "create",
      newState: {
        type: "pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx",
        inputs: {
          subdomain: name,
          ...(owner === undefined ? {} : { owner }),
          resolved: { pbxUrl: `${name}.eu.example.com` },
          plannedOrders: [
            {
              operation: "purchase_plan",
              item: "new PBX",
              quantity: 10,
              summary: "new PBX",
              price: "USD 1.00 per year",
              amount: "1.00",
              currency: "USD",
              period: "year",
            },
          ],
        },
      },
    });
    const text = JSON.stringify({
      steps: [
        step("a", "it@customer-one.example"),
        step("b", "04da6b54-80e4-46f7-96ec-b56ff0331ba9"),
        step("c", undefined),
      ],
    });
    const summary = summarize(parsePreview(text));
    assert.deepEqual(
      summary.pbxs.map((p) => [p.name, p.customer]),
      [
        ["a", "it@customer-one.example"],
        ["b", "not known yet"],
        ["c", ""],
      ],
    );
    const md = renderMarkdown(summary);
    assert.match(md, /\| `a` \| a\.eu\.example\.com \| it@customer-one\.example \| buy new PBX \|/);
    assert.match(md, /\| `b` \| b\.eu\.example\.com \| not known yet \| buy new PBX \|/);
    assert.match(md, /\| `c` \| c\.eu\.example\.com \| - \| buy new PBX \|/);
  });
});
