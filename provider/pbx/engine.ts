/**
 * The PSeriesCloudPbx provider logic behind the dynamic provider (provider.ts): check, diff, create, update, read
 * and delete against the Partner API. Each lifecycle operation lives in its own module (check.ts, create.ts,
 * update.ts); this module holds diff, read and delete, and the entry points the provider calls. The layers and
 * money rules are in docs/architecture.md.
 *
 * Loaded with `require()` from inside the serialized provider methods (see provider.ts), so nothing here is
 * written into Pulumi state. Settings (credentials) live in runtime/settings.ts, set by `configure()` in the provider
 * process, never on the provider object.
 */
import type * as pulumi from "@pulumi/pulumi";
import { PLANS, billingCycleOf } from "../api/catalog";
import { withRecordedConfigAdvice } from "../client/recorded-config";
import { assertCanKeepOff, autoRenewToSettle } from "./auto-renew";
import { checkImpl, isPreviewing, type CheckResult, type PlanIn } from "./check";
import { createImpl, type CreateResult } from "./create";
import { defaultDeps, type Deps } from "../runtime/deps";
import { readById } from "./read-by-id";
import { INPUT_KEYS, isUnknown } from "../api/inputs";
import { PartialError } from "./orders";
import { changedInputFields, replacementFields, transitionFailures } from "./order-plan";
import type { PbxState } from "../api/contract";
import { previewCreate as previewCreateImpl, previewUpdate as previewUpdateImpl, type PreviewResult } from "./preview";
import { portalFacts } from "./reconcile";
import { renewalFailures } from "./renewal";
import { urlChangeFailure } from "./resolve";
import { dateOf, isoDate } from "../api/terms";
import { configure as configureSettings, currentSettings, type SettingsConfig } from "../runtime/settings";
import { expect } from "../runtime/shown-once";
import {
  clean,
  hasUnknown,
  newInputsOf,
  outputsOf,
  pickKeys,
  priorStateOf,
  resolvedOf,
  stateOf,
  storedStateOf,
  withResolved,
} from "./state";
import { updateImpl, type UpdateResult } from "./update";

export type DiffResult = pulumi.dynamic.DiffResult;
export type ReadResult = pulumi.dynamic.ReadResult<PbxState>;

// ----------------------------------------------------------------------------------------------- diff

/**
 * Pure diff of the state against checked inputs. A change of the serialized provider code alone is not a change:
 * the code only loads this engine (provider.ts), so an upgrade, or the same stack used from another checkout,
 * must preview as no change.
 */
export function diff(_id: string, rawOlds: object, rawNews: Record<string, unknown>): DiffResult {
  const olds = withResolved(priorStateOf(rawOlds));
  const news = newInputsOf(rawNews);
  if (olds.orderStatus === "pending") return { changes: true }; // resume an order that was still pending
  const replaces = replacementFields(olds, news);
  if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: true };
  // autoRenew left out says nothing (the portal's setting stays as it is): only a value the program gives counts.
  const changed = changedInputFields(olds, news, INPUT_KEYS).filter(
    (k) => k !== "autoRenew" || news.autoRenew !== undefined,
  );
  // A renewal date the recorded expiry does not reach yet (an earlier run stopped short of it) is still to do.
  const renewalDue =
    typeof news.renewThrough === "string" &&
    !isUnknown(news.renewThrough) &&
    dateOf(olds.expireDate) < news.renewThrough;
  return { changes: changed.length > 0 || renewalDue };
}

const ORDER_FIELDS = new Set(["extensions", "highAvailability", "recordingMinutes", "billingCycle", "plan"]);

/**
 * The provider's diff. In a preview it also fails a change that `up` would refuse against the state: the state
 * holds what the PBX has (bought, adopted or refreshed), which the old inputs that check compared with may not.
 * In a preview and an update alike, a replacement that gives the PBX a new URL without `allowRepurchase` fails
 * (check refuses it first; this is the last guard before create buys). A refresh keeps the URL, so it never trips.
 * No API call for orders: check has already read the portal for a change that needs them. One read for
 * `autoRenew: false` on a PBX not known to have it off (auto-renew.ts: the API cannot turn it off).
 */
