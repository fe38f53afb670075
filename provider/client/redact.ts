/**
 * Redaction of credentials from anything we show: error messages, error properties and log lines.
 *
 * Known secrets (the client secret, every access and refresh token this client has seen) are replaced exactly.
 * The patterns below catch credentials we were never told about, e.g. a token echoed back by a proxy, so a
 * message stays safe even when the caller forgot to register a secret.
 */

export const REDACTED = "[REDACTED]";

const PATTERNS: Array<[RegExp, string]> = [
  // "Authorization: Bearer xyz" (the documented tokenHead). Other heads are covered by the exact token values.
  [/\b(Bearer)\s+[A-Za-z0-9\-._~+/=]+/gi, `$1 ${REDACTED}`],
  // Form and query encodings of OAuth fields.
  [/\b(client_secret|refresh_token|access_token|token)=[^&\s"']*/gi, `$1=${REDACTED}`],
  // JSON encodings of the same fields and of the Token_Details result.
  [
    /("(?:client_secret|clientSecret|refresh_token|refreshToken|access_token|accessToken|token|authorization)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
    `$1"${REDACTED}"`,
  ],
  // A JWT anywhere (the Partner Portal issues HS256 JWTs).
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
];

/** Replaces every known secret and every credential-shaped substring of `text`. */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = String(text);
  // Longest first, so a secret that contains another one is removed whole.
  const known = [...new Set([...secrets].filter((s) => typeof s === "string" && s.length > 0))].sort(
    (a, b) => b.length - a.length,
  );
  for (const secret of known) out = out.split(secret).join(REDACTED);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Tokens remembered for redaction; older ones are long expired and will not show up in a response. */
const MAX_REMEMBERED_TOKENS = 50;

/** Adds the tokens a token reply carries (`result.token`, `result.refreshToken`) to `known`, newest last. */
export function rememberTokens(parsed: unknown, known: string[]): void {
  rememberFields((parsed as { result?: unknown } | undefined)?.result, ["token", "refreshToken"], known);
}

/** Adds the string values of `keys` in `object` (a token reply) to `known`, newest last. */
export function rememberFields(object: unknown, keys: readonly string[], known: string[]): void {
  if (!object || typeof object !== "object") return;
  for (const key of keys) {
    const value = (object as Record<string, unknown>)[key];
    if (typeof value === "string" && value.length > 0 && !known.includes(value)) known.push(value);
  }
  while (known.length > MAX_REMEMBERED_TOKENS) known.shift();
}
