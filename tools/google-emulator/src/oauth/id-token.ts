/**
 * OpenID Connect id_tokens signed like Google's: RS256 with a key published as a JWKS at
 * `/oauth2/v3/certs`. The key pair is made with WebCrypto and lives only in memory, so tokens
 * from one emulator run are not valid in the next.
 */

import type { EmulatorAccount } from "../emulator-state.ts";
import { USERINFO_EMAIL, USERINFO_PROFILE } from "./scope-catalogue.ts";

export interface PublicJwk {
  kty: string;
  n: string;
  e: string;
  alg: "RS256";
  use: "sig";
  kid: string;
}

export interface IdTokenSigner {
  sign(claims: Record<string, unknown>): Promise<string>;
  jwks(): Promise<{ keys: PublicJwk[] }>;
}

export interface IdTokenInput {
  issuer: string;
  clientId: string;
  account: EmulatorAccount;
  scopes: readonly string[];
  accessToken: string;
  nonce: string | null;
  lifetimeSeconds: number;
}

const encoder = new TextEncoder();

export function base64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

function base64UrlJson(value: unknown): string {
  return base64Url(encoder.encode(JSON.stringify(value)));
}

/**
 * The key pair is generated on first use (RSA generation costs tens of milliseconds and most
 * emulators built by tests never sign anything), then kept for the emulator's lifetime.
 */
export function createIdTokenSigner(): IdTokenSigner {
  const kid = Buffer.from(crypto.getRandomValues(new Uint8Array(20))).toString("hex");
  let keyPair: Promise<CryptoKeyPair> | null = null;
  const keys = (): Promise<CryptoKeyPair> => {
    keyPair ??= crypto.subtle.generateKey(
      {
        name: "RSASSA-PKCS1-v1_5",
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: "SHA-256",
      },
      true,
      ["sign", "verify"],
    );
    return keyPair;
  };
  return {
    async sign(claims) {
      const { privateKey } = await keys();
      const signingInput = `${base64UrlJson({ alg: "RS256", kid, typ: "JWT" })}.${base64UrlJson(claims)}`;
      const signature = await crypto.subtle.sign(
        "RSASSA-PKCS1-v1_5",
        privateKey,
        encoder.encode(signingInput),
      );
      return `${signingInput}.${base64Url(new Uint8Array(signature))}`;
    },
    async jwks() {
      const { publicKey } = await keys();
      const jwk = await crypto.subtle.exportKey("jwk", publicKey);
      return { keys: [{ kty: "RSA", n: jwk.n ?? "", e: jwk.e ?? "", alg: "RS256", use: "sig", kid }] };
    },
  };
}

/** OIDC `at_hash`: left half of the SHA-256 of the access token, base64url. */
async function accessTokenHash(accessToken: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(accessToken)));
  return base64Url(digest.slice(0, digest.length / 2));
}

/** Google only puts email claims with the email scope, and profile claims with profile. */
export async function idTokenClaims(input: IdTokenInput): Promise<Record<string, unknown>> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: input.issuer,
    azp: input.clientId,
    aud: input.clientId,
    sub: input.account.sub,
  };
  if (input.scopes.includes(USERINFO_EMAIL)) {
    claims.email = input.account.email;
    claims.email_verified = true;
  }
  claims.at_hash = await accessTokenHash(input.accessToken);
  if (input.nonce !== null) claims.nonce = input.nonce;
  if (input.scopes.includes(USERINFO_PROFILE)) claims.name = input.account.name;
  claims.iat = now;
  claims.exp = now + input.lifetimeSeconds;
  return claims;
}
