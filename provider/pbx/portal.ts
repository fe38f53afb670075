/**
 * Reads of a PBX as the Partner Portal sees it now, for reconciliation before follow-up orders
 * (see `reconcile.ts` and docs/architecture.md, "Never buy twice").
 *
 * The order list has no filters, so the account's pending orders are gathered once per provider process: one
 * pass over the order list, then the detail of each pending order (its PBX and items). Pending orders are few,
 * so this costs the order-list pages plus one read per pending order, shared by every PBX of the run.
 */
import { z } from "zod";
import { allEntries } from "../api/paging";
import type { PartnerApi } from "../api/partner-api";
import { Id, type ProductDetail } from "../api/schemas";
import { portalFacts, withPending, type PendingOrder, type PortalFacts } from "./reconcile";

const OrderItem = z.looseObject({
  serviceType: z.string(),
  serviceId: Id,
  quantity: z.number().int().nonnegative(),
});

/** Thrown when the portal cannot tell what a PBX has: no order may be placed on a guess. */
export class PortalReadError extends Error {}

const snapshots = new WeakMap<PartnerApi, Promise<PendingOrder[]>>();

async function scanPendingOrders(api: PartnerApi): Promise<PendingOrder[]> {
  const found: PendingOrder[] = [];
  const orders = allEntries((page) => api.listOrders(page), {
    tooMany: (max) => new PortalReadError(`the order list has more than ${max} pages; pending orders cannot be told`),
  });
  for await (const info of orders) {
    if (info.orderStatus !== "pending") continue;
    const detail = await api.getOrder(info.orderNo);
    const items = z.array(OrderItem).safeParse(detail.orderSummary?.serviceList ?? []);
    if (!items.success) {
      throw new PortalReadError(
        `pending order ${info.orderNo}: the Partner Portal's order detail does not say what it buys (${items.error.issues[0]?.message ?? "unreadable items"})`,
      );
    }
    found.push({
      orderNo: info.orderNo,
      operationType: detail.orderInformation.operationType ?? "",
      productNo: detail.basicInformation.productNo,
      items: items.data.map((i) => ({ serviceType: i.serviceType, serviceId: i.serviceId, quantity: i.quantity })),
    });
  }
  return found;
}

/** The account's pending orders, read once per API client (one provider process). */
function pendingOrders(api: PartnerApi): Promise<PendingOrder[]> {
  let snapshot = snapshots.get(api);
  if (!snapshot) {
    snapshot = scanPendingOrders(api);
    // A failed scan is not cached: the next PBX tries again (and fails on its own if the portal still fails).
    snapshot.catch(() => snapshots.delete(api));
    snapshots.set(api, snapshot);
  }
  return snapshot;
}

const freshScans = new WeakMap<PartnerApi, { startedAt: number; scan: Promise<PendingOrder[]> }>();

/**
 * A pass over the order list that started at `since` (ms, Date.now) or later: PBXs that all need a fresh look
 * after the same moment (a fleet refused with 429 together) share one pass instead of one pass each.
 */
function pendingOrdersSince(api: PartnerApi, since: number): Promise<PendingOrder[]> {
  const last = freshScans.get(api);
  if (last && last.startedAt >= since) return last.scan;
  const entry = { startedAt: Date.now(), scan: scanPendingOrders(api) };
  entry.scan.catch(() => {
    if (freshScans.get(api) === entry) freshScans.delete(api);
  });
  freshScans.set(api, entry);
  return entry.scan;
}

/**
 * The pending orders of one PBX; `fresh` reads the order list again instead of the run's snapshot, `since`
 * takes a pass that started at that time (Date.now) or later.
 */
export async function pendingOrdersOf(
  api: PartnerApi,
  productNo: string,
  opts: { fresh?: boolean; since?: number } = {},
): Promise<PendingOrder[]> {
  const all = opts.fresh
    ? await scanPendingOrders(api)
    : opts.since !== undefined
      ? await pendingOrdersSince(api, opts.since)
      : await pendingOrders(api);
  return all.filter((o) => o.productNo === productNo);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The product detail; a PBX the portal does not know, or a failed read, is a PortalReadError. */
export async function readProduct(api: PartnerApi, productNo: string, url: string): Promise<ProductDetail> {
  let product: ProductDetail | undefined;
  try {
    product = await api.getProduct(productNo);
  } catch (err) {
    throw new PortalReadError(
      `could not read PBX ${url} (serial ${productNo}) from the Partner Portal: ${describe(err)}`,
    );
  }
  if (!product) {
    throw new PortalReadError(
      `PBX ${url} (serial ${productNo}) is not in your Partner Portal account; run \`pulumi refresh\` to update the stack`,
    );
  }
  return product;
}

export interface PortalView {
  facts: PortalFacts;
  pending: PendingOrder[];
  /** The end of the PBX's paid term (`expireDate`), "" when the portal leaves it out. */
  termEnd: string;
}

/**
 * What the PBX has plus what its pending orders will give it, without waiting for them (for previews). The
 * product is read first and each pending order's status after it, so an order that finished in between is
 * never counted twice.
 */
export async function portalView(api: PartnerApi, productNo: string, url: string): Promise<PortalView> {
  const product = await readProduct(api, productNo, url);
  const pending: PendingOrder[] = [];
  try {
    for (const order of await pendingOrdersOf(api, productNo)) {
      const now = await api.getOrder(order.orderNo);
      if (now.orderInformation.orderStatus === "pending") pending.push(order);
    }
  } catch (err) {
    if (err instanceof PortalReadError) throw err;
    throw new PortalReadError(
      `could not read the pending orders of PBX ${url} from the Partner Portal: ${describe(err)}`,
    );
  }
  return { facts: withPending(portalFacts(product), pending), pending, termEnd: product.expireDate ?? "" };
}
