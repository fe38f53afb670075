/**
 * The PSeriesCloudPbx provider logic: check, diff, create, update, read and delete against the Partner API.
 *
 * Loaded with `require()` from inside the serialized provider methods (see provider.ts), so nothing here is
 * written into Pulumi state. Settings (credentials) live in this module, set by `configure()` in the provider
 * process, never on the provider object.
 */
import { PLANS } from "../api/catalog";
import type { PartnerApi } from "../api/partner-api";
import type { OrderResult, ProductInfo } from "../api/schemas";
import {
  isUnknown,
  show,
  validateInputs,
  DRY_RUN_KEY,
  INPUT_KEYS,
  UNKNOWN,
  type CheckFailure,
  type PbxInputs,
} from "./inputs";
import {
  changedInputFields,
  describePurchase,
  followUpOrders,
  orderVisibleIn,
  purchaseOrder,
  replacementFields,
  transitionFailures,
  type CheckedInputs,
  type OrderRecord,
  type PbxState,
  type Resolved,
} from "./plan";
import { pendingOrdersOf, portalView, readProduct } from "./portal";
import { adoptionView, planLine, viewOf, viewsOf, type PlannedOrderView } from "./quotes";
import { portalFacts, reconcile } from "./reconcile";
import { resolveApi, type Reporter } from "./settings";

export interface CheckResult {
  inputs?: Record<string, unknown>;
  failures?: CheckFailure[];
}

export interface Deps {
  api: () => PartnerApi;
  report: Reporter;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function defaultDeps(): Deps {
  const { report } = require("./settings") as typeof import("./settings");
  return { api: resolveApi, report: report(), sleep: realSleep, now: () => Date.now() };
}

/** Drops undefined values: the engine's protobuf Struct cannot carry them. */
function clean<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function hasUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(hasUnknown);
  if (value && typeof value === "object") return Object.values(value).some(hasUnknown);
  return false;
}

