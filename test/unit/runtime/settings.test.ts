/**
 * Provider settings: the explicit opt-in for a plain-http sandbox on a non-loopback host, and its warning.
 */
import * as assert from "node:assert/strict";
import { ConfigError } from "../../../provider/client/errors";
import { resetSharedClients } from "../../../provider/client/shared";
import {
  configure,
  currentSettings,
  resolveApi,
  SettingsError,
  type Reporter,
} from "../../../provider/runtime/settings";

const ENV = "YEASTAR_ALLOW_INSECURE_HTTP_FOR_TESTING";

function configOf(values: Record<string, string>) {
  return { get: (key: string) => values[key] };
}

function recorder(): Reporter & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => undefined, warn: (m) => warnings.push(m) };
}

const CREDENTIALS = { "yeastar:clientId": "sandbox-client", "yeastar:clientSecret": "settings-test-secret" };

/** Each test starts without `name` in the environment and with no shared client; the suite restores both. */
function isolateEnv(name: string) {
  const saved = process.env[name];
  beforeEach(() => {
    delete process.env[name];
    resetSharedClients();
  });
  after(() => {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
    resetSharedClients();
    configure();
  });
}

describe("settings: plain http to a non-loopback host", function () {
  isolateEnv(ENV);

  it("is refused without the opt-in, and the error names the field, the value and the opt-in", function () {
    configure(configOf({ ...CREDENTIALS, "yeastar:baseUrl": "http://sandbox:8787" }));
    const reporter = recorder();
    assert.throws(
      () => resolveApi(reporter),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.field === "baseUrl" &&
        e.message.includes('"http://sandbox:8787"') &&
        e.message.includes("loopback") &&
        e.message.includes("yeastar:allowInsecureHttpForTesting"),
    );
    assert.deepEqual(reporter.warnings, []);
  });

  it("is refused when the opt-in is false", function () {
    configure(
      configOf({
        ...CREDENTIALS,
        "yeastar:baseUrl": "http://sandbox:8787",
        "yeastar:allowInsecureHttpForTesting": "false",
      }),
    );
    assert.throws(() => resolveApi(recorder()), ConfigError);
  });

  it("is allowed with yeastar:allowInsecureHttpForTesting, with one warning per run naming the host", function () {
    configure(
      configOf({
        ...CREDENTIALS,
        "yeastar:baseUrl": "http://sandbox:8787",
        "yeastar:allowInsecureHttpForTesting": "true",
      }),
    );
    const reporter = recorder();
    const api = resolveApi(reporter);
    assert.ok(api);
    assert.equal(resolveApi(reporter), api, "one shared client");
    assert.equal(reporter.warnings.length, 1, reporter.warnings.join("\n"));
    assert.match(reporter.warnings[0], /allowInsecureHttpForTesting/);
    assert.match(reporter.warnings[0], /sandbox:8787/);
    assert.match(reporter.warnings[0], /never with the real Partner Portal/);
    assert.ok(!reporter.warnings[0].includes("settings-test-secret"));
    // A new run (the engine calls configure again in a new provider process) warns again.
    configure(
      configOf({
        ...CREDENTIALS,
        "yeastar:baseUrl": "http://sandbox:8787",
        "yeastar:allowInsecureHttpForTesting": "true",
      }),
    );
    resolveApi(reporter);
    assert.equal(reporter.warnings.length, 2);
  });

  it("is allowed with YEASTAR_ALLOW_INSECURE_HTTP_FOR_TESTING=true in the environment", function () {
    process.env[ENV] = "TRUE";
    configure(configOf({ ...CREDENTIALS, "yeastar:baseUrl": "http://10.1.2.3:8787" }));
    const reporter = recorder();
    resolveApi(reporter);
    assert.equal(reporter.warnings.length, 1);
    assert.match(reporter.warnings[0], /10\.1\.2\.3:8787/);
  });

  it("config wins over the environment", function () {
    process.env[ENV] = "true";
    configure(
      configOf({
        ...CREDENTIALS,
        "yeastar:baseUrl": "http://sandbox:8787",
        "yeastar:allowInsecureHttpForTesting": "false",
      }),
    );
    assert.throws(() => resolveApi(recorder()), ConfigError);
  });

  it("does not warn for https or loopback http, even with the opt-in on", function () {
    for (const baseUrl of ["https://proxy.example:8443", "http://127.0.0.1:8787"]) {
      configure(
        configOf({ ...CREDENTIALS, "yeastar:baseUrl": baseUrl, "yeastar:allowInsecureHttpForTesting": "true" }),
      );
      const reporter = recorder();
      resolveApi(reporter);
      assert.deepEqual(reporter.warnings, [], baseUrl);
    }
  });

  it("still refuses other schemes and credentials in the URL with the opt-in", function () {
    for (const baseUrl of ["ftp://sandbox:8787", "http://user:pw@sandbox:8787"]) {
      configure(
        configOf({ ...CREDENTIALS, "yeastar:baseUrl": baseUrl, "yeastar:allowInsecureHttpForTesting": "true" }),
      );
      assert.throws(() => resolveApi(recorder()), ConfigError, baseUrl);
    }
  });

  it("refuses a value other than true or false, naming the key and the value", function () {
    configure(
      configOf({
        ...CREDENTIALS,
        "yeastar:baseUrl": "http://sandbox:8787",
        "yeastar:allowInsecureHttpForTesting": "yes",
      }),
    );
    assert.throws(
      () => resolveApi(recorder()),
      (e: unknown) =>
        e instanceof SettingsError &&
        e.message.includes("yeastar:allowInsecureHttpForTesting") &&
        e.message.includes(ENV) &&
        e.message.includes('"yes"'),
    );
  });
});

describe("settings: yeastar:requestsPerSecond", function () {
  const RATE_ENV = "YEASTAR_REQUESTS_PER_SECOND";
  isolateEnv(RATE_ENV);

  it("is off unless set", function () {
    configure(configOf(CREDENTIALS));
    assert.equal(currentSettings().requestsPerSecond, undefined);
    assert.ok(resolveApi(recorder()));
  });

  it("comes from config, else from YEASTAR_REQUESTS_PER_SECOND; config wins", function () {
    process.env[RATE_ENV] = "2.5";
    configure(configOf(CREDENTIALS));
    assert.equal(currentSettings().requestsPerSecond, 2.5);
    configure(configOf({ ...CREDENTIALS, "yeastar:requestsPerSecond": "8" }));
    assert.equal(currentSettings().requestsPerSecond, 8);
    assert.ok(resolveApi(recorder()));
  });

  for (const bad of ["0", "-3", "fast", "1e9", "Infinity", " "]) {
    it(`refuses ${JSON.stringify(bad)}, naming the setting, the value and the range`, function () {
      configure(configOf({ ...CREDENTIALS, "yeastar:requestsPerSecond": bad }));
      assert.throws(
        () => resolveApi(recorder()),
        (e: unknown) =>
          e instanceof SettingsError &&
          e.message.includes("yeastar:requestsPerSecond") &&
          e.message.includes(RATE_ENV) &&
          e.message.includes(JSON.stringify(bad)) &&
          e.message.includes("greater than 0 and at most 1000"),
      );
    });
  }
});
