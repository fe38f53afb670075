/** The large-fleet advice (provider/runtime/large-fleet.ts): when it is due, how often, and its setting. */
import * as assert from "node:assert/strict";
import {
  FleetCounter,
  LARGE_FLEET_THRESHOLD,
  largeFleetModeOn,
  largeFleetThreshold,
} from "../../../provider/runtime/large-fleet";

function adviceFor(count: number, env: Record<string, string | undefined>): string[] {
  const counter = new FleetCounter(env);
  const out: string[] = [];
  for (let i = 1; i <= count; i++) {
    const advice = counter.add(`pbx-${i}`);
    if (advice) out.push(advice);
  }
  return out;
}

describe("large-fleet advice", function () {
  it("is given once, for the first PBX past the threshold (100 by default), saying what it costs and what to set", function () {
    assert.equal(LARGE_FLEET_THRESHOLD, 100);
    assert.deepEqual(adviceFor(100, {}), []);
    const advice = adviceFor(1000, {});
    assert.equal(advice.length, 1);
    assert.match(advice[0], /more than 100 PBXs/);
    assert.match(advice[0], /square of the fleet/);
    assert.match(advice[0], /145 s/);
    assert.match(advice[0], /Set PULUMI_SKIP_CHECKPOINTS=true/);
  });

  it("counts a PBX seen twice once", function () {
    const counter = new FleetCounter({ YEASTAR_LARGE_FLEET_THRESHOLD: "1" });
    assert.equal(counter.add("a"), undefined);
    assert.equal(counter.add("a"), undefined);
    assert.match(counter.add("b") ?? "", /more than 1 PBXs/);
    assert.equal(counter.add("c"), undefined);
  });

  it("is not given in the large-fleet mode, read as the CLI reads it (1 or true, any case)", function () {
    for (const v of ["true", "TRUE", "1", " true "]) {
      assert.equal(largeFleetModeOn({ PULUMI_SKIP_CHECKPOINTS: v }), true, v);
      assert.deepEqual(adviceFor(5, { PULUMI_SKIP_CHECKPOINTS: v, YEASTAR_LARGE_FLEET_THRESHOLD: "1" }), []);
    }
    for (const v of [undefined, "", "false", "0", "yes"]) {
      assert.equal(largeFleetModeOn({ PULUMI_SKIP_CHECKPOINTS: v }), false, String(v));
    }
  });

  it("takes YEASTAR_LARGE_FLEET_THRESHOLD, and refuses one that is not a whole number, naming it and the value", function () {
    assert.equal(largeFleetThreshold({ YEASTAR_LARGE_FLEET_THRESHOLD: "3" }), 3);
    assert.equal(largeFleetThreshold({ YEASTAR_LARGE_FLEET_THRESHOLD: "0" }), 0);
    assert.equal(largeFleetThreshold({ YEASTAR_LARGE_FLEET_THRESHOLD: "" }), 100);
    for (const bad of ["-1", "2.5", "many", "1e3"]) {
      assert.throws(
        () => largeFleetThreshold({ YEASTAR_LARGE_FLEET_THRESHOLD: bad }),
        new RegExp(`YEASTAR_LARGE_FLEET_THRESHOLD must be a whole number of PBXs, 0 or more, got "${bad}"`),
      );
    }
  });
});