function pick(obj: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

/** Old inputs as stored in state (older states may lack `resolved`). */
function asOld(olds: Record<string, unknown>): CheckedInputs | undefined {
  if (!olds || olds.pbxName === undefined) return undefined;
  return olds as unknown as CheckedInputs;
}

// ---------------------------------------------------------------------------------------------- check

async function resolve(
  api: PartnerApi,
  inputs: PbxInputs,
  failures: CheckFailure[],
): Promise<Omit<Resolved, "adoptProductNo"> | undefined> {
  const regions = await api.listRegions();
  const wanted = inputs.region.trim().toLowerCase();
  const region = regions.find((r) => r.id === inputs.region.trim() || r.name.toLowerCase() === wanted);
  let resolvedRegion: Pick<Resolved, "regionId" | "regionName" | "pbxSubDomainId" | "domainSuffix"> | undefined;
  if (!region) {
    failures.push({
      property: "region",
      reason: `region is ${show(inputs.region)}; expected one of ${regions.map((r) => `"${r.name}" (id ${r.id})`).join(", ")}`,
    });
  } else {
    const groups = region.region.flatMap((g) => g.pbxSubDomain.map((suffix) => ({ id: g.pbxSubDomainId, suffix })));
    const group = inputs.domain ? groups.find((g) => g.suffix === inputs.domain) : groups[0];
    if (!group) {
      failures.push({
        property: "domain",
        reason: `domain is ${show(inputs.domain)}; region "${region.name}" offers ${
          groups.map((g) => `"${g.suffix}"`).join(", ") || "no domain suffix"
        }`,
      });
    } else {
      resolvedRegion = {
        regionId: region.id,
        regionName: region.name,
        pbxSubDomainId: group.id,
        domainSuffix: group.suffix,
      };
    }
  }

  const contacts = await api.listBillingContacts();
  const contactKey = inputs.billingContact.trim().toLowerCase();
  const contact = contacts.find(
    (c) => c.billingContactId === inputs.billingContact.trim() || c.emailAddress.toLowerCase() === contactKey,
  );
  if (!contact) {
    failures.push({
      property: "billingContact",
      reason: `billingContact is ${show(inputs.billingContact)}; expected the id or email of one of the billing contacts in the Partner Portal: ${contacts
        .map((c) => `${c.emailAddress} (${c.billingContactId})`)
        .join(", ")}`,
    });
  }

  let assignId = "";
  if (inputs.owner) {
    const users = await api.listSubordinateUsers();
    const key = inputs.owner.trim().toLowerCase();
    const user = users.find((u) => u.partnerId === inputs.owner!.trim() || (u.email ?? "").toLowerCase() === key);
    if (!user) {
      failures.push({
        property: "owner",
        reason: `owner is ${show(inputs.owner)}; expected the partner id or email of one of your subordinate users (${users.length} found)`,
      });
    } else {
      assignId = user.partnerId;
    }
  }
  if (!resolvedRegion || !contact || failures.length > 0) return undefined;
  return {
    ...resolvedRegion,
    pbxUrl: `${inputs.subdomain}.${resolvedRegion.domainSuffix}`,
    planId: PLANS[inputs.plan],
    billingContactId: contact.billingContactId,
    assignId,
  };
}

/**
 * Whether this provider process serves a preview. The engine calls check before diff for every resource in a
 * preview or an update, and one process serves only one of them, so check's dry-run flag tells diff which one it
 * is in. A refresh calls diff without check: it stays false there, and diff reads nothing.
 */
let previewing = false;

/** The price of buying this PBX, as the preview shows it; identical configurations share one quote per process. */
async function purchaseView(
  api: PartnerApi,
  inputs: CheckedInputs & { resolved: Resolved },
): Promise<PlannedOrderView> {
  return viewOf(api, "purchase_plan", "new PBX", describePurchase(inputs), purchaseOrder(inputs));
}

/** The state as the old inputs describe it: enough to plan follow-up orders in check, where state is not at hand. */
function stateOfInputs(olds: CheckedInputs & { resolved: Resolved }, productNo: string): PbxState {
  return {
    ...olds,
    productNo,
    pbxUrl: olds.resolved.pbxUrl,
    planId: olds.resolved.planId,
    orders: [],
  } as unknown as PbxState;
}

/**
 * In a preview of a change that needs follow-up orders: read the PBX as `update` will (pending orders counted),
 * and list the orders `update` will place, priced. What the portal already has is not listed; a PBX with more
 * than the program asks for fails the check, naming the field.
 */
async function previewFollowUps(
  api: PartnerApi,
  olds: CheckedInputs & { resolved: Resolved },
  next: CheckedInputs & { resolved: Resolved },
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
  const { facts, pending } = await portalView(api, found.productNo, url);
  const reconciled = reconcile(stateOfInputs(olds, found.productNo), next, facts, pending.length);
  if (reconciled.failures.length > 0) return { failures: reconciled.failures, views: [] };
  for (const note of reconciled.notes) deps.report.warn(note);
  return { failures: [], views: await viewsOf(api, followUpOrders(reconciled.base, next)) };
}

async function checkImpl(
  rawOlds: Record<string, unknown>,
  rawNews: Record<string, unknown>,
  deps: Deps = defaultDeps(),
): Promise<CheckResult> {
  // Only an update says it is not a preview; without the flag (older programs, direct calls) check looks up as
  // in a preview, the safe side.
  const { [DRY_RUN_KEY]: dryRunFlag, ...withoutFlag } = rawNews;
  const dryRun = dryRunFlag !== false;
  previewing = dryRun;
  const validated = validateInputs(withoutFlag);
  if (!validated.inputs) return { failures: validated.failures };
  const news = validated.inputs as CheckedInputs;
  const olds = asOld(rawOlds);
  const failures: CheckFailure[] = olds ? transitionFailures(olds, news) : [];
  if (failures.length > 0) return { failures };
  if (hasUnknown(news)) {
    // Preview with values not known yet: validate what is known, resolve nothing.
    return { inputs: { ...news } };
  }

  // Unchanged identity and contacts: reuse what an earlier check resolved, so a no-change preview calls nothing.
  const identityKeys = ["pbxName", "subdomain", "domain", "region", "billingContact", "owner", "plan"] as const;
  if (olds?.resolved && identityKeys.every((k) => (olds[k] ?? null) === (news[k] ?? null))) {
    const { adoptProductNo: _drop, ...resolved } = olds.resolved;
    return existingPbx(olds as CheckedInputs & { resolved: Resolved }, { ...news, resolved }, dryRun, deps);
  }

  const api = deps.api();
  const resolvedBase = await resolve(api, news as PbxInputs, failures);
  if (!resolvedBase) return { failures };
  const resolved: Resolved = { ...resolvedBase };
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
  const checked: CheckedInputs & { resolved: Resolved } = { ...news, resolved };
  if (olds?.resolved && !urlChanged) {
    return existingPbx(olds as CheckedInputs & { resolved: Resolved }, checked, dryRun, deps);
  }
  // A new PBX (or, with allowRepurchase, a second one for a new URL): one purchase, or an adoption.
  if (resolved.adoptProductNo) {
    const views = [adoptionView(resolved.pbxUrl, resolved.adoptProductNo)];
    if (dryRun) deps.report.info(planLine(resolved.pbxUrl, views));
    return { inputs: { ...checked, ...(dryRun ? { plannedOrders: views } : {}) } };
  }
  const view = await purchaseView(api, checked);
  checked.priceEstimate = view.price;
  if (!dryRun) return { inputs: { ...checked } };
  deps.report.info(planLine(resolved.pbxUrl, [view]));
  return { inputs: { ...checked, plannedOrders: [view] } };
}

/**
 * Check of a PBX that exists, once its identity is resolved. No follow-up order: nothing to read (a no-change
 * preview calls nothing). Otherwise, in a preview, the orders `update` will place, from the portal; in an update,
 * `update` reads the portal itself right before ordering.
 */
async function existingPbx(
  olds: CheckedInputs & { resolved: Resolved },
  next: CheckedInputs & { resolved: Resolved },
  dryRun: boolean,
  deps: Deps,
): Promise<CheckResult> {
  const byInputs = followUpOrders(stateOfInputs(olds, ""), next);
  if (byInputs.length === 0) {
    return { inputs: { ...next, ...(olds.priceEstimate ? { priceEstimate: olds.priceEstimate } : {}) } };
  }
  // The old purchase price is not the price of this change: it is not carried, so no stale figure is shown.
  if (!dryRun) return { inputs: { ...next } };
  const { failures, views } = await previewFollowUps(deps.api(), olds, next, deps);
  if (failures.length > 0) return { failures };
  deps.report.info(
    views.length > 0
      ? planLine(olds.resolved.pbxUrl, views)
      : `PBX ${olds.resolved.pbxUrl}: the PBX already has what the program asks for; \`pulumi up\` will record it and place no order`,
  );
  return { inputs: { ...next, plannedOrders: views } };
}

// ----------------------------------------------------------------------------------------------- diff

export interface DiffResult {
  changes: boolean;
  replaces?: string[];
  deleteBeforeReplace?: boolean;
}

export function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): DiffResult {
  const state = olds as unknown as PbxState;
  const next = news as unknown as CheckedInputs;
  if (state.orderStatus === "pending") return { changes: true }; // resume an order that was still pending
  const replaces = replacementFields(state, next);
  if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: true };
  const fields = changedInputFields(state as never, next as never, INPUT_KEYS);
  const providerChanged = olds.__provider !== news.__provider && news.__provider !== UNKNOWN;
  return { changes: fields.length > 0 || providerChanged };
}

