/**
 * Renewals as pure functions (docs/architecture.md, "Renewals"): `renewThrough` asks that the PBX be paid through
 * a date, and each `renew_plan` order buys one more term of the PBX as it is (its plan, its exact extension count,
 * its billing cycle and every service it has, in one order). How many orders that takes is counted from the
 * expiry the Partner Portal reports, with its pending renewals counted, never from the state alone.
 */
import { PCE_PRODUCT_ID, PLANS, SERVICES, type BillingCycle } from "../api/catalog";
import type { OrderRequest, ServiceItem } from "../api/schemas";
import type { PbxState, Resolved } from "../api/contract";
import type { PbxInputs } from "../api/inputs";
import type { CheckFailure } from "../runtime/field-failures";
import { addCycle, dateOf } from "../api/terms";

/** At most this many renewal orders in one run: a date further out is reached over several runs. */
export const MAX_RENEWALS_PER_RUN = 12;

export interface RenewalOrder {
  field: "renewal";
  summary: string;
  request: OrderRequest;
  /** The expiry once this order succeeds. */
  until: string;
}

/** One term to buy: the expiry before and after the order. */
export interface Term {
  from: string;
  to: string;
}

type Renewable = Pick<
  PbxState,
  "plan" | "planId" | "extensions" | "billingCycle" | "highAvailability" | "recordingMinutes" | "productNo"
> & { expireDate: string };

type Wanted = Pick<PbxInputs, "renewThrough" | "poNumber"> & {
  resolved: Pick<Resolved, "billingContactId" | "assignId">;
};

function unit(cycle: string): string {
  return cycle === "monthly" ? "month" : "year";
}

/**
 * The terms that keep a PBX expiring on `expiry` paid through `through`: one per renewal. A lapsed PBX's new term
 * starts today, as the portal starts it. Stops one past the per-run limit, so a caller can tell it was exceeded.
 */
export function termsThrough(expiry: string, through: string, cycle: BillingCycle, today: string): Term[] {
  const terms: Term[] = [];
  let end = expiry;
  while (end < through && terms.length <= MAX_RENEWALS_PER_RUN) {
    const to = addCycle(end > today ? end : today, cycle);
    terms.push({ from: end, to });
    end = to;
  }
  return terms;
}

/** The `renew_plan` order for one term of the PBX as it is now. */
export function renewalOrder(pbx: Renewable, wanted: Wanted, term: Term): RenewalOrder {
  const planId = pbx.planId || PLANS[pbx.plan];
  const cycle = pbx.billingCycle;
  const item = (serviceType: "plan" | "service", serviceId: string, quantity: number): ServiceItem => ({
    serviceType,
    serviceId,
    quantity,
    ...(serviceType === "service" ? { connectionPlanId: planId } : {}),
    purchaseType: "renew",
    billingModel: "recurring",
    billingCycle: cycle,
    multiCycle: 0,
  });
  const serviceList = [item("plan", planId, pbx.extensions)];
  const parts = [`the ${pbx.plan} plan for ${pbx.extensions} extensions`];
  if (pbx.highAvailability) {
    serviceList.push(item("service", SERVICES.highAvailability, pbx.extensions));
    parts.push("High Availability");
  }
  if (pbx.recordingMinutes > 0) {
    serviceList.push(item("service", SERVICES.recordingMinutes, pbx.recordingMinutes));
    parts.push(`${pbx.recordingMinutes} recording minutes`);
  }
  return {
    field: "renewal",
    summary: `renewal: one more ${unit(cycle)} of ${parts.join(" + ")}, paid through ${term.from || "(not bought yet)"} -> ${term.to}`,
    until: term.to,
    request: {
      operationType: "renew_plan",
      productId: PCE_PRODUCT_ID,
      ...(pbx.productNo ? { productNo: pbx.productNo } : {}),
      billingId: wanted.resolved.billingContactId,
      ...(wanted.resolved.assignId ? { assignId: wanted.resolved.assignId } : {}),
      ...(wanted.poNumber ? { poNumber: wanted.poNumber } : {}),
      serviceList,
    },
  };
}

