/** `yeastar-pseries destroy`: the list of what stays billed, read from state and the portal, before pulumi destroy. */
import * as assert from "node:assert/strict";
import { PBX_TOKENS } from "../../../provider/api/contract";
import type { PartnerApi } from "../../../provider/api/partner-api";
import { billedNotice, pbxsInState, runDestroy, type DestroyDeps } from "../../../provider/cli/destroy-main";

const URN = (name: string) => `urn:pulumi:dev::p::pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx::${name}`;
const EXPORTED = {
  deployment: {
    resources: [
      { urn: "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev", type: "pulumi:pulumi:Stack" },
      {
        urn: URN("hq"),
        type: "pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx",
        protect: true,
        outputs: { pbxUrl: "hq.eu.example", productNo: "SN1", expireDate: "2027-05-01" },
      },
      {
        urn: URN("branch"),
        type: "yeastar:index:PSeriesCloudPbx",
        outputs: { pbxUrl: "branch.eu.example", productNo: "SN2", expireDate: "" },
      },
    ],
  },
};

function fakeDeps(opts: { config?: Record<string, { value: string }>; product?: () => Promise<unknown> }) {
  const calls: string[][] = [];
  const destroyed: string[][] = [];
  const deps: DestroyDeps = {
    pulumi: (args) => {
      calls.push(args);
      if (args[0] === "stack") return { code: 0, stdout: JSON.stringify(EXPORTED), stderr: "" };
      return { code: 0, stdout: JSON.stringify(opts.config ?? {}), stderr: "" };
    },
    destroy: async (args) => {
      destroyed.push(args);
      return 0;
    },
    api: () => ({ getProduct: opts.product ?? (async () => ({ expireDate: "2027-01-31" })) }) as unknown as PartnerApi,
  };
  return { deps, calls, destroyed };
}

describe("yeastar-pseries destroy", function () {
  it("reads the PBXs of both type tokens from the state, and only the targeted ones with --target", function () {
    assert.deepEqual(
      pbxsInState(EXPORTED).map((p) => [p.name, p.pbxUrl, p.serial, p.expireDate, p.protect]),
      [
        ["hq", "hq.eu.example", "SN1", "2027-05-01", true],
        ["branch", "branch.eu.example", "SN2", "", false],
      ],
    );
    assert.deepEqual(
      pbxsInState(EXPORTED, [URN("branch")]).map((p) => p.name),
      ["branch"],
    );
    assert.deepEqual(pbxsInState({ deployment: {} }), []);
    assert.throws(() => pbxsInState({}), /no "deployment" object/);
  });

  it("reads the state through the one export parser: every PBX token of the contract, a copy pending deletion too", function () {
    const legacy = {
      deployment: {
        resources: PBX_TOKENS.all.map((type, i) => ({
          urn: `urn:pulumi:dev::p::${type}::pbx${i}`,
          type,
          delete: i === 0,
          outputs: { pbxUrl: `pbx${i}.eu.example`, productNo: `SN${i}` },
        })),
      },
    };
    assert.deepEqual(
      pbxsInState(legacy).map((p) => p.serial),
      PBX_TOKENS.all.map((_, i) => `SN${i}`),
    );
  });

  it("says nothing is cancelled, with each PBX's date or why it is unknown, and protection", function () {
    const lines = billedNotice(pbxsInState(EXPORTED), new Map([["SN2", { unknown: "HTTP 401" }]]));
    assert.match(lines[0], /removes 2 PBXs from this stack and cancels NOTHING/);
    assert.match(lines[1], /hq: PBX hq\.eu\.example \(serial SN1\) stays billed until 2027-05-01; it is protected/);
    assert.match(lines[2], /branch: .* billed until its expiry date, which could not be read \(HTTP 401\)/);
    assert.match(lines.at(-1)!, /turn off auto-renew/);
  });

  it("reads a missing expiry from the portal with the stack config's credentials, then runs pulumi destroy", async function () {
    const out: string[] = [];
    const { deps, calls, destroyed } = fakeDeps({
      config: { "yeastar:clientId": { value: "id" }, "yeastar:clientSecret": { value: "s3cret" } },
    });
    const code = await runDestroy(
      ["--stack", "dev", "--yes"],
      { out: (t) => out.push(t), err: (t) => out.push(t) },
      {},
      deps,
    );
    assert.equal(code, 0);
    assert.deepEqual(calls[0], ["stack", "export", "--stack", "dev"]);
    assert.match(out.join("\n"), /branch: PBX branch\.eu\.example \(serial SN2\) stays billed until 2027-01-31/);
    assert.ok(!out.join("\n").includes("s3cret"));
    assert.deepEqual(destroyed, [["--stack", "dev", "--yes"]], "pulumi destroy gets the same flags, after the list");
  });

  it("without credentials, or when the portal fails, says what it could not read and still runs the destroy", async function () {
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
    const none = fakeDeps({});
    assert.equal(await runDestroy([], io, {}, none.deps), 0);
    assert.match(out.join("\n"), /could not be read \(no yeastar:clientId \/ yeastar:clientSecret/);
    out.length = 0;
    const failing = fakeDeps({
      product: async () => {
        throw new Error("Yeastar API: get product failed: network error");
      },
    });
    await runDestroy([], io, { YEASTAR_CLIENT_ID: "id", YEASTAR_CLIENT_SECRET: "s" }, failing.deps);
    assert.match(out.join("\n"), /could not be read \(Yeastar API: get product failed: network error\)/);
    assert.equal(failing.destroyed.length, 1);
  });
});