/** The provider's diff: `diff`, and in a preview the portal check of `previewReconcile`. */
export async function diffWithPortal(
  id: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  deps: Deps = defaultDeps(),
): Promise<DiffResult> {
  const result = diff(id, olds, news);
  if (
    result.changes &&
    !result.replaces &&
    previewing &&
    (olds as { orderStatus?: string }).orderStatus !== "pending"
  ) {
    await previewReconcile(olds as unknown as PbxState, news as unknown as CheckedInputs, deps);
  }
  return result;
}

/**
 * In a preview, fails a change that `up` would refuse against the state: the state holds what the PBX has (bought,
 * adopted or refreshed), which the old inputs check compared with may not. No API call; check has already read
 * the portal for a change that needs orders.
 */
async function previewReconcile(state: PbxState, next: CheckedInputs, _deps: Deps): Promise<void> {
  const failures = transitionFailures(state, next).filter((f) => ORDER_FIELDS.has(f.property));
  if (failures.length > 0) throw new Error(failures.map((f) => f.reason).join("; "));
}

const ORDER_FIELDS = new Set(["extensions", "highAvailability", "recordingMinutes", "billingCycle", "plan"]);

// ------------------------------------------------------------------------------------ create / update

class PartialError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Record<string, unknown>,
    readonly reasons: string[],
  ) {
    super(message);
    // The engine shows the reasons of a partially created resource, not the message: make them the message.
    this.reasons = [message];
  }
}

