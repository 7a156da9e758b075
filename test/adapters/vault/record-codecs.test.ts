import { describe, expect, test } from "bun:test";
import nacl from "tweetnacl";
import { decodeConnection, encodeConnection } from "../../../src/adapters/vault/connection-codec.ts";
import {
  openPendingAuthorization,
  sealPendingAuthorization,
  stateHash,
} from "../../../src/adapters/vault/pending-authorization-codec.ts";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import { parseCustomerId } from "../../../src/domain/customer-id.ts";
import { isDomainError } from "../../../src/domain/errors.ts";
import { sampleConnection, samplePending } from "./token-vault-contract.ts";

const alice = parseCustomerId("alice");
const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

function unreadableMessage(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    expect(isDomainError(error, "record_unreadable")).toBe(true);
    return (error as Error).message;
  }
  throw new Error("expected record_unreadable");
}

describe("connection codec", () => {
  test("encodes Dates as ISO strings and decodes them back", () => {
    const connection = sampleConnection(alice);
    const json = JSON.parse(new TextDecoder().decode(encodeConnection(connection)));
    expect(json.v).toBe(1);
    expect(json.tokens.expiresAt).toBe("2026-01-15T11:00:00.123Z");
    expect(decodeConnection(encodeConnection(connection), alice)).toEqual(connection);
  });

  test("refuses unknown versions, invalid fields and another customer's record without echoing values", () => {
    const json = JSON.parse(new TextDecoder().decode(encodeConnection(sampleConnection(alice))));
    expect(unreadableMessage(() => decodeConnection(bytes({ ...json, v: 2 }), alice))).toContain("version 2");
    expect(unreadableMessage(() => decodeConnection(new TextEncoder().encode("{"), alice))).toContain("JSON");
    const badDate = { ...json, tokens: { ...json.tokens, expiresAt: "yesterday" } };
    const message = unreadableMessage(() => decodeConnection(bytes(badDate), alice));
    expect(message).toContain("tokens.expiresAt");
    expect(message).not.toContain(json.tokens.accessToken);
    const badState = { ...json, state: { kind: "paused" } };
    expect(unreadableMessage(() => decodeConnection(bytes(badState), alice))).toContain("state");
    expect(unreadableMessage(() => decodeConnection(bytes(json), parseCustomerId("bob")))).toContain(
      "another",
    );
  });

  test("the issuing OAuth client round-trips; a record from before it was kept decodes with null", () => {
    const connection = sampleConnection(parseCustomerId("client-1"), {
      oauthClientId: "agentic.apps.googleusercontent.com",
    });
    const bytes = encodeConnection(connection);
    expect(decodeConnection(bytes, connection.customerId).oauthClientId).toBe(
      "agentic.apps.googleusercontent.com",
    );
    const { oauthClientId: _dropped, ...legacy } = JSON.parse(new TextDecoder().decode(bytes));
    const legacyBytes = new TextEncoder().encode(JSON.stringify(legacy));
    expect(decodeConnection(legacyBytes, connection.customerId).oauthClientId).toBeNull();
  });

  test("an invalid Date is refused at encode time", () => {
    const connection = sampleConnection(alice, { updatedAt: new Date("nope") });
    let error: unknown = null;
    try {
      encodeConnection(connection);
    } catch (caught) {
      error = caught;
    }
    expect(isDomainError(error, "invalid_argument")).toBe(true);
  });
});

describe("pending authorization codec", () => {
  const sealer = new RecordSealer({ current: nacl.randomBytes(32), previous: [] });

  test("seals the whole entry, verifier included, bound to the state's hash", () => {
    const pending = samplePending(alice, new Date("2030-01-01T00:00:00.500Z"));
    const sealed = sealPendingAuthorization(sealer, pending);
    expect(Buffer.from(sealed).includes(Buffer.from(pending.codeVerifier))).toBe(false);
    expect(Buffer.from(sealed).includes(Buffer.from(pending.state))).toBe(false);
    expect(openPendingAuthorization(sealer, stateHash(pending.state), sealed)).toEqual(pending);
    unreadableMessage(() => openPendingAuthorization(sealer, stateHash("another-state"), sealed));
  });

  test("stateHash is 64 hex characters and differs per state", () => {
    expect(stateHash("a")).toMatch(/^[0-9a-f]{64}$/);
    expect(stateHash("a")).not.toBe(stateHash("b"));
  });
});
