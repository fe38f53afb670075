export { PSeriesCloudPbx, type PSeriesCloudPbxArgs } from "./pbx/resource";
import pbxProvider = require("./pbx/provider");
export { pbxProvider };
export { Customer, type CustomerArgs } from "./customer/resource";
export { PbxExtension, type PbxExtensionArgs } from "./extension/resource";
export { PbxInboundRoute, type PbxInboundRouteArgs } from "./inbound-route/resource";
export type { OrderRecord, PlannedOrderView } from "./api/contract";
export * as catalog from "./api/catalog";
export {
  getRegions,
  getRegionsOutput,
  getBillingContacts,
  getBillingContactsOutput,
  getSubordinateUsers,
  getSubordinateUsersOutput,
  getCustomer,
  getCustomerOutput,
  getPbx,
  getPbxOutput,
  listPbxs,
  listPbxsOutput,
  type GetPbxOutputArgs,
} from "./lookups";
export type {
  BillingContactResult,
  GetPbxArgs,
  PbxFilter,
  PbxResult,
  RegionResult,
  SubordinateUserResult,
} from "./inventory";