function stateFrom(
  inputs: CheckedInputs & { resolved: Resolved },
  order: Pick<OrderResult, "instanceId" | "orderNo" | "orderStatus" | "productNo" | "transactionNo">,
  extra: Partial<PbxState>,
): PbxState {
  const { adoptProductNo: _drop, ...resolved } = inputs.resolved;
  return {
    ...(pick(inputs as never, INPUT_KEYS) as unknown as PbxInputs),
    resolved,
    ...(inputs.priceEstimate ? { priceEstimate: inputs.priceEstimate } : {}),
    instanceId: order.instanceId,
    orderNo: order.orderNo,
    orderStatus: order.orderStatus,
    productNo: order.productNo,
    transactionNo: order.transactionNo,
    pbxUrl: resolved.pbxUrl,
    regionId: resolved.regionId,
    regionName: resolved.regionName,
    domainSuffix: resolved.domainSuffix,
    pbxSubDomainId: resolved.pbxSubDomainId,
    planId: resolved.planId,
    billingContactId: resolved.billingContactId,
    assignId: resolved.assignId,
    expireDate: "",
    status: order.orderStatus === "succeed" ? "active" : order.orderStatus,
    adopted: false,
    orders: [],
    ...extra,
  };
}

function adoptedState(inputs: CheckedInputs & { resolved: Resolved }, product: ProductInfo, why: string): PbxState {
  const facts = portalFacts(product);
  return stateFrom(
    inputs,
    {
      instanceId: product.instanceId,
      orderNo: "",
      orderStatus: product.status === "pending" ? "pending" : "succeed",
      productNo: product.productNo,
      transactionNo: "",
    },
    {
      adopted: true,
      // Record what exists, not what was asked: the next `up` orders any difference.
      extensions: facts.extensions,
      plan: facts.plan ?? inputs.plan,
      planId: product.planId,
      highAvailability: facts.highAvailability,
      recordingMinutes: facts.recordingMinutes,
      billingCycle: (product.billingCycle as PbxState["billingCycle"]) ?? inputs.billingCycle,
      expireDate: product.expireDate,
      status: product.status,
      orders: [{ orderNo: "", operationType: "adopted", orderStatus: product.status, summary: why }],
    },
  );
}

/** Polls an order until it succeeds or fails, or the deadline passes. Returns the last status. */
async function waitForOrder(api: PartnerApi, deps: Deps, orderNo: string, deadline: number): Promise<string> {
  let delay = 500;
  for (;;) {
    const detail = await api.getOrder(orderNo);
    const status = detail.orderInformation.orderStatus;
    if (status !== "pending") return status;
    if (deps.now() + delay > deadline) return status;
    await deps.sleep(delay);
    delay = Math.min(delay * 2, 10_000);
  }
}

function failedOrderMessage(what: string, orderNo: string, status: string, productNo?: string) {
  return `${what}: order ${orderNo}${productNo ? ` (serial ${productNo})` : ""} ended with status "${status}"; the Partner Portal did not complete it, so nothing new is active. Check the order in the Partner Portal before running \`pulumi up\` again.`;
}

function asResolvedInputs(raw: Record<string, unknown>): CheckedInputs & { resolved: Resolved } {
  const inputs = raw as unknown as CheckedInputs;
  if (!inputs.resolved) {
    throw new Error("internal error: inputs were not resolved by check; run `pulumi up` again");
  }
  return inputs as CheckedInputs & { resolved: Resolved };
}

