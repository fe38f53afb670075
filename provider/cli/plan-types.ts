/**
 * The purchase summary's types (plan-main.ts): the rows, totals and warnings a reviewer reads, and the input error.
 */
import type { BillingPeriod, PlannedOrderView } from "../api/contract";
import type { PreviewInput } from "./plan-preview-input";

/** One order `pulumi up` would place, as the provider reports it in `plannedOrders` (the same type). */
export type PlannedOrder = PlannedOrderView;
export type OrderOperation = PlannedOrderView["operation"];

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
  /** The customer (the PBX's `owner` as the program gives it): "" for none, "not known yet" in a preview. */
  customer?: string;
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

/** How a price that starts at the end of the current term is named (gates, Markdown). */
export const FROM_TERM_END = "from the end of the current term";
