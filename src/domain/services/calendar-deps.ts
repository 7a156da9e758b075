import type { CalendarGateway } from "../ports/calendar-gateway.ts";
import type { Clock } from "../ports/clock.ts";
import type { CustomerLock } from "../ports/customer-lock.ts";
import type { AccessTokens } from "./with-access-token.ts";

/**
 * Everything the Calendar services draw on. Each service takes the `Pick` it needs, so the
 * composition root can hand the same object to all of them.
 */
export interface CalendarDeps {
  /** Normally the `RefreshToken` service. */
  tokens: AccessTokens;
  calendar: CalendarGateway;
  /** Serialises a customer's bookings so check-then-insert cannot race. */
  lock: CustomerLock;
  clock: Clock;
}