async function createImpl(
  raw: Record<string, unknown>,
  deps: Deps = defaultDeps(),
): Promise<{ id: string; outs: PbxState }> {
  const inputs = asResolvedInputs(raw);
  const api = deps.api();
  const url = inputs.resolved.pbxUrl;

  // Exactly once: never buy a URL that already has a PBX of ours (an earlier run may have bought it).
  if (await api.isPbxUrlTaken(url)) {
    const ours = await api.findProductByUrl(url);
    if (!ours) {
      throw new Error(
        `create PBX ${url}: the URL is taken by another Yeastar customer; nothing was bought. Choose another subdomain.`,
      );
    }
    deps.report.warn(
      `PBX ${url} already exists in your Partner Portal account (serial ${ours.productNo}); adopting it instead of buying a second one.`,
    );
    const state = adoptedState(inputs, ours, `adopted existing PBX ${ours.productNo} found by URL before buying`);
    return { id: ours.instanceId, outs: state };
  }

  const request = purchaseOrder(inputs);
  deps.report.info(`placing order: ${describePurchase(inputs)}`);
  let result: OrderResult;
  try {
    result = await api.createOrder(request);
  } catch (err) {
    const e = err as Error & { ambiguous?: boolean };
    if (!e.ambiguous) {
      throw new Error(`create PBX ${url}: the order was rejected, nothing was bought. ${e.message}`);
    }
    // The order may have been stored before the reply was lost: look for the PBX before anything else.
    const found = await findAfterAmbiguous(api, deps, url);
    if (found) {
      deps.report.warn(
        `create PBX ${url}: the order reply was lost (${e.message}), but the PBX exists (serial ${found.productNo}); recorded it, no second order placed.`,
      );
      const state = adoptedState(inputs, found, `order reply lost; PBX ${found.productNo} found by URL`);
      return { id: found.instanceId, outs: state };
    }
    throw new Error(
      `create PBX ${url}: the order's outcome is unknown (${e.message}) and no PBX with this URL exists in your account, so it was most likely not placed. Nothing was retried. Check the Partner Portal's order list, then run \`pulumi up\` again (it will adopt the PBX if it appears).`,
    );
  }

  const record: OrderRecord = {
    orderNo: result.orderNo,
    operationType: "purchase_plan",
    orderStatus: result.orderStatus,
    summary: describePurchase(inputs),
  };
  let state = stateFrom(inputs, result, { orders: [record] });
  if (result.orderStatus === "pending") {
    const deadline = deps.now() + inputs.orderTimeoutSeconds * 1000;
    const status = await waitForOrder(api, deps, result.orderNo, deadline);
    record.orderStatus = status;
    state = { ...state, orderStatus: status, status: status === "succeed" ? "active" : status };
    if (status === "pending") {
      throw new PartialError(
        `create PBX ${url}: order ${result.orderNo} is still pending after ${inputs.orderTimeoutSeconds}s. The PBX (instance ${result.instanceId}, serial ${result.productNo}) is recorded in state; run \`pulumi up\` again to wait for it. No second order will be placed.`,
        result.instanceId,
        state as never,
        [`order ${result.orderNo} pending`],
      );
    }
  }
  if (state.orderStatus !== "succeed") {
    throw new Error(failedOrderMessage(`create PBX ${url}`, result.orderNo, state.orderStatus, result.productNo));
  }
  return { id: result.instanceId, outs: state };
}

async function findAfterAmbiguous(api: PartnerApi, deps: Deps, url: string): Promise<ProductInfo | undefined> {
  // A committed order may take a moment to show up; look a few times before concluding it was not placed.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const found = await api.findProductByUrl(url);
      if (found) return found;
    } catch (lookupErr) {
      if (attempt === 2) throw lookupErr;
    }
    await deps.sleep(1000 * (attempt + 1));
  }
  return undefined;
}

