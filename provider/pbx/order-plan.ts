/**
 * The lifecycle table (docs/architecture.md) as pure functions: given what was bought (old state) and what the
 * program now asks for (checked inputs), decide which changes fail, which need a new PBX, and which orders to
 * place. No I/O here, so every row is unit-tested exhaustively.
 */
import { PCE_PRODUCT_ID, PLANS, PLAN_RANK, SERVICES, type BillingCycle, type PlanName } from "../api/catalog";
import type { OrderRequest, ServiceItem } from "../api/schemas";
import type { CheckedInputs, PbxState, Resolved } from "../api/contract";
import { isUnknown, type MaybeInputs, type PbxInputs } from "../api/inputs";
import type { CheckFailure } from "../runtime/field-failures";
import { dateOf, isoDate } from "../api/terms";
import { firstTermEnd, renewalOrders } from "./renewal";
import { conversionOrder, converted, trialFailures, trialOrder } from "./trial";

// The state's shape is part of the resource contract (provider/api/contract.ts); its names are exported here too.

/** New inputs as check sees them: in a preview some values may still be unknown. */
export type NewInputs = MaybeInputs & { resolved?: Resolved; allowRepurchase?: boolean | string };

/** Fields whose change needs a new PBX (a second purchase). */
export const REPLACE_FIELDS = ["pbxName", "subdomain", "domain", "region"] as const;
/** Fields that only affect future orders. */
export const FUTURE_ORDER_FIELDS = ["billingContact", "poNumber", "owner"] as const;
/** Fields that only change how the provider behaves. */
export const BEHAVIOUR_FIELDS = ["allowRepurchase", "orderTimeoutSeconds"] as const;

type Old = Pick<
  CheckedInputs,
  | "pbxName"
  | "subdomain"
  | "domain"
  | "region"
  | "plan"
  | "extensions"
  | "billingCycle"
  | "highAvailability"
  | "recordingMinutes"
  | "resolved"
  | "trial"
>;

function changed(a: unknown, b: unknown): boolean {
  return !isUnknown(b) && (a ?? null) !== (b ?? null);
}

/** The fields of a change that need a new PBX. Unknown values are not counted: preview cannot know yet. */
export function replacementFields(olds: Old, news: NewInputs): (typeof REPLACE_FIELDS)[number][] {
  const fields: (typeof REPLACE_FIELDS)[number][] = [];
  for (const f of REPLACE_FIELDS) {
    if (f === "domain") {
      // An omitted domain means "the region's default suffix": compare the suffix actually used when known.
      const oldSuffix = olds.resolved?.domainSuffix ?? olds.domain;
      const newSuffix =
        news.resolved?.domainSuffix ?? news.domain ?? (news.region === olds.region ? oldSuffix : undefined);
      if (changed(oldSuffix, newSuffix)) fields.push(f);
    } else if (f === "region") {
      const sameById =
        olds.resolved && news.resolved
          ? olds.resolved.regionId === news.resolved.regionId
          : olds.region === news.region;
      if (!isUnknown(news.region) && !sameById) fields.push(f);
    } else if (changed(olds[f], news[f])) {
      fields.push(f);
    }
  }
  return fields;
}

/**
 * Changes the API cannot make, as check failures naming the field (docs/architecture.md). Also the replacement
 * rules: without `allowRepurchase` a change that needs a new PBX fails; with it, the new PBX must get a new URL.
 */
export function transitionFailures(olds: Old, news: NewInputs): CheckFailure[] {
  const failures: CheckFailure[] = [];
  // The state holds what the PBX has (bought, adopted or refreshed), so the true fix is to ask for that again.
  const cannot = (keep: string) =>
    `the Partner API cannot reduce a subscription, so nothing can be ordered: set ${keep} in the program (to have less, reduce it in the Partner Portal, run \`pulumi refresh\`, then lower the program)`;
  if (!isUnknown(news.extensions) && news.extensions < olds.extensions) {
    failures.push({
      property: "extensions",
      reason: `extensions is ${news.extensions}, lower than the ${olds.extensions} already bought; ${cannot(`extensions to ${olds.extensions}`)}`,
    });
  }
  if (!isUnknown(news.highAvailability) && olds.highAvailability && news.highAvailability === false) {
    failures.push({
      property: "highAvailability",
      reason: `highAvailability is false but High Availability was bought for this PBX; ${cannot("highAvailability: true")}`,
    });
  }
  if (!isUnknown(news.recordingMinutes) && news.recordingMinutes < olds.recordingMinutes) {
    failures.push({
      property: "recordingMinutes",
      reason: `recordingMinutes is ${news.recordingMinutes}, lower than the ${olds.recordingMinutes} already bought; ${cannot(`recordingMinutes to ${olds.recordingMinutes}`)}`,
    });
  }
  // Converting a trial buys the PBX anew, in the cycle the program declares.
  const converting = olds.trial === true && news.trial !== true && !isUnknown(news.trial);
  if (changed(olds.billingCycle, news.billingCycle) && !converting) {
    failures.push({
      property: "billingCycle",
      reason: `billingCycle is "${news.billingCycle}" but the PBX is billed "${olds.billingCycle}"; the Partner API cannot change a billing cycle (a plan switch keeps it); change it in the Partner Portal at renewal, then run \`pulumi refresh\``,
    });
  }
  failures.push(...trialFailures(olds, news));
  const replace = replacementFields(olds, news);
  if (replace.length > 0) {
    if (!news.allowRepurchase) {
      for (const f of replace) {
        failures.push({
          property: f,
          reason: `${f} changed from ${JSON.stringify(olds[f] ?? null)} to ${JSON.stringify(news[f] ?? null)}; that needs a new PBX, which is a second purchase while the current one stays billed (the API cannot cancel it). Revert the change, or set allowRepurchase: true to buy a new PBX`,
        });
      }
    } else if (
      olds.resolved &&
      news.resolved &&
      !isUnknown(news.resolved.pbxUrl) &&
      news.resolved.pbxUrl === olds.resolved.pbxUrl
    ) {
      failures.push({
        property: replace[0],
        reason: `${replace.join(", ")} changed, which needs a new PBX, but the new PBX would have the same URL ${olds.resolved.pbxUrl}, still held by the current one (the API cannot cancel it); choose a new subdomain as well`,
      });
    }
  }
  return failures;
}

