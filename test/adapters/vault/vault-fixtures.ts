import { expect } from "bun:test";
import nacl from "tweetnacl";
import type { EncryptionKeys } from "../../../src/adapters/vault/encryption-keys.ts";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import type { Connection, PendingAuthorization } from "../../../src/domain/connection.ts";
import { type CustomerId, parseCustomerId } from "../../../src/domain/customer-id.ts";
import { isDomainError } from "../../../src/domain/errors.ts";

/** A sealer that counts how many records it opened. */
export class CountingSealer extends RecordSealer {
  opened = 0;
  override open(...args: Parameters<RecordSealer["open"]>): ReturnType<RecordSealer["open"]> {
    this.opened += 1;
    return super.open(...args);
  }
}

export const id = (text: string): CustomerId => parseCustomerId(text);

export function newKeys(previous: Uint8Array[] = []): EncryptionKeys {
  return { current: nacl.randomBytes(32), previous };
}

export function sampleConnection(customerId: CustomerId, overrides: Partial<Connection> = {}): Connection {
  return {
    customerId,
    email: `${customerId.toLowerCase().replaceAll(/[^a-z0-9]/g, "")}@example.com`,
    tokens: {
      accessToken: `ya29.access-${customerId}-${crypto.randomUUID()}`,
      refreshToken: `1//refresh-${customerId}-${crypto.randomUUID()}`,
      expiresAt: new Date("2026-01-15T11:00:00.123Z"),
      scopes: ["openid", "https://www.googleapis.com/auth/calendar.events"],
    },
    state: { kind: "connected" },
    connectedAt: new Date("2026-01-15T10:00:00.000Z"),
    updatedAt: new Date("2026-01-15T10:05:00.456Z"),
    oauthClientId: "vault-test-client.apps.googleusercontent.com",
    ...overrides,
  };
}

export function samplePending(customerId: CustomerId, expiresAt: Date): PendingAuthorization {
  return {
    state: `state-${crypto.randomUUID()}`,
    customerId,
    codeVerifier: `verifier-${crypto.randomUUID()}`,
    expiresAt,
  };
}

export async function collect(ids: AsyncIterable<CustomerId>): Promise<string[]> {
  const out: string[] = [];
  for await (const customerId of ids) out.push(customerId);
  return out.sort();
}

export async function unreadable(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(isDomainError(error, "record_unreadable")).toBe(true);
  return (error as Error).message;
}

export function contains(haystack: Uint8Array, needle: string): boolean {
  return Buffer.from(haystack).includes(Buffer.from(needle, "utf8"));
}
