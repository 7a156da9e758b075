import { type Logger, loggedErrorCode } from "../adapters/logging/logger.ts";
import type { Clock } from "../domain/ports/clock.ts";
import { IDEMPOTENCY_RETENTION_MS } from "../domain/ports/idempotency-records.ts";

/** What the server sweeps in the background, each a store's own purge. */
export interface HousekeepingJobs {
  /** Authorizations started and never finished (the pending store's purgeExpired). */
  pendingAuthorizations: { purgeExpired(now: Date): Promise<number> };
  /** Idempotency records older than IDEMPOTENCY_RETENTION_MS. */
  idempotency: { purgeOlderThan(cutoff: Date): Promise<number> };
  /** Connections held for the user's confirmation past their time (ConfirmConnection.sweep). */
  heldConnections?: { sweep(now: Date): Promise<number> };
}

export interface HousekeepingOptions {
  clock: Clock;
  logger: Logger;
  /** Default a minute: expired authorizations and held connections. */
  everyMs?: number;
  /** Default an hour: idempotency records outlive any client's retries by far. */
  idempotencyEveryMs?: number;
}

/**
 * Start the background sweeps; returns the function that stops them. A sweep that fails is
 * logged (`housekeeping_failed`, with the job and the error's code, never its message, as
 * `calendar_changes_failed` is) and tried again at its next tick: a store that keeps failing must
 * not go unnoticed, nor stop the server. The timers do not keep the process alive.
 */
export function startHousekeeping(jobs: HousekeepingJobs, options: HousekeepingOptions): () => void {
  const { clock, logger } = options;
  const run = (job: string, sweep: () => Promise<number>, onCount?: (count: number) => void) => {
    sweep().then(onCount, (error: unknown) => {
      logger.log("warn", "housekeeping_failed", { job, error: loggedErrorCode(error) });
    });
  };
  const everyMinute = setInterval(() => {
    run("pending_authorizations", () => jobs.pendingAuthorizations.purgeExpired(clock.now()));
    const held = jobs.heldConnections;
    if (held !== undefined) {
      run(
        "held_connections",
        () => held.sweep(clock.now()),
        (discarded) => {
          if (discarded > 0) logger.log("info", "held_connections_discarded", { count: discarded });
        },
      );
    }
  }, options.everyMs ?? 60_000);
  const everyHour = setInterval(() => {
    const cutoff = new Date(clock.now().getTime() - IDEMPOTENCY_RETENTION_MS);
    run("idempotency_records", () => jobs.idempotency.purgeOlderThan(cutoff));
  }, options.idempotencyEveryMs ?? 3_600_000);
  everyMinute.unref();
  everyHour.unref();
  return () => {
    clearInterval(everyMinute);
    clearInterval(everyHour);
  };
}