/**
 * The renewal orders that keep the PBX paid through `renewThrough`, from its expiry (the portal's, once
 * reconciled). None when nothing is declared, the expiry is not known, or the limit is exceeded: `renewalPlanFailures`
 * says why for the last two.
 */
export function renewalOrders(pbx: Renewable, wanted: Wanted, today: string): RenewalOrder[] {
  const expiry = dateOf(pbx.expireDate);
  if (!wanted.renewThrough || !expiry) return [];
  const terms = termsThrough(expiry, wanted.renewThrough, pbx.billingCycle, today);
  if (terms.length > MAX_RENEWALS_PER_RUN) return [];
  return terms.map((t) => renewalOrder(pbx, wanted, t));
}

/** Why renewals cannot be planned from what the portal says (after reconciling): nothing may be ordered then. */
export function renewalPlanFailures(
  pbx: Renewable & { pbxUrl: string },
  wanted: Wanted & Pick<PbxInputs, "plan">,
  today: string,
): CheckFailure[] {
  const through = wanted.renewThrough;
  if (!through) return [];
  const expiry = dateOf(pbx.expireDate);
  if (!expiry) {
    return [
      {
        property: "renewThrough",
        reason: `the Partner Portal does not report when PBX ${pbx.pbxUrl} expires, so the renewals for renewThrough ${through} cannot be counted; nothing was ordered. Check the PBX's expiry in the Partner Portal, or remove renewThrough`,
      },
    ];
  }
  const terms = termsThrough(expiry, through, pbx.billingCycle, today);
  if (terms.length > MAX_RENEWALS_PER_RUN) {
    return [
      {
        property: "renewThrough",
        reason: `renewThrough is ${through}: from the expiry ${expiry} that takes more than ${MAX_RENEWALS_PER_RUN} renewal orders of one ${unit(pbx.billingCycle)} each, more than one run places; set a date at most ${MAX_RENEWALS_PER_RUN} terms ahead (${terms[MAX_RENEWALS_PER_RUN - 1].to}) and raise it later`,
      },
    ];
  }
  if (terms.length > 0 && wanted.plan !== pbx.plan) {
    return [
      {
        property: "renewThrough",
        reason: `renewThrough asks for renewals of PBX ${pbx.pbxUrl} while the program also switches its plan (${pbx.plan} -> ${wanted.plan}); a renewal renews the plan in force, so change one of them per run`,
      },
    ];
  }
  return [];
}

/**
 * Failures a renewal date the program sets or changes gives before anything is read: a date in the past, or a
 * date the PBX is already paid through by the stack's own record. A date the portal (not the state) already
 * covers is no failure: an earlier run renewed it and lost track, and the renewal is recorded, not bought again.
 */
export function renewalFailures(
  state: { expireDate?: string; renewThrough?: string; pbxUrl?: string },
  next: Pick<PbxInputs, "renewThrough">,
  today: string,
): CheckFailure[] {
  const through = next.renewThrough;
  // A date the stack already holds was judged when it was set: time passing never fails a program.
  if (!through || through === state.renewThrough) return [];
  if (through < today) {
    return [
      {
        property: "renewThrough",
        reason: `renewThrough is ${through}, a date in the past (today is ${today}); a renewal pays for time to come: set a later date, or remove renewThrough`,
      },
    ];
  }
  const expiry = dateOf(state.expireDate);
  if (expiry && through <= expiry) {
    return [
      {
        property: "renewThrough",
        reason: `renewThrough is ${through}, but PBX ${state.pbxUrl ?? ""} is already paid through ${expiry}, so it would order nothing; set a date after ${expiry}, or remove renewThrough`,
      },
    ];
  }
  return [];
}

/**
 * The expiry a PBX bought today will have: one billing cycle on (the portal starts the first term at the purchase).
 * A preview counts a new PBX's renewals from it; `create` counts them again from the portal after buying.
 */
export function firstTermEnd(today: string, cycle: BillingCycle): string {
  return addCycle(today, cycle);
}
