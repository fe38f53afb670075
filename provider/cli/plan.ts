/**
 * Purchase summary of a preview: what `pulumi up` would buy, PBX by PBX, with prices, totals per currency and
 * billing period, and the warnings a reviewer must not miss (second purchases, adoptions, removals, policy
 * violations, preview errors). Pure functions from a preview read by `preview-input.ts` to a summary, Markdown,
 * gate results and the exit code; the command shell is `plan-main.ts`. A preview that is empty, cut off or failed
 * gives a summary that says so (`previewFailed`, `previewProblems`) and never passes (exit code 3).
 */
import type { PlannedOrderView } from "../pbx/quotes";
import { isObject, str, type PreviewInput, type ResourceState } from "./preview-input";

export const PBX_TYPE = "pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx";
/** The same PBX served by the native provider plugin (Pulumi YAML, imports; provider/native/schema.ts). */
export const NATIVE_PBX_TYPE = "yeastar:index:PSeriesCloudPbx";

/** One order `pulumi up` would place, as the provider reports it in `plannedOrders` (the same type). */
export type PlannedOrder = PlannedOrderView;
export type OrderOperation = PlannedOrderView["operation"];
export type BillingPeriod = NonNullable<PlannedOrderView["period"]>;

/** What happens to a PBX resource. Unchanged resources get no row. */
export type PbxAction = "create" | "update" | "replace" | "delete";

export interface PbxRow {
  name: string;
  urn: string;
  /** The PBX URL after the change (before it, for a removal); absent when not known in the preview. */
  url?: string;
  /** For a replacement: the URL of the PBX that stays billed. */
  previousUrl?: string;
  /** Serial number of the existing PBX, when state has one. */
  serialNumber?: string;
  action: PbxAction;
  /** null when the preview does not say (values unknown until `up`, or a provider that does not report them). */
  orders: PlannedOrder[] | null;
}

export interface Total {
  currency: string;
  period: BillingPeriod;
  /** Decimal string, e.g. "4200.00". */
  amount: string;
  orders: number;
  /**
   * "term-end": the new recurring prices of plan downgrades, which apply from the end of the current term in place
   * of the current plan's; they are not added to what is charged now.
   */
  startsAt?: "term-end";
}

export type WarningKind =
  | "repurchase"
  | "adoption"
  | "removal"
  | "unknown-orders"
  | "unpriced"
  | "policy"
  | "preview-error"
  | "preview-warning";

export interface Warning {
  kind: WarningKind;
  /** Pulumi resource name, when the warning is about one resource. */
  resource?: string;
  message: string;
  policy?: string;
  policyPack?: string;
  enforcementLevel?: string;
}

export interface PurchaseSummary {
  project?: string;
  stack?: string;
  /** "digest" (plain `pulumi preview --json`), "events" (the streamed engine events), or "unreadable". */
  source: PreviewInput["source"];
  /** Whether the input can show policy violations at all (only the event stream carries them). */
  policyReported: boolean;
  /** Policy packs that ran, as the event stream names them. */
  policyPacks: string[];
  pbxs: PbxRow[];
  unchanged: number;
  /** Orders that would be placed (adoptions excluded). */
  orderCount: number;
  totals: Total[];
  /** Orders whose price the preview does not know; they are not in the totals. */
  unpricedOrders: number;
  /**
   * True when the input is not a whole, successful preview (empty, unreadable, cut off, failed, or reporting
   * errors): what `up` would buy is not known, whatever the rows say. The command exits 3.
   */
  previewFailed: boolean;
  /** Why the preview failed or could not be read, one sentence each; empty when `previewFailed` is false. */
  previewProblems: string[];
  warnings: Warning[];
}

/** Bad input: the command exits 2 with this message. */
export class PlanInputError extends Error {
  override name = "PlanInputError";
}

// ---------------------------------------------------------------------------------------------------------------
// Money: decimal strings added exactly (no binary floating point), at a fixed scale.

const SCALE = 6;
const AMOUNT = /^(\d+)(?:\.(\d{1,6}))?$/;

/** Parses a non-negative decimal string into an integer number of millionths; undefined when malformed. */
export function parseAmount(text: string): bigint | undefined {
  const m = AMOUNT.exec(text.trim());
  if (!m) return undefined;
  return BigInt(m[1]) * 10n ** BigInt(SCALE) + BigInt((m[2] ?? "").padEnd(SCALE, "0"));
}

