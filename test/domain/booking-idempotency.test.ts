import { describe, expect, test } from "bun:test";
import { DomainError } from "../../src/domain/errors.ts";
import { at, CUSTOMER, calendarWorld, rejection } from "./calendar-fixtures.ts";

const SLOT = { start: at("2026-03-10T15:00:00+01:00"), end: at("2026-03-10T16:00:00+01:00") };
const BOOKING = { summary: "Haircut", ...SLOT, idempotencyKey: "order-7" };

describe("BookEvent idempotency keys, recorded before the event is created", () => {
  test("a keyed booking answers once its event exists; a repeat waits until its record is completed", async () => {
    const { book, calendar, idempotency } = await calendarWorld();
    const gate = Promise.withResolvers<void>();
    const complete = idempotency.complete.bind(idempotency);
    let completed = false;
    idempotency.complete = async (...args) => {
      await gate.promise;
      completed = true;
      return complete(...args);
    };
    const first = await book.execute(CUSTOMER, BOOKING);
    expect(first.kind).toBe("created");
    expect(completed).toBe(false);
    let repeated = false;
    const repeat = book.execute(CUSTOMER, BOOKING).then((outcome) => {
      repeated = true;
      return outcome;
    });
    await Bun.sleep(20);
    // The first booking still holds the customer's lock while its record is written.
    expect(repeated).toBe(false);
    gate.resolve();
    expect(await repeat).toEqual({ kind: "replayed", event: first.event });
    expect(completed).toBe(true);
    expect(calendar.callCount("insertEvent")).toBe(1);
  });

  test("a key never used is claimed while Google is asked about the slot; a used one asks nothing more", async () => {
    const { book, calendar, idempotency } = await calendarWorld();
    const gate = Promise.withResolvers<void>();
    const claim = idempotency.claim.bind(idempotency);
    let askedBeforeClaimed = -1;
    idempotency.claim = async (...args) => {
      await gate.promise;
      askedBeforeClaimed = calendar.callCount("freeBusy");
      return claim(...args);
    };
    const first = book.execute(CUSTOMER, BOOKING);
    await Bun.sleep(10);
    gate.resolve();
    expect((await first).kind).toBe("created");
    expect(askedBeforeClaimed).toBe(1);

    const again = await book.execute(CUSTOMER, BOOKING);
    expect(again.kind).toBe("replayed");
    // The replay read its event back; it asked nothing about the slot.
    expect(calendar.callCount("freeBusy")).toBe(1);
    expect(calendar.callCount("insertEvent")).toBe(1);
  });

  test("a claim that fails while the slot is being checked is that failure, and books nothing", async () => {
    const { book, calendar, idempotency } = await calendarWorld();
    idempotency.claim = async () => {
      throw new DomainError("storage_unavailable", "The token store cannot be reached");
    };
    const error = (await rejection(book.execute(CUSTOMER, BOOKING))) as DomainError;
    expect(error.code).toBe("storage_unavailable");
    await Bun.sleep(10);
    expect(calendar.callCount("insertEvent")).toBe(0);
  });

  test("a key reused with other arguments is idempotency_key_reused naming them, and books nothing", async () => {
    const { book, calendar } = await calendarWorld();
    await book.execute(CUSTOMER, BOOKING);
    const error = (await rejection(
      book.execute(CUSTOMER, { ...BOOKING, summary: "Beard trim", location: "Shop" }),
    )) as DomainError;
    expect(error.code).toBe("idempotency_key_reused");
    expect(error.details.differing_arguments).toEqual(["location", "summary"]);
    expect(error.message).toContain("location, summary");
    expect(calendar.storedEvents()).toHaveLength(1);
  });

  test("the same instant written with another offset, or allowConflicts added, is the same booking", async () => {
    const { book, calendar } = await calendarWorld();
    const first = await book.execute(CUSTOMER, BOOKING);
    const again = await book.execute(CUSTOMER, {
      ...BOOKING,
      start: at("2026-03-10T14:00:00Z"),
      end: at("2026-03-10T15:00:00Z"),
      allowConflicts: true,
    });
    expect(again).toEqual({ kind: "replayed", event: first.event });
    expect(calendar.storedEvents()).toHaveLength(1);
  });

  test("keys are compared as sent: never trimmed, and a lone surrogate is refused", async () => {
    const { book, calendar } = await calendarWorld();
    await book.execute(CUSTOMER, { ...BOOKING, idempotencyKey: "k" });
    const spaced = await book.execute(CUSTOMER, { ...BOOKING, idempotencyKey: " k", allowConflicts: true });
    expect(spaced.kind).toBe("created");
    const error = (await rejection(
      book.execute(CUSTOMER, { ...BOOKING, idempotencyKey: "bad\uD800key" }),
    )) as DomainError;
    expect(error.code).toBe("invalid_argument");
    expect(error.details).toEqual({ field: "idempotency_key" });
    expect(calendar.storedEvents()).toHaveLength(2);
  });

  test("a refusal that created nothing frees the key for other arguments", async () => {
    const { book, calendar } = await calendarWorld();
    calendar.seedEvent("primary", {
      start: { dateTime: "2026-03-10T14:00:00Z" },
      end: { dateTime: "2026-03-10T15:00:00Z" },
    });
    expect((await rejection(book.execute(CUSTOMER, BOOKING))) as DomainError).toMatchObject({
      code: "time_conflict",
    });
    const moved = await book.execute(CUSTOMER, {
      ...BOOKING,
      start: at("2026-03-10T17:00:00+01:00"),
      end: at("2026-03-10T18:00:00+01:00"),
    });
    expect(moved.kind).toBe("created");
  });

  test("Google's answer lost after it created the event: the replay answers that event, no twin", async () => {
    const { book, calendar } = await calendarWorld();
    const insert = calendar.insertEvent.bind(calendar);
    let lose = true;
    calendar.insertEvent = async (...args) => {
      const event = await insert(...args);
      if (!lose) return event;
      lose = false;
      throw new DomainError("google_unavailable", "Google Calendar timed out");
    };
    expect(((await rejection(book.execute(CUSTOMER, BOOKING))) as DomainError).code).toBe(
      "google_unavailable",
    );
    const replay = await book.execute(CUSTOMER, BOOKING);
    expect(replay.kind).toBe("replayed");
    expect(calendar.storedEvents()).toHaveLength(1);
    // The record now holds the event: a further replay is one read.
    calendar.resetCalls();
    expect((await book.execute(CUSTOMER, BOOKING)).event.id).toBe(replay.event.id);
    expect(calendar.callCount("getEvent")).toBe(1);
    expect(calendar.callCount("insertEvent")).toBe(0);
  });

  test("a crash between Google's answer and our record: the pending key finds the event", async () => {
    const { book, calendar, idempotency } = await calendarWorld();
    const complete = idempotency.complete.bind(idempotency);
    let crash = true;
    idempotency.complete = async (...args) => {
      if (crash) {
        crash = false;
        throw new DomainError("storage_unavailable", "the process died here");
      }
      return complete(...args);
    };
    const first = await book.execute(CUSTOMER, BOOKING);
    const replay = await book.execute(CUSTOMER, BOOKING);
    expect(replay).toEqual({ kind: "replayed", event: first.event });
    expect(calendar.storedEvents()).toHaveLength(1);
  });

  test("20 concurrent calls with one key: one event, one created", async () => {
    const { book, calendar } = await calendarWorld();
    calendar.delayMs = 2;
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => book.execute(CUSTOMER, BOOKING)));
    expect(outcomes.filter((outcome) => outcome.kind === "created")).toHaveLength(1);
    expect(new Set(outcomes.map((outcome) => outcome.event.id)).size).toBe(1);
    expect(calendar.storedEvents()).toHaveLength(1);
  });

  test("the approval answer and the customer reach the gateway's insert", async () => {
    const { book, calendar } = await calendarWorld();
    const seen: unknown[] = [];
    const insert = calendar.insertEvent.bind(calendar);
    calendar.insertEvent = async (token, calendarId, draft, options) => {
      seen.push(options);
      return insert(token, calendarId, draft, options);
    };
    const approval = { token: "tok", action: "accept" as const };
    await book.execute(CUSTOMER, { ...BOOKING, approval });
    expect(seen[0]).toMatchObject({ customerId: CUSTOMER, approval });
    expect(
      (
        (await rejection(
          book.execute(CUSTOMER, {
            ...BOOKING,
            idempotencyKey: "x",
            approval: { token: "", action: "accept" },
          }),
        )) as DomainError
      ).details,
    ).toEqual({ field: "approval" });
  });
});
