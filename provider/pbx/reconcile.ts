/**
 * Reconciliation before follow-up orders: what the Partner Portal says a PBX has (and has coming from orders
 * still pending) against what the stack's state says and what the program asks for. Pure functions; the reads
 * live in `portal.ts`. The rule and where it is enforced are described in docs/architecture.md ("Never buy
 * twice").
 *
 * The state can be behind the portal (a kill between an accepted order and the next checkpoint, a restored
 * backup, a change made in the Partner Portal), so orders are always planned from the portal's figures: the
 * program's value minus what the PBX already has or has coming.
 */
import { PLANS, SERVICES, billingCycleOf, planNameOf, type PlanName } from "../api/catalog";
import type { ProductDetail, ProductInfo } from "../api/schemas";
import type { CheckedInputs, PbxState } from "../api/contract";
import { addCycle, dateOf } from "../api/terms";

/** What a PBX has, as the portal reports it. */
export interface PortalFacts {
  extensions: number;
  recordingMinutes: number;
  highAvailability: boolean;
  /** The plan in force. */
  plan?: PlanName;
  /** The plan a scheduled switch (a downgrade waiting for the term's end) will bring. */
  pendingPlan?: PlanName;
  billingCycle: string;
  /** The end of the paid term as a calendar date (`expireDate`), "" when the portal leaves it out. */
  expireDate: string;
  /** A free trial not converted yet (its `expireDate` ends the trial). */
  trial: boolean;
}

/** An order on this PBX that the portal still lists as pending. */
export interface PendingOrder {
  orderNo: string;
  operationType: string;
  productNo: string;
  items: Array<{ serviceType: string; serviceId: string; quantity: number }>;
}

export function portalFacts(p: ProductInfo | ProductDetail): PortalFacts {
  const services = new Map(p.services.map((s) => [s.serviceId, s.quantity]));
  const scheduled = "currentPlan" in p && p.currentPlan ? String(p.currentPlan) : "";
  return {
    extensions: p.extensions,
    recordingMinutes: services.get(SERVICES.recordingMinutes) ?? 0,
    highAvailability: (services.get(SERVICES.highAvailability) ?? 0) > 0,
    plan: planNameOf(p.planId),
    pendingPlan: scheduled in PLANS ? (scheduled as PlanName) : planNameOf(scheduled),
    billingCycle: p.billingCycle,
    expireDate: dateOf(p.expireDate),
    trial: p.isTrial === true,
  };
}

/** The PBX as it will be once its pending orders succeed: what it has plus what it has coming. */
export function withPending(facts: PortalFacts, pending: readonly PendingOrder[]): PortalFacts {
  const out = { ...facts };
  for (const order of pending) {
    if (order.operationType === "switchTrial_plan") {
      // The conversion brings the PBX's whole paid shape.
      out.trial = false;
      for (const item of order.items) {
        if (item.serviceType === "plan") {
          out.extensions = item.quantity;
          out.plan = planNameOf(item.serviceId) ?? out.plan;
        } else if (item.serviceId === SERVICES.recordingMinutes) out.recordingMinutes = item.quantity;
        else if (item.serviceId === SERVICES.highAvailability) out.highAvailability = true;
      }
      continue;
    }
    for (const item of order.items) {
      if (order.operationType === "purchase_service") {
        if (item.serviceId === SERVICES.extensionExpansion) out.extensions += item.quantity;
        else if (item.serviceId === SERVICES.recordingMinutes) out.recordingMinutes += item.quantity;
        else if (item.serviceId === SERVICES.highAvailability) out.highAvailability = true;
      } else if (order.operationType === "switch_plan" && item.serviceType === "plan") {
        const target = planNameOf(item.serviceId);
        if (target) out.pendingPlan = target;
      } else if (order.operationType === "renew_plan" && item.serviceType === "plan") {
        // Each renewal adds one term to the expiry (renewal.ts counts the same way).
        const cycle = billingCycleOf(out.billingCycle);
        if (cycle && out.expireDate) out.expireDate = addCycle(out.expireDate, cycle);
      }
    }
  }
  return out;
}

/** The plan the PBX has or will have once a scheduled switch takes effect. */
function plannedPlan(facts: PortalFacts): PlanName | undefined {
  return facts.pendingPlan ?? facts.plan;
}

