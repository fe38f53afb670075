/**
 * PSeriesCloudPbx: one Yeastar P-Series Cloud Edition PBX, bought through the Partner Portal API.
 */
import * as pulumi from "@pulumi/pulumi";
import { PACKAGE, PBX_TOKENS } from "../api/contract";
import type { BillingCycle, PlanName } from "../api/catalog";
import { OUTPUT_KEYS } from "../api/inputs";
import { registrationProps } from "../runtime/registration";
import { FleetCounter } from "../runtime/large-fleet";
import type { OrderRecord } from "../api/contract";
import type { PlannedOrderView } from "../api/contract";
import pbxProvider = require("./provider");

export interface PSeriesCloudPbxArgs {
  /** Display name on Yeastar Central Management (1..64 characters). Changing it needs a new PBX. */
  pbxName: pulumi.Input<string>;
  /** URL prefix (a DNS label, 3..63 characters); with the domain suffix it makes `pbxUrl`. Changing it needs a new PBX. */
  subdomain: pulumi.Input<string>;
  /** Region name (e.g. "Europe") or id, from the Partner Portal's region list. Changing it needs a new PBX. */
  region: pulumi.Input<string>;
  /** Domain suffix within the region; defaults to the region's first suffix. Changing it needs a new PBX. */
  domain?: pulumi.Input<string>;
  /** "enterprise" or "ultimate". A change places a plan-switch order. */
  plan: pulumi.Input<PlanName>;
  /** Extensions, 5..500. Raising places an Extension Expansion order; lowering fails (the API cannot reduce). */
  extensions: pulumi.Input<number>;
  /** "monthly" or "annually". Cannot be changed through the API. */
  billingCycle: pulumi.Input<BillingCycle>;
  /** High Availability (charged per extension). Turning it on places an order; turning it off fails. Default false. */
  highAvailability?: pulumi.Input<boolean>;
  /** Call recording minutes. Raising places an order; lowering fails. Default 0. */
  recordingMinutes?: pulumi.Input<number>;
  /** Billing contact id or email (from the Partner Portal's billing contacts). Used for future orders only. */
  billingContact: pulumi.Input<string>;
  /** Subordinate user (customer) who receives the PBX: partner id or email. Used for future orders only. */
  owner?: pulumi.Input<string>;
  /** Your purchase-order number, sent with every order. */
  poNumber?: pulumi.Input<string>;
  /** Allow a change of name, subdomain, domain or region, which buys a second PBX. Default false. */
  allowRepurchase?: pulumi.Input<boolean>;
  /** How long `create`/`update` wait for an order to succeed before recording it as pending. Default 900. */
  orderTimeoutSeconds?: pulumi.Input<number>;
  /**
   * Auto-renewal at the end of each term. true enables it (no order, nothing charged now); false fails on a PBX
   * that has it on (the API cannot turn it off); left out, the portal's setting is left as it is and not read.
   */
  autoRenew?: pulumi.Input<boolean>;
  /** Keep the PBX paid through this date (YYYY-MM-DD) with renewal orders, priced in the preview, placed once. */
  renewThrough?: pulumi.Input<string>;
  /** A free trial (trial_plan, no add-ons); true -> false converts it into a paid PBX (switchTrial_plan). */
  trial?: pulumi.Input<boolean>;
}

/** The PBXs this program declares: past the threshold without the large-fleet mode, one warning (large-fleet.ts). */
const fleet = new FleetCounter(process.env);
let declared = 0;

export class PSeriesCloudPbx extends pulumi.dynamic.Resource {
  /** The instance id the order returned; also the resource id. */
  declare public readonly instanceId: pulumi.Output<string>;
  /** Number of the purchase order that bought the PBX ("" when an existing PBX was adopted). */
  declare public readonly orderNo: pulumi.Output<string>;
  /** Status of the latest purchase order ("succeed", "pending", ...). */
  declare public readonly orderStatus: pulumi.Output<string>;
  /** Serial number (SN) of the PBX; every later order and the Partner Portal use it. */
  declare public readonly productNo: pulumi.Output<string>;
  declare public readonly transactionNo: pulumi.Output<string>;
  /** Full host name of the PBX. */
  declare public readonly pbxUrl: pulumi.Output<string>;
  declare public readonly regionId: pulumi.Output<string>;
  declare public readonly regionName: pulumi.Output<string>;
  declare public readonly domainSuffix: pulumi.Output<string>;
  declare public readonly pbxSubDomainId: pulumi.Output<string>;
  declare public readonly planId: pulumi.Output<string>;
  declare public readonly billingContactId: pulumi.Output<string>;
  declare public readonly assignId: pulumi.Output<string>;
  /** Subscription expiry as reported by the portal (filled by `pulumi refresh`). */
  declare public readonly expireDate: pulumi.Output<string>;
  /** The end of the paid term (or of the trial) as a date, YYYY-MM-DD; "" when the portal does not say. */
  declare public readonly expiresOn: pulumi.Output<string>;
  /** The last day of a trial, YYYY-MM-DD; "" for a paid PBX. */
  declare public readonly trialEndsOn: pulumi.Output<string>;
  declare public readonly status: pulumi.Output<string>;
  /** True when an existing PBX with this URL was recorded instead of buying one. */
  declare public readonly adopted: pulumi.Output<boolean>;
  /** Every order placed for this PBX over its life. */
  declare public readonly orders: pulumi.Output<OrderRecord[]>;
  /** Price the price API quoted for the purchase, when it answered. */
  declare public readonly priceEstimate: pulumi.Output<string>;
  /**
   * In a preview: every order `pulumi up` will place for this PBX, in order, with its quoted price (an existing
   * PBX found by URL shows as "adopt", with no order). Not kept after the update.
   */
  declare public readonly plannedOrders: pulumi.Output<PlannedOrderView[] | undefined>;
  declare public readonly extensions: pulumi.Output<number>;
  declare public readonly plan: pulumi.Output<PlanName>;
  declare public readonly highAvailability: pulumi.Output<boolean>;
  declare public readonly recordingMinutes: pulumi.Output<number>;
  /** Auto-renewal as the portal has it, when the program declares `autoRenew` (read by `pulumi refresh`). */
  declare public readonly autoRenew: pulumi.Output<boolean | undefined>;

  constructor(name: string, args: PSeriesCloudPbxArgs, opts?: pulumi.CustomResourceOptions) {
    const advice = fleet.add(String(++declared));
    // Without a resource: one message for the stack, not one per PBX.
    if (advice) void pulumi.log.warn(advice);
    // check looks a new PBX's URL up in a preview only; in an update, create looks it up right before buying.
    // autoRenew is an input the portal also reports: registered so `pbx.autoRenew` exists when a program omits it.
    const props = registrationProps([...OUTPUT_KEYS, "autoRenew"], args, pulumi.runtime.isDryRun());
    // The SDK records a formatted stack trace for each property's promise (a debugging aid for leaked promises),
    // which for a resource with this many properties costs more CPU than anything else in the program: ~13 ms
    // per PBX, 1.3 s for a 100-PBX stack. Frames are turned off for the synchronous registration only; the
    // resource's own source position is recorded as before (the SDK raises the limit for it).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(pbxProvider, name, props, opts, PACKAGE, PBX_TOKENS.name);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}
