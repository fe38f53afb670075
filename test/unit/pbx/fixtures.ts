/** Shared fixtures for the provider's unit tests, shaped like the vendor's documentation. */
import * as sinon from "sinon";
import { PLANS, SERVICES } from "../../../provider/api/catalog";
import type { PartnerApi } from "../../../provider/api/partner-api";
import type { ProductDetail, ProductInfo } from "../../../provider/api/schemas";
import type { Deps } from "../../../provider/runtime/deps";
import type { CheckedInputs, PbxState, Resolved } from "../../../provider/api/contract";
import { VALID_PBX_ARGS } from "../../fixtures/pbx-args";

export const CONTACT_ID = "3197218168379846218";
export const URL = "acme-hq.eu.sandbox.yeastarcloud.com";

/** Raw inputs of a valid PBX, as a program would pass them. */
export function rawInputs(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...VALID_PBX_ARGS,
    highAvailability: false,
    ...overrides,
  };
}

export function resolved(overrides: Partial<Resolved> = {}): Resolved {
  return {
    regionId: "41",
    regionName: "Europe",
    pbxSubDomainId: "20",
    domainSuffix: "eu.sandbox.yeastarcloud.com",
    pbxUrl: URL,
    planId: PLANS.enterprise,
    billingContactId: CONTACT_ID,
    assignId: "",
    ...overrides,
  };
}

export function checked(overrides: Partial<CheckedInputs> = {}): CheckedInputs & { resolved: Resolved } {
  return {
    pbxName: "Acme HQ",
    subdomain: "acme-hq",
    region: "Europe",
    domain: undefined,
    plan: "enterprise",
    extensions: 100,
    billingCycle: "annually",
    highAvailability: false,
    recordingMinutes: 0,
    billingContact: "ap@acme.example",
    owner: undefined,
    poNumber: undefined,
    allowRepurchase: false,
    orderTimeoutSeconds: 900,
    resolved: resolved(),
    ...overrides,
  } as CheckedInputs & { resolved: Resolved };
}

export function state(overrides: Partial<PbxState> = {}): PbxState {
  const c = checked();
  return {
    ...c,
    instanceId: "1275655",
    orderNo: "HB3203705539121029120",
    orderStatus: "succeed",
    productNo: "3658B431119665QJ",
    transactionNo: "XN3203705540022804481",
    pbxUrl: URL,
    regionId: "41",
    regionName: "Europe",
    domainSuffix: "eu.sandbox.yeastarcloud.com",
    pbxSubDomainId: "20",
    planId: PLANS.enterprise,
    billingContactId: CONTACT_ID,
    assignId: "",
    expireDate: "2027-11-28",
    status: "active",
    adopted: false,
    orders: [],
    ...overrides,
  };
}

export function product(overrides: Partial<ProductDetail> = {}): ProductDetail {
  return {
    productNo: "3658B431119665QJ",
    instanceId: "1275655",
    productId: 13,
    pbxName: "Acme HQ",
    pbxUrl: URL,
    regionId: "41",
    pbxSubDomainId: "20",
    planId: PLANS.enterprise,
    billingCycle: "annually",
    extensions: 100,
    services: [],
    expireDate: "2027-11-28",
    status: "active",
    assignId: "",
    activationCode: "",
    activationStatus: "activated",
    comment: "",
    currentPlan: "",
    currentPlanExpireDate: "",
    ...overrides,
  };
}

export function haService(quantity: number) {
  return { serviceId: SERVICES.highAvailability, quantity };
}

/** A PartnerApi whose every method is a sinon stub with realistic defaults. */
export function fakeApi(): sinon.SinonStubbedInstance<PartnerApi> & PartnerApi {
  const api = {
    listRegions: sinon.stub().resolves([
      {
        id: "41",
        name: "Europe",
        region: [
          { pbxSubDomainId: "20", pbxSubDomain: ["eu.sandbox.yeastarcloud.com"] },
          { pbxSubDomainId: "21", pbxSubDomain: ["de.sandbox.yeastarcloud.com"] },
        ],
      },
      {
        id: "42",
        name: "North America",
        region: [{ pbxSubDomainId: "30", pbxSubDomain: ["us.sandbox.yeastarcloud.com"] }],
      },
    ]),
    isPbxUrlTaken: sinon.stub().resolves(false),
    listBillingContacts: sinon.stub().resolves([
      { billingContactId: CONTACT_ID, emailAddress: "ap@acme.example" },
      { billingContactId: "3197218168379846219", emailAddress: "billing@globex.example" },
    ]),
    listSubordinateUsers: sinon
      .stub()
      .resolves([{ partnerId: "3076913644915998721", email: "it@customer-one.example", company: "Customer One" }]),
    listProducts: sinon.stub().resolves({ count: 0, pageNo: 1, pageSize: 25, results: [], total: 0, totalPage: 0 }),
    findProductByUrl: sinon.stub().resolves(undefined),
    getProduct: sinon.stub().resolves(product()),
    createOrder: sinon.stub().resolves({
      instanceId: "1275655",
      orderNo: "HB3203705539121029120",
      orderStatus: "succeed",
      productNo: "3658B431119665QJ",
      transactionNo: "XN3203705540022804481",
    }),
    getOrder: sinon.stub().resolves({
      basicInformation: { productId: "13", productName: "P-Series Cloud Edition", productNo: "3658B431119665QJ" },
      orderInformation: { id: "1", orderNo: "HB3203705539121029120", orderStatus: "succeed" },
    }),
    listOrders: sinon.stub().resolves({ count: 0, pageNo: 1, pageSize: 25, results: [], total: 0, totalPage: 0 }),
    calculatePrice: sinon.stub().resolves({ currencyCode: "USD", totalAmount: "1200.00", items: [] }),
    getAutoRenew: sinon.stub().resolves(false),
    enableAutoRenew: sinon.stub().resolves(),
  };
  return api as unknown as sinon.SinonStubbedInstance<PartnerApi> & PartnerApi;
}

export function deps(api: PartnerApi, clock = { t: 0 }) {
  const messages: Array<{ level: string; message: string }> = [];
  const d: Deps = {
    api: () => api,
    report: {
      info: (message) => messages.push({ level: "info", message }),
      warn: (message) => messages.push({ level: "warn", message }),
    },
    sleep: async (ms) => {
      clock.t += ms;
    },
    now: () => clock.t,
  };
  return { deps: d, messages, clock };
}

export type { ProductInfo };
