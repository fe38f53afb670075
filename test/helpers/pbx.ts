/** Helpers for end-to-end tests of PSeriesCloudPbx programs against the sandbox. */
import * as path from "node:path";
import type { Sandbox } from "../../sandbox";
import { VALID_PBX_ARGS } from "../fixtures/pbx-args";
import { PulumiProject } from "./pulumi";

export const CANARY_SECRET = "canary-SECRET-7d41e0b2";

export function pbxArgs(overrides: Record<string, unknown> = {}) {
  return {
    ...VALID_PBX_ARGS,
    orderTimeoutSeconds: 30,
    ...overrides,
  };
}

export async function pbxProject(sandbox: Sandbox, name: string, env: Record<string, string> = {}) {
  return PulumiProject.create({
    name,
    program: path.join(__dirname, "..", "e2e", "programs", "pbx.js"),
    config: { "yeastar:clientId": "sandbox-client", "yeastar:baseUrl": sandbox.url },
    secrets: { "yeastar:clientSecret": CANARY_SECRET },
    env,
  });
}

export async function declare(
  project: PulumiProject,
  specs: Array<{ name: string; args: object; protect?: boolean; ownerOf?: string }>,
) {
  await project.setConfig("e2e:pbxs", JSON.stringify(specs));
}
