/**
 * The sandbox's state: products, orders, prices and tokens, with optional JSON persistence. Order outcomes are
 * computed lazily: `settle(now)` moves every order whose pending time has passed to its final status, and is
 * called before every read.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { PCE_PRODUCT_ID, PLANS, PLAN_RANK, SERVICES, planNameOf } from "../provider/api/catalog";
import { addCycle, addDays, isoDate } from "../provider/api/terms";

/** How long a trial lasts in the sandbox: the API does not say (docs/api-assumptions.md, "Trials"). */
export const TRIAL_DAYS = 30;
import { TokenStore, type TokenSnapshot } from "./auth";
import {
  new64BitId,
  newActivationCode,
  newInstanceId,
  newInvoiceNo,
  newOrderNo,
  newProductNo,
  newTransactionNo,
  unique,
} from "./ids";
import { storedUser, type StoredUser } from "./customers";
import type { OrderContext } from "./request-fields";
import type { ValidOrder } from "./orders";
import { PbxStore, type PbxSnapshot } from "./pbx-store";
import { lineAmount, sumAmounts } from "./pricing";
import { BILLING_CONTACTS, DEFAULT_PRICES, FOREIGN_URLS, REGIONS, SUBORDINATE_USERS, type SeedRegion } from "./seeds";
import type { Price, SandboxConfig, StoredOrder, StoredOrderItem, StoredProduct } from "./types";

interface PersistedState {
  version: 1;
  products: StoredProduct[];
  orders: StoredOrder[];
  prices: Record<string, Price>;
  tokens: TokenSnapshot;
  users?: StoredUser[];
  /** The PBXs' own APIs: extensions and tokens (absent in state files of earlier versions). */
  pbx?: PbxSnapshot;
}

function seededUsers(): StoredUser[] {
  return SUBORDINATE_USERS.map((u) => storedUser({ ...u }));
}

/** Applies a succeeded order on an existing PBX. Also used on a copy to project pending orders. */
function applyOrder(product: StoredProduct, order: StoredOrder): void {
  if (order.operationType === "purchase_service") {
    for (const item of order.serviceList) {
      if (item.serviceId === SERVICES.extensionExpansion) product.extensions += item.quantity;
      else {
        const existing = product.services.find((s) => s.serviceId === item.serviceId);
        if (existing) existing.quantity += item.quantity;
        else product.services.push({ serviceId: item.serviceId, quantity: item.quantity });
      }
    }
    // HA is charged per extension, so it follows the extension count.
    const ha = product.services.find((s) => s.serviceId === SERVICES.highAvailability);
    if (ha) ha.quantity = product.extensions;
  } else if (order.operationType === "renew_plan") {
    // One more term from the current expiry; a lapsed PBX's new term starts today (the order's day).
    const today = isoDate(order.createTime);
    const from = product.expireDate > today ? product.expireDate : today;
    product.expireDate = addCycle(from, product.billingCycle);
  } else if (order.operationType === "switchTrial_plan") {
    // The trial becomes the paid PBX the order describes; its first paid term starts on the order's day.
    const plan = order.serviceList.find((i) => i.serviceType === "plan");
    if (!plan) return;
    product.isTrial = false;
    product.planId = plan.serviceId;
    product.billingCycle = plan.billingCycle;
    product.extensions = plan.quantity;
    product.services = order.serviceList
      .filter((i) => i.serviceType === "service")
      .map((i) => ({ serviceId: i.serviceId, quantity: i.quantity }));
    product.expireDate = addCycle(isoDate(order.createTime), plan.billingCycle);
  } else if (order.operationType === "switch_plan") {
    const item = order.serviceList[0];
    const from = planNameOf(product.planId);
    const to = planNameOf(item.serviceId);
    if (!from || !to) return;
    if (PLAN_RANK[to] > PLAN_RANK[from]) product.planId = item.serviceId;
    else {
      // A downgrade waits for the end of the paid term; until then product detail shows it in currentPlan.
      product.currentPlan = to;
      product.currentPlanExpireDate = product.expireDate;
      product.switchBillingCycle = item.billingCycle;
    }
  }
}

export class Store {
  products: StoredProduct[] = [];
  orders: StoredOrder[] = [];
  /** Subordinate users: the seeded ones and those `save_user` created (sandbox/customers.ts). */
  users: StoredUser[] = seededUsers();
  prices: Record<string, Price> = structuredClone(DEFAULT_PRICES);
  /** The region list: the seeds until an admin changes it (not persisted; reset restores the seeds). */
  regions: SeedRegion[] = structuredClone([...REGIONS]);
  config: SandboxConfig;
  readonly tokens = new TokenStore();
  /** The PBXs' own APIs (sandbox/pbx-routes.ts). */
  readonly pbx = new PbxStore();

