export { PSeriesCloudPbx, type PSeriesCloudPbxArgs } from "./pbx/resource";
import pbxProvider = require("./pbx/provider");
export { pbxProvider };
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
