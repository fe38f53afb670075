/**
 * The purchase summary as a pull-request comment (Markdown) and as JSON (plan-main.ts). Pure.
 */
import { formatMoney, parseMoney } from "../api/money";
import { buysAnything } from "./plan-gates";
import { FROM_TERM_END, type PbxAction, type PlannedOrder, type PurchaseSummary, type Warning } from "./plan-types";
import type { BillingPeriod } from "../api/contract";

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
  return `${currency} ${formatMoney(parseMoney(amount) as bigint, true)} per ${period}`;
}

/** How a price that applies later (a plan downgrade's) is labelled, so it never reads as an extra charge. */

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
    out.push("| PBX | URL | Customer | Action | Orders | Price |", "| --- | --- | --- | --- | --- | --- |");
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
      out.push(
        `| ${code(p.name)} | ${url} | ${escapeMarkdown(p.customer || "-")} | ${action} | ${orderCell} | ${priceCell} |`,
      );
    }
    out.push("");
  }
  if (summary.totals.length > 0) {
    out.push("| Total | Billing period | Orders |", "| ---: | --- | ---: |");
    for (const t of summary.totals) {
      out.push(
        `| ${escapeMarkdown(t.currency)} ${formatMoney(parseMoney(t.amount) as bigint, true)} | per ${t.period}${t.startsAt ? ` ${FROM_TERM_END} (new plan price, in place of the current plan's)` : ""} | ${t.orders} |`,
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
