import { describe, expect, test } from "bun:test";
import nacl from "tweetnacl";
import {
  generateEncryptionKey,
  InvalidEncryptionKeyError,
  keyIdHex,
  keyIdOf,
  parseEncryptionKey,
  parseEncryptionKeyList,
} from "../../../src/adapters/vault/encryption-keys.ts";

const key = Uint8Array.from({ length: 32 }, (_, index) => (index * 37 + 251) % 256);
const b64 = Buffer.from(key).toString("base64");

function rejection(text: string): Error {
  try {
    parseEncryptionKey(text);
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the key to be refused");
}

describe("parseEncryptionKey", () => {
  test("accepts hex, standard base64 and url-safe base64, padded or not, trimmed", () => {
    expect(b64).toMatch(/[+/]/);
    const forms = [
      Buffer.from(key).toString("hex"),
      Buffer.from(key).toString("hex").toUpperCase(),
      b64,
      b64.replace(/=+$/, ""),
      Buffer.from(key).toString("base64url"),
      `${Buffer.from(key).toString("base64url")}=`,
      `  ${b64}\n`,
    ];
    for (const form of forms) expect(parseEncryptionKey(form)).toEqual(key);
  });

  test("refuses wrong lengths and non-key text without echoing it", () => {
    const tooShort = Buffer.from(key.subarray(0, 16)).toString("base64");
    const tooLong = Buffer.from(nacl.randomBytes(48)).toString("base64");
    for (const text of [
      "",
      "not a key!",
      tooShort,
      tooLong,
      `${b64.slice(0, 42)}*=`,
      "abc",
      "a".repeat(63),
    ]) {
      const error = rejection(text);
      expect(error).toBeInstanceOf(InvalidEncryptionKeyError);
      expect(error.message).toContain("32 bytes");
      if (text.length > 3) expect(error.message).not.toContain(text.trim());
    }
  });

  test("a generated key parses back to 32 bytes", () => {
    expect(parseEncryptionKey(generateEncryptionKey())).toHaveLength(32);
  });
});

describe("parseEncryptionKeyList", () => {
  test("splits on commas and whitespace, empty gives none", () => {
    const other = nacl.randomBytes(32);
    const hex = Buffer.from(other).toString("hex");
    expect(parseEncryptionKeyList(`${b64}, ${hex}\n`)).toEqual([key, other]);
    expect(parseEncryptionKeyList("  ")).toEqual([]);
  });

  test("names the position of a bad key, not the key", () => {
    expect(() => parseEncryptionKeyList(`${b64},secretish-but-wrong`)).toThrow(/key #2 of 2/);
    expect(() => parseEncryptionKeyList(`${b64},secretish-but-wrong`)).not.toThrow(/secretish/);
  });
});

describe("keyIdOf", () => {
  test("is 8 stable bytes that differ between keys and are not the key", () => {
    const id = keyIdOf(key);
    expect(id).toHaveLength(8);
    expect(keyIdOf(Uint8Array.from(key))).toEqual(id);
    expect(keyIdHex(keyIdOf(nacl.randomBytes(32)))).not.toBe(keyIdHex(id));
    expect(Buffer.from(key).includes(Buffer.from(id))).toBe(false);
  });
});
