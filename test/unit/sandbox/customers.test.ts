import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PATHS } from "../../../provider/api/catalog";
import { startSandbox } from "../../../sandbox";
import { buy, call, token, withSandbox } from "./helpers";

const NEW_USER = {
  userType: "Customer",
  yeastarId: "it@pendant.example",
  company: "Pendant Publishing",
  country: "Germany",
  lastName: "Pendant",
};

describe("sandbox: subordinate users (customers)", () => {
  const ctx = withSandbox();
  const save = (json: unknown) => call(ctx.sandbox, PATHS.saveUser, { token: ctx.token, json });

  it("save_user creates a user, answers true, and the list and the lookup by id or email show it", async () => {
    const r = await save(NEW_USER);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.result, true);
    const list = await call(ctx.sandbox, PATHS.subordinateUserList, { token: ctx.token });
    const user = (list.result as Array<{ email: string; partnerId: string; company: string }>).find(
      (u) => u.email === NEW_USER.yeastarId,
    );
    assert.ok(user);
    assert.match(user.partnerId, /^\d+$/);
    assert.equal(typeof user.partnerId, "string", "partner ids stay strings, as in the vendor's examples");
    for (const key of [user.partnerId, "IT@pendant.example"]) {
      const one = await call(ctx.sandbox, `${PATHS.subordinateUser}/${encodeURIComponent(key)}`, { token: ctx.token });
      assert.equal(one.status, 200, one.text);
      assert.equal(one.result.company, "Pendant Publishing");
    }
    const missing = await call(ctx.sandbox, `${PATHS.subordinateUser}/nobody@x.example`, { token: ctx.token });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, "user_not_found");
    // An order may now name the new user.
    const order = await buy(ctx, { assignId: user.partnerId });
    assert.ok(order.productNo);
  });

  it("refuses a body without the required fields, naming each, and a second user with the same Yeastar ID", async () => {
    const bad = await save({ userType: "Customer", yeastarId: "nope", company: "", country: "Narnia" });
    assert.equal(bad.status, 400);
    assert.deepEqual(Object.keys(bad.result).sort(), ["company", "country", "firstName", "yeastarId"]);
    assert.equal((await save(NEW_USER)).status, 200);
    const again = await save({ ...NEW_USER, yeastarId: "IT@PENDANT.example" });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, "user_already_exists");
    assert.equal(ctx.sandbox.admin.users().filter((u) => u.email.toLowerCase() === "it@pendant.example").length, 1);
  });

  it("the country list searches by name", async () => {
    const r = await call(ctx.sandbox, `${PATHS.countryList}?name=united`, { token: ctx.token });
    assert.deepEqual(
      (r.result.results as Array<{ name: string }>).map((c) => c.name),
      ["United Kingdom", "United States"],
    );
  });

  it("created users survive a restart with a state file, and reset restores the seeds", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-users-"));
    const stateFile = path.join(dir, "state.json");
    try {
      const first = await startSandbox({ stateFile });
      await call(first, PATHS.saveUser, { token: await token(first), json: NEW_USER });
      await first.close();
      const second = await startSandbox({ stateFile });
      assert.ok(second.admin.users().some((u) => u.email === NEW_USER.yeastarId));
      second.admin.reset();
      assert.deepEqual(
        second.admin.users().map((u) => u.email),
        ["it@customer-one.example", "it@customer-two.example", "it@customer-three.example"],
      );
      await second.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
