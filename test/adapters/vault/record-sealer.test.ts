import { describe, expect, test } from "bun:test";
import nacl from "tweetnacl";
import { keyIdHex, keyIdOf } from "../../../src/adapters/vault/encryption-keys.ts";
import {
  inspectSealedRecord,
  RecordSealer,
  SEALED_RECORD_VERSION,
} from "../../../src/adapters/vault/record-sealer.ts";
import { type DomainError, isDomainError } from "../../../src/domain/errors.ts";

const plaintext = new TextEncoder().encode('{"secret":"ya29.token-value"}');

function unreadable(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    expect(isDomainError(error, "record_unreadable")).toBe(true);
    return error as DomainError;
  }
  throw new Error("expected record_unreadable");
}

describe("RecordSealer", () => {
  const current = nacl.randomBytes(32);
  const old = nacl.randomBytes(32);
  const sealer = new RecordSealer({ current, previous: [old] });

  test("subkeys are SHA-512(key ‖ context) as tweetnacl computes it: records sealed before stay readable", () => {
    // A record sealed the way every earlier version did: nacl.hash for the subkey.
    const binding = "user-123";
    const context = new TextEncoder().encode(`mcp-calendar/token-vault/v1\0connection\0${binding}`);
    const input = new Uint8Array(32 + context.length);
    input.set(current);
    input.set(context, 32);
    const nonce = nacl.randomBytes(24);
    const box = nacl.secretbox(plaintext, nonce, nacl.hash(input).subarray(0, 32));
    const bindingBytes = new TextEncoder().encode(binding);
    const earlier = new Uint8Array([
      SEALED_RECORD_VERSION,
      ...keyIdOf(current),
      bindingBytes.length,
      ...bindingBytes,
      ...nonce,
      ...box,
    ]);
    expect(sealer.open("connection", binding, earlier).plaintext).toEqual(plaintext);
    // And what the sealer writes now opens with the old derivation.
    const sealed = sealer.seal("connection", binding, plaintext);
    const start = 1 + 8 + 1 + bindingBytes.length;
    const opened = nacl.secretbox.open(
      sealed.subarray(start + 24),
      sealed.subarray(start, start + 24),
      nacl.hash(input).subarray(0, 32),
    );
    expect(opened).toEqual(plaintext);
  });

  test("opens what it sealed, and says it used the current key", () => {
    const sealed = sealer.seal("connection", "alice", plaintext);
    const opened = sealer.open("connection", "alice", sealed);
    expect(opened.plaintext).toEqual(plaintext);
    expect(opened.keyId).toBe(keyIdHex(keyIdOf(current)));
    expect(opened.sealedWithCurrentKey).toBe(true);
    expect(sealer.currentKeyId).toBe(opened.keyId);
  });

  test("reseal moves an older key's record to the current key, same plaintext; current ones give null", () => {
    const older = new RecordSealer({ current: old, previous: [] });
    const sealed = older.seal("webhook", "msg_1", plaintext);
    const resealed = sealer.reseal("webhook", "msg_1", sealed);
    if (resealed === null) throw new Error("expected a resealed record");
    const opened = new RecordSealer({ current, previous: [] }).open("webhook", "msg_1", resealed);
    expect(opened.plaintext).toEqual(plaintext);
    expect(opened.sealedWithCurrentKey).toBe(true);
    expect(sealer.reseal("webhook", "msg_1", resealed)).toBeNull();
    // Purpose and binding still bind: a record cannot be resealed into another's place.
    unreadable(() => sealer.reseal("tracked_calendar", "msg_1", sealed));
    unreadable(() => sealer.reseal("webhook", "msg_2", sealed));
    unreadable(() => new RecordSealer({ current, previous: [] }).reseal("webhook", "msg_1", sealed));
  });

  test("the header names version, key id and binding, and the plaintext is not visible", () => {
    const sealed = sealer.seal("connection", "alice", plaintext);
    expect(inspectSealedRecord(sealed)).toEqual({
      version: SEALED_RECORD_VERSION,
      keyId: keyIdHex(keyIdOf(current)),
      binding: "alice",
    });
    expect(Buffer.from(sealed).includes(Buffer.from("ya29"))).toBe(false);
    expect(Buffer.from(sealed).includes(Buffer.from(current))).toBe(false);
  });

  test("each seal draws a fresh 24-byte nonce", () => {
    const nonceOf = (sealed: Uint8Array): string => Buffer.from(sealed.subarray(15, 39)).toString("hex");
    const nonces = new Set(
      Array.from({ length: 20 }, () => nonceOf(sealer.seal("connection", "alice", plaintext))),
    );
    expect(nonces.size).toBe(20);
  });

  test("a record opened under another binding or purpose fails", () => {
    const sealed = sealer.seal("connection", "alice", plaintext);
    unreadable(() => sealer.open("connection", "bob", sealed));
    unreadable(() => sealer.open("pending_authorization", "alice", sealed));
  });

  test("a header edited to name another customer fails authentication", () => {
    const sealed = sealer.seal("connection", "alice", plaintext);
    const edited = Uint8Array.from(sealed);
    edited.set(new TextEncoder().encode("alicf"), 10);
    expect(inspectSealedRecord(edited).binding).toBe("alicf");
    unreadable(() => sealer.open("connection", "alicf", edited));
  });

  test("previous keys open older records, which are reported as not current", () => {
    const sealed = new RecordSealer({ current: old, previous: [] }).seal("connection", "alice", plaintext);
    const opened = sealer.open("connection", "alice", sealed);
    expect(opened.plaintext).toEqual(plaintext);
    expect(opened.sealedWithCurrentKey).toBe(false);
  });

  test("an unknown key names its id only", () => {
    const stranger = nacl.randomBytes(32);
    const sealed = new RecordSealer({ current: stranger, previous: [] }).seal(
      "connection",
      "alice",
      plaintext,
    );
    const error = unreadable(() => sealer.open("connection", "alice", sealed));
    expect(error.message).toContain(keyIdHex(keyIdOf(stranger)));
    expect(error.message).not.toContain(Buffer.from(stranger).toString("hex"));
  });

  test("empty, truncated, tampered and unknown-version records are unreadable", () => {
    const sealed = sealer.seal("connection", "alice", plaintext);
    unreadable(() => sealer.open("connection", "alice", new Uint8Array()));
    unreadable(() => sealer.open("connection", "alice", sealed.subarray(0, 40)));
    for (const index of [20, 45, sealed.length - 1]) {
      const tampered = Uint8Array.from(sealed);
      tampered[index] = (tampered[index] as number) ^ 0x80;
      unreadable(() => sealer.open("connection", "alice", tampered));
    }
    const future = Uint8Array.from(sealed);
    future[0] = SEALED_RECORD_VERSION + 1;
    expect(unreadable(() => inspectSealedRecord(future)).message).toContain("version");
  });

  test("keys must be 32 bytes", () => {
    expect(() => new RecordSealer({ current: nacl.randomBytes(16), previous: [] })).toThrow(/32 bytes/);
    expect(() => new RecordSealer({ current, previous: [nacl.randomBytes(31)] })).toThrow(/32 bytes/);
  });
});