async function updateImpl(
  id: string,
  olds: Record<string, unknown>,
  rawNews: Record<string, unknown>,
  deps: Deps = defaultDeps(),
): Promise<{ outs: PbxState }> {
  const api = deps.api();
  let state = { ...(olds as unknown as PbxState), orders: [...((olds.orders as OrderRecord[]) ?? [])] };
  const news = asResolvedInputs(rawNews);
  const deadline = () => deps.now() + news.orderTimeoutSeconds * 1000;

  // An order still pending from an earlier run: wait for it before anything else.
  if (state.orderStatus === "pending" && state.orderNo) {
    const status = await waitForOrder(api, deps, state.orderNo, deadline());
    state = { ...state, orderStatus: status, status: status === "succeed" ? "active" : status };
    state.orders = state.orders.map((o) => (o.orderNo === state.orderNo ? { ...o, orderStatus: status } : o));
    if (status === "pending") {
      throw new PartialError(
        `PBX ${state.pbxUrl}: order ${state.orderNo} is still pending; run \`pulumi up\` again later. No new order was placed.`,
        id,
        state as never,
        [`order ${state.orderNo} pending`],
      );
    }
    if (status !== "succeed") throw new Error(failedOrderMessage(`PBX ${state.pbxUrl}`, state.orderNo, status));
  }

  const failures = transitionFailures(state, news);
  if (failures.length > 0) throw new Error(failures.map((f) => f.reason).join("; "));

  // Never buy twice: the state may be behind the portal, so orders are planned from what the PBX has now.
  if (followUpOrders(state, news).length > 0) state = await reconcileWithPortal(api, deps, id, state, news, deadline());

  for (const order of followUpOrders(state, news)) {
    deps.report.info(`PBX ${state.pbxUrl} (serial ${state.productNo}): placing order: ${order.summary}`);
    let result: OrderResult | undefined;
    try {
      result = await api.createOrder(order.request);
    } catch (err) {
      const e = err as Error & { ambiguous?: boolean };
      const partial = (msg: string) => new PartialError(msg, id, state as never, [msg]);
      if (!e.ambiguous) {
        throw partial(
          `PBX ${state.pbxUrl}: order for ${order.summary} was rejected; nothing was bought for it. ${e.message}`,
        );
      }
      const product = await api.getProduct(state.productNo);
      if (!product || !orderVisibleIn(order, news, portalFacts(product))) {
        throw partial(
          `PBX ${state.pbxUrl}: the outcome of the order for ${order.summary} is unknown (${e.message}) and the PBX does not show it, so it was most likely not placed. Nothing was retried. Check the Partner Portal, run \`pulumi refresh\`, then \`pulumi up\`.`,
        );
      }
      deps.report.warn(
        `PBX ${state.pbxUrl}: the order reply was lost, but the PBX shows ${order.summary}; recorded it.`,
      );
    }
    let status = result?.orderStatus ?? "succeed";
    if (result && status === "pending") status = await waitForOrder(api, deps, result.orderNo, deadline());
    state.orders = [
      ...state.orders,
      {
        orderNo: result?.orderNo ?? "",
        operationType: order.request.operationType,
        orderStatus: status,
        summary: order.summary,
      },
    ];
    if (status === "failed" || status === "invalid" || status === "cancelled") {
      throw new PartialError(
        failedOrderMessage(`PBX ${state.pbxUrl}`, result?.orderNo ?? "", status),
        id,
        state as never,
        [],
      );
    }
    // Record the effect so a later failure keeps what was already bought.
    state = applyOrder(state, order.field, news);
    if (status === "pending") {
      throw new PartialError(
        `PBX ${state.pbxUrl}: order ${result?.orderNo} for ${order.summary} is still pending; it is recorded in state, run \`pulumi up\` again later.`,
        id,
        { ...state, orderStatus: "pending", orderNo: result?.orderNo ?? state.orderNo } as never,
        [],
      );
    }
  }

  // Everything else (contact, PO number, owner, provider code) needs no order: just record the new inputs.
  const { adoptProductNo: _drop, ...resolved } = news.resolved;
  const outs: PbxState = {
    ...state,
    ...(pick(news as never, INPUT_KEYS) as unknown as PbxInputs),
    resolved,
    billingContactId: resolved.billingContactId,
    assignId: resolved.assignId,
    planId: PLANS[news.plan],
  };
  return { outs };
}

/**
 * Waits for the PBX's orders that the portal still lists as pending (an earlier run may have placed them and lost
 * track), then reads the PBX and reconciles the state with it. Throws, ordering nothing, when the read fails, an
 * earlier order is still pending or did not complete, or the PBX has more than the program asks for.
 */
async function reconcileWithPortal(
  api: PartnerApi,
  deps: Deps,
  id: string,
  state: PbxState,
  news: CheckedInputs & { resolved: Resolved },
  deadline: number,
): Promise<PbxState> {
  const where = `PBX ${state.pbxUrl} (serial ${state.productNo})`;
  const nothing = "nothing new was ordered and the stack's state is unchanged";
  let earlier;
  try {
    earlier = await pendingOrdersOf(api, state.productNo);
  } catch (err) {
    throw new Error(
      `${where}: could not read its pending orders from the Partner Portal (${(err as Error).message}); ${nothing}.`,
    );
  }
  for (const pending of earlier) {
    deps.report.info(`${where}: order ${pending.orderNo} placed earlier is pending; waiting for it before ordering`);
    const status = await waitForOrder(api, deps, pending.orderNo, deadline);
    if (status === "pending") {
      const recorded: PbxState = {
        ...state,
        orderStatus: "pending",
        orderNo: pending.orderNo,
        orders: [
          ...state.orders,
          {
            orderNo: pending.orderNo,
            operationType: pending.operationType,
            orderStatus: "pending",
            summary: "placed earlier, found pending in the Partner Portal",
          },
        ],
      };
      const msg = `${where}: order ${pending.orderNo}, placed earlier, is still pending in the Partner Portal; nothing new was ordered. It is recorded in state: run \`pulumi up\` again later to wait for it; it will not be repeated.`;
      throw new PartialError(msg, id, recorded as never, [msg]);
    }
    if (status !== "succeed") {
      throw new Error(
        `${where}: order ${pending.orderNo}, placed earlier, ended with status "${status}"; ${nothing}. Check the order in the Partner Portal, then run \`pulumi up\` again.`,
      );
    }
  }
  let product;
  try {
    product = await readProduct(api, state.productNo, state.pbxUrl);
  } catch (err) {
    throw new Error(`${(err as Error).message}; ${nothing}.`);
  }
  const reconciled = reconcile(state, news, portalFacts(product));
  if (reconciled.failures.length > 0) throw new Error(reconciled.failures.map((f) => f.reason).join("; "));
  for (const note of reconciled.notes) deps.report.warn(note);
  return { ...reconciled.base, orders: [...state.orders] };
}

