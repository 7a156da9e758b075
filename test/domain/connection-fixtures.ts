import { InProcessCustomerLock } from "../../src/adapters/system/in-process-customer-lock.ts";
import type { Connection } from "../../src/domain/connection.ts";
import { type CustomerId, parseCustomerId } from "../../src/domain/customer-id.ts";
import { FakeOAuthProvider } from "../fakes/fake-oauth-provider.ts";
import { FixedClock } from "../fakes/fixed-clock.ts";
import { InMemoryPendingAuthorizations } from "../fakes/in-memory-pending-authorizations.ts";
import { InMemoryTokenVault } from "../fakes/in-memory-token-vault.ts";

/** A small world of fakes for the connection services. */
export function fakeWorld() {
  const clock = new FixedClock("2026-01-15T10:00:00Z");
  return {
    clock,
    oauth: new FakeOAuthProvider(clock),
    vault: new InMemoryTokenVault(),
    pending: new InMemoryPendingAuthorizations(),
    lock: new InProcessCustomerLock(),
  };
}

export function customer(id = "user-123"): CustomerId {
  return parseCustomerId(id);
}

export function aConnection(overrides: Partial<Connection> = {}): Connection {
  const now = new Date("2026-01-15T10:00:00Z");
  return {
    customerId: customer(),
    email: "user-123@gmail.com",
    tokens: {
      accessToken: "access-initial",
      refreshToken: "refresh-initial",
      expiresAt: new Date(now.getTime() + 3600_000),
      scopes: ["openid", "email"],
    },
    state: { kind: "connected" },
    connectedAt: now,
    updatedAt: now,
    oauthClientId: "fake-client.apps.googleusercontent.com",
    ...overrides,
  };
}
