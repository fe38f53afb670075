/**
 * The order and price requests have one wire shape (provider/api/schemas.ts) for the client and the sandbox: what
 * the client sends is what the sandbox reads and stores, digit for digit.
 */
import * as assert from "node:assert/strict";
import { PLANS, SERVICES } from "../../../provider/api/catalog";
import { parseJson, stringifyJson } from "../../../provider/api/json";
import { OrderRequest, PriceRequest, ServiceItem } from "../../../provider/api/schemas";
import { validateOrder } from "../../../sandbox/orders";
import { validatePriceRequest } from "../../../sandbox/price-request";
import { Store } from "../../../sandbox/store";
import { sampleOrder } from "../client/fake-api";

function store(): Store {
  return new Store({
    orderPendingMs: 0,
    latencyMs: 0,
    tokenLifetimeSeconds: 1800,
    rejectRefreshTokens: false,
    failOrdersForUrls: [],
    quirks: [],
    rateLimitPerSecond: 0,
  });
}

/** A body as it reaches the sandbox: written by the client's serializer, read by the lossless parser. */
function overTheWire(value: unknown): unknown {
  return parseJson(stringifyJson(value));
}

describe("sandbox: request shapes shared with the client", () => {
  it("the client's order is an OrderRequest, and reads back unchanged after the wire", () => {
    const order = sampleOrder();
    assert.deepEqual(OrderRequest.parse(order), order);
    // 64-bit IDs travel as bare integers and come back as the same decimal strings.
    assert.deepEqual(OrderRequest.parse(overTheWire(order)), order);
  });

  it("the sandbox stores exactly the items of the shared shape the client sent", () => {
    const order = sampleOrder();
    const valid = validateOrder(overTheWire(order), store().context());
    assert.deepEqual(valid.items, OrderRequest.parse(order).serviceList);
    assert.deepEqual(valid.pbx, order.orderPceSpecialRequest);
  });

  it("a stored order item is a ServiceItem", () => {
    const s = store();
    const stored = s.createOrder(validateOrder(overTheWire(sampleOrder()), s.context()), "", Date.now());
    for (const item of stored.serviceList) {
      const { amount, ...rest } = item;
      assert.match(amount, /^\d+\.\d{2}$/);
      assert.deepEqual(ServiceItem.parse(rest), rest);
    }
  });

  it("a price request of the client's shape is read by the sandbox item for item", () => {
    const request = {
      productId: 13,
      operationType: "purchase_plan" as const,
      serviceList: [
        { serviceType: "plan" as const, pricingId: PLANS.ultimate, quantity: 20, billingCycle: "monthly" as const },
        {
          serviceType: "service" as const,
          pricingId: SERVICES.highAvailability,
          quantity: 20,
          billingCycle: "monthly" as const,
          connectionPlanId: PLANS.ultimate,
        },
      ],
    };
    assert.deepEqual(PriceRequest.parse(overTheWire(request)), request);
    const valid = validatePriceRequest(overTheWire(request), store().context());
    assert.deepEqual(valid.items, request.serviceList);
  });

  it("the shared shape refuses what the sandbox refuses field by field", () => {
    const [plan] = sampleOrder().serviceList;
    const broken: Array<[string, unknown]> = [
      ["serviceType", "addon"],
      ["serviceId", 41.5],
      ["serviceId", "30485717300269383681234"],
      ["quantity", 10.5],
      ["purchaseType", "gift"],
      ["billingModel", "once"],
      ["billingCycle", "weekly"],
      ["multiCycle", "0"],
    ];
    for (const [field, value] of broken) {
      const result = ServiceItem.safeParse({ ...plan, [field]: value });
      assert.equal(result.success, false, `${field} = ${String(value)}`);
      assert.deepEqual(result.error?.issues[0].path, [field]);
    }
  });
});