export interface PlannedOrder {
  field: "extensions" | "highAvailability" | "recordingMinutes" | "plan" | "renewal" | "trial";
  summary: string;
  request: OrderRequest;
  /** "term-end" for a plan downgrade: it takes effect, and its price applies, when the current term ends. */
  startsAt?: "term-end";
  /** A renewal's expiry once it succeeds (renewal.ts). */
  until?: string;
}

function serviceItem(
  serviceId: string,
  quantity: number,
  connectionPlanId: string,
  billingCycle: BillingCycle,
): ServiceItem {
  return {
    serviceType: "service",
    serviceId,
    connectionPlanId,
    quantity,
    purchaseType: "purchase",
    billingModel: "recurring",
    billingCycle,
    multiCycle: 0,
  };
}

/** The one purchase_plan order that buys a new PBX. */
export function purchaseOrder(inputs: CheckedInputs & { resolved: Resolved }): OrderRequest {
  if (inputs.trial === true) return trialOrder(inputs);
  const planId = PLANS[inputs.plan];
  const serviceList: ServiceItem[] = [
    {
      serviceType: "plan",
      serviceId: planId,
      quantity: inputs.extensions,
      purchaseType: "purchase",
      billingModel: "recurring",
      billingCycle: inputs.billingCycle,
      multiCycle: 0,
    },
  ];
  if (inputs.highAvailability) {
    serviceList.push(serviceItem(SERVICES.highAvailability, inputs.extensions, planId, inputs.billingCycle));
  }
  if (inputs.recordingMinutes > 0) {
    serviceList.push(serviceItem(SERVICES.recordingMinutes, inputs.recordingMinutes, planId, inputs.billingCycle));
  }
  return {
    operationType: "purchase_plan",
    productId: PCE_PRODUCT_ID,
    billingId: inputs.resolved.billingContactId,
    ...(inputs.resolved.assignId ? { assignId: inputs.resolved.assignId } : {}),
    ...(inputs.poNumber ? { poNumber: inputs.poNumber } : {}),
    serviceList,
    orderPceSpecialRequest: {
      pbxName: inputs.pbxName,
      regionId: inputs.resolved.regionId,
      pbxSubDomainId: inputs.resolved.pbxSubDomainId,
      pbxUrl: inputs.resolved.pbxUrl,
    },
  };
}

export function describePurchase(inputs: CheckedInputs & { resolved: Resolved }): string {
  if (inputs.trial === true) {
    return `new PBX ${inputs.resolved.pbxUrl}: free trial of the ${inputs.plan} plan, ${inputs.extensions} extensions (no charge)`;
  }
  const parts = [`${inputs.plan} plan, ${inputs.extensions} extensions, billed ${inputs.billingCycle}`];
  if (inputs.highAvailability) parts.push(`High Availability for ${inputs.extensions} extensions`);
  if (inputs.recordingMinutes > 0) parts.push(`${inputs.recordingMinutes} recording minutes`);
  return `new PBX ${inputs.resolved.pbxUrl}: ${parts.join(" + ")}`;
}

/**
 * Follow-up orders that turn the old state into the new inputs, in the order they must be placed: services
 * first (they attach to the current plan), then the plan switch, then renewals of the PBX as those leave it
 * (a renewal renews the exact extension count and every service). HA is charged per extension, so it is ordered
 * after any expansion for the new total. `today` dates a lapsed PBX's renewal.
 */
