/**
 * Purchase summary of a preview: what `pulumi up` would buy, PBX by PBX, with prices, totals per currency and
 * billing period, and the warnings a reviewer must not miss (second purchases, adoptions, removals, policy
 * violations, preview errors). Pure functions from a preview read by `preview-input.ts` to a summary, Markdown,
 * gate results and the exit code; the command shell is `plan-main.ts`. A preview that is empty, cut off or failed
 * gives a summary that says so (`previewFailed`, `previewProblems`) and never passes (exit code 3).
 *
 * This module is the summary's one import: the parts are plan-types.ts (rows, totals, warnings), plan-summary.ts
 * (preview -> summary), money.ts (exact decimal amounts), plan-gates.ts (gates, exit code) and plan-markdown.ts
 * (Markdown, JSON).
 */

export { NATIVE_PBX_TYPE, PBX_TYPE } from "../api/contract";
export { formatAmount, parseAmount } from "./money";
export { EXIT, buysAnything, checkGates, exitCode, type GateOptions } from "./plan-gates";
export { COMMENT_MARKER, escapeMarkdown, headline, renderMarkdown, toJson } from "./plan-markdown";
export { parseUrn, summarize } from "./plan-summary";
export * from "./plan-types";