function applyOrder(state: PbxState, field: string, news: CheckedInputs): PbxState {
  switch (field) {
    case "extensions":
      return { ...state, extensions: news.extensions };
    case "highAvailability":
      return { ...state, highAvailability: true };
    case "recordingMinutes":
      return { ...state, recordingMinutes: news.recordingMinutes };
    case "plan":
      return { ...state, plan: news.plan, planId: PLANS[news.plan] };
    default:
      return state;
  }
}

// ------------------------------------------------------------------------------------------ read / delete

async function readImpl(
  id: string,
  props: Record<string, unknown>,
  deps: Deps = defaultDeps(),
): Promise<{ id?: string; props?: Record<string, unknown>; inputs?: Record<string, unknown> }> {
  const state = props as unknown as PbxState;
  if (!state.productNo) return { id, props };
  const product = await deps.api().getProduct(state.productNo);
  if (!product) {
    deps.report.warn(
      `PBX ${state.pbxUrl} (serial ${state.productNo}) no longer exists in your Partner Portal account; removing it from the stack.`,
    );
    return {};
  }
  const facts = portalFacts(product);
  const plan = facts.pendingPlan ?? facts.plan ?? state.plan;
  const next: PbxState = {
    ...state,
    extensions: facts.extensions,
    plan,
    planId: PLANS[plan],
    highAvailability: facts.highAvailability,
    recordingMinutes: facts.recordingMinutes,
    billingCycle: (product.billingCycle as PbxState["billingCycle"]) || state.billingCycle,
    pbxName: product.pbxName || state.pbxName,
    expireDate: product.expireDate,
    status: product.status,
  };
  const inputs = pick(next as never, [...INPUT_KEYS, "resolved", "priceEstimate"]);
  return { id, props: next as never, inputs };
}

export function deleteMessage(props: Record<string, unknown>): string {
  const s = props as unknown as PbxState;
  return (
    `PBX ${s.pbxUrl || "(unknown URL)"} (serial ${s.productNo || "unknown"}, instance ${s.instanceId || "unknown"}) was removed from this stack but NOT cancelled: ` +
    `the Yeastar Partner API has no way to cancel or delete a subscription, so it stays billed until it expires` +
    `${s.expireDate ? ` (${s.expireDate})` : ""}. To stop paying, turn off auto-renew for serial ${s.productNo || "?"} in the Partner Portal.`
  );
}

export async function remove(_id: string, props: Record<string, unknown>, deps: Deps = defaultDeps()): Promise<void> {
  // No API call: nothing exists that could cancel the subscription, and nothing here may change it.
  deps.report.warn(deleteMessage(props));
}

export { UNKNOWN };

export { configure } from "./settings";

export async function check(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  deps: Deps = defaultDeps(),
): Promise<CheckResult> {
  return clean(await checkImpl(olds, news, deps));
}

export async function create(raw: Record<string, unknown>, deps: Deps = defaultDeps()) {
  try {
    return clean(await createImpl(raw, deps));
  } catch (err) {
    if (err instanceof PartialError) (err as { properties: unknown }).properties = clean(err.properties);
    throw err;
  }
}

export async function update(
  id: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  deps: Deps = defaultDeps(),
) {
  try {
    return clean(await updateImpl(id, olds, news, deps));
  } catch (err) {
    if (err instanceof PartialError) (err as { properties: unknown }).properties = clean(err.properties);
    throw err;
  }
}

export async function read(id: string, props: Record<string, unknown>, deps: Deps = defaultDeps()) {
  return clean(await readImpl(id, props, deps));
}
