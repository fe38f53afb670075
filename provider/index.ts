export { PSeriesCloudPbx, type PSeriesCloudPbxArgs } from "./pbx/resource";
import pbxProvider = require("./pbx/provider");
export { pbxProvider };
export { Customer, type CustomerArgs } from "./customer/resource";
export type { PlannedOrderView } from "./pbx/quotes";
export type { OrderRecord } from "./pbx/plan";
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
  type BillingContactResult,
  type GetPbxArgs,
  type GetPbxOutputArgs,
  type PbxFilter,
  type PbxResult,
  type RegionResult,
  type SubordinateUserResult,
} from "./lookups";
