/**
 * What the provider needs from the Partner Portal. `provider/client` implements it over HTTP; unit tests of
 * the provider may fake it. Every method may throw the errors in `provider/client/errors.ts`.
 */
import type {
  BillingContact,
  OrderDetail,
  OrderInfo,
  OrderRequest,
  OrderResult,
  Page,
  PriceQuote,
  PriceRequest,
  ProductDetail,
  ProductInfo,
  RegionInfo,
  SubordinateUser,
} from "./schemas";

export interface PageRequest {
  pageNo?: number;
  pageSize?: number;
}

export interface PartnerApi {
  /** Regions and domain suffixes; fetched once per client and cached. */
  listRegions(): Promise<RegionInfo[]>;
  /** True when the full PBX host name is taken (by anyone, us included). Never cached. */
  isPbxUrlTaken(pbxUrl: string): Promise<boolean>;
  /** Billing contacts; fetched once per client and cached. */
  listBillingContacts(): Promise<BillingContact[]>;
  /** Subordinate users (customers); fetched once per client and cached. */
  listSubordinateUsers(): Promise<SubordinateUser[]>;
  /** The list read afresh (a Customer created in this run); optional for fakes. */
  refreshSubordinateUsers?(): Promise<SubordinateUser[]>;
  /** One page of our own P-Series Cloud Edition products. */
  listProducts(page?: PageRequest): Promise<Page<ProductInfo>>;
  /** Our own product with this PBX URL, paging through the whole list; undefined when none. Never cached. */
  findProductByUrl(pbxUrl: string): Promise<ProductInfo | undefined>;
  /** Product detail by serial number; undefined only on a definite not-found. */
  getProduct(productNo: string): Promise<ProductDetail | undefined>;
  /** Places an order. Never retried: a failure after sending is reported as ambiguous. */
  createOrder(order: OrderRequest): Promise<OrderResult>;
  /** Order detail by order number or order ID. */
  getOrder(orderNoOrId: string): Promise<OrderDetail>;
  listOrders(page?: PageRequest): Promise<Page<OrderInfo>>;
  calculatePrice(request: PriceRequest): Promise<PriceQuote>;
  /** Whether the PBX renews itself at the end of its term (a read: retried). */
  getAutoRenew(productNo: string): Promise<boolean>;
  /**
   * Turns auto-renewal on for the PBX's plan (`planId`). Charges nothing now; sent once, like an order, though
   * repeating it is harmless (the portal keeps it on). The API has no call that turns it off.
   */
  enableAutoRenew(productNo: string, planId: string): Promise<void>;
}