  constructor(
    private readonly initialConfig: SandboxConfig,
    private readonly stateFile?: string,
  ) {
    this.config = structuredClone(initialConfig);
  }

  load(): void {
    if (!this.stateFile || !existsSync(this.stateFile)) return;
    const text = readFileSync(this.stateFile, "utf8");
    let state: PersistedState;
    try {
      state = JSON.parse(text) as PersistedState;
    } catch (error) {
      throw new Error(`sandbox state file ${this.stateFile} is not valid JSON: ${(error as Error).message}`);
    }
    if (state.version !== 1) throw new Error(`sandbox state file ${this.stateFile} has an unknown version`);
    // States written before auto-renewal was served have no flag: off, as a new PBX starts.
    this.products = (state.products ?? []).map((p) => ({ ...p, autoRenew: p.autoRenew ?? false }));
    this.orders = state.orders ?? [];
    this.prices = { ...structuredClone(DEFAULT_PRICES), ...(state.prices ?? {}) };
    if (state.tokens) this.tokens.restore(state.tokens);
    this.users = state.users ?? seededUsers();
    if (state.pbx) this.pbx.restore(state.pbx);
  }

  /** Writes a temporary file and renames it, so a crash never leaves half a state file. */
  save(): void {
    if (!this.stateFile) return;
    const state: PersistedState = {
      version: 1,
      products: this.products,
      orders: this.orders,
      prices: this.prices,
      tokens: this.tokens.snapshot(),
      users: this.users,
      pbx: this.pbx.snapshot(),
    };
    const temporary = `${this.stateFile}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
    renameSync(temporary, this.stateFile);
  }

  reset(): void {
    this.products = [];
    this.orders = [];
    this.users = seededUsers();
    this.prices = structuredClone(DEFAULT_PRICES);
    this.regions = structuredClone([...REGIONS]);
    this.config = structuredClone(this.initialConfig);
    this.pbx.clearExtensions();
    this.save();
  }

  findProduct(productNo: string): StoredProduct | undefined {
    return this.products.find((p) => p.productNo === productNo);
  }

  /** The live PBX with this URL (a pending or failed purchase has no PBX to talk to). */
  activePbx(pbxUrl: string): StoredProduct | undefined {
    const url = pbxUrl.toLowerCase();
    return this.products.find((p) => p.status === "active" && p.pbxUrl.toLowerCase() === url);
  }

  findOrder(idOrOrderNo: string): StoredOrder | undefined {
    return this.orders.find((o) => o.id === idOrOrderNo || o.orderNo === idOrOrderNo);
  }

  /** A failed purchase frees its URL; everything else we hold, and the seeded foreign URLs, is taken. */
  isUrlTaken(pbxUrl: string): boolean {
    const url = pbxUrl.toLowerCase();
    if (FOREIGN_URLS.includes(url)) return true;
    return this.products.some((p) => p.status !== "failed" && p.pbxUrl.toLowerCase() === url);
  }

  context(): OrderContext {
    return {
      billingContactIds: new Set(BILLING_CONTACTS.map((c) => c.billingContactId)),
      partnerIds: new Set(this.users.map((u) => u.partnerId)),
      isUrlTaken: (url) => this.isUrlTaken(url),
      projectedProduct: (productNo) => this.projectedProduct(productNo),
      hasPrice: (pricingId) => Object.hasOwn(this.prices, pricingId),
      findRegion: (regionId) => this.regions.find((r) => r.id === regionId),
    };
  }

  private projectedProduct(productNo: string): StoredProduct | undefined {
    const product = this.findProduct(productNo);
    if (!product) return undefined;
    const copy = structuredClone(product);
    for (const order of this.orders) {
      if (order.productNo === productNo && order.orderStatus === "pending" && order.outcome === "succeed") {
        applyOrder(copy, order);
      }
    }
    return copy;
  }

  price(pricingId: string): Price {
    return this.prices[pricingId] ?? { monthly: "0", annually: "0" };
  }

  createOrder(valid: ValidOrder, rawBody: string, now: number): StoredOrder {
    const product = valid.pbx ? this.newProduct(valid, now) : this.findProduct(valid.productNo);
    if (!product) throw new Error(`product ${valid.productNo} vanished during the order`);
    // A trial is free; every other order is charged at the list price.
    const free = valid.operationType === "trial_plan";
    const serviceList: StoredOrderItem[] = valid.items.map((item) => ({
      ...item,
      amount: free ? "0.00" : lineAmount(this.price(item.serviceId), item.billingCycle, item.quantity),
    }));
    const pending = this.config.orderPendingMs;
    const order: StoredOrder = {
      id: unique(new64BitId, (id) => this.orders.some((o) => o.id === id)),
      orderNo: unique(newOrderNo, (no) => this.orders.some((o) => o.orderNo === no)),
      transactionNo: newTransactionNo(),
      invoiceNo: "",
      instanceId: product.instanceId,
      productNo: product.productNo,
      pbxUrl: product.pbxUrl,
      ...(valid.pbx ? { orderPceSpecialRequest: { ...valid.pbx } } : {}),
      operationType: valid.operationType,
      billingId: valid.billingId,
      poNumber: valid.poNumber,
      assignId: valid.assignId,
      serviceList,
      totalAmount: sumAmounts(serviceList.map((i) => i.amount)),
      createTime: now,
      settleAt: now + pending,
      outcome: this.config.failOrdersForUrls.includes(product.pbxUrl) ? "failed" : "succeed",
      orderStatus: "pending",
      received: valid.received,
      rawBody,
    };
    this.orders.push(order);
    if (pending <= 0) this.finish(order, now);
    this.save();
    return order;
  }

  private newProduct(valid: ValidOrder, now: number): StoredProduct {
    const pbx = valid.pbx as NonNullable<ValidOrder["pbx"]>;
    const plan = valid.items.find((i) => i.serviceType === "plan") as ValidOrder["items"][number];
    const product: StoredProduct = {
      productNo: unique(newProductNo, (no) => this.findProduct(no) !== undefined),
      instanceId: unique(newInstanceId, (id) => this.products.some((p) => p.instanceId === id)),
      productId: PCE_PRODUCT_ID,
      pbxName: pbx.pbxName,
      pbxUrl: pbx.pbxUrl,
      regionId: pbx.regionId,
      pbxSubDomainId: pbx.pbxSubDomainId,
      planId: plan.serviceId,
      billingCycle: plan.billingCycle,
      extensions: plan.quantity,
      services: valid.items
        .filter((i) => i.serviceType === "service")
        .map((i) => ({ serviceId: i.serviceId, quantity: i.quantity })),
      // A trial lasts TRIAL_DAYS (the API does not say how long; docs/api-assumptions.md, "Trials").
      expireDate:
        valid.operationType === "trial_plan"
          ? addDays(isoDate(now), TRIAL_DAYS)
          : addCycle(isoDate(now), plan.billingCycle),
      status: "pending",
      assignId: valid.assignId,
      activationCode: newActivationCode(),
      activationStatus: "unactivated",
      comment: valid.poNumber,
      createTime: now,
      currentPlan: "",
      currentPlanExpireDate: "",
      switchBillingCycle: "",
      autoRenew: false,
      ...(valid.operationType === "trial_plan" ? { isTrial: true } : {}),
    };
    this.products.push(product);
    return product;
  }

  private finish(order: StoredOrder, now: number): void {
    order.orderStatus = order.outcome;
    if (order.outcome === "succeed") order.invoiceNo = newInvoiceNo(now);
    const product = this.findProduct(order.productNo);
    if (!product) return;
    if (order.operationType === "purchase_plan" || order.operationType === "trial_plan") {
      product.status = order.outcome === "succeed" ? "active" : "failed";
      product.activationStatus = order.outcome === "succeed" ? "activated" : "unknown";
    } else if (order.outcome === "succeed") applyOrder(product, order);
  }

  /** Finishes due orders and due plan downgrades; saves when anything changed. */
  settle(now: number): void {
    let changed = false;
    for (const order of this.orders) {
      if (order.orderStatus === "pending" && order.settleAt <= now) {
        this.finish(order, now);
        changed = true;
      }
    }
    const today = isoDate(now);
    for (const product of this.products) {
      if (product.currentPlan === "" || product.currentPlanExpireDate === "" || product.currentPlanExpireDate > today) {
        continue;
      }
      const target = PLANS[product.currentPlan as keyof typeof PLANS];
      if (target) product.planId = target;
      if (product.switchBillingCycle !== "") product.billingCycle = product.switchBillingCycle;
      // The switch starts a new term on the new plan, as a renewal would.
      product.expireDate = addCycle(product.currentPlanExpireDate, product.billingCycle);
      product.currentPlan = "";
      product.currentPlanExpireDate = "";
      product.switchBillingCycle = "";
      changed = true;
    }
    if (changed) this.save();
  }

  updateProduct(productNo: string, patch: Partial<StoredProduct>): StoredProduct | undefined {
    const product = this.findProduct(productNo);
    if (!product) return undefined;
    Object.assign(product, structuredClone(patch));
    this.save();
    return product;
  }

  deleteProduct(productNo: string): boolean {
    const before = this.products.length;
    this.products = this.products.filter((p) => p.productNo !== productNo);
    if (this.products.length === before) return false;
    this.pbx.dropProduct(productNo);
    this.save();
    return true;
  }

  addUser(user: StoredUser): void {
    this.users.push(user);
    this.save();
  }

  setPrices(prices: Record<string, Price>): void {
    Object.assign(this.prices, structuredClone(prices));
    this.save();
  }
}
