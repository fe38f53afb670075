/**
 * The Partner API for a report: every read of `PartnerApi`, and an order refused before anything is sent. A
 * report (`yeastar-pseries fleet`) holds only this, so no code path of it can buy.
 */
import type { PageRequest, PartnerApi } from "../api/partner-api";
import type { OrderRequest, OrderResult, PriceRequest } from "../api/schemas";

export class ReportModeError extends Error {}

export class ReadOnlyApi implements PartnerApi {
  constructor(private readonly api: PartnerApi) {}
  listRegions() {
    return this.api.listRegions();
  }
  isPbxUrlTaken(pbxUrl: string) {
    return this.api.isPbxUrlTaken(pbxUrl);
  }
  listBillingContacts() {
    return this.api.listBillingContacts();
  }
  listSubordinateUsers() {
    return this.api.listSubordinateUsers();
  }
  listProducts(page?: PageRequest) {
    return this.api.listProducts(page);
  }
  findProductByUrl(pbxUrl: string) {
    return this.api.findProductByUrl(pbxUrl);
  }
  getProduct(productNo: string) {
    return this.api.getProduct(productNo);
  }
  getOrder(orderNoOrId: string) {
    return this.api.getOrder(orderNoOrId);
  }
  listOrders(page?: PageRequest) {
    return this.api.listOrders(page);
  }
  /** Prices change nothing on the server. */
  calculatePrice(request: PriceRequest) {
    return this.api.calculatePrice(request);
  }
  getAutoRenew(productNo: string) {
    return this.api.getAutoRenew(productNo);
  }
  enableAutoRenew(productNo: string): Promise<void> {
    return Promise.reject(
      new ReportModeError(
        `report mode: refused to enable auto-renewal of PBX ${productNo}; a report never changes a subscription (nothing was sent)`,
      ),
    );
  }
  createOrder(order: OrderRequest): Promise<OrderResult> {
    return Promise.reject(
      new ReportModeError(
        `report mode: refused to place a ${order.operationType} order; a report never orders (nothing was sent)`,
      ),
    );
  }
}
