/**
 * From a preview read by `plan-preview-input.ts` to the purchase summary (plan-main.ts): one row per changed PBX with the
 * orders its `check` listed in `plannedOrders` (read through the contract's schema), totals per currency and
 * billing period, and the warnings. Pure.
 */
import { NATIVE_PBX_TYPE, PBX_TYPE, readPlannedOrders } from "../api/contract";
import { UNKNOWN, containsUnknown } from "../api/inputs";
import { formatMoney, parseMoney } from "../api/money";
import {
  PlanInputError,
  type PbxAction,
  type PbxRow,
  type PlannedOrder,
  type PurchaseSummary,
  type Warning,
} from "./plan-types";
import type { BillingPeriod } from "../api/contract";
import { isObject, str, type PreviewInput, type ResourceState } from "./plan-preview-input";

const NO_ORDER_OPS = new Set(["same", "read", "refresh", "discard", "import", "remove-pending-replace"]);

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
  const read = readPlannedOrders(raw, `resource ${resource}`);
  if ("problem" in read) throw new PlanInputError(read.problem);
  return read.orders;
}

/** The inputs whose change places an order (docs/architecture.md, lifecycle table). */
const ORDERING_INPUTS = ["extensions", "recordingMinutes", "highAvailability", "plan"];

function mayOrder(olds: Record<string, unknown> | undefined, news: Record<string, unknown> | undefined): boolean {
  if (!olds || !news || containsUnknown(news)) return true;
  return ORDERING_INPUTS.some((k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null));
}

function customerOf(state: ResourceState): string {
  const owner = str(state.inputs?.owner);
  if (owner === undefined || owner === "") return "";
  return owner.includes(UNKNOWN) ? "not known yet" : owner;
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
      row.customer = customerOf(step.new);
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
      sum.amount += parseMoney(order.amount) as bigint;
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
      amount: formatMoney(s.amount),
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
