/**
 * A refresh configured from the state's recorded config (an old sandbox port, a rotated secret) fails with advice
 * that names the URL it used and `--run-program`; other failures keep their message as it was.
 */
import * as assert from "node:assert/strict";
import { resetSharedClients } from "../../../provider/client/shared";
import { ApiError, NetworkError } from "../../../provider/client/errors";
import { looksLikeRecordedConfig, withRecordedConfigAdvice } from "../../../provider/client/recorded-config";
import { defaultCustomerDeps, read as readCustomer } from "../../../provider/customer/engine";
import { read as readPbx } from "../../../provider/pbx/engine";
import { configure, resolveApi } from "../../../provider/runtime/settings";
import { startSandbox } from "../../../sandbox";
import { freePort } from "../../helpers/ports";
import { state } from "../pbx/fixtures";

const quiet = { info: () => undefined, warn: () => undefined };

function configOf(values: Record<string, string>) {
  return { get: (key: string) => values[key] };
}

async function failure(run: () => Promise<unknown>): Promise<Error> {
  return run().then(
    () => assert.fail("expected the read to fail"),
    (e: unknown) => e as Error,
  );
}

describe("recorded provider config: the advice on a read that cannot reach or log in", function () {
  const network = (reason: string) =>
    new NetworkError({ operation: "get product", reason, baseUrl: "http://x", ambiguous: false, retryable: true });

  it("applies to connection refused, DNS failures and 401, not to a timeout, a 404 or a 500", function () {
    assert.equal(looksLikeRecordedConfig(network("ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1")), true);
    assert.equal(looksLikeRecordedConfig(network("ENOTFOUND: getaddrinfo ENOTFOUND sandbox")), true);
    assert.equal(looksLikeRecordedConfig(network("timeout after 30000 ms")), false);
    const api = (httpStatus: number) =>
      new ApiError({ operation: "get token", httpStatus, code: "x", retryable: false });
    assert.equal(looksLikeRecordedConfig(api(401)), true);
    assert.equal(looksLikeRecordedConfig(api(404)), false);
    assert.equal(looksLikeRecordedConfig(api(500)), false);
    assert.equal(looksLikeRecordedConfig(new Error("ECONNREFUSED")), false, "only the client's own errors");
    const plain = new Error("other");
    assert.equal(withRecordedConfigAdvice(plain, "http://u").message, "other");
  });

  describe("through the engines, with the real client over loopback", function () {
    let sandbox: Awaited<ReturnType<typeof startSandbox>>;
    before(async function () {
      sandbox = await startSandbox({ port: 0, clientSecret: "rotated-secret" });
    });
    after(async function () {
      resetSharedClients();
      configure();
      await sandbox.close();
    });
    beforeEach(() => resetSharedClients());

    it("a PBX refresh against a port nobody listens on names the URL and `pulumi refresh --run-program`", async function () {
      const stale = `http://127.0.0.1:${await freePort()}`;
      configure(
        configOf({
          "yeastar:baseUrl": stale,
          "yeastar:clientId": "sandbox-client",
          "yeastar:clientSecret": "stale-secret-5e1f",
        }),
      );
      process.env.YEASTAR_TIMEOUT_MS = "2000";
      try {
        const err = await failure(() => readPbx("1", state(), quietDeps()));
        assert.equal(err.name, "NetworkError");
        assert.match(err.message, /ECONNREFUSED/);
        assert.ok(err.message.includes(`here yeastar:baseUrl is ${stale}`), err.message);
        assert.match(err.message, /`pulumi refresh --run-program`/);
        assert.ok(!err.message.includes("stale-secret-5e1f"));
      } finally {
        delete process.env.YEASTAR_TIMEOUT_MS;
      }
    });

    it("a Customer refresh with the secret before its rotation says 401 and the same advice, without the secret", async function () {
      configure(
        configOf({
          "yeastar:baseUrl": sandbox.url,
          "yeastar:clientId": "sandbox-client",
          "yeastar:clientSecret": "secret-before-rotation",
        }),
      );
      const err = await failure(() => readCustomer("42", undefined, { ...defaultCustomerDeps(), report: quiet }));
      assert.equal(err.name, "ApiError");
      assert.match(err.message, /HTTP 401/);
      assert.ok(err.message.includes(`here yeastar:baseUrl is ${sandbox.url}`), err.message);
      assert.match(err.message, /--run-program/);
      assert.ok(!err.message.includes("secret-before-rotation"));
    });

    it("a read that reaches the portal with good credentials fails as before, without the advice", async function () {
      configure(
        configOf({
          "yeastar:baseUrl": sandbox.url,
          "yeastar:clientId": "sandbox-client",
          "yeastar:clientSecret": "rotated-secret",
        }),
      );
      const err = await failure(() =>
        readCustomer("no-such-user", undefined, { ...defaultCustomerDeps(), report: quiet }),
      );
      assert.match(err.message, /no subordinate user/);
      assert.doesNotMatch(err.message, /--run-program/);
    });
  });
});

function quietDeps() {
  return { api: resolveApi, report: quiet, sleep: async () => undefined, now: () => Date.now() };
}
