/**
 * The SDK's floor for the no-change preview (`npm run bench:preview`, docs/performance.md, "Large fleets"): a dynamic resource
 * with the same input and output properties as PSeriesCloudPbx and a provider that does nothing (check returns
 * the inputs, diff says no change, create echoes them with every output filled), registered the same way (frames
 * off for the constructor, as provider/pbx/resource.ts does). What a preview of it costs is what @pulumi/pulumi and
 * the CLI cost for a resource of this shape; the package's preview minus this is what the package adds.
 */
import * as pulumi from "@pulumi/pulumi";
import { OUTPUT_KEYS } from "../provider/api/inputs";
import { benchPbxArgs } from "./lib/bench-args";

const provider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    return { inputs: news };
  },
  async diff() {
    return { changes: false };
  },
  async create(inputs) {
    const outs = { ...inputs, ...Object.fromEntries(OUTPUT_KEYS.map((k) => [k, `${k}-${inputs.subdomain}`])) };
    return { id: String(inputs.subdomain), outs };
  },
};

class FloorPbx extends pulumi.dynamic.Resource {
  constructor(name: string, args: Record<string, unknown>) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(provider, name, { ...Object.fromEntries(OUTPUT_KEYS.map((k) => [k, undefined])), ...args }, {}, "floor");
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}

const config = new pulumi.Config("bench");
const count = config.requireNumber("count");
const extensions = config.requireNumber("extensions");
for (let i = 0; i < count; i++) new FloorPbx(`pbx-${i}`, benchPbxArgs(i, extensions));
export const fleetSize = count;
