/** Errors meant for the user reach the engine once, without a stack; bugs keep theirs. */
import * as assert from "node:assert/strict";
import { ApiError } from "../../../provider/client/errors";
import { expect, isExpected } from "../../../provider/runtime/shown-once";
import { SettingsError } from "../../../provider/runtime/settings";

describe("errors shown once", function () {
  it("an API refusal, a missing setting or a plain message is expected; a TypeError is a bug", function () {
    const api = new ApiError({ operation: "get product", httpStatus: 401, code: "invalid_client", retryable: false });
    assert.ok(isExpected(api));
    assert.ok(isExpected(new SettingsError("yeastar:clientId is not set")));
    assert.ok(isExpected(new Error("extensions cannot go down")));
    assert.ok(!isExpected(new TypeError("x is undefined")));
    assert.ok(!isExpected(new RangeError("too deep")));
    assert.ok(!isExpected("a string"));
  });

  it("drops the stack and exactly the host's stderr line for an expected error, and nothing else", function () {
    const printed: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string | Uint8Array) => {
      printed.push(String(chunk).replace(/\n$/, ""));
      return true;
    }) as typeof process.stderr.write;
    try {
      const err = expect(new SettingsError("yeastar:clientSecret is not set"));
      assert.equal(err.stack, "Error: yeastar:clientSecret is not set");
      // What the dynamic-provider host writes before it returns the error to the engine:
      console.error(`${err}: ${err.stack}`);
      console.error("something else");
      const bug = expect(new TypeError("boom"));
      assert.match(bug.stack ?? "", /\n\s+at /, "a bug keeps its frames");
      console.error(`${bug}: ${bug.stack}`);
      // Printed once only: a second identical line is not swallowed.
      console.error(`${err}: ${err.stack}`);
    } finally {
      process.stderr.write = write;
    }
    assert.equal(printed.length, 3, printed.join("\n"));
    assert.equal(printed[0], "something else");
    assert.match(printed[1], /^TypeError: boom: TypeError: boom\n/);
    assert.equal(printed[2], "Error: yeastar:clientSecret is not set: Error: yeastar:clientSecret is not set");
  });
});
