/**
 * `yeastar-money-budget`: what the preview says `pulumi up` will spend, capped per PBX and per stack. It reads the
 * priced `plannedOrders` the provider's check lists in a preview (docs/architecture.md, "Preview: planned
 * orders"); a PBX with no planned orders spends nothing. An order without a price, or priced in another currency,
 * cannot be checked against the cap, so it is reported (unless `allowUnpriced`): a budget never passes on a price it
 * could not read.
 *
 * Unlike the pack's other policies it is mandatory by default: a cap a user writes down is meant to stop spending, and
 * an order it cannot price is a failed input, never a pass. A config that sets its level (`"advisory"`, or `"all"`)
 * says so on purpose and is obeyed (policy/README.md, "Configure it").
 */
import type { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { UnknownValueError } from "@pulumi/policy";

import { formatMoney, moneyOf, parseMoney } from "../../provider/api/money";
import { isPbxType } from "../../provider/api/contract";

export const MONEY_BUDGET_NAME = "yeastar-money-budget";
export const DEFAULT_BUDGET_CURRENCY = "USD";

export interface MoneyBudgetConfig {
  currency?: string;
  maxPerPbx?: number | string;
  maxPerStack?: number | string;
  allowUnpriced?: boolean;
}

/** One planned order as the policy reads it. */
interface Spend {
  summary: string;
  amount?: bigint;
  currency?: string;
}

/** What one PBX's preview plans to spend, or why it cannot be told. */
export interface PbxSpend {
  name: string;
  urn: string;
  priced: bigint;
  orders: number;
  problems: string[];
}

function hint(key: string): string {
  return `"${key}" of policy "${MONEY_BUDGET_NAME}" in the policy pack config`;
}

function read(props: Record<string, unknown>, key: string): unknown {
  try {
    return props[key];
  } catch (e) {
    if (e instanceof UnknownValueError) return undefined;
    throw e;
  }
}

function spendsOf(raw: unknown): Spend[] | string {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return "plannedOrders is not a list";
  return raw.map((o: unknown, i) => {
    const order = (o ?? {}) as Record<string, unknown>;
    const summary = typeof order.summary === "string" ? order.summary : `order ${i + 1}`;
    // An adoption orders nothing, and a free trial charges nothing.
    if (order.operation === "adopt" || (order.operation === "trial_plan" && order.price === "no charge")) {
      return { summary, amount: 0n, currency: undefined };
    }
    const amount = typeof order.amount === "string" ? parseMoney(order.amount) : undefined;
    const currency = typeof order.currency === "string" ? order.currency : undefined;
    return { summary, amount, currency };
  });
}

/** The priced spend of one PBX in `currency`, with what could not be priced. */
export function pbxSpend(resource: PolicyResource, currency: string): PbxSpend {
  const spends = spendsOf(read(resource.props, "plannedOrders"));
  const result: PbxSpend = { name: resource.name, urn: resource.urn, priced: 0n, orders: 0, problems: [] };
  if (typeof spends === "string") {
    result.problems.push(spends);
    return result;
  }
  for (const s of spends) {
    result.orders++;
    if (s.amount === undefined) {
      result.problems.push(`"${s.summary}" has no price (the price API did not answer)`);
    } else if (s.amount > 0n && s.currency !== currency) {
      result.problems.push(`"${s.summary}" is priced in ${s.currency ?? "no currency"}, not ${currency}`);
    } else {
      result.priced += s.amount;
    }
  }
  return result;
}

function capOf(config: MoneyBudgetConfig, key: "maxPerPbx" | "maxPerStack"): bigint | undefined {
  const value = config[key];
  if (value === undefined || value === null) return undefined;
  return moneyOf(value) ?? -1n;
}

/** The policy's decision, pure: every violation as (message, urn of the PBX or undefined for the stack). */
export function judgeBudget(resources: PolicyResource[], config: MoneyBudgetConfig): [string, string | undefined][] {
  const currency = (config.currency ?? DEFAULT_BUDGET_CURRENCY).trim();
  const out: [string, string | undefined][] = [];
  const perPbx = capOf(config, "maxPerPbx");
  const perStack = capOf(config, "maxPerStack");
  for (const [key, cap] of [
    ["maxPerPbx", perPbx],
    ["maxPerStack", perStack],
  ] as const) {
    if (cap === -1n) {
      out.push([
        `cannot check the budget: ${hint(key)} is ${JSON.stringify(config[key])}; expected a non-negative amount ` +
          `in ${currency} (a number or a decimal string such as "1500.00")`,
        undefined,
      ]);
    }
  }
  if (out.length > 0) return out;
  let total = 0n;
  const spenders: string[] = [];
  for (const r of resources.filter((x) => isPbxType(x.type))) {
    const spend = pbxSpend(r, currency);
    total += spend.priced;
    if (spend.priced > 0n) spenders.push(`${spend.name}: ${currency} ${formatMoney(spend.priced)}`);
    if (spend.problems.length > 0 && config.allowUnpriced !== true) {
      out.push([
        `PBX "${spend.name}": cannot check its planned orders against the budget: ${spend.problems.join("; ")}. ` +
          `Fix: preview again when the price API answers, or set ${hint("allowUnpriced")} to true.`,
        spend.urn,
      ]);
    }
    if (perPbx !== undefined && spend.priced > perPbx) {
      out.push([
        `PBX "${spend.name}": the preview plans ${spend.orders} order(s) costing ${currency} ` +
          `${formatMoney(spend.priced)}, more than the allowed ${currency} ${formatMoney(perPbx)} per PBX. ` +
          `Fix: plan a smaller change, or raise ${hint("maxPerPbx")}.`,
        spend.urn,
      ]);
    }
  }
  if (perStack !== undefined && total > perStack) {
    out.push([
      `The preview plans orders costing ${currency} ${formatMoney(total)} in this stack (${spenders.join(", ")}), ` +
        `more than the allowed ${currency} ${formatMoney(perStack)} per stack. Fix: plan fewer or smaller orders, ` +
        `or raise ${hint("maxPerStack")}.`,
      undefined,
    ]);
  }
  return out;
}

export const moneyBudget: StackValidationPolicy = {
  name: MONEY_BUDGET_NAME,
  // The pack's default is advisory; this policy's own level wins unless the config names one.
  enforcementLevel: "mandatory",
  description:
    "What the preview's priced plannedOrders will spend: at most maxPerPbx per PBX and maxPerStack per stack " +
    "(unset: no cap), in one currency; an order without a price is reported unless allowUnpriced.",
  configSchema: {
    properties: {
      currency: {
        type: "string",
        minLength: 1,
        default: DEFAULT_BUDGET_CURRENCY,
        description: "Currency of the caps; an order priced in another one is reported.",
      },
      maxPerPbx: {
        type: ["number", "string"],
        description: "Largest amount the planned orders of one PBX may cost (a number or a decimal string).",
      },
      maxPerStack: {
        type: ["number", "string"],
        description: "Largest amount the planned orders of the whole stack may cost.",
      },
      allowUnpriced: {
        type: "boolean",
        default: false,
        description: "Let orders the price API did not price pass (they are not counted).",
      },
    },
  },
  remediationSteps: "Plan fewer or smaller orders, or raise maxPerPbx / maxPerStack in the policy pack config.",
  validateStack: (args, report: ReportViolation) => {
    for (const [message, urn] of judgeBudget(args.resources, args.getConfig<MoneyBudgetConfig>())) {
      report(message, urn);
    }
  },
};
