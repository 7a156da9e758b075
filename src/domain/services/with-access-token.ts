import type { CustomerId } from "../customer-id.ts";
import { isDomainError } from "../errors.ts";
import type { RefreshToken, UsableToken } from "./refresh-token.ts";

/** The part of `RefreshToken` a Calendar call needs; tests may hand in anything shaped so. */
export type AccessTokens = Pick<RefreshToken, "execute" | "afterRejection">;

/**
 * Run `call` with a valid access token. Google may reject a token that looked valid (revoked
 * early, clock skew): on `google_token_rejected` refresh once and run `call` again, once.
 *
 * `call` may make several Google calls; it must be safe to run twice — a 401 means Google did
 * nothing with that request, and every earlier call in `call` must be a read.
 *
 * @throws DomainError calendar_not_connected, reauthorization_required (from RefreshToken),
 *   whatever `call` throws; a second 401 in a row stays `google_token_rejected`
 */
export async function withAccessToken<T>(
  tokens: AccessTokens,
  customerId: CustomerId,
  call: (token: UsableToken) => Promise<T>,
): Promise<T> {
  const token = await tokens.execute(customerId);
  try {
    return await call(token);
  } catch (error) {
    if (!isDomainError(error, "google_token_rejected")) throw error;
    const renewed = await tokens.afterRejection(customerId, token.accessToken);
    return call(renewed);
  }
}
