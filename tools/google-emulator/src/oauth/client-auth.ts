/**
 * Client authentication at the token endpoint. Google accepts both `client_secret_basic`
 * (HTTP Basic) and `client_secret_post` (client_id / client_secret in the form body).
 */

import { timingSafeEqual } from "node:crypto";
import type { EmulatorClient, EmulatorState } from "../emulator-state.ts";
import { googleTokenErrors } from "./google-errors.ts";

export type ClientAuthResult = { ok: true; client: EmulatorClient } | { ok: false; response: Response };

interface Credentials {
  clientId: string | null;
  clientSecret: string | null;
}

/** RFC 6749 §2.3.1: both halves are form-urlencoded before being joined with ":". */
function basicCredentials(header: string | undefined): Credentials | null {
  if (header === undefined || !/^basic\s/i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return { clientId: decodeFormPart(decoded), clientSecret: null };
  return {
    clientId: decodeFormPart(decoded.slice(0, colon)),
    clientSecret: decodeFormPart(decoded.slice(colon + 1)),
  };
}

function decodeFormPart(value: string): string {
  try {
    return decodeURIComponent(value.replaceAll("+", " "));
  } catch {
    return value;
  }
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === "" ? null : value;
}

/** A constant-time comparison, so the emulator does not model a timing side channel. */
function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function authenticateClient(
  state: EmulatorState,
  authorization: string | undefined,
  form: Record<string, string>,
): ClientAuthResult {
  const basic = basicCredentials(authorization);
  const credentials: Credentials = basic ?? {
    clientId: nonEmpty(form.client_id),
    clientSecret: nonEmpty(form.client_secret),
  };
  if (credentials.clientId === null) return { ok: false, response: googleTokenErrors.noClientId() };
  const client = state.clients.get(credentials.clientId);
  if (client === undefined) return { ok: false, response: googleTokenErrors.unknownClient() };
  if (credentials.clientSecret === null) return { ok: false, response: googleTokenErrors.missingSecret() };
  if (!sameSecret(client.clientSecret, credentials.clientSecret)) {
    return { ok: false, response: googleTokenErrors.wrongSecret() };
  }
  return { ok: true, client };
}
