/**
 * `check`: validates the inputs, resolves names to the portal's ids, and in a preview of the dynamic resource says
 * what `up` will buy (docs/architecture.md, "Data path of one purchase" and "Preview: planned orders"; the native
 * plugin plans in the preview's create and update instead, preview.ts). Reads only.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { PartnerApi } from "../api/partner-api";
import type { Deps } from "../runtime/deps";
import { isUnknown, DRY_RUN_KEY } from "../api/inputs";
import { show } from "../runtime/field-failures";
import { validateInputs } from "./validate-inputs";
import { followUpOrders, transitionFailures } from "./order-plan";
import type { CheckedInputs, PbxState, Resolved } from "../api/contract";
import { followUpLine, newPbxViews, plannedFollowUps } from "./preview";
import { firstTermEnd, renewalFailures, renewalPlanFailures } from "./renewal";
import { trialFailures } from "./trial";
import { isoDate } from "../api/terms";
import { adoptionView, PENDING_CUSTOMER, planLine } from "./quotes";
import type { PlannedOrderView } from "../api/contract";
import { resolve, urlChangeFailure } from "./resolve";
import { allKnown, isResolved, oldInputsOf, type ResolvedInputs } from "./state";

type CheckFailure = pulumi.dynamic.CheckFailure;
export type CheckResult = pulumi.dynamic.CheckResult<Record<string, unknown>>;

/** Marks inputs whose owner is not known yet (a Customer this run creates); never returned to the engine. */
const PENDING_OWNER = Symbol("pendingOwner");

/** The customer a preview line names: the owner as written, or one the run creates. */
function customerOf(inputs: CheckedInputs): string | undefined {
  if ((inputs as unknown as Record<symbol, unknown>)[PENDING_OWNER]) return PENDING_CUSTOMER;
  return inputs.owner || undefined;
}

/**
 * Whether this provider process serves a preview. The engine calls check before diff for every resource in a
 * preview or an update, and one process serves only one of them, so check's dry-run flag tells diff which one it
 * is in. A refresh calls diff without check: it stays false there, and diff reads nothing.
 */
let previewing = false;

export function isPreviewing(): boolean {
  return previewing;
}

/** The state as the old inputs describe it: enough to plan follow-up orders in check, where state is not at hand. */
function stateOfInputs(olds: ResolvedInputs, productNo: string): PbxState {
  const r = olds.resolved;
  return {
    ...olds,
    resolved: r,
    instanceId: "",
    orderNo: "",
    orderStatus: "succeed",
    productNo,
    transactionNo: "",
    pbxUrl: r.pbxUrl,
    regionId: r.regionId,
    regionName: r.regionName,
    domainSuffix: r.domainSuffix,
    pbxSubDomainId: r.pbxSubDomainId,
    planId: r.planId,
    billingContactId: r.billingContactId,
    assignId: r.assignId,
    expireDate: "",
    status: "active",
    adopted: false,
    orders: [],
  } satisfies PbxState;
}

/**
 * In a preview of a change that needs follow-up orders: find the PBX by its URL (check has no state at hand) and
 * list the orders `update` will place, priced (preview.ts).
 */
async function previewFollowUps(
  api: PartnerApi,
  olds: ResolvedInputs,
  next: ResolvedInputs,
  deps: Deps,
): Promise<{ failures: CheckFailure[]; views: PlannedOrderView[] }> {
  const url = olds.resolved.pbxUrl;
  const found = await api.findProductByUrl(url);
  if (!found) {
    return {
      failures: [
        {
          property: "subdomain",
          reason: `PBX ${url} is not in your Partner Portal account, so no order can be planned for it; run \`pulumi refresh\``,
        },
      ],
      views: [],
    };
  }
  return plannedFollowUps(api, stateOfInputs(olds, found.productNo), next, deps);
}

/**
 * Where a preview's plan is made. `"check"` (the dynamic resource): check plans when the inputs' `DRY_RUN_KEY`
 * says it serves a preview (or does not say). `"preview-methods"` (the native plugin): the engine calls create
 * and update with `preview: true` (preview.ts), so check only validates and resolves, in a preview as in an update,
 * and the stored inputs carry no `plannedOrders`.
 */
export type PlanIn = "check" | "preview-methods";