export interface Reconciled {
  /** The state with the portal's figures: follow-up orders are planned from it, and it is what gets recorded. */
  base: PbxState;
  /** Why nothing may be ordered: the portal has more than the program asks for. Empty when orders may go ahead. */
  failures: Array<{ property: string; reason: string }>;
  /** What the portal has (or has coming) that the state did not know: recorded, never bought again. */
  notes: string[];
}

/**
 * Compares the portal's view of a PBX (pending orders included) with the state and the program. Fields the
 * portal already satisfies are recorded from the portal, fields it exceeds fail with the portal's figure (the
 * API cannot reduce a subscription, so the program must be raised), and the rest are left for follow-up orders
 * planned from the portal's figures.
 */
export function reconcile(state: PbxState, news: CheckedInputs, facts: PortalFacts, pendingCount = 0): Reconciled {
  const failures: Reconciled["failures"] = [];
  const notes: string[] = [];
  const where = `PBX ${state.pbxUrl} (serial ${state.productNo})`;
  const coming = pendingCount > 0 ? `, counting ${pendingCount} pending order${pendingCount === 1 ? "" : "s"}` : "";
  const base: PbxState = { ...state };

  const counted = (field: "extensions" | "recordingMinutes", label: string) => {
    const has = facts[field];
    const asked = news[field];
    if (has > asked) {
      failures.push({
        property: field,
        reason: `the Partner Portal shows ${has} ${label} for ${where}${coming}, and the program asks for ${asked}; the API cannot reduce a subscription, so nothing was ordered. Set ${field} to ${has} in the program (the PBX already has them)`,
      });
    } else if (has !== state[field]) {
      notes.push(
        `${where} already has ${has} ${label}${coming} while the stack's state said ${state[field]}; recorded, not bought again${
          has < asked ? `; ordering only the remaining ${asked - has}` : ""
        }.`,
      );
    }
    base[field] = has;
  };
  counted("extensions", "extensions");
  counted("recordingMinutes", "recording minutes");

  if (facts.highAvailability && !news.highAvailability) {
    failures.push({
      property: "highAvailability",
      reason: `the Partner Portal shows High Availability on ${where}${coming}, and the program asks for none; the API cannot remove it, so nothing was ordered. Set highAvailability: true in the program`,
    });
  } else if (facts.highAvailability && !state.highAvailability) {
    notes.push(
      `${where} already has High Availability${coming} while the stack's state said it had none; recorded, not bought again.`,
    );
  }
  base.highAvailability = facts.highAvailability;

  const portalPlan = plannedPlan(facts);
  if (portalPlan && portalPlan !== state.plan) {
    if (portalPlan === news.plan) {
      notes.push(
        `${where} is already on (or switching to) the ${portalPlan} plan${coming} while the stack's state said ${state.plan}; recorded, no switch ordered.`,
      );
      base.plan = portalPlan;
      base.planId = PLANS[portalPlan];
    } else {
      failures.push({
        property: "plan",
        reason: `the Partner Portal shows the ${portalPlan} plan for ${where}${coming}, while the stack's state says ${state.plan} and the program asks for ${news.plan}; the PBX was changed outside this stack, so nothing was ordered. Run \`pulumi refresh\`, then decide on the plan`,
      });
    }
  }
  if (state.trial === true && !facts.trial) {
    notes.push(
      `${where} is already converted from its trial to a paid PBX${coming} while the stack's state said it was a trial; recorded, not converted again.`,
    );
  }
  if (state.trial !== undefined || facts.trial) base.trial = facts.trial;
  // A trial's conversion sets the billing cycle the program declares.
  const converting = facts.trial && news.trial !== true;
  if (!converting && billingCycleOf(facts.billingCycle) !== undefined && facts.billingCycle !== news.billingCycle) {
    failures.push({
      property: "billingCycle",
      reason: `the Partner Portal shows ${where} billed ${facts.billingCycle}, and the program says ${news.billingCycle}; orders on an existing PBX keep its billing cycle, so nothing was ordered. Set billingCycle: "${facts.billingCycle}" in the program`,
    });
  }
  if (facts.expireDate) {
    const known = dateOf(state.expireDate);
    if (news.renewThrough && known && facts.expireDate > known) {
      notes.push(
        `${where} is already paid through ${facts.expireDate}${coming} while the stack's state said ${known}; recorded, not renewed again.`,
      );
    }
    base.expireDate = facts.expireDate;
  }
  // Orders on an existing PBX attach to the plan in force.
  if (facts.plan) base.planId = PLANS[facts.plan];
  return { base, failures, notes };
}
