/**
 * Entry point of the "yeastar-guardrails" policy pack: `pulumi preview --policy-pack ./policy`. Constructing the pack
 * starts the analyzer server, so tests import `./policies` instead of this module.
 */
// First: says clearly when @pulumi/policy is not installed, before anything below requires it.
import "./require-runtime";

import * as fs from "fs";
import * as path from "path";

import { PolicyPack } from "@pulumi/policy";

import { PACK_NAME, policies } from "./policies";

// PolicyPack reads its version from `${process.cwd()}/package.json`, and the CLI starts the pack in the directory of
// the program being previewed. Run from the pack's own folder so the reported version is the pack's and programs
// without a package.json can still be checked. This process serves only the pack; nothing else depends on its cwd.
const packDir = path.resolve(__dirname, "../../../policy");
if (fs.existsSync(path.join(packDir, "package.json"))) {
  process.chdir(packDir);
}

new PolicyPack(PACK_NAME, {
  description: "Guardrails for Yeastar P-Series Cloud Edition PBXs: plans, regions, billing, size, naming, safety.",
  // Advisory unless the pack config says otherwise: {"all": "mandatory"} or per policy.
  enforcementLevel: "advisory",
  policies,
});
