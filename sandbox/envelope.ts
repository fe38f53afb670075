/**
 * The Partner Portal reply envelope. Every reply, success or failure, carries the same five keys, and the HTTP
 * status equals the body's `status`.
 */
import { randomBytes } from "node:crypto";
import { stringifyJson } from "../provider/api/json";

/**
 * Response-side fields that carry 64-bit IDs. The real API appears to send IDs as bare numbers; doing the same
 * makes client precision bugs surface here instead of in production. `instanceId`, `partnerId` and `assignId`
 * stay strings, as in the vendor's examples.
 */
export const RESPONSE_ID_FIELDS = ["billingContactId", "id", "planId"] as const;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly result: unknown = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** 400 parameter_validation_failed with one reason per field, the shape the guide's error example suggests. */
export function validationError(reasons: Record<string, string>): ApiError {
  const detail = Object.entries(reasons)
    .map(([field, reason]) => `${field}: ${reason}`)
    .join("; ");
  return new ApiError(400, "parameter_validation_failed", detail, reasons);
}

const CODES_BY_STATUS: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  408: "request_timeout",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "too_many_requests",
  500: "internal_error",
  502: "bad_gateway",
  503: "service_unavailable",
  504: "gateway_timeout",
};

export function defaultCodeFor(status: number): string {
  if (status < 400) return "success";
  return CODES_BY_STATUS[status] ?? (status >= 500 ? "internal_error" : "bad_request");
}

export function newRequestId(): string {
  return randomBytes(16).toString("hex");
}

export function envelopeText(status: number, code: string, detailMessage: string, result: unknown): string {
  return stringifyJson({ code, detailMessage, requestId: newRequestId(), result, status }, RESPONSE_ID_FIELDS);
}

export function successText(result: unknown): string {
  return envelopeText(200, "success", "", result);
}

/** A success reply with every id as the decimal string it is in our code (the `ids-as-strings` quirk). */
export function plainSuccessText(result: unknown): string {
  return JSON.stringify({ code: "success", detailMessage: "", requestId: newRequestId(), result, status: 200 });
}

export function errorText(error: ApiError): string {
  return envelopeText(error.status, error.code, error.message, error.result);
}
