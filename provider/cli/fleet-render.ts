/**
 * The fleet report as a reader gets it: Markdown for people, JSON and CSV for tools (fleet-report.ts builds it).
 */
import type { Flag, FleetReport, FleetRow, Total } from "./fleet-report";

const FLAG_TEXT: Record<Flag, string> = {
  "no-stack": "in no stack",
  "several-stacks": "in two or more stacks",
  "expires-soon": "expires soon",
  "renewal-not-covered": "renewal not covered",
  "state-behind": "state behind the portal",
  unpriced: "no price",
  "auto-renew-unknown": "auto-renewal unknown",
};

const cell = (s: string) => s.replace(/\|/g, "\\|");
const money = (currency: string | undefined, v: string | undefined) =>
  v === undefined ? "unavailable" : `${currency} ${v}`;
const addOns = (r: FleetRow) =>
  [r.highAvailability ? "HA" : "", r.recordingMinutes > 0 ? `${r.recordingMinutes} min` : ""]
    .filter(Boolean)
    .join(", ") || "-";

export function renderMarkdown(report: FleetReport, problems: readonly string[]): string {
  const out: string[] = ["# Yeastar PBX fleet", ""];
  out.push(
    `${report.rows.length} PBXs on ${report.today}; ${report.total.currency || "USD"} ${report.total.yearly} a year, ` +
      `${report.total.monthly} a month${report.total.unpriced > 0 ? ` (${report.total.unpriced} PBXs without a price not counted)` : ""}.`,
    "",
  );
  if (problems.length > 0) {
    out.push("## Could not read", "", ...problems.map((p) => `- ${p}`), "", "The report below is incomplete.", "");
  }
  out.push(
    "| PBX | Customer | Plan | Cycle | Ext. | Add-ons | Expires | Days left | Auto-renew | Per year | Per month | Stacks | Flags |",
    "| --- | --- | --- | --- | ---: | --- | --- | ---: | --- | ---: | ---: | --- | --- |",
  );
  for (const r of report.rows) {
    out.push(
      `| ${cell(r.pbxUrl)} | ${cell(r.customer)} | ${r.plan} | ${r.billingCycle} | ${r.extensions} | ${addOns(r)} | ${r.expireDate || "?"} | ${r.daysLeft ?? "?"} | ${r.autoRenew} | ${money(r.currency, r.yearly)} | ${money(r.currency, r.monthly)} | ${cell(r.stacks.join(", ") || "-")} | ${r.flags.map((f) => FLAG_TEXT[f]).join(", ") || "-"} |`,
    );
  }
  const totals = (title: string, head: string, list: Total[]) => {
    out.push(
      "",
      `## ${title}`,
      "",
      `| ${head} | PBXs | Per year | Per month | Without a price |`,
      "| --- | ---: | ---: | ---: | ---: |",
    );
    for (const t of list)
      out.push(
        `| ${cell(t.key)} | ${t.pbxs} | ${t.currency} ${t.yearly} | ${t.currency} ${t.monthly} | ${t.unpriced} |`,
      );
  };
  totals("Per customer", "Customer", report.byCustomer);
  totals("Per billing period", "Billing cycle", report.byBillingCycle);
  out.push("", "## Flags", "");
  out.push(
    `- in no stack: ${report.counts["no-stack"]}; in two or more stacks: ${report.counts["several-stacks"]}; ` +
      `expires within ${report.expiresWithinDays} days: ${report.counts["expires-soon"]}; renewal not covered: ` +
      `${report.counts["renewal-not-covered"]}; state behind the portal: ${report.counts["state-behind"]}; no price: ` +
      `${report.counts.unpriced}; auto-renewal unknown: ${report.counts["auto-renew-unknown"]}`,
  );
  for (const r of report.rows) for (const n of r.notes) out.push(`- ${r.pbxUrl}: ${n}`);
  for (const u of report.unknownInStacks) out.push(`- ${u}`);
  return `${out.join("\n")}\n`;
}

export function toJson(report: FleetReport, problems: readonly string[]): string {
  return `${JSON.stringify({ complete: problems.length === 0, problems, ...report }, null, 2)}\n`;
}

function csvCell(v: string | number | boolean | undefined): string {
  const s = v === undefined ? "" : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(report: FleetReport): string {
  const head = [
    "pbxUrl",
    "serialNumber",
    "customer",
    "ownerId",
    "plan",
    "billingCycle",
    "extensions",
    "highAvailability",
    "recordingMinutes",
    "expireDate",
    "daysLeft",
    "autoRenew",
    "currency",
    "yearly",
    "monthly",
    "stacks",
    "flags",
  ];
  const lines = [head.join(",")];
  for (const r of report.rows) {
    lines.push(
      [
        r.pbxUrl,
        r.serialNumber,
        r.customer,
        r.ownerId,
        r.plan,
        r.billingCycle,
        r.extensions,
        r.highAvailability,
        r.recordingMinutes,
        r.expireDate,
        r.daysLeft,
        r.autoRenew,
        r.currency,
        r.yearly,
        r.monthly,
        r.stacks.join(" "),
        r.flags.join(" "),
      ]
        .map(csvCell)
        .join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}
