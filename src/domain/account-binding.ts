import type { Connection, GrantedTokens } from "./connection.ts";
import type { CustomerId } from "./customer-id.ts";
import { DomainError, unreadableAsMissing } from "./errors.ts";
import type { Clock } from "./ports/clock.ts";
import type { HeldLock } from "./ports/customer-lock.ts";
import type { OAuthProvider } from "./ports/oauth-provider.ts";
import type { TokenVault } from "./ports/token-vault.ts";

/**
 * Which Google account a connection belongs to, and what follows from it: a record never mixes
 * two accounts, a link meant for one account is refused for another, and a grant another
 * customer still holds is never revoked on this customer's behalf.
 */

/** Google compares addresses case-insensitively; an unknown address matches nothing. */
export function sameAccount(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * The record a finished consent stores. The same account keeps its refresh token when Google
 * sends none; another account replaces the whole record and must bring its own.
 * @throws DomainError missing_refresh_token
 */
export function connectionAfterConsent(
  customerId: CustomerId,
  granted: GrantedTokens,
  previous: Connection | null,
  now: Date,
): Connection {
  // A refresh token is bound to the account and to the OAuth client that obtained it.
  const kept =
    previous !== null &&
    sameAccount(previous.email, granted.email) &&
    (previous.oauthClientId ?? granted.clientId) === granted.clientId
      ? previous
      : null;
  const refreshToken = granted.refreshToken ?? kept?.tokens.refreshToken ?? null;
  if (refreshToken === null) {
    throw new DomainError(
      "missing_refresh_token",
      "Google granted no refresh token for this account, so the connection could not last; connect again (the consent page must ask for offline access)",
    );
  }
  return {
    customerId,
    email: granted.email,
    tokens: {
      accessToken: granted.accessToken,
      refreshToken,
      expiresAt: granted.expiresAt,
      scopes: granted.scopes ?? [],
    },
    state: { kind: "connected" },
    connectedAt: now,
    updatedAt: now,
    oauthClientId: granted.clientId,
  };
}

/**
 * Whose grant a token belongs to: Google's grants are per account AND per OAuth client, so two
 * customers share one only when both match (an unrecorded client may be either: taken as shared).
 */
export interface GrantHolder {
  email: string | null;
  clientId: string | null;
}

function sameClient(a: string | null, b: string | null): boolean {
  return a === null || b === null || a === b;
}

/**
 * Does a customer other than `except` hold a connection to `email`? Google withdraws every grant
 * an account gave our client when one token is revoked, so such a grant is shared. Reads every
 * record; a store that cannot be read counts as shared (never revoke on a guess).
 */
export async function heldByAnotherCustomer(
  vault: TokenVault,
  grant: GrantHolder,
  except: CustomerId,
): Promise<boolean> {
  const { email } = grant;
  if (email === null) return false;
  try {
    for await (const customerId of vault.listCustomerIds()) {
      if (customerId === except) continue;
      const other = await vault.get(customerId).catch(unreadableAsMissing);
      if (
        other !== null &&
        sameAccount(other.email, email) &&
        sameClient(other.oauthClientId, grant.clientId)
      ) {
        return true;
      }
    }
    return false;
  } catch {
    return true;
  }
}

/** Why a grant was left alone at Google. */
export type KeptGrantReason = "shared_with_other_customers";

/**
 * Revoke the grant behind `token` unless another customer holds the same account. Never throws:
 * a revoke Google could not confirm is reported as not revoked.
 */
export async function revokeUnlessShared(
  deps: { vault: TokenVault; oauth: OAuthProvider },
  token: string,
  holder: GrantHolder,
  owner: CustomerId,
): Promise<{ revoked: boolean; reason?: KeptGrantReason }> {
  if (await heldByAnotherCustomer(deps.vault, holder, owner)) {
    return { revoked: false, reason: "shared_with_other_customers" };
  }
  const revoked = await deps.oauth.revoke(token).then(
    () => true,
    () => false,
  );
  return { revoked };
}

/**
 * Store a consent as the customer's connection, under the customer's token lock (`held`): what
 * the callback does at once, and what a confirmation does later. A new account replaces the
 * whole record and its predecessor's grant is revoked unless shared; the backend is told
 * (connection.connected, recorded with the write).
 * storage_unavailable stops it: saving over a record we could not read would drop the refresh
 * token it holds. An unreadable record has nothing to keep: the new grant replaces it.
 * @throws DomainError missing_refresh_token, storage_unavailable, google_unavailable (lock lost)
 */
export async function storeConsent(
  deps: { vault: TokenVault; oauth: OAuthProvider; clock: Clock },
  held: HeldLock,
  customerId: CustomerId,
  granted: GrantedTokens,
): Promise<{ customerId: CustomerId; email: string | null; scopes: string[] }> {
  const previous = await deps.vault.get(customerId).catch(unreadableAsMissing);
  const connection = connectionAfterConsent(customerId, granted, previous, deps.clock.now());
  const { email, tokens } = connection;
  await held.confirm();
  await deps.vault.put(connection, {
    notify: {
      type: "connection.connected",
      customerId,
      occurredAt: connection.connectedAt,
      email,
      scopes: tokens.scopes,
    },
  });
  if (previous !== null && !sameAccount(previous.email, connection.email)) {
    const replaced = previous.tokens.refreshToken ?? previous.tokens.accessToken;
    await revokeUnlessShared(
      deps,
      replaced,
      { email: previous.email, clientId: previous.oauthClientId },
      customerId,
    );
  }
  return { customerId, email, scopes: tokens.scopes };
}
