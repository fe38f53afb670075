/**
 * The Customer engine against the sandbox over loopback HTTP with the real client: validation naming the field,
 * create sent once with the id found afterwards, adoption by email, import by partner id or email, refresh,
 * the changes the API cannot make, and a destroy that calls nothing.
 */
import * as assert from "node:assert/strict";
import * as customer from "../../../provider/customer/engine";
import { validateCustomer } from "../../../provider/customer/inputs";
import { nativeProvider } from "../../../provider/native/plugin-provider";
import { PartnerClient } from "../../../provider/client/client";
import { startSandbox, type Sandbox } from "../../../sandbox";

const ARGS = { email: "ops@hooli.example", company: "Hooli", country: "United States", lastName: "Belson" };

describe("Customer engine against the sandbox", function () {
  let sandbox: Sandbox;
  let client: PartnerClient;
  let messages: Array<[string, string]>;
  const deps = (): customer.CustomerDeps => ({
    api: () => client,
    report: { info: (m) => void messages.push(["info", m]), warn: (m) => void messages.push(["warn", m]) },
  });

  before(async function () {
    sandbox = await startSandbox();
  });
  beforeEach(function () {
    sandbox.admin.reset();
    messages = [];
    client = new PartnerClient({
      baseUrl: sandbox.url,
      clientId: "sandbox-client",
      clientSecret: "sandbox-secret",
      retry: { retries: 1, baseDelayMs: 10, maxDelayMs: 20 },
    });
  });
  after(async function () {
    await sandbox?.close();
  });

  it("validation names each bad field, its value and what is valid", function () {
    const r = validateCustomer({ email: "not-an-email", company: "", country: "Germany", taxType: "SSN" });
    const byField = Object.fromEntries(r.failures.map((f) => [f.property, f.reason]));
    assert.match(byField.email, /email is "not-an-email".*an email address/);
    assert.match(byField.company, /company is "".*required/);
    assert.match(byField.taxType, /"SSN".*one of "VAT_number"/);
    const names = validateCustomer({ email: "a@b.example", company: "B", country: "Germany" });
    assert.deepEqual(
      names.failures.map((f) => f.property),
      ["firstName"],
    );
    assert.match(names.failures[0].reason, /at least one of them/);
    assert.match(validateCustomer({ ...ARGS, extra: 1 }).failures[0].reason, /extra is not an input of Customer/);
  });

  it("check refuses a country the country list does not name, and spells a known one as the list does", async function () {
    const bad = await customer.check({}, { ...ARGS, country: "Atlantis" }, deps());
    assert.equal(bad.failures?.[0].property, "country");
    assert.match(bad.failures![0].reason, /"Atlantis".*country list/);
    const good = await customer.check({}, { ...ARGS, country: "united states", __dryRun: true }, deps());
    assert.equal(good.inputs?.country, "United States");
    assert.equal(good.inputs?.__dryRun, undefined, "the preview flag is not an input");
    assert.equal(sandbox.admin.stats().requests.saveUser, 0, "check creates nothing");
    assert.match(messages.at(-1)![1], /will create this subordinate user/);
  });

  it("check says what `up` will do in a preview only: an update's check prints no preview line", async function () {
    await customer.check({}, { ...ARGS, __dryRun: false }, deps());
    await customer.check({}, ARGS, deps());
    assert.deepEqual(messages, []);
    assert.equal(sandbox.admin.stats().requests.subordinateUserList, 0, "no lookup it would only print");
  });

  it("create sends save_user once and finds the new user's partner id in the list", async function () {
    const checked = (await customer.check({}, ARGS, deps())).inputs!;
    const { id, outs } = await customer.create(checked, deps());
    const user = sandbox.admin.users().find((u) => u.email === ARGS.email);
    assert.ok(user);
    assert.equal(id, user.partnerId);
    assert.equal(outs.partnerId, user.partnerId);
    assert.equal(outs.adopted, false);
    assert.equal(sandbox.admin.stats().requests.saveUser, 1);
    assert.equal(sandbox.admin.stats().orders.length, 0, "a customer is no order");
  });

  it("create records a user that already has the email, creating nothing", async function () {
    const { outs } = await customer.create({ ...ARGS, email: "IT@customer-one.example" }, deps());
    assert.equal(outs.partnerId, "3076913644915998721");
    assert.equal(outs.adopted, true);
    assert.equal(sandbox.admin.stats().requests.saveUser, 0);
    assert.match(messages[0][1], /already a subordinate user.*created nothing/);
  });

  it("a failed create is looked up, then reported; nothing is created twice", async function () {
    sandbox.admin.addFault({ endpoint: "saveUser", status: 503, times: 1 });
    await assert.rejects(customer.create(ARGS, deps()), /503|unavailable|create subordinate user/i);
    assert.equal(sandbox.admin.users().filter((u) => u.email === ARGS.email).length, 0);
    const again = await customer.create(ARGS, deps());
    assert.equal(again.outs.adopted, false);
    assert.equal(sandbox.admin.users().filter((u) => u.email === ARGS.email).length, 1);
  });

  it("import reads the user by partner id or by email; refresh rereads it; a user gone leaves the stack", async function () {
    const byId = await customer.read("3076913644915998723", undefined, deps());
    assert.equal(byId.id, "3076913644915998723");
    assert.equal(byId.props?.email, "it@customer-two.example");
    assert.equal(byId.props?.adopted, true);
    const byEmail = await customer.read("it@customer-two.example", undefined, deps());
    assert.equal(byEmail.id, "3076913644915998723");
    await assert.rejects(customer.read("nobody@nowhere.example", undefined, deps()), /no subordinate user/);
    const refreshed = await customer.read(byId.id!, byId.props, deps());
    assert.equal(refreshed.props?.company, "Customer Two");
    const gone = await customer.read("1", { ...byId.props!, partnerId: "1" }, deps());
    assert.deepEqual(gone, {});
    assert.match(messages.at(-1)![1], /no longer a subordinate user/);
  });

  it("a change fails check naming the field; only sendActivationEmail may change", async function () {
    const olds = { ...ARGS, sendActivationEmail: false };
    const r = await customer.check(olds, { ...ARGS, company: "Hooli XYZ" }, deps());
    assert.equal(r.failures?.[0].property, "company");
    assert.match(r.failures![0].reason, /cannot change a subordinate user/);
    const email = await customer.check(olds, { ...ARGS, email: "other@hooli.example" }, deps());
    assert.match(email.failures![0].reason, /declare a new Customer/);
    assert.deepEqual((await customer.check(olds, { ...ARGS, sendActivationEmail: true }, deps())).failures, undefined);
    const state = { ...olds, partnerId: "9", userType: "Customer", adopted: false };
    await assert.rejects(customer.update("9", state, { ...ARGS, city: "Palo Alto" }), /city .*cannot change/);
  });

  it("destroy calls nothing and says the user was not deleted", async function () {
    sandbox.admin.resetCounters();
    await customer.remove("9", { email: ARGS.email, partnerId: "9" }, deps());
    assert.equal(
      Object.values(sandbox.admin.stats().requests).reduce((a, b) => a + b, 0),
      0,
    );
    assert.match(messages[0][1], /removed from this stack but NOT deleted/);
  });

  it("the native plugin serves yeastar:index:Customer with the same engine", async function () {
    const logged: string[] = [];
    const p = nativeProvider({
      version: "1.0.0",
      deps: () => ({ api: () => client, report: deps().report, sleep: async () => {}, now: () => Date.now() }),
      log: { info: (m) => void logged.push(m), warn: (m) => void logged.push(m) },
    });
    const urn = "urn:pulumi:dev::p::yeastar:index:Customer::hooli";
    assert.ok(JSON.parse(p.schema!).resources["yeastar:index:Customer"]);
    const checked = await p.check!(urn, {}, ARGS);
    assert.deepEqual(checked.failures ?? [], []);
    assert.deepEqual(logged, [], "check cannot tell a preview from an update: it prints no preview line");
    const planned = await p.previewCreate!(urn, checked.inputs);
    assert.equal(planned.id, "");
    assert.match(logged.at(-1)!, /Customer ops@hooli\.example: `pulumi up` will create this subordinate user/);
    assert.equal(sandbox.admin.stats().requests.saveUser, 0, "a preview creates nothing");
    const created = await p.create!(urn, checked.inputs);
    assert.equal(created.id, sandbox.admin.users().find((u) => u.email === ARGS.email)?.partnerId);
    const imported = await p.read!("it@customer-three.example", urn, {});
    assert.equal(imported.id, "3076913644915998725");
    await p.delete!(created.id, urn, created.outs);
    assert.match(logged.at(-1)!, /NOT deleted/);
  });
});
