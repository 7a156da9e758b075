import type { CustomerId } from "../domain/customer-id.ts";
import { ConnectCalendar, type ConnectCalendarDeps } from "../domain/services/connect-calendar.ts";
import { DisconnectCalendar, type DisconnectCalendarDeps } from "../domain/services/disconnect-calendar.ts";

/** ConnectCalendar that starts following the calendar once connected (in the background). */
export class TrackingConnectCalendar extends ConnectCalendar {
  readonly #begin: (customerId: CustomerId) => void;

  constructor(deps: ConnectCalendarDeps, begin: (customerId: CustomerId) => void) {
    super(deps);
    this.#begin = begin;
  }

  override async complete(
    ...args: Parameters<ConnectCalendar["complete"]>
  ): ReturnType<ConnectCalendar["complete"]> {
    const done = await super.complete(...args);
    this.#begin(done.customerId);
    return done;
  }
}

/** DisconnectCalendar that stops the channel first: after the revoke no token could. */
export class TrackingDisconnectCalendar extends DisconnectCalendar {
  readonly #end: (customerId: CustomerId) => Promise<void>;

  constructor(deps: DisconnectCalendarDeps, end: (customerId: CustomerId) => Promise<void>) {
    super(deps);
    this.#end = end;
  }

  override async execute(
    ...args: Parameters<DisconnectCalendar["execute"]>
  ): ReturnType<DisconnectCalendar["execute"]> {
    await this.#end(args[0]);
    return super.execute(...args);
  }
}