export async function checkImpl(
  rawOlds: Record<string, unknown>,
  rawNews: Record<string, unknown>,
  deps: Deps,
  planIn: PlanIn = "check",
): Promise<CheckResult> {
  // Only an update says it is not a preview; without the flag (older programs, direct calls) check looks up as
  // in a preview, the safe side. Where the preview's create and update plan, check plans in neither.
  const { [DRY_RUN_KEY]: dryRunFlag, ...withoutFlag } = rawNews;
  const dryRun = planIn === "check" && dryRunFlag !== false;
  previewing = dryRun;
  const validated = validateInputs(withoutFlag);
  if (!validated.inputs) return { failures: validated.failures };
  const maybe = validated.inputs;
  const olds = oldInputsOf(rawOlds);
  const failures: CheckFailure[] = olds ? transitionFailures(olds, maybe) : [];
  if (!olds) failures.push(...trialFailures(undefined, maybe));
  if (!isUnknown(maybe.renewThrough))
    failures.push(...renewalFailures({ renewThrough: olds?.renewThrough }, maybe, isoDate(deps.now())));
  if (failures.length > 0) return { failures };
  // An owner not known yet (a Customer this run creates) changes no order: the preview still lists them.
  // (In the native plugin, check resolves it the same way and the preview's create lists the orders.)
  const ownerPending =
    (dryRun || planIn === "preview-methods") && isUnknown(maybe.owner) && allKnown({ ...maybe, owner: undefined });
  const known = ownerPending ? { ...maybe, owner: undefined } : maybe;
  if (!allKnown(known)) {
    // Preview with values not known yet: validate what is known, resolve nothing.
    return { inputs: { ...maybe } };
  }
  const news: CheckedInputs = known;
  if (ownerPending) {
    const result = await checkKnown(olds, { ...news, [PENDING_OWNER]: true } as CheckedInputs, dryRun, deps, failures);
    return result.inputs ? { inputs: { ...result.inputs, owner: maybe.owner } } : result;
  }
  return checkKnown(olds, news, dryRun, deps, failures);
}

async function checkKnown(
  olds: ReturnType<typeof oldInputsOf>,
  news: CheckedInputs,
  dryRun: boolean,
  deps: Deps,
  failures: CheckFailure[],
): Promise<CheckResult> {
  // Unchanged identity and contacts: reuse what an earlier check resolved, so a no-change preview calls nothing.
  const identityKeys = ["pbxName", "subdomain", "domain", "region", "billingContact", "owner", "plan"] as const;
  const changed = identityKeys.filter((k) => (olds?.[k] ?? null) !== (news[k] ?? null));
  if (isResolved(olds) && changed.length === 0) {
    const { adoptProductNo: _drop, ...resolved } = olds.resolved;
    return existingPbx(olds, { ...news, resolved }, dryRun, deps);
  }

  const api = deps.api();
  // An existing PBX keeps the domain suffix it was bought with when the program omits `domain` (resolve.ts).
  const existing = isResolved(olds) ? { resolved: olds.resolved, changed } : undefined;
  const resolvedBase = await resolve(api, news, failures, existing);
  if (!resolvedBase) return { failures };
  const resolved: Resolved = { ...resolvedBase };
  // Without allowRepurchase an existing PBX's URL never moves, however it came to resolve differently.
  const moved = isResolved(olds) ? urlChangeFailure(olds.resolved, resolved, news, olds.subdomain) : undefined;
  if (moved) return { failures: [moved] };
  const urlChanged = !olds?.resolved || olds.resolved.pbxUrl !== resolved.pbxUrl;
  // A new PBX in an update: the preview already showed whether its URL is free, and create looks it up again
  // right before it buys (and adopts the PBX if it is ours). Looking it up here as well would cost one round trip
  // per PBX in series, because the engine calls check for one resource at a time.
  const createLooksUp = !olds?.resolved && !dryRun;
  if (urlChanged && !createLooksUp) {
    if (await api.isPbxUrlTaken(resolved.pbxUrl)) {
      const ours = await api.findProductByUrl(resolved.pbxUrl);
      if (!ours) {
        return {
          failures: [
            {
              property: "subdomain",
              reason: `subdomain ${show(news.subdomain)} gives the PBX URL ${resolved.pbxUrl}, which is taken by another Yeastar customer; choose another subdomain`,
            },
          ],
        };
      }
      if (olds?.resolved) {
        return {
          failures: [
            {
              property: "subdomain",
              reason: `the new PBX URL ${resolved.pbxUrl} already belongs to your PBX ${ours.productNo}; choose a URL that is not in use`,
            },
          ],
        };
      }
      // Ours already (an earlier run bought it and lost track): create will adopt it instead of buying.
      resolved.adoptProductNo = ours.productNo;
    }
  }
  const checked: ResolvedInputs = { ...news, resolved };
  if (isResolved(olds) && !urlChanged) {
    return existingPbx(olds, checked, dryRun, deps);
  }
  // A new PBX (or, with allowRepurchase, a second one for a new URL): one purchase, or an adoption.
  if (resolved.adoptProductNo) {
    const views = [adoptionView(resolved.pbxUrl, resolved.adoptProductNo)];
    if (dryRun) deps.report.info(planLine(resolved.pbxUrl, views, customerOf(checked)));
    return { inputs: { ...checked, ...(dryRun ? { plannedOrders: views } : {}) } };
  }
  const renewalFailure = newPbxRenewalFailure(checked, isoDate(deps.now()));
  if (renewalFailure) return { failures: [renewalFailure] };
  const views = await newPbxViews(api, checked, isoDate(deps.now()));
  checked.priceEstimate = views[0].price;
  if (!dryRun) return { inputs: { ...checked } };
  deps.report.info(planLine(resolved.pbxUrl, views, customerOf(checked)));
  return { inputs: { ...checked, plannedOrders: views } };
}

