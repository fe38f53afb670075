import * as assert from "node:assert/strict";
import { PATHS } from "../../../provider/api/catalog";
import { ApiError, SchemaError, YeastarError } from "../../../provider/client/errors";
import { FakeApi, envelope, failure, fixtures, sampleOrder } from "./fake-api";

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail("expected an error"),
    (e: unknown) => e,
  );
}

describe("client: envelope and schema errors", () => {
  let api: FakeApi;
  beforeEach(() => {
    api = new FakeApi();
  });

  it("turns an error envelope into an ApiError with every field, and does not retry a 4xx", async () => {
    api.queue(
      PATHS.orderSave,
      failure(
        400,
        "parameter_validation_failed",
        "quantity is out of range",
        { quantity: "must be 5-500" },
        "7249dc24",
      ),
    );
    const err = await caught(api.client().createOrder(sampleOrder()));
    assert.ok(err instanceof ApiError && err instanceof YeastarError);
    assert.equal(err.operation, "create order");
    assert.equal(err.httpStatus, 400);
    assert.equal(err.code, "parameter_validation_failed");
    assert.equal(err.detailMessage, "quantity is out of range");
    assert.equal(err.requestId, "7249dc24");
    assert.deepEqual(err.fieldErrors, { quantity: "must be 5-500" });
    assert.equal(err.retryable, false);
    assert.equal(err.ambiguous, false);
    assert.equal(err.fromEnvelope, true);
    assert.equal(err.name, "ApiError");
    for (const part of [
      "create order",
      "HTTP 400",
      '"parameter_validation_failed"',
      "requestId 7249dc24",
      "quantity: must be 5-500",
      "No order was placed",
    ]) {
      assert.ok(err.message.includes(part), `${part} missing from: ${err.message}`);
    }
    assert.equal(api.to(PATHS.orderSave).length, 1);
  });

  it("does not retry 4xx reads", async () => {
    for (const status of [400, 403, 404, 409]) {
      const local = new FakeApi();
      local.queue(PATHS.regionList, failure(status, "nope", "no"));
      const err = await caught(local.client().listRegions());
      assert.ok(err instanceof ApiError && err.httpStatus === status);
      assert.equal(local.to(PATHS.regionList).length, 1, `status ${status}`);
    }
  });

  it("takes the body's status when the HTTP line says 200 but the envelope carries an error", async () => {
    api.queue(PATHS.regionList, {
      status: 200,
      body: { code: "forbidden", detailMessage: "no", requestId: "r", status: 403 },
    });
    const err = await caught(api.client().listRegions());
    assert.ok(err instanceof ApiError);
    assert.equal(err.httpStatus, 403);
    assert.match(err.message, /HTTP 403.*permission/);
  });

  it("keeps fieldErrors only when result is a map of strings", async () => {
    api.queue(PATHS.regionList, failure(400, "bad", "bad", { nested: { a: 1 } }), failure(400, "bad", "bad", ["x"]));
    const client = api.client();
    const first = await caught(client.listRegions());
    const second = await caught(client.listRegions());
    assert.ok(first instanceof ApiError && first.fieldErrors === undefined);
    assert.ok(second instanceof ApiError && second.fieldErrors === undefined);
  });

  it("tells the user what to do for 401 and 403", async () => {
    api.setDefault(PATHS.token, failure(401, "invalid_client", "bad credentials"));
    const err = await caught(api.client().listRegions());
    assert.ok(err instanceof ApiError);
    assert.equal(err.operation, "request access token");
    assert.match(err.message, /yeastar:clientSecret/);
    assert.match(err.message, /System > API/);
  });

  it("reports a result that does not match the schema as SchemaError, without retrying", async () => {
    api.queue(PATHS.regionList, { body: envelope([{ id: "41", region: [] }], "req-schema") });
    const err = await caught(api.client().listRegions());
    assert.ok(err instanceof SchemaError);
    assert.equal(err.operation, "list regions");
    assert.equal(err.requestId, "req-schema");
    assert.equal(err.retryable, false);
    assert.equal(err.ambiguous, false);
    assert.ok(
      err.issues.some((i) => i.startsWith("result.0.name")),
      err.issues.join(),
    );
    assert.match(err.message, /list regions returned an unexpected response: HTTP 200, requestId req-schema/);
    assert.equal(api.to(PATHS.regionList).length, 1);
  });

  it("rejects a 64-bit ID that arrives as a rounded float", async () => {
    api.queue(PATHS.billingContactList, {
      raw: '{"code":"success","requestId":"r","result":[{"billingContactId":3.197218168379846e18,"emailAddress":"a@b"}]}',
    });
    const err = await caught(api.client().listBillingContacts());
    assert.ok(err instanceof SchemaError, String(err));
  });

  it("reports a body that is no envelope as SchemaError and retries it for reads", async () => {
    api.queue(PATHS.regionList, { raw: '{"code":"succ' }, { raw: "[]" }, { raw: "" });
    const client = api.client();
    assert.equal((await client.listRegions()).length, 1);
    assert.equal(api.to(PATHS.regionList).length, 4);
  });

  it("gives up on garbled bodies after the retry limit with a SchemaError", async () => {
    api.setDefault(PATHS.regionList, { raw: "<html>oops</html>" });
    const err = await caught(api.client({ retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 } }).listRegions());
    assert.ok(err instanceof SchemaError);
    assert.equal(err.retryable, true);
    assert.match(err.issues[0], /body is not JSON/);
    assert.match(err.message, /after 3 attempts/);
    assert.equal(api.to(PATHS.regionList).length, 3);
  });

  it("reports an HTTP error without an envelope as ApiError http_<status> with a body excerpt", async () => {
    api.setDefault(PATHS.regionList, { status: 502, raw: "<html><body>Bad Gateway</body></html>" });
    const err = await caught(api.client({ retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } }).listRegions());
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, "http_502");
    assert.equal(err.fromEnvelope, false);
    assert.equal(err.retryable, true);
    assert.match(err.detailMessage, /Bad Gateway/);
    assert.match(
      err.message,
      /list regions failed: HTTP 502, code "http_502", no requestId.*after 2 attempts.*server error/,
    );
  });

  it("error objects serialise to their fields", async () => {
    api.queue(PATHS.orderDetail, failure(404, "order_not_found", "no such order", null, "rq"));
    const err = await caught(api.client().getOrder("PO1"));
    const json = JSON.parse(JSON.stringify(err)) as Record<string, unknown>;
    assert.equal(json.code, "order_not_found");
    assert.equal(json.httpStatus, 404);
    assert.equal(json.operation, "get order");
    assert.equal(json.ambiguous, false);
  });

  it("accepts unknown extra fields in results (loose objects)", async () => {
    api.setDefault(PATHS.orderSave, { body: envelope({ ...fixtures.orderResult, extra: "field" }) });
    const result = await api.client().createOrder(sampleOrder());
    assert.equal((result as Record<string, unknown>).extra, "field");
  });
});
