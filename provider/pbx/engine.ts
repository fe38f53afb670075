/**
 * The PSeriesCloudPbx provider logic: check, diff, create, update, read and delete against the Partner API.
 *
 * Loaded with `require()` from inside the serialized provider methods (see provider.ts), so nothing here is
 * written into Pulumi state. Settings (credentials) live in this module, set by `configure()` in the provider
 * process, never on the provider object.
 */
import { PLANS, SERVICES, planNameOf, type PlanName } from "../api/catalog";
import type { PartnerApi } from "../api/partner-api";
import type { OrderResult, ProductDetail, ProductInfo } from "../api/schemas";
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

const priceCache = new Map<string, Promise<string>>();

/** A price estimate for preview; identical configurations share one price call per process. */
async function estimatePrice(api: PartnerApi, inputs: CheckedInputs & { resolved: Resolved }): Promise<string> {
  const order = purchaseOrder(inputs);
  const key = JSON.stringify([order.serviceList]);
  let pending = priceCache.get(key);
  if (!pending) {
    pending = api
      .calculatePrice({
        productId: order.productId,
        operationType: "purchase_plan",
        serviceList: order.serviceList.map((s) => ({
          serviceType: s.serviceType,
          pricingId: s.serviceId,
          quantity: s.quantity,
          billingCycle: s.billingCycle,
          ...(s.connectionPlanId ? { connectionPlanId: s.connectionPlanId } : {}),
        })),
      })
      .then(
        (q) => `${q.currencyCode} ${q.totalAmount} per ${inputs.billingCycle === "annually" ? "year" : "month"}`,
        () => "unavailable (the price API did not answer)",
      );
    priceCache.set(key, pending);
  }
  return pending;
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
    return { inputs: { ...news, resolved, ...(olds.priceEstimate ? { priceEstimate: olds.priceEstimate } : {}) } };
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
  if (!olds && !resolved.adoptProductNo) checked.priceEstimate = await estimatePrice(api, checked);
  // Plain `pulumi preview` shows no input values: say what would be bought and its price as a diagnostic line.
  if (dryRun && checked.priceEstimate)
    deps.report.info(`would buy ${describePurchase(checked)}; price estimate ${checked.priceEstimate}`);
  return { inputs: { ...checked } };
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

function productFacts(p: ProductInfo | ProductDetail) {
  const services = new Map(p.services.map((s) => [s.serviceId, s.quantity]));
  const pending = "currentPlan" in p && p.currentPlan ? (p.currentPlan as string) : "";
  return {
    extensions: p.extensions,
    plan: planNameOf(p.planId),
    pendingPlan: (pending in PLANS ? pending : planNameOf(pending)) as PlanName | undefined,
    highAvailability: (services.get(SERVICES.highAvailability) ?? 0) > 0,
    recordingMinutes: services.get(SERVICES.recordingMinutes) ?? 0,
  };
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
  const facts = productFacts(product);
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
      if (!product || !orderVisibleIn(order, news, productFacts(product))) {
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
  const facts = productFacts(product);
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
