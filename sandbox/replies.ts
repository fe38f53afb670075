/**
 * The shapes of the sandbox's replies, built from its stored products and orders. Fields beyond the vendor's
 * examples are the inferred ones docs/api-assumptions.md lists.
 */
import { PCE_PRODUCT_ID } from "../provider/api/catalog";
import { BILLING_CONTACTS } from "./seeds";
import type { StoredOrder, StoredProduct } from "./types";

export function productInfo(p: StoredProduct) {
  return {
    productNo: p.productNo,
    instanceId: p.instanceId,
    productId: p.productId,
    pbxName: p.pbxName,
    pbxUrl: p.pbxUrl,
    regionId: p.regionId,
    pbxSubDomainId: p.pbxSubDomainId,
    planId: p.planId,
    billingCycle: p.billingCycle,
    extensions: p.extensions,
    services: p.services,
    expireDate: p.expireDate,
    status: p.status,
    assignId: p.assignId,
    activationCode: p.activationCode,
    activationStatus: p.activationStatus,
    comment: p.comment,
    createTime: p.createTime,
    isTrial: p.isTrial === true,
  };
}

export function orderInfo(o: StoredOrder) {
  return {
    id: o.id,
    orderNo: o.orderNo,
    orderStatus: o.orderStatus,
    createTime: o.createTime,
    currencyCode: "USD",
    customReferenceNo: o.poNumber,
    invoiceNo: o.invoiceNo,
  };
}

export function orderDetail(o: StoredOrder) {
  const contact = BILLING_CONTACTS.find((c) => c.billingContactId === o.billingId);
  return {
    basicInformation: {
      productId: String(PCE_PRODUCT_ID),
      productName: "P-Series Cloud Edition",
      productNo: o.productNo,
    },
    billingInformation: {
      billingId: o.billingId,
      emailAddress: contact?.emailAddress ?? "",
      company: contact?.company ?? "",
    },
    orderInformation: {
      id: o.id,
      orderNo: o.orderNo,
      orderStatus: o.orderStatus,
      operationType: o.operationType,
      instanceId: o.instanceId,
      transactionNo: o.transactionNo,
      createTime: o.createTime,
      currencyCode: "USD",
      customReferenceNo: o.poNumber,
      invoiceNo: o.invoiceNo,
    },
    orderSummary: { serviceList: o.serviceList, totalAmount: o.totalAmount },
  };
}

/** The reply to an accepted order. */
export function orderResult(o: StoredOrder) {
  return {
    instanceId: o.instanceId,
    orderNo: o.orderNo,
    orderStatus: o.orderStatus,
    productNo: o.productNo,
    transactionNo: o.transactionNo,
  };
}
