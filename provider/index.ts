export { PSeriesCloudPbx, type PSeriesCloudPbxArgs } from "./pbx/resource";
export { pbxProvider } from "./pbx/provider";
export type { PlannedOrderView } from "./pbx/quotes";
export type { OrderRecord } from "./pbx/plan";
export * as catalog from "./api/catalog";
