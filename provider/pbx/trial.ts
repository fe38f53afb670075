/**
 * Trials as pure functions (docs/architecture.md, "Trials"): `trial: true` buys a free trial (`trial_plan`: the
 * plan only, no add-ons, no charge), and turning it to false converts it into a paid PBX (`switchTrial_plan`, the
 * PBX's whole paid shape in one order, priced like a purchase). A paid PBX cannot become a trial, and a trial
 * changes nothing else until it is converted.
 */
import { PCE_PRODUCT_ID, PLANS, SERVICES, type BillingCycle } from "../api/catalog";
import type { OrderRequest, ServiceItem } from "../api/schemas";
import type { CheckedInputs, PbxState, Resolved } from "../api/contract";
import { isUnknown, type MaybeInputs } from "../api/inputs";
import type { CheckFailure } from "../runtime/field-failures";

type Wanted = CheckedInputs & { resolved: Resolved };

/** What a trial (or its conversion) may not be asked for, naming the field; `olds` is undefined for a new PBX. */
export function trialFailures(
  olds: Pick<MaybeInputs, "trial" | "extensions" | "plan" | "billingCycle"> | undefined,
  news: Pick<
    MaybeInputs,
    "trial" | "extensions" | "plan" | "billingCycle" | "highAvailability" | "recordingMinutes" | "renewThrough"
  >,
): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const wasTrial = olds?.trial === true;
  if (news.trial === true && olds && !wasTrial && !isUnknown(news.trial)) {
    failures.push({
      property: "trial",
      reason:
        "trial is true, but this PBX is already paid; a paid PBX cannot become a trial (the API has no such order). Remove trial, or set it to false",
    });
    return failures;
  }
  if (news.trial !== true) return failures;
  const addOn = (property: string, value: unknown) =>
    failures.push({
      property,
      reason: `${property} is ${JSON.stringify(value)}, but a trial holds the plan only: add-ons cannot be tried or bought during a trial. Remove ${property}, or convert the trial first (trial: false), which buys them with the paid plan`,
    });
  if (news.highAvailability === true) addOn("highAvailability", true);
  if (typeof news.recordingMinutes === "number" && news.recordingMinutes > 0) {
    addOn("recordingMinutes", news.recordingMinutes);
  }
  if (typeof news.renewThrough === "string" && !isUnknown(news.renewThrough)) {
    failures.push({
      property: "renewThrough",
      reason: `renewThrough is ${news.renewThrough}, but a trial cannot be renewed: convert it first (trial: false), then declare renewThrough`,
    });
  }
  if (wasTrial && olds) {
    for (const field of ["extensions", "plan", "billingCycle"] as const) {
      const next = news[field];
      if (!isUnknown(next) && next !== undefined && next !== olds[field]) {
        failures.push({
          property: field,
          reason: `${field} changed from ${JSON.stringify(olds[field])} to ${JSON.stringify(next)} on a trial; a trial cannot be changed. Convert it (trial: false) with the new ${field}: the conversion order buys the PBX as the program then declares it`,
        });
      }
    }
  }
  return failures;
}

function item(
  serviceType: "plan" | "service",
  serviceId: string,
  quantity: number,
  purchaseType: "trial" | "purchase",
  cycle: BillingCycle,
  planId: string,
): ServiceItem {
  return {
    serviceType,
    serviceId,
    quantity,
    ...(serviceType === "service" ? { connectionPlanId: planId } : {}),
    purchaseType,
    billingModel: "recurring",
    billingCycle: cycle,
    multiCycle: 0,
  };
}

/** The `trial_plan` order of a new PBX: its plan for its extensions, nothing else. */
export function trialOrder(inputs: Wanted): OrderRequest {
  const planId = PLANS[inputs.plan];
  return {
    operationType: "trial_plan",
    productId: PCE_PRODUCT_ID,
    billingId: inputs.resolved.billingContactId,
    ...(inputs.resolved.assignId ? { assignId: inputs.resolved.assignId } : {}),
    ...(inputs.poNumber ? { poNumber: inputs.poNumber } : {}),
    serviceList: [item("plan", planId, inputs.extensions, "trial", inputs.billingCycle, planId)],
    orderPceSpecialRequest: {
      pbxName: inputs.pbxName,
      regionId: inputs.resolved.regionId,
      pbxSubDomainId: inputs.resolved.pbxSubDomainId,
      pbxUrl: inputs.resolved.pbxUrl,
    },
  };
}

/** A trial once its conversion succeeded: the PBX as the program declares it, paid through `until`. */
export function converted<S extends PbxState>(state: S, news: CheckedInputs, until?: string): S {
  return {
    ...state,
    trial: false,
    trialEndsOn: "",
    plan: news.plan,
    planId: PLANS[news.plan],
    extensions: news.extensions,
    billingCycle: news.billingCycle,
    highAvailability: news.highAvailability,
    recordingMinutes: news.recordingMinutes,
    ...(until ? { expireDate: until } : {}),
  };
}

export interface ConversionOrder {
  field: "trial";
  summary: string;
  request: OrderRequest;
}

/** The `switchTrial_plan` order that makes a trial the paid PBX the program declares (plan, extensions, add-ons). */
export function conversionOrder(state: Pick<PbxState, "productNo">, news: Wanted): ConversionOrder {
  const planId = PLANS[news.plan];
  const cycle = news.billingCycle;
  const serviceList = [item("plan", planId, news.extensions, "purchase", cycle, planId)];
  const parts = [`the ${news.plan} plan for ${news.extensions} extensions, billed ${cycle}`];
  if (news.highAvailability) {
    serviceList.push(item("service", SERVICES.highAvailability, news.extensions, "purchase", cycle, planId));
    parts.push(`High Availability for ${news.extensions} extensions`);
  }
  if (news.recordingMinutes > 0) {
    serviceList.push(item("service", SERVICES.recordingMinutes, news.recordingMinutes, "purchase", cycle, planId));
    parts.push(`${news.recordingMinutes} recording minutes`);
  }
  return {
    field: "trial",
    summary: `trial conversion: ${parts.join(" + ")}`,
    request: {
      operationType: "switchTrial_plan",
      productId: PCE_PRODUCT_ID,
      productNo: state.productNo,
      billingId: news.resolved.billingContactId,
      ...(news.resolved.assignId ? { assignId: news.resolved.assignId } : {}),
      ...(news.poNumber ? { poNumber: news.poNumber } : {}),
      serviceList,
    },
  };
}
