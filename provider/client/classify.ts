/**
 * What one HTTP attempt means, as a pure function: the retry rules for reads and the money rule for the order POST
 * in one place. `PartnerClient.attempt` gathers the facts, asks `classify`, and builds the error the decision names;
 * `test/unit/client/classify.test.ts` checks every combination row by row.
 *
 * The money rule: the order POST is never repeated by the client, and a failure that may have reached the server
 * (it could have been committed) is `ambiguous`. Only a refusal that certainly came before any processing is a
 * definite `rejected`.
 */

/** What came back from one attempt, reduced to what the rules look at. */
export type Happened =
  /** No usable HTTP response. `maybeSent` is false only when the request certainly never reached the server. */
  | { kind: "network"; maybeSent: boolean }
  /** A response whose body is not JSON or not an API envelope: a proxy page, a truncated or garbled body. */
  | { kind: "no-envelope"; httpStatus: number; retryAfterMs?: number }
  /**
   * A response in the API's envelope. `bodyStatus` is the envelope's own `status`; `resultValid` says whether
   * `result` matches the endpoint's schema (looked at only when the envelope reports success).
   */
  | {
      kind: "envelope";
      httpStatus: number;
      code: string;
      bodyStatus?: number;
      resultValid: boolean;
      retryAfterMs?: number;
    };

/** The call the attempt belonged to. Only the order POST is not idempotent. */
export interface CallKind {
  idempotent: boolean;
}

/** Which of our errors describes the failure. */
export type Cause =
  /** No HTTP response (NetworkError). */
  | "network"
  /** An HTTP error status without an envelope (ApiError `http_<status>`). */
  | "http"
  /** An error envelope (ApiError with the API's code). */
  | "api"
  /** A 2xx whose body is not an envelope (SchemaError): usually transient. */
  | "garbled"
  /** A success envelope whose result does not match the schema (SchemaError): the same server sends it again. */
  | "schema";

export type Decision =
  /** Use the result. */
  | { kind: "success" }
  /** A read that failed in a way a repeat may cure; wait at least `retryAfterMs` when the server asked. */
  | { kind: "retry"; cause: Cause; httpStatus?: number; retryAfterMs?: number }
  /** The order may have been committed: never repeat it blindly; look for its effect first. */
  | { kind: "ambiguous"; cause: Cause; httpStatus?: number }
  /**
   * A definite failure: nothing was done (for an order: no order was placed). `repeatable` says whether sending
   * the same request again is safe and may succeed (the client itself never repeats an order; for a 429 in the
   * API's envelope, provider/pbx/orders.ts `sendOrder` waits, looks the PBX up and only then sends it again); `renewToken` says
   * the API refused the access token: `PartnerClient.read` gets a new one and sends the read once more (it checks
   * the thrown error with `isTokenRejection`), an order is not sent again.
   */
  | { kind: "rejected"; cause: Cause; httpStatus?: number; repeatable: boolean; renewToken: boolean };

/** Codes with which the API says "this access token is no longer good" (the second is the generic one). */
const TOKEN_REJECTED_CODES = new Set(["token_expired", "unauthorized"]);

/** True when a 401 carries one of the API's "token no longer good" codes. */
export function isTokenRejection(httpStatus: number, code: string): boolean {
  return httpStatus === 401 && TOKEN_REJECTED_CODES.has(code);
}

/** 408, 429 and 5xx: the server may answer differently in a moment. */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/**
 * The status an error envelope stands for: the HTTP line when it reports an error; when the line says 2xx but the
 * body carries an error, the body's `status` is the better witness.
 */
export function effectiveStatus(httpStatus: number, bodyStatus: number | undefined): number {
  return httpStatus >= 400 ? httpStatus : (bodyStatus ?? httpStatus);
}

/** A decision other than success. */
export type Failure = Exclude<Decision, { kind: "success" }>;

/** A failure without a usable HTTP response. */
export function classifyNetwork(maybeSent: boolean, call: CallKind): Failure {
  if (call.idempotent) return { kind: "retry", cause: "network" };
  // A refused connection or an unknown host never reached the server; anything else may have.
  return maybeSent
    ? { kind: "ambiguous", cause: "network" }
    : { kind: "rejected", cause: "network", repeatable: true, renewToken: false };
}

/** What one attempt means for the call it belonged to. */
export function classify(happened: Happened, call: CallKind): Decision {
  const order = !call.idempotent;
  switch (happened.kind) {
    case "network":
      return classifyNetwork(happened.maybeSent, call);

    case "no-envelope": {
      const status = happened.httpStatus;
      const cause: Cause = status >= 200 && status < 300 ? "garbled" : "http";
      // Without an envelope we cannot tell what the server did with an order, whatever the status line says.
      if (order) return { kind: "ambiguous", cause, httpStatus: status };
      if (cause === "garbled") return { kind: "retry", cause, httpStatus: status };
      if (isTransientStatus(status)) return retry(cause, status, happened.retryAfterMs);
      return { kind: "rejected", cause, httpStatus: status, repeatable: false, renewToken: false };
    }

    case "envelope": {
      if (happened.code === "success" && happened.httpStatus < 400) {
        if (happened.resultValid) return { kind: "success" };
        // The order may have been placed even though we cannot read the answer.
        if (order) return { kind: "ambiguous", cause: "schema", httpStatus: happened.httpStatus };
        return {
          kind: "rejected",
          cause: "schema",
          httpStatus: happened.httpStatus,
          repeatable: false,
          renewToken: false,
        };
      }
      const status = effectiveStatus(happened.httpStatus, happened.bodyStatus);
      // A 4xx (or an error envelope on 2xx) is the server's definite "no"; a 5xx may come after the commit.
      if (order && status >= 500) return { kind: "ambiguous", cause: "api", httpStatus: status };
      if (!order && isTransientStatus(status)) return retry("api", status, happened.retryAfterMs);
      return {
        kind: "rejected",
        cause: "api",
        httpStatus: status,
        repeatable: order && isTransientStatus(status),
        renewToken: isTokenRejection(status, happened.code),
      };
    }
  }
}

/**
 * The flags our errors carry: `retryable` (repeating is safe and may succeed) and `ambiguous` (an order may have
 * been committed).
 */
export function errorFlags(decision: Failure): { retryable: boolean; ambiguous: boolean } {
  switch (decision.kind) {
    case "retry":
      return { retryable: true, ambiguous: false };
    case "ambiguous":
      return { retryable: false, ambiguous: true };
    case "rejected":
      return { retryable: decision.repeatable, ambiguous: false };
  }
}

function retry(cause: Cause, httpStatus: number, retryAfterMs: number | undefined): Decision {
  return retryAfterMs === undefined
    ? { kind: "retry", cause, httpStatus }
    : { kind: "retry", cause, httpStatus, retryAfterMs };
}