export function followUpOrders(
  state: PbxState,
  news: CheckedInputs & { resolved: Resolved },
  today: string = isoDate(Date.now()),
): PlannedOrder[] {
  if (state.trial === true) {
    // A trial changes only by its conversion, which buys the PBX as the program declares it; renewals follow
    // from the first paid term's end.
    if (news.trial === true) return [];
    const paid = converted(state, news, firstTermEnd(today, news.billingCycle));
    return [{ ...conversionOrder(state, news), until: paid.expireDate }, ...renewalOrders(paid, news, today)];
  }
  const orders: PlannedOrder[] = [];
  const currentPlanId = state.planId || PLANS[state.plan];
  const base = {
    productId: PCE_PRODUCT_ID,
    productNo: state.productNo,
    billingId: news.resolved.billingContactId,
    ...(news.resolved.assignId ? { assignId: news.resolved.assignId } : {}),
    ...(news.poNumber ? { poNumber: news.poNumber } : {}),
  };
  const cycle = state.billingCycle;
  if (news.extensions > state.extensions) {
    const add = news.extensions - state.extensions;
    orders.push({
      field: "extensions",
      summary: `Extension Expansion: +${add} (${state.extensions} -> ${news.extensions})`,
      request: {
        ...base,
        operationType: "purchase_service",
        serviceList: [serviceItem(SERVICES.extensionExpansion, add, currentPlanId, cycle)],
      },
    });
  }
  if (news.highAvailability && !state.highAvailability) {
    orders.push({
      field: "highAvailability",
      summary: `High Availability for ${news.extensions} extensions`,
      request: {
        ...base,
        operationType: "purchase_service",
        serviceList: [serviceItem(SERVICES.highAvailability, news.extensions, currentPlanId, cycle)],
      },
    });
  }
  if (news.recordingMinutes > state.recordingMinutes) {
    const add = news.recordingMinutes - state.recordingMinutes;
    orders.push({
      field: "recordingMinutes",
      summary: `Recording Minutes: +${add} (${state.recordingMinutes} -> ${news.recordingMinutes})`,
      request: {
        ...base,
        operationType: "purchase_service",
        serviceList: [serviceItem(SERVICES.recordingMinutes, add, currentPlanId, cycle)],
      },
    });
  }
  if (news.plan !== state.plan) {
    const direction = PLAN_RANK[news.plan] > PLAN_RANK[state.plan] ? "upgrade" : "downgrade";
    orders.push({
      field: "plan",
      summary: `plan switch (${direction}): ${state.plan} -> ${news.plan}, billed ${cycle}${
        direction === "downgrade" ? " (takes effect when the current term ends)" : ""
      }`,
      ...(direction === "downgrade" ? { startsAt: "term-end" as const } : {}),
      request: {
        ...base,
        operationType: "switch_plan",
        serviceList: [
          {
            serviceType: "plan",
            serviceId: PLANS[news.plan],
            quantity: news.extensions,
            purchaseType: "switch",
            billingModel: "recurring",
            billingCycle: cycle,
            multiCycle: 0,
          },
        ],
      },
    });
  }
  const after = {
    ...state,
    extensions: Math.max(state.extensions, news.extensions),
    highAvailability: state.highAvailability || news.highAvailability,
    recordingMinutes: Math.max(state.recordingMinutes, news.recordingMinutes),
  };
  orders.push(...renewalOrders(after, news, today));
  return orders;
}

/**
 * Whether follow-up orders may be needed, so the portal must be read: an order the state already shows is
 * missing, or a renewal date the state cannot judge (its expiry not known).
 */
export function needsPortal(state: PbxState, news: CheckedInputs & { resolved: Resolved }, today: string): boolean {
  return (
    followUpOrders(state, news, today).length > 0 || (news.renewThrough !== undefined && !dateOf(state.expireDate))
  );
}

/** True when the PBX as the API reports it already reflects the planned order (used after an ambiguous failure). */
export function orderVisibleIn(
  order: PlannedOrder,
  news: CheckedInputs,
  product: {
    extensions: number;
    plan?: PlanName;
    pendingPlan?: PlanName;
    highAvailability: boolean;
    recordingMinutes: number;
    expireDate?: string;
    trial?: boolean;
  },
): boolean {
  switch (order.field) {
    case "extensions":
      return product.extensions >= news.extensions;
    case "highAvailability":
      return product.highAvailability;
    case "recordingMinutes":
      return product.recordingMinutes >= news.recordingMinutes;
    case "plan":
      return product.plan === news.plan || product.pendingPlan === news.plan;
    case "renewal":
      return order.until !== undefined && dateOf(product.expireDate) >= order.until;
    case "trial":
      return product.trial === false;
  }
}

/** Input fields that differ between the state and the new inputs (for diff). */
export function changedInputFields(
  olds: Partial<PbxInputs>,
  news: Partial<PbxInputs>,
  keys: readonly (keyof PbxInputs)[],
): (keyof PbxInputs)[] {
  return keys.filter((k) => isUnknown(news[k]) || (olds[k] ?? null) !== (news[k] ?? null));
}
