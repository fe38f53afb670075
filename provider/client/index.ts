/** The Yeastar Partner Portal API client. */
export { PartnerClient, OPERATIONS, MAX_REQUESTS_PER_SECOND, type ClientOptions } from "./client";
export { sharedClient, resetSharedClients } from "./shared";
export { assertSafeBaseUrl, isInsecureRemoteHttp, type BaseUrlRule } from "./base-url";
export { YeastarError, ApiError, NetworkError, SchemaError, ConfigError } from "./errors";
export { redact, REDACTED } from "./redact";
export { parseRetryAfter, MAX_RETRY_AFTER_MS } from "./retry";
export type { FetchLike, FetchInit, FetchResponse } from "./transport";