export async function diffWithPortal(
  id: string,
  rawOlds: object,
  news: Record<string, unknown>,
  deps?: Deps,
): Promise<DiffResult> {
  const olds = priorStateOf(rawOlds);
  const result = diff(id, olds, news);
  const next = newInputsOf(news);
  if (result.replaces && next.resolved && !hasUnknown(next.resolved) && !isUnknown(next.allowRepurchase)) {
    const state = withResolved(olds);
    const moved = urlChangeFailure(state.resolved!, next.resolved, next, state.subdomain);
    if (moved) throw expect(new Error(moved.reason));
  }
  if (result.changes && !result.replaces && isPreviewing() && olds.orderStatus !== "pending") {
    const failures = [
      ...transitionFailures(withResolved(olds), newInputsOf(news)).filter((f) => ORDER_FIELDS.has(f.property)),
      ...(isUnknown(next.renewThrough) ? [] : renewalFailures(olds, next, isoDate(deps ? deps.now() : Date.now()))),
    ];
    if (failures.length > 0) throw expect(new Error(failures.map((f) => f.reason).join("; ")));
  }
  if (result.changes && !result.replaces && olds.orderStatus !== "pending" && !isUnknown(next.autoRenew)) {
    // Deps only when needed: a diff that touches no auto-renewal needs no credentials.
    if (next.autoRenew === false && olds.autoRenew !== false) {
      try {
        await assertCanKeepOff((deps ??= defaultDeps()).api(), olds, next.autoRenew);
      } catch (err) {
        throw expect(withRecordedConfigAdvice(err, currentSettings().baseUrl));
      }
    }
    if (isPreviewing() && autoRenewToSettle(olds, next.autoRenew) && next.autoRenew === true) {
      (deps ??= defaultDeps()).report.info(
        `PBX ${olds.pbxUrl} (serial ${olds.productNo}): will enable auto-renewal (no order, nothing charged now; the portal renews the plan at the end of each term)`,
      );
    }
  }
  return result;
}

// ------------------------------------------------------------------------------------------ read / delete

async function readImpl(id: string, props: PbxState, deps: Deps): Promise<ReadResult> {
  const state = stateOf({ ...props });
  const product = await deps.api().getProduct(state.productNo);
  if (!product) {
    deps.report.warn(
      `PBX ${state.pbxUrl} (serial ${state.productNo}) no longer exists in your Partner Portal account; removing it from the stack.`,
    );
    return {};
  }
  if (product.status === "failed") {
    // Its purchase failed: nothing is active or billed, and the URL is free again. `up` buys it anew.
    deps.report.warn(
      `PBX ${state.pbxUrl} (serial ${state.productNo}): its purchase failed in the Partner Portal, so nothing is active; removing it from the stack (the next \`pulumi up\` buys it again).`,
    );
    return {};
  }
  const facts = portalFacts(product);
  const plan = facts.pendingPlan ?? facts.plan ?? state.plan;
  const next = {
    ...state,
    extensions: facts.extensions,
    plan,
    planId: PLANS[plan],
    highAvailability: facts.highAvailability,
    recordingMinutes: facts.recordingMinutes,
    billingCycle: billingCycleOf(product.billingCycle) ?? state.billingCycle,
    pbxName: product.pbxName || state.pbxName,
    expireDate: product.expireDate,
    status: product.status,
    // A trial the portal converted (or a paid PBX) reads false; a state that never declared trial stays without it.
    ...(state.trial !== undefined || product.isTrial === true ? { trial: product.isTrial === true } : {}),
    // Read only for a PBX whose program has said something about it (auto-renew.ts).
    ...(state.autoRenew !== undefined ? { autoRenew: await deps.api().getAutoRenew(state.productNo) } : {}),
  } satisfies PbxState;
  // The refreshed inputs: what the program would have to say for no diff. The SDK types ReadResult.inputs as the
  // outputs type, but the host takes any property bag; only the inputs and resolved values are returned.
  const inputs = { ...pickKeys(next, [...INPUT_KEYS, "priceEstimate"]), resolved: resolvedOf(next) } as PbxState;
  return { id, props: next, inputs };
}

