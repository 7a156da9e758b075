import type { CustomerId } from "../customer-id.ts";
import { offsetMinutes, type ZonedParts, zonedParts } from "../zoned-time.ts";
import type { CalendarDeps } from "./calendar-deps.ts";
import { timeZoneOf } from "./calendar-inputs.ts";
import { withAccessToken } from "./with-access-token.ts";

export interface CurrentTimeCommand {
  /** IANA zone to read the time in; without it, the customer's primary calendar's zone. */
  timeZone?: string;
}

export interface CurrentTime {
  now: Date;
  timeZone: string;
  /** Whether the zone was the caller's or the calendar's. */
  zoneFrom: "argument" | "calendar";
  local: ZonedParts;
  offsetMinutes: number;
}

/**
 * "Now", as the customer's calendar reads it, so "tomorrow" and "next Friday" can be resolved
 * without guessing. With a zone given, Google is not asked at all; without, one request
 * (the calendar's zone).
 */
export class GetCurrentTime {
  readonly #deps: Pick<CalendarDeps, "tokens" | "calendar" | "clock">;

  constructor(deps: Pick<CalendarDeps, "tokens" | "calendar" | "clock">) {
    this.#deps = deps;
  }

  /** @throws DomainError invalid_argument (timeZone), calendar_not_connected, and the gateway's errors */
  async execute(customerId: CustomerId, command: CurrentTimeCommand = {}): Promise<CurrentTime> {
    const given = timeZoneOf(command.timeZone);
    const now = this.#deps.clock.now();
    const timeZone =
      given ??
      (await withAccessToken(this.#deps.tokens, customerId, (token) =>
        this.#deps.calendar.getTimeZone(token.accessToken, "primary"),
      ));
    return {
      now,
      timeZone,
      zoneFrom: given === undefined ? "calendar" : "argument",
      local: zonedParts(now, timeZone),
      offsetMinutes: offsetMinutes(now, timeZone),
    };
  }
}
