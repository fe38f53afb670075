/**
 * Benchmark program: a fleet of `bench:count` PBXs, each with `bench:extensions` extensions. It uses the package
 * from the project's node_modules when the bench installed it there (scripts/lib/bench.ts), as a user's program
 * does, and this checkout's build otherwise.
 */
import * as pulumi from "@pulumi/pulumi";
import { benchPbxArgs } from "./lib/bench-args";
import { providerPackage } from "./lib/provider-package";

const { PSeriesCloudPbx } = providerPackage();
const config = new pulumi.Config("bench");
const count = config.requireNumber("count");
const extensions = config.requireNumber("extensions");

for (let i = 0; i < count; i++) new PSeriesCloudPbx(`pbx-${i}`, benchPbxArgs(i, extensions));
export const fleetSize = count;
