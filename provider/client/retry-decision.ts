/** Whether a failed read is tried again, from the error it met: the client's one retry rule (client.ts). */
import type { EndpointName } from "../api/catalog";
import { OPERATIONS } from "./call";
import { ApiError, NetworkError, SchemaError, operationOf } from "./errors";
import type { RetryDecision } from "./retry";

export function retryDecision(endpoint: EndpointName, err: unknown): RetryDecision {
  // A token failure inside a read was already retried by the token request itself; retrying the read would
  // multiply the attempts.
  if (endpoint !== "token" && operationOf(err) === OPERATIONS.token) return { retry: false };
  if (err instanceof ApiError) return { retry: err.retryable, retryAfterMs: err.retryAfterMs };
  if (err instanceof NetworkError || err instanceof SchemaError) return { retry: err.retryable };
  return { retry: false };
}