/** Formats millionths as a decimal string with at least two decimals: 4200000000n -> "4200.00". */
export function formatAmount(value: bigint, grouping = false): string {
  const unit = 10n ** BigInt(SCALE);
  const whole = (value / unit).toString();
  const frac = (value % unit).toString().padStart(SCALE, "0").replace(/0+$/, "").padEnd(2, "0");
  return `${grouping ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") : whole}.${frac}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Summarizing

const NO_ORDER_OPS = new Set(["same", "read", "refresh", "discard", "import", "remove-pending-replace"]);
const OPERATIONS = new Set<string>(["purchase_plan", "purchase_service", "switch_plan", "adopt"]);

interface ParsedUrn {
  project?: string;
  stack?: string;
  type: string;
  name: string;
}

export function parseUrn(urn: string): ParsedUrn {
  // urn:pulumi:<stack>::<project>::<parent types $ type>::<name>
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) return { type: "", name: urn };
  const qualified = parts[2].split("$");
  return {
    stack: parts[0].slice("urn:pulumi:".length),
    project: parts[1],
    type: qualified[qualified.length - 1],
    name: parts.slice(3).join("::"),
  };
}

function plannedOrders(resource: string, inputs: Record<string, unknown> | undefined): PlannedOrder[] | null {
  const raw = inputs?.plannedOrders;
  if (!Array.isArray(raw)) return null;
  return raw.map((o, i) => {
    const where = `resource ${resource}: plannedOrders[${i}]`;
    if (!isObject(o)) throw new PlanInputError(`${where} is not an object`);
    if (typeof o.operation !== "string" || !OPERATIONS.has(o.operation)) {
      throw new PlanInputError(
        `${where}.operation is ${JSON.stringify(o.operation)}, not one of ${[...OPERATIONS].join(", ")}`,
      );
    }
    for (const key of ["item", "summary", "price"] as const) {
      if (typeof o[key] !== "string") throw new PlanInputError(`${where}.${key} is not a string`);
    }
    if (typeof o.quantity !== "number" || !Number.isFinite(o.quantity)) {
      throw new PlanInputError(`${where}.quantity is not a number`);
    }
    const order: PlannedOrder = {
      operation: o.operation as OrderOperation,
      item: o.item as string,
      quantity: o.quantity,
      summary: o.summary as string,
      price: o.price as string,
    };
    if (o.startsAt !== undefined) {
      if (o.startsAt !== "term-end") {
        throw new PlanInputError(`${where}.startsAt is ${JSON.stringify(o.startsAt)}, not "term-end"`);
      }
      if (o.termEnd !== undefined && typeof o.termEnd !== "string") {
        throw new PlanInputError(`${where}.termEnd is not a string`);
      }
      order.startsAt = o.startsAt;
      if (o.termEnd) order.termEnd = o.termEnd;
    }
    if (o.amount !== undefined) {
      if (typeof o.amount !== "string" || parseAmount(o.amount) === undefined) {
        throw new PlanInputError(
          `${where}.amount is ${JSON.stringify(o.amount)}, not a decimal string such as "200.00"`,
        );
      }
      if (typeof o.currency !== "string" || o.currency === "") {
        throw new PlanInputError(`${where} has an amount but no currency`);
      }
      if (o.period !== "month" && o.period !== "year") {
        throw new PlanInputError(`${where}.period is ${JSON.stringify(o.period)}, not "month" or "year"`);
      }
      order.amount = o.amount;
      order.currency = o.currency;
      order.period = o.period;
    }
    return order;
  });
}

/** The engine's placeholder for a value not known during a preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function containsUnknown(value: unknown): boolean {
  if (typeof value === "string") return value.includes(UNKNOWN);
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (isObject(value)) return Object.values(value).some(containsUnknown);
  return false;
}

/** The inputs whose change places an order (docs/architecture.md, lifecycle table). */
const ORDERING_INPUTS = ["extensions", "recordingMinutes", "highAvailability", "plan"];

function mayOrder(olds: Record<string, unknown> | undefined, news: Record<string, unknown> | undefined): boolean {
  if (!olds || !news || containsUnknown(news)) return true;
  return ORDERING_INPUTS.some((k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null));
}

function pbxUrl(state: ResourceState | undefined): string | undefined {
  const resolved = state?.inputs?.resolved;
  const fromInputs = isObject(resolved) ? str(resolved.pbxUrl) : undefined;
  const url = fromInputs ?? str(state?.outputs?.pbxUrl);
  return url && !url.includes(UNKNOWN) ? url : undefined;
}

// eslint-disable-next-line no-control-regex -- colour codes the CLI leaves in some diagnostics
const ANSI_COLOUR = /\x1b\[[0-9;]*m/g;

function oneLine(text: string, max = 600): string {
  const flat = text.replace(ANSI_COLOUR, "").replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Node's error when a policy pack's `require("@pulumi/policy")` finds nothing. */
const MISSING_POLICY_RUNTIME = /Cannot find module '@pulumi\/policy'/;

/** One frame of a Node.js stack trace: `at fn (file:1:7)`, `at file:1:7`, `at async Promise.all (index 0)`. */
const STACK_FRAME = /^at .*(\(.*\)|:\d+:\d+)$/;

/** A message without the stack frames (`at ...` lines) of a program's or policy pack's exception. */
function withoutFrames(message: string): string {
  return message
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !STACK_FRAME.test(line.replace(ANSI_COLOUR, "").trim()))
    .join(" ");
}

/** What a program or policy pack wrote to stderr (`info#err` diagnostics), without stack frames. */
function errorOutput(diagnostics: PreviewInput["diagnostics"]): string {
  return withoutFrames(
    diagnostics
      .filter((d) => d.severity === "info#err")
      .map((d) => d.message)
      .join("\n"),
  );
}

/** Turns a parsed preview into the purchase summary. */
export function summarize(input: PreviewInput): PurchaseSummary {
  const rows = new Map<string, PbxRow>();
  let unchanged = 0;
  let project: string | undefined;
  let stack: string | undefined;
  const unchangedUrns = new Set<string>();
  const nativeUrns = new Set<string>();
  for (const step of input.steps) {
    const urn = parseUrn(step.urn);
    project ??= urn.project;
    stack ??= urn.stack;
    const type = step.new?.type ?? step.old?.type ?? urn.type;
    if (type !== PBX_TYPE && type !== NATIVE_PBX_TYPE) continue;
    if (type === NATIVE_PBX_TYPE) nativeUrns.add(step.urn);
    if (NO_ORDER_OPS.has(step.op)) {
      unchangedUrns.add(step.urn);
      continue;
    }
    let action: PbxAction;
    if (step.op === "create") action = "create";
    else if (step.op === "update") action = "update";
    else if (step.op === "delete") action = "delete";
    else if (["replace", "create-replacement", "delete-replaced"].includes(step.op)) action = "replace";
    else continue;
    const row = rows.get(step.urn) ?? { name: urn.name, urn: step.urn, action, orders: null };
    if (action === "replace") row.action = "replace";
    if (step.op !== "delete-replaced" && step.op !== "delete" && step.new) {
      row.url = pbxUrl(step.new) ?? row.url;
      // The dynamic resource's check lists them in the inputs; the native plugin's preview create and update
      // return them as an output of the preview (docs/architecture.md, "Native provider plugin").
      row.orders = plannedOrders(urn.name, step.new.inputs) ?? plannedOrders(urn.name, step.new.outputs) ?? row.orders;
      // The provider lists orders only for a change that needs some, so an update without the list orders
      // nothing (a billing contact, a PO number) when every value is known and no ordering input changed.
      if (row.orders === null && action === "update" && !mayOrder(step.old?.inputs, step.new.inputs)) row.orders = [];
    }
    if (step.old) {
      if (action === "delete") row.url ??= pbxUrl(step.old);
      if (action === "replace") row.previousUrl ??= pbxUrl(step.old);
      row.serialNumber ??= str(step.old.outputs?.productNo) || undefined;
    }
    if (action === "delete") row.orders = [];
    rows.set(step.urn, row);
  }
  for (const urn of unchangedUrns) if (!rows.has(urn)) unchanged++;
  const pbxs = [...rows.values()];

  const sums = new Map<
    string,
    { currency: string; period: BillingPeriod; amount: bigint; orders: number; startsAt?: "term-end" }
  >();
  let orderCount = 0;
  let unpricedOrders = 0;
  const warnings: Warning[] = [];
  for (const row of pbxs) {
    if (row.orders === null) {
      // The native plugin returns its planned orders as outputs of the preview, which only the event stream has.
      const why =
        input.source === "digest" && nativeUrns.has(row.urn)
          ? "the `pulumi preview --json` document leaves out the planned orders of the native plugin: run the preview with PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true"
          : "values unknown until `up`";
      warnings.push({
        kind: "unknown-orders",
        resource: row.name,
        message:
          row.action === "update"
            ? `\`${row.name}\` changes, but the preview does not say which orders \`up\` would place (${why}); it may buy`
            : `\`${row.name}\` would buy a PBX, but the preview does not say which orders or price (${why})`,
      });
    }
    for (const order of row.orders ?? []) {
      if (order.operation === "adopt") continue;
      orderCount++;
      if (order.amount === undefined || order.currency === undefined || order.period === undefined) {
        if (order.price !== "no charge") unpricedOrders++;
        continue;
      }
      const key = `${order.currency} ${order.period} ${order.startsAt ?? "now"}`;
      const sum = sums.get(key) ?? {
        currency: order.currency,
        period: order.period,
        amount: 0n,
        orders: 0,
        ...(order.startsAt ? { startsAt: order.startsAt } : {}),
      };
      sum.amount += parseAmount(order.amount) as bigint;
      sum.orders++;
      sums.set(key, sum);
    }
    if (row.action === "replace") {
      warnings.push({
        kind: "repurchase",
        resource: row.name,
        message:
          `\`${row.name}\` is replaced: a second PBX${row.url ? ` (${row.url})` : ""} is bought, and the current one` +
          `${row.previousUrl ? ` (${row.previousUrl}${row.serialNumber ? `, serial ${row.serialNumber}` : ""})` : ""}` +
          " is not cancelled: it stays billed until it expires or auto-renew is turned off in the Partner Portal",
      });
    }
    if (row.orders?.some((o) => o.operation === "adopt")) {
      warnings.push({
        kind: "adoption",
        resource: row.name,
        message: `\`${row.name}\` adopts the existing PBX${row.url ? ` ${row.url}` : ""} instead of buying one: it is already yours (for example bought by a run that crashed) and gets recorded in the stack`,
      });
    }
    if (row.action === "delete") {
      warnings.push({
        kind: "removal",
        resource: row.name,
        message: `\`${row.name}\` leaves the stack, but nothing is cancelled: the PBX${row.url ? ` ${row.url}` : ""}${row.serialNumber ? ` (serial ${row.serialNumber})` : ""} stays billed until it expires or auto-renew is turned off in the Partner Portal`,
      });
    }
  }
  if (unpricedOrders > 0) {
    warnings.push({
      kind: "unpriced",
      message: `${unpricedOrders} order${unpricedOrders === 1 ? "" : "s"} without a price (the price API did not answer): not included in the totals`,
    });
  }
  for (const v of input.policyViolations) {
    warnings.push({
      kind: "policy",
      resource: v.urn ? parseUrn(v.urn).name : undefined,
      message: oneLine(v.message),
      policy: v.policyName,
      policyPack: v.policyPackName,
      enforcementLevel: v.enforcementLevel,
    });
  }
  const previewFailed = input.problems.length > 0;
  const seen = new Set<string>();
  if (previewFailed && !input.diagnostics.some((d) => d.severity === "error")) {
    // No error diagnostic (a policy pack that could not start reports only its stderr): show that output.
    const text = errorOutput(input.diagnostics);
    if (text) warnings.push({ kind: "preview-error", message: oneLine(`the preview's error output: ${text}`) });
  }
  if (input.diagnostics.some((d) => MISSING_POLICY_RUNTIME.test(d.message))) {
    // A pack that loads the runtime without saying so itself (another pack, an older version of this one).
    warnings.push({
      kind: "preview-error",
      message:
        "a policy pack could not load @pulumi/policy: install it in the Pulumi project with npm install --save-dev @pulumi/policy",
    });
  }
  for (const d of input.diagnostics) {
    if (d.severity !== "error" && d.severity !== "warning") continue;
    const message = oneLine(withoutFrames(d.message).replace(/^(error|warning): /, ""));
    const key = `${d.severity}|${d.urn ?? ""}|${message}`;
    if (seen.has(key) || message === "") continue;
    seen.add(key);
    warnings.push({
      kind: d.severity === "error" ? "preview-error" : "preview-warning",
      resource: d.urn ? parseUrn(d.urn).name : undefined,
      message,
    });
  }

  const totals = [...sums.values()]
    .sort(
      (a, b) =>
        Number(a.startsAt !== undefined) - Number(b.startsAt !== undefined) ||
        a.currency.localeCompare(b.currency) ||
        a.period.localeCompare(b.period),
    )
    .map((s) => ({
      currency: s.currency,
      period: s.period,
      amount: formatAmount(s.amount),
      orders: s.orders,
      ...(s.startsAt ? { startsAt: s.startsAt } : {}),
    }));
  return {
    project,
    stack,
    source: input.source,
    policyReported: input.source === "events",
    policyPacks: input.policyPacks,
    pbxs,
    unchanged,
    orderCount,
    totals,
    unpricedOrders,
    previewFailed,
    previewProblems: [...input.problems],
    warnings,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Gates

export interface GateOptions {
  failOnPurchase?: boolean;
  /** Decimal string; every total (each currency and billing period) must be at most this. */
  maxTotal?: string;
}

/** Whether anything would be bought: an order (adoptions excluded), or a change whose orders are not known. */
export function buysAnything(summary: PurchaseSummary): boolean {
  return summary.orderCount > 0 || summary.pbxs.some((p) => p.orders === null && p.action !== "delete");
}

/** The command's exit codes (README, "Reviewing purchases"). */
export const EXIT = {
  ok: 0,
  /** --fail-on-purchase or --max-total failed. */
  gateFailed: 1,
  /** A bad option, or an input file that cannot be opened. */
  usage: 2,
  /** The preview is empty, unreadable, cut off or failed: what `up` would buy is not known. */
  previewFailed: 3,
} as const;

/** The exit code for a summary and its gate failures: a failed preview wins, since no gate can pass on it. */
export function exitCode(summary: PurchaseSummary, gateFailures: readonly string[]): number {
  if (summary.previewFailed) return EXIT.previewFailed;
  return gateFailures.length > 0 ? EXIT.gateFailed : EXIT.ok;
}

/** The reasons the pipeline should fail; empty when every gate passes. */
export function checkGates(summary: PurchaseSummary, options: GateOptions): string[] {
  const failures: string[] = [];
  const gated = options.failOnPurchase || options.maxTotal !== undefined;
  if (gated && summary.previewFailed) {
    failures.push("the preview failed or could not be read, so what `up` would buy is not known");
  }
  if (options.failOnPurchase && buysAnything(summary)) {
    const what =
      summary.orderCount > 0
        ? `${summary.orderCount} order${summary.orderCount === 1 ? "" : "s"}`
        : "orders the preview cannot list yet";
    failures.push(`--fail-on-purchase: this change would place ${what}`);
  }
  if (options.maxTotal !== undefined) {
    const limit = parseAmount(options.maxTotal);
    if (limit === undefined)
      throw new PlanInputError(`--max-total ${JSON.stringify(options.maxTotal)} is not a decimal amount`);
    for (const t of summary.totals) {
      if ((parseAmount(t.amount) as bigint) > limit) {
        failures.push(
          `--max-total ${formatAmount(limit)}: the total ${t.currency} ${formatAmount(parseAmount(t.amount) as bigint)} per ${t.period}${t.startsAt ? ` ${FROM_TERM_END}` : ""} is above it`,
        );
      }
    }
    if (summary.unpricedOrders > 0) {
      failures.push(
        `--max-total ${formatAmount(limit)}: ${summary.unpricedOrders} order${summary.unpricedOrders === 1 ? " has" : "s have"} no price, so the totals cannot be checked`,
      );
    }
    if (summary.pbxs.some((p) => p.orders === null && p.action !== "delete")) {
      failures.push(
        `--max-total ${formatAmount(limit)}: some orders are not known in the preview, so the totals cannot be checked`,
      );
    }
  }
  return failures;
}

// ---------------------------------------------------------------------------------------------------------------
// Markdown

/** A hidden marker that CI recipes use to find and update their earlier comment. */
export const COMMENT_MARKER = "<!-- yeastar-pseries-plan -->";

/** Escapes text for a Markdown table cell or list item: no HTML, no table breaks, no accidental formatting. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]#|~]/g, (c) => `\\${c}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/\r?\n/g, " ");
}

/** Escapes everything except `code` spans written by this module around resource names. */
function escapeProse(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? code(part.slice(1, -1)) : escapeMarkdown(part)))
    .join("");
}

function code(text: string): string {
  const clean = text.replace(/[\r\n|]/g, " ");
  const fence = clean.includes("`") ? "``" : "`";
  return `${fence}${fence.length > 1 ? " " : ""}${clean}${fence.length > 1 ? " " : ""}${fence}`;
}

const ACTION_LABEL: Record<PbxAction, string> = {
  create: "buy new PBX",
  update: "change",
  replace: "**replace: buys a second PBX**",
  delete: "remove from stack (nothing cancelled)",
};

function money(currency: string, amount: string, period: BillingPeriod): string {
  return `${currency} ${formatAmount(parseAmount(amount) as bigint, true)} per ${period}`;
}

/** How a price that applies later (a plan downgrade's) is labelled, so it never reads as an extra charge. */
const FROM_TERM_END = "from the end of the current term";

/** The price cell of one order: a downgrade's reads as the new plan's price from the end of the term. */
function orderPrice(o: PlannedOrder): string {
  if (o.amount === undefined || !o.currency || !o.period) return escapeMarkdown(o.price);
  const price = money(o.currency, o.amount, o.period);
  if (o.startsAt !== "term-end") return price;
  return `new plan's price ${FROM_TERM_END}${o.termEnd ? ` (${escapeMarkdown(o.termEnd)})` : ""}: ${price}, in place of the current plan's`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The one-line verdict, in the spirit of `terraform plan`'s "Plan: 1 to add, 2 to change". */
export function headline(summary: PurchaseSummary): string {
  const count = (a: PbxAction, adopt: boolean) =>
    summary.pbxs.filter((p) => p.action === a && (p.orders?.some((o) => o.operation === "adopt") ?? false) === adopt)
      .length;
  const parts: string[] = [];
  const created = count("create", false);
  const adopted = count("create", true);
  if (created) parts.push(`${plural(created, "new PBX", "new PBXs")}`);
  if (adopted) parts.push(`${adopted} adopted`);
  const changed = summary.pbxs.filter((p) => p.action === "update").length;
  if (changed) parts.push(`${changed} changed`);
  const replaced = summary.pbxs.filter((p) => p.action === "replace").length;
  if (replaced) parts.push(`${replaced} replaced (second purchase)`);
  const removed = summary.pbxs.filter((p) => p.action === "delete").length;
  if (removed) parts.push(`${removed} removed from the stack`);
  if (summary.unchanged) parts.push(`${summary.unchanged} unchanged`);
  if (summary.previewFailed) {
    // Never "nothing to buy" on a preview that did not finish: the rows are only what it listed before it stopped.
    if (summary.source === "unreadable")
      return "no plan: the preview could not be read · what up would buy is not known";
    const listed = parts.length > 0 ? ` · listed before it stopped: ${parts.join(", ")}` : "";
    return `preview failed or incomplete · what up would buy is not known${listed}`;
  }
  const pbxPart = parts.length ? parts.join(", ") : "no PBX";
  const cost = summary.totals.map(
    (t) => `${money(t.currency, t.amount, t.period)}${t.startsAt ? ` ${FROM_TERM_END} (new plan price)` : ""}`,
  );
  if (summary.unpricedOrders) cost.push(`${summary.unpricedOrders} unpriced`);
  const unknown = summary.pbxs.some((p) => p.orders === null && p.action !== "delete");
  const orders =
    summary.orderCount === 0
      ? unknown
        ? "orders not known until up"
        : "nothing to buy"
      : `${plural(summary.orderCount, "order")}${unknown ? " + orders not known until up" : ""}`;
  return `${pbxPart} · ${orders}${cost.length ? ` · ${cost.join(" + ")}` : ""}`;
}

function warningLine(w: Warning): string {
  switch (w.kind) {
    case "repurchase":
      return `**Second purchase**: ${escapeProse(w.message)}`;
    case "adoption":
      return `**Adoption**: ${escapeProse(w.message)}`;
    case "removal":
      return `**Removed, still billed**: ${escapeProse(w.message)}`;
    case "unknown-orders":
      return `**Orders not known yet**: ${escapeProse(w.message)}`;
    case "unpriced":
      return `**No price**: ${escapeProse(w.message)}`;
    case "policy":
      return `**Policy ${escapeMarkdown(w.enforcementLevel ?? "")}** ${code(w.policy ?? "")}${w.resource ? ` on ${code(w.resource)}` : ""}: ${escapeProse(w.message)}`;
    case "preview-error":
      return `**Preview error**${w.resource ? ` on ${code(w.resource)}` : ""}: ${escapeMarkdown(w.message)}`;
    case "preview-warning":
      return `**Warning**${w.resource ? ` on ${code(w.resource)}` : ""}: ${escapeMarkdown(w.message)}`;
  }
}

/** The pull-request comment. `gateFailures` (from checkGates) are listed so reviewers see why a pipeline failed. */
export function renderMarkdown(summary: PurchaseSummary, gateFailures: string[] = []): string {
  const out: string[] = [COMMENT_MARKER];
  const where = summary.project && summary.stack ? ` in ${code(`${summary.project}/${summary.stack}`)}` : "";
  out.push(`### Yeastar PBX purchases${where}`, "");
  out.push(`**${escapeMarkdown(headline(summary))}**`, "");
  if (summary.previewFailed) {
    out.push(
      summary.source === "unreadable"
        ? "> **Not a plan: the preview could not be read, so what `pulumi up` would buy is not known.**"
        : "> **Not a plan: the preview failed or is incomplete, so what `pulumi up` would buy is not known.**",
    );
    for (const p of summary.previewProblems) out.push(`> - ${escapeProse(p)}`);
    if (summary.pbxs.length > 0) {
      out.push(">", "> The rows below are only what the preview listed before it stopped; `up` may buy more.");
    }
    out.push("");
  }
  if (summary.pbxs.length > 0) {
    out.push("| PBX | URL | Action | Orders | Price |", "| --- | --- | --- | --- | --- |");
    for (const p of summary.pbxs) {
      const orders = p.orders;
      let orderCell: string;
      let priceCell: string;
      if (orders === null) {
        orderCell = "not known until `up`";
        priceCell = "unknown";
      } else if (orders.length === 0) {
        orderCell = "none";
        priceCell = "no charge";
      } else {
        orderCell = orders.map((o) => escapeMarkdown(o.summary)).join("<br>");
        priceCell = orders.map(orderPrice).join("<br>");
      }
      const url = p.url ? escapeMarkdown(p.url) : "not known yet";
      const action = p.orders?.some((o) => o.operation === "adopt") ? "adopt existing PBX" : ACTION_LABEL[p.action];
      out.push(`| ${code(p.name)} | ${url} | ${action} | ${orderCell} | ${priceCell} |`);
    }
    out.push("");
  }
  if (summary.totals.length > 0) {
    out.push("| Total | Billing period | Orders |", "| ---: | --- | ---: |");
    for (const t of summary.totals) {
      out.push(
        `| ${escapeMarkdown(t.currency)} ${formatAmount(parseAmount(t.amount) as bigint, true)} | per ${t.period}${t.startsAt ? ` ${FROM_TERM_END} (new plan price, in place of the current plan's)` : ""} | ${t.orders} |`,
      );
    }
    out.push("");
    out.push(
      "Prices are the price API's estimates for one whole billing cycle; add-ons are not prorated, so an estimate errs high.",
      "",
    );
  }
  const warnings = summary.warnings.map(warningLine);
  for (const g of gateFailures) warnings.unshift(`**Pipeline gate failed**: ${escapeProse(g)}`);
  if (warnings.length > 0) {
    out.push("#### Warnings", "");
    for (const w of warnings) out.push(`- ${w}`);
    out.push("");
  }
  if (summary.source === "digest") {
    out.push(
      "<sub>Policy results are not in the plain `pulumi preview --json` output; run the preview with `PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true` to list policy violations here.</sub>",
      "",
    );
  } else if (summary.policyPacks.length > 0) {
    const violations = summary.warnings.filter((w) => w.kind === "policy").length;
    out.push(
      `<sub>Policy packs: ${summary.policyPacks.map(code).join(", ")}; ${plural(violations, "violation")}.</sub>`,
      "",
    );
  }
  return out.join("\n");
}

/** The same data as the Markdown, for `--json`. */
export function toJson(summary: PurchaseSummary, gateFailures: string[] = []): string {
  return `${JSON.stringify({ ...summary, buysAnything: buysAnything(summary), gateFailures }, null, 2)}\n`;
}