export function deleteMessage(s: Partial<PbxState>): string {
  return (
    `PBX ${s.pbxUrl || "(unknown URL)"} (serial ${s.productNo || "unknown"}, instance ${s.instanceId || "unknown"}) was removed from this stack but NOT cancelled: ` +
    `the Yeastar Partner API has no way to cancel or delete a subscription, so it stays billed until it expires` +
    `${s.expireDate ? ` (${s.expireDate})` : ""}. To stop paying, turn off auto-renew for serial ${s.productNo || "?"} in the Partner Portal.`
  );
}

export async function remove(_id: string, props: object | undefined, deps: Deps = defaultDeps()): Promise<void> {
  // No API call: nothing exists that could cancel the subscription, and nothing here may change it.
  deps.report.warn(deleteMessage(storedStateOf(props) ?? {}));
}

// ----------------------------------------------------------------------------------------- entry points

/** The provider's `configure()`: the stack config the settings are read from (runtime/settings.ts). */
export function configure(config?: SettingsConfig): void {
  configureSettings(config);
}

/**
 * Results reach the host cleaned (no undefined values) and with outputs as stored (`outputsOf`: no duplicated
 * resolved values); errors carrying a partial state likewise. Errors meant for the user are shown once, without a
 * stack (runtime/shown-once.ts).
 */
async function cleaned<T>(run: () => Promise<T>): Promise<T> {
  try {
    const result = await run();
    const r = result as { outs?: PbxState; props?: PbxState };
    if (r && typeof r === "object" && r.outs) r.outs = outputsOf(r.outs);
    if (r && typeof r === "object" && r.props) r.props = outputsOf(r.props);
    return clean(result);
  } catch (err) {
    if (err instanceof PartialError) err.properties = clean(outputsOf(err.properties));
    throw expect(err);
  }
}

export function check(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  deps: Deps = defaultDeps(),
  planIn: PlanIn = "check",
): Promise<CheckResult> {
  return cleaned(() => checkImpl(olds, news, deps, planIn));
}

export function create(raw: Record<string, unknown>, deps: Deps = defaultDeps()): Promise<CreateResult> {
  return cleaned(() => createImpl(raw, deps));
}

export function update(
  id: string,
  olds: object,
  news: Record<string, unknown>,
  deps: Deps = defaultDeps(),
): Promise<UpdateResult> {
  return cleaned(() => updateImpl(id, priorStateOf(olds), news, deps));
}

/** create in a preview (the native plugin): what `create` will order, priced, in `plannedOrders`; orders nothing. */
export function previewCreate(raw: Record<string, unknown>, deps: Deps = defaultDeps()): Promise<PreviewResult> {
  return cleaned(() => previewCreateImpl(raw, deps));
}

/** update in a preview (the native plugin): the follow-up orders `update` will place, priced; orders nothing. */
export function previewUpdate(
  id: string,
  olds: object,
  news: Record<string, unknown>,
  deps: Deps = defaultDeps(),
): Promise<PreviewResult> {
  return cleaned(() => previewUpdateImpl(id, priorStateOf(olds), news, deps));
}

/** A refresh reads the PBX by the serial number in its state; an import (no state yet) finds it by the id alone. */
export function read(id: string, props: object | undefined, deps: Deps = defaultDeps()): Promise<ReadResult> {
  const state = storedStateOf(props);
  return cleaned(() =>
    (state?.productNo ? readImpl(id, state, deps) : readById(id, deps)).catch((err: unknown) => {
      throw withRecordedConfigAdvice(err, currentSettings().baseUrl);
    }),
  );
}
