/**
 * The purchase summary (`plan`): parsing both shapes of `pulumi preview --json`, the summary's rows, totals and
 * warnings, the gates, the Markdown, and the command's exit codes. Fixtures under test/fixtures/preview are real
 * previews of this project against the sandbox, trimmed, with `plannedOrders` added per the provider's contract.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { main as cli } from "../../../provider/cli/main";
import { main } from "../../../provider/cli/plan-main";
import { checkGates } from "../../../provider/cli/plan-gates";
import { COMMENT_MARKER, escapeMarkdown, headline, renderMarkdown } from "../../../provider/cli/plan-markdown";
import { formatMoney, parseMoney } from "../../../provider/api/money";
import { summarize } from "../../../provider/cli/plan-summary";
import type { PurchaseSummary } from "../../../provider/cli/plan-types";
import { parsePreview } from "../../../provider/cli/plan-preview-input";

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
    previewProblems: [],
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

  /** update-replace.json as the native plugin previews it: plannedOrders out of the inputs, into the outputs. */
  function nativeSteps() {
    type State = { type?: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
    const doc = JSON.parse(fs.readFileSync(fixture("update-replace.json"), "utf8")) as {
      steps: Array<{ op: string; urn: string; oldState?: State; newState?: State }>;
    };
    let moved = 0;
    for (const step of doc.steps) {
      const state = step.newState;
      step.urn = step.urn.replace("pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx", "yeastar:index:PSeriesCloudPbx");
      for (const st of [step.oldState, state]) {
        if (st?.type === "pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx") st.type = "yeastar:index:PSeriesCloudPbx";
      }
      if (!state?.inputs || state.inputs.plannedOrders === undefined) continue;
      state.outputs = { ...state.outputs, plannedOrders: state.inputs.plannedOrders };
      delete state.inputs.plannedOrders;
      moved++;
    }
    assert.ok(moved > 0, "the fixture has planned orders to move");
    return doc;
  }

  it("reads the planned orders from the event stream, where the plugin's preview create and update return them", function () {
    const doc = nativeSteps();
    let sequence = 0;
    const lines: string[] = [];
    for (const step of doc.steps) {
      const { outputs, ...withoutOutputs } = step.newState ?? {};
      const metadata = { op: step.op, urn: step.urn, type: step.newState?.type, old: step.oldState };
      lines.push(
        JSON.stringify({ sequence: sequence++, resourcePreEvent: { metadata: { ...metadata, new: withoutOutputs } } }),
      );
      if (outputs) {
        lines.push(
          JSON.stringify({ sequence: sequence++, resOutputsEvent: { metadata: { ...metadata, new: step.newState } } }),
        );
      }
    }
    lines.push(JSON.stringify({ sequence: sequence++, summaryEvent: {} }));
    const summary = summarize(parsePreview(lines.join("\n")));
    const dynamic = load("update-replace.json");
    assert.deepEqual(
      summary.pbxs.map((p) => [p.name, p.orders]),
      dynamic.pbxs.map((p) => [p.name, p.orders]),
    );
    assert.ok(dynamic.orderCount > 0);
    assert.equal(summary.orderCount, dynamic.orderCount);
  });

  it("in the plain document (which leaves out the preview's outputs) says the orders are unknown and how to get them", function () {
    const doc = nativeSteps();
    for (const step of doc.steps) if (step.newState) delete step.newState.outputs;
    const summary = summarize(parsePreview(JSON.stringify(doc)));
    const unknown = summary.warnings.filter((w) => w.kind === "unknown-orders");
    assert.ok(unknown.length > 0);
    for (const w of unknown) assert.match(w.message, /PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true/);
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
      /cut off: its last line \(line 2\)/,
    ],
    ["lines that are not engine events", '{"a": 1}\n{"b": 2}', /line 1 is not an engine event/],
  ] as const) {
    it(`reads ${what} as a failed preview, naming what is wrong`, function () {
      const input = parsePreview(text);
      assert.ok(
        input.problems.some((p) => message.test(p)),
        `no problem matches ${message}: ${input.problems.join("; ")}`,
      );
      assert.equal(summarize(input).previewFailed, true);
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
    const sum = (parseMoney("0.1") as bigint) + (parseMoney("0.2") as bigint);
    assert.equal(formatMoney(sum), "0.30");
    assert.equal(formatMoney(parseMoney("1234567.125") as bigint, true), "1,234,567.125");
    assert.equal(formatMoney(parseMoney("5") as bigint), "5.00");
  });
  for (const bad of ["", "-5", "1e3", "1.1234567", "1,000", "abc", "0x10", " 5 5"]) {
    it(`refuses ${JSON.stringify(bad)}`, function () {
      assert.equal(parseMoney(bad), undefined);
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
      "the preview failed or could not be read, so what `up` would buy is not known",
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

function commandIo(stdinText?: string, tty = false) {
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

describe("plan: the command", function () {
  const io = commandIo;

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
    ["--preview-exit-code that is no exit status", ["x.json", "--preview-exit-code", "1x"], undefined, /got "1x"/],
    ["--preview-exit-code above 255", ["x.json", "--preview-exit-code=256"], undefined, /from 0 to 255, got 256/],
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

describe("plan: a preview that is empty, cut off or failed is never a plan", function () {
  const text = (name: string) => fs.readFileSync(fixture(name), "utf8");
  const good = () => text("expand-and-add.jsonl");
  const lines = () => good().trimEnd().split("\n");
  const summaryLine = () => lines().findIndex((l) => l.includes('"summaryEvent"'));

  /** Input shapes that all mean "what up would buy is not known", and what the summary must say about each. */
  const cases: Array<{ what: string; input: () => string; problem: RegExp; output?: RegExp }> = [
    {
      what: "a real event stream of a policy pack that could not start (no steps, no summary event)",
      input: () => text("failed-policy-pack.jsonl"),
      problem: /the event stream ends before the engine's summary event/,
      output: /the preview's error output: .*failed with an unhandled exception: Error: pack cannot start/,
    },
    {
      what: "a real digest of a policy pack that could not start (diagnostics, no steps)",
      input: () => text("failed-policy-pack.json"),
      problem: /the preview stopped before it listed any resource/,
      output: /Error: pack cannot start/,
    },
    {
      what: "a real event stream of a program that threw (an error diagnostic, result failed)",
      input: () => text("failed-program.jsonl"),
      problem: /the engine's summary event says the preview failed/,
      output: /Error: boom in program/,
    },
    {
      what: "a real digest of a program that threw (an error diagnostic)",
      input: () => text("failed-program.json"),
      problem: /the preview reported an error \(listed below\)/,
      output: /Error: boom in program/,
    },
    { what: "an empty file", input: () => "", problem: /the input is empty/ },
    { what: "whitespace only", input: () => " \n\n", problem: /the input is empty/ },
    {
      what: "an event stream cut off in the middle of a line",
      input: () => {
        const all = lines().slice(0, summaryLine() + 1);
        const last = all.pop() as string;
        return [...all, last.slice(0, last.length >> 1)].join("\n");
      },
      problem: /the event stream is cut off: its last line \(line \d+\) is not a whole JSON event/,
    },
    {
      what: "an event stream cut off between lines, before the summary event",
      input: () => lines().slice(0, summaryLine()).join("\n"),
      problem: /the event stream ends before the engine's summary event/,
    },
    {
      what: "an event stream whose summary event says failed",
      input: () => good().replace('"result": "succeeded"', '"result": "failed"'),
      problem: /the engine's summary event says the preview failed/,
    },
    {
      what: "an event stream with an error diagnostic",
      input: () => {
        const all = lines();
        const error = JSON.stringify({
          sequence: 99,
          diagnosticEvent: { prefix: "error: ", message: "the quota service is down\n", severity: "error" },
        });
        return [...all.slice(0, summaryLine()), error, ...all.slice(summaryLine())].join("\n");
      },
      problem: /the preview reported an error/,
      output: /\*\*Preview error\*\*: the quota service is down/,
    },
    { what: "text that is not JSON", input: () => "error: could not load plugin\n", problem: /the input is not JSON/ },
  ];

  it("the fixtures are what they claim: the good stream passes, and each case starts from it or a real run", function () {
    const s = load("expand-and-add.jsonl");
    assert.equal(s.previewFailed, false);
    assert.deepEqual(s.previewProblems, []);
    assert.notEqual(summaryLine(), -1);
  });

  for (const c of cases) {
    it(`${c.what}: says so plainly, and exits 3 with and without gates`, async function () {
      const summary = summarize(parsePreview(c.input()));
      assert.equal(summary.previewFailed, true);
      assert.ok(
        summary.previewProblems.some((p) => c.problem.test(p)),
        `no problem matches ${c.problem}: ${summary.previewProblems.join("; ")}`,
      );
      assert.match(headline(summary), /what up would buy is not known/);
      assert.doesNotMatch(headline(summary), /nothing to buy/);
      const md = renderMarkdown(summary);
      assert.match(
        md,
        /> \*\*Not a plan: the preview (failed or is incomplete|could not be read), so what `pulumi up` would buy is not known\.\*\*/,
      );
      if (c.output) assert.match(md, c.output);
      for (const flags of [[], ["--fail-on-purchase"], ["--max-total", "1000000"], ["--json"]]) {
        const t = commandIo(c.input());
        assert.equal(await main(["-", ...flags], t.io), 3, `plan - ${flags.join(" ")}`);
        assert.match(t.err(), /plan: stdin: not a plan: /);
        assert.doesNotMatch(t.out(), /nothing to buy/);
        if (flags[0] === "--json") {
          const data = JSON.parse(t.out());
          assert.equal(data.previewFailed, true);
          assert.ok(data.previewProblems.some((p: string) => c.problem.test(p)));
        } else {
          assert.match(t.out(), /Not a plan/);
        }
      }
    });
  }

  it("a pack that fails on a missing @pulumi/policy gets the install command", function () {
    const stream = text("failed-policy-pack.jsonl").replace(
      "Error: pack cannot start",
      "Error: Cannot find module '@pulumi/policy'",
    );
    const summary = summarize(parsePreview(stream));
    assert.equal(summary.previewFailed, true);
    assert.match(
      renderMarkdown(summary),
      /- \*\*Preview error\*\*: a policy pack could not load @pulumi\/policy: install it in the Pulumi project with npm install --save-dev @pulumi\/policy/,
    );
  });

  it("an empty file given by name exits 3 (not 2: the file was read, the preview printed nothing)", async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-empty-"));
    const file = path.join(dir, "preview.json");
    fs.writeFileSync(file, "");
    const t = commandIo();
    assert.equal(await main([file, "--max-total", "5000"], t.io), 3);
    assert.match(
      t.err(),
      new RegExp(`plan: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not a plan: the input is empty`),
    );
    fs.rmSync(dir, { recursive: true });
  });

  it("--preview-exit-code: a complete stream from a preview that exited 1 is not a plan; 0 is", async function () {
    const failed = commandIo(good());
    assert.equal(await main(["--preview-exit-code", "1", "--json"], failed.io), 3);
    assert.deepEqual(JSON.parse(failed.out()).previewProblems, [
      "`pulumi preview` exited with code 1: it failed (its own error message is on its stderr, e.g. in the job log)",
    ]);
    const ok = commandIo(good());
    assert.equal(await main(["--preview-exit-code=0"], ok.io), 0);
    assert.match(ok.out(), /2 new PBXs|1 new PBX/);
  });

  it("plannedOrders that break the contract: not a plan either, naming the field", async function () {
    const doc = JSON.parse(text("create.json"));
    doc.steps[1].newState.inputs.plannedOrders[0].amount = "4,000";
    const t = commandIo(JSON.stringify(doc));
    assert.equal(await main([], t.io), 3);
    assert.match(t.out(), /resource hq: plannedOrders\\\[0\\\]\.amount is "4,000"/);
  });

  it("a failed preview keeps the rows it listed, marked as incomplete", function () {
    const cut = lines().slice(0, summaryLine()).join("\n");
    const summary = summarize(parsePreview(cut));
    assert.equal(summary.orderCount, load("expand-and-add.jsonl").orderCount);
    assert.match(
      headline(summary),
      /^preview failed or incomplete · what up would buy is not known · listed before it stopped: /,
    );
    assert.match(renderMarkdown(summary), /The rows below are only what the preview listed before it stopped/);
  });
});

describe("plan: a plan downgrade's price is the new plan's from the end of the term", function () {
  const TYPE = "pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx";
  const downgrade = {
    operation: "switch_plan",
    item: "plan switch",
    quantity: 100,
    summary:
      "plan switch (downgrade): ultimate -> enterprise, billed monthly (takes effect when the current term ends)",
    price:
      "the enterprise plan's price from the end of the current term (2027-11-28): USD 240.00 per month, in place of the current plan's",
    amount: "240.00",
    currency: "USD",
    period: "month",
    startsAt: "term-end",
    termEnd: "2027-11-28",
  };
  const expansion = {
    operation: "purchase_service",
    item: "Extension Expansion",
    quantity: 20,
    summary: "Extension Expansion: +20 (100 -> 120)",
    price: "USD 40.00 per month",
    amount: "40.00",
    currency: "USD",
    period: "month",
  };
  const preview = (orders: object[]) =>
    JSON.stringify({
      steps: [
        {
          op: "update",
          urn: `urn:pulumi:dev::acme::${TYPE}::hq`,
          oldState: { type: TYPE, inputs: { plan: "ultimate" }, outputs: { pbxUrl: "acme-hq.eu.example" } },
          newState: {
            type: TYPE,
            inputs: { plan: "enterprise", resolved: { pbxUrl: "acme-hq.eu.example" }, plannedOrders: orders },
          },
        },
      ],
      diagnostics: [],
    });

  it("is a total of its own, from the end of the term, not added to what is charged now", function () {
    const s = summarize(parsePreview(preview([expansion, downgrade])));
    assert.deepEqual(s.totals, [
      { currency: "USD", period: "month", amount: "40.00", orders: 1 },
      { currency: "USD", period: "month", amount: "240.00", orders: 1, startsAt: "term-end" },
    ]);
    assert.equal(
      headline(s),
      "1 changed · 2 orders · USD 40.00 per month + USD 240.00 per month from the end of the current term (new plan price)",
    );
  });

  it("the Markdown says what the price is, in the row and in the totals", function () {
    const md = renderMarkdown(summarize(parsePreview(preview([downgrade]))));
    assert.match(
      md,
      /\| `hq` \| acme-hq\.eu\.example \| - \| change \| plan switch \(downgrade\): ultimate -> enterprise, .* \| new plan's price from the end of the current term \(2027-11-28\): USD 240\.00 per month, in place of the current plan's \|/,
    );
    assert.match(
      md,
      /\| USD 240\.00 \| per month from the end of the current term \(new plan price, in place of the current plan's\) \| 1 \|/,
    );
    assert.doesNotMatch(md, /\| USD 240\.00 \| per month \| 1 \|/);
  });

  it("--json carries startsAt and termEnd; --max-total names the later total it is above", async function () {
    const t = commandIo(preview([downgrade]));
    assert.equal(await main(["--json", "--max-total", "100"], t.io), 1);
    const data = JSON.parse(t.out());
    assert.equal(data.pbxs[0].orders[0].startsAt, "term-end");
    assert.equal(data.pbxs[0].orders[0].termEnd, "2027-11-28");
    assert.deepEqual(data.gateFailures, [
      "--max-total 100.00: the total USD 240.00 per month from the end of the current term is above it",
    ]);
  });

  it("refuses a startsAt the contract does not have", function () {
    assert.throws(
      () => summarize(parsePreview(preview([{ ...downgrade, startsAt: "tomorrow" }]))),
      /resource hq: plannedOrders\[0\]\.startsAt is "tomorrow", not "term-end"/,
    );
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

describe("plan: the captured example in docs/purchase-review.md", function () {
  it("shows exactly what the command prints for the captured preview (refresh both together)", function () {
    const doc = fs.readFileSync(path.resolve(FIXTURES, "..", "..", "..", "docs", "purchase-review.md"), "utf8");
    const block = /\n```markdown\n(<!-- yeastar-pseries-plan -->\n[\s\S]*?)```\n/.exec(doc);
    assert.ok(block, "docs/purchase-review.md has no ```markdown block with the summary");
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
