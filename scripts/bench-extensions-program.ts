/**
 * Benchmark program of `npm run bench:extensions` (scripts/bench-extensions.ts): one PBX bought with
 * `bench:extensions` extensions and `bench:declared` PbxExtensions on it (numbers 1000, 1001, ...), linked to the
 * PBX (`pbx:`), as a reseller declares a customer's staff. The package is the one the bench installed in the
 * project's node_modules.
 */
import * as pulumi from "@pulumi/pulumi";
import { benchPbxArgs } from "./lib/bench-args";
import { providerPackage } from "./lib/provider-package";

const { PSeriesCloudPbx, PbxExtension } = providerPackage();
const config = new pulumi.Config("bench");
const capacity = config.requireNumber("extensions");
const declared = config.getNumber("declared") ?? 0;

const pbx = new PSeriesCloudPbx("pbx-0", benchPbxArgs(0, capacity));
for (let i = 0; i < declared; i++) {
  const number = String(1000 + i);
  new PbxExtension(`ext-${number}`, {
    pbx,
    number,
    firstName: `Staff${number}`,
    lastName: "Bench",
    email: `staff${number}@acme.example`,
  });
}
export const pbxUrl = pbx.pbxUrl;
export const extensions = declared;