/**
 * A new PBX's renewal date against the term its purchase buys (one cycle from today): one it already covers
 * orders nothing, so it fails as on an existing PBX; one too far out fails as there.
 */
function newPbxRenewalFailure(inputs: ResolvedInputs, today: string): CheckFailure | undefined {
  const through = inputs.renewThrough;
  if (!through) return undefined;
  const firstEnd = firstTermEnd(today, inputs.billingCycle);
  if (through <= firstEnd) {
    return {
      property: "renewThrough",
      reason: `renewThrough is ${through}, but buying the PBX today (billed ${inputs.billingCycle}) pays for it through ${firstEnd}, so it would order nothing; set a date after ${firstEnd}, or remove renewThrough`,
    };
  }
  const pbx = { ...inputs, planId: "", productNo: "", expireDate: firstEnd, pbxUrl: inputs.resolved.pbxUrl };
  return renewalPlanFailures(pbx, inputs, today)[0];
}

/**
 * Check of a PBX that exists, once its identity is resolved. No follow-up order: nothing to read (a no-change
 * preview calls nothing). Otherwise, in a preview, the orders `update` will place, from the portal; in an update,
 * `update` reads the portal itself right before ordering.
 */
async function existingPbx(
  olds: ResolvedInputs,
  next: ResolvedInputs,
  dryRun: boolean,
  deps: Deps,
): Promise<CheckResult> {
  // A declared renewal date is judged against the portal's expiry, which only a read tells (renewal.ts).
  const byInputs = followUpOrders(stateOfInputs(olds, ""), next, isoDate(deps.now()));
  const unchanged = { inputs: { ...next, ...(olds.priceEstimate ? { priceEstimate: olds.priceEstimate } : {}) } };
  if (byInputs.length === 0 && !(dryRun && next.renewThrough !== undefined)) return unchanged;
  // The old purchase price is not the price of this change: it is not carried, so no stale figure is shown.
  if (!dryRun) return { inputs: { ...next } };
  const planned = await previewFollowUps(deps.api(), olds, next, deps);
  // Read for the renewal date alone: only what it decides counts (the rest of the program did not change).
  const renewalOnly = byInputs.length === 0;
  const failures = planned.failures.filter((f) => !renewalOnly || f.property === "renewThrough");
  const views = planned.views.filter((v) => !renewalOnly || v.operation === "renew_plan");
  if (failures.length > 0) return { failures };
  if (views.length === 0 && renewalOnly) return unchanged;
  deps.report.info(followUpLine(olds.resolved.pbxUrl, views, customerOf(next)));
  return { inputs: { ...next, plannedOrders: views } };
}
