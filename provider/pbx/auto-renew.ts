/**
 * Auto-renewal of a PBX's subscription: the `autoRenew` input (docs/architecture.md, "Auto-renewal"). The Partner
 * Portal API can turn it on (`instance_subscription/v1/active`) and read it (`check/existed_auto_renew`), and has
 * no documented call that turns it off. So:
 * - `true` turns it on when the portal says it is off: one call, no order, nothing charged now (the portal renews
 *   the plan at the end of each term, at the price of the day);
 * - `false` is a promise the provider can keep only where the portal already has it off: on a PBX that has it
 *   on, the change fails before anything is done, naming where it can be turned off;
 * - left out, the program says nothing, and the portal's setting is left as it is (and not read).
 * Decisions are made from what the portal says, never from state alone.
 */
import type { PartnerApi } from "../api/partner-api";
import type { PbxState } from "../api/contract";
import type { Deps } from "../runtime/deps";
import { isAmbiguous, messageOf } from "./orders";

/** The failure of `autoRenew: false` on a PBX whose subscription renews itself; pure. */
export function cannotTurnOffMessage(pbxUrl: string, productNo: string): string {
  return (
    `autoRenew is false, but PBX ${pbxUrl} (serial ${productNo}) has auto-renewal on in the Partner Portal, and ` +
    `the Partner Portal API has no call that turns it off; nothing was changed. Turn it off in the Partner Portal ` +
    `(the PBX's subscription), then run \`pulumi refresh\`; or leave autoRenew out of the program to keep it on.`
  );
}

/** Whether the program asks for a change of auto-renewal that needs the portal (read or write); pure. */
export function autoRenewToSettle(state: Pick<PbxState, "autoRenew">, asked: boolean | undefined): boolean {
  return asked !== undefined && state.autoRenew !== asked;
}

/**
 * Before a change: fails `autoRenew: false` on a PBX whose portal has auto-renewal on. One read, only when the
 * program says false and the state does not already say so.
 */
export async function assertCanKeepOff(
  api: PartnerApi,
  state: Pick<PbxState, "autoRenew" | "pbxUrl" | "productNo">,
  asked: boolean | undefined,
): Promise<void> {
  if (asked !== false || state.autoRenew === false || !state.productNo) return;
  if (await api.getAutoRenew(state.productNo)) throw new Error(cannotTurnOffMessage(state.pbxUrl, state.productNo));
}

/**
 * Brings the portal to what the program asks, from what the portal says: `true` enables auto-renewal unless the
 * portal already has it (then no write). Returns the state with `autoRenew` as the portal now has it. A reply lost
 * in transit is settled by reading the status back, never by sending again.
 */
export async function settleAutoRenew(
  api: PartnerApi,
  deps: Deps,
  state: PbxState,
  asked: boolean | undefined,
): Promise<PbxState> {
  if (!autoRenewToSettle(state, asked)) return state;
  const where = `PBX ${state.pbxUrl} (serial ${state.productNo})`;
  // false: the diff before this update read the portal and failed the change if it has auto-renewal on.
  if (asked === false) return { ...state, autoRenew: false };
  if (await api.getAutoRenew(state.productNo)) return { ...state, autoRenew: true };
  deps.report.info(`${where}: enabling auto-renewal (no order; the portal renews the plan at the end of each term)`);
  try {
    await api.enableAutoRenew(state.productNo, state.planId);
  } catch (err) {
    if (!isAmbiguous(err)) throw new Error(`${where}: enabling auto-renewal was refused: ${messageOf(err)}`);
    if (!(await api.getAutoRenew(state.productNo))) {
      throw new Error(
        `${where}: the outcome of enabling auto-renewal is unknown (${messageOf(err)}) and the portal says it is off; it was not sent again. Run \`pulumi up\` again.`,
      );
    }
  }
  return { ...state, autoRenew: true };
}

/**
 * After a purchase or an adoption (the PBX is bought: nothing here may fail the create). `true` enables
 * auto-renewal; `false` reads it and warns when the portal has it on. What could not be done is recorded as not
 * done (`autoRenew` false or left out), so the next `pulumi up` shows the change and tries again.
 */
export async function autoRenewAfterPurchase(
  api: PartnerApi,
  deps: Deps,
  state: PbxState,
  asked: boolean | undefined,
): Promise<PbxState> {
  if (asked === undefined) return state;
  const { autoRenew: _asked, ...unknown } = state;
  try {
    if (asked) return await settleAutoRenew(api, deps, { ...unknown, autoRenew: false }, true);
    const on = await api.getAutoRenew(state.productNo);
    if (on) deps.report.warn(cannotTurnOffMessage(state.pbxUrl, state.productNo));
    return { ...state, autoRenew: on };
  } catch (err) {
    deps.report.warn(
      `PBX ${state.pbxUrl} (serial ${state.productNo}) is bought, but its auto-renewal could not be ${asked ? "enabled" : "read"}: ${messageOf(err)}. The next \`pulumi up\` tries again.`,
    );
    return asked ? { ...unknown, autoRenew: false } : unknown;
  }
}
