/** Helpers for end-to-end tests of PSeriesCloudPbx programs against the sandbox. */
import { PBX_TOKENS } from "../../provider/api/contract";
import * as path from "node:path";
import type { Sandbox } from "../../sandbox";
import { VALID_PBX_ARGS } from "../fixtures/pbx-args";
import * as assert from "node:assert/strict";
import { PulumiProject, type RunResult } from "./pulumi";

export const CANARY_SECRET = "canary-SECRET-7d41e0b2";

export function pbxArgs(overrides: Record<string, unknown> = {}) {
  return {
    ...VALID_PBX_ARGS,
    orderTimeoutSeconds: 30,
    ...overrides,
  };
}

export async function pbxProject(
  sandbox: Sandbox,
  name: string,
  env: Record<string, string> = {},
  opts: { stack?: string } = {},
) {
  return PulumiProject.create({
    name,
    stack: opts.stack,
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

/**
 * The first preview of the two-PBX Globex fleet that examples/yaml and examples/go declare through the native plugin:
 * nothing ordered, and one line per PBX naming its order and price.
 */
export function assertGlobexFirstPreview(r: RunResult, sandbox: Sandbox): void {
  assert.equal(r.code, 0, r.output);
  assert.equal(sandbox.admin.stats().orders.length, 0);
  assert.equal(sandbox.admin.stats().requests.orderSave ?? 0, 0);
  assert.match(r.output, /\+ yeastar:index:PSeriesCloudPbx: \(create\)[^\n]*\n\s+\[urn=[^\]]*::globex-hq\]/);
  assert.match(
    r.output,
    /PBX globex-hq\.eu\.sandbox\.yeastarcloud\.com: `pulumi up` will place 1 order: new PBX .*50 extensions.*High Availability for 50 extensions \[USD 2750\.00 per year\]/,
  );
  assert.match(
    r.output,
    /PBX globex-branch\.us\.sandbox\.yeastarcloud\.com: `pulumi up` will place 1 order: .*\[USD 130\.00 per month\]/,
  );
}

/** A planned order as the preview lists it (`plannedOrders`). */
export interface PlannedView {
  operation: string;
  quantity: number;
  price: string;
  amount?: string;
}

/** The planned orders of the one PBX of a `pulumi preview --json` (dynamic resource), [] when it lists none. */
export function plannedOrdersOfPreview(json: unknown): PlannedView[] {
  const steps = (json as { steps?: Array<{ newState?: { type?: string; inputs?: Record<string, unknown> } }> }).steps;
  const step = (steps ?? []).find((s) => s.newState?.type === PBX_TOKENS.dynamic);
  return (step?.newState?.inputs?.plannedOrders as PlannedView[] | undefined) ?? [];
}
