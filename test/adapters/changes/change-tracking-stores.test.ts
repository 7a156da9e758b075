import { afterAll, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FileOwnWrites, FileTrackedCalendars } from "../../../src/adapters/changes/file-change-tracking.ts";
import {
  PostgresOwnWrites,
  PostgresTrackedCalendars,
} from "../../../src/adapters/changes/postgres-change-tracking.ts";
import {
  SqliteOwnWrites,
  SqliteTrackedCalendars,
} from "../../../src/adapters/changes/sqlite-change-tracking.ts";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import { openSqliteTokenDatabase } from "../../../src/adapters/vault/sqlite-database.ts";
import { parseCustomerId } from "../../../src/domain/customer-id.ts";
import type {
  OwnWrites,
  TrackedCalendar,
  TrackedCalendars,
} from "../../../src/domain/ports/change-tracking.ts";
import { SchemaScope } from "../postgres/postgres-fixtures.ts";
import { newKeys, unreadable } from "../vault/vault-fixtures.ts";

interface Stores {
  tracked(sealer: RecordSealer): Promise<TrackedCalendars>;
  ownWrites(): Promise<OwnWrites>;
  /** Everything the store wrote, as text. */
  raw(): Promise<string>;
}

function sample(customer: string, channel: string | null, expiresInMs = 3600_000): TrackedCalendar {
  return {
    customerId: parseCustomerId(customer),
    calendarId: "primary",
    syncToken: `sync-${customer}`,
    seen: {
      ev1: {
        id: "ev1",
        status: "confirmed",
        summary: "Confidential board meeting",
        start: { dateTime: "2026-03-10T15:00:00+01:00", timeZone: "Europe/Madrid" },
        end: { date: "2026-03-11" },
        updated: "2026-03-01T10:00:00.000Z",
      },
    },
    channel:
      channel === null
        ? null
        : {
            id: channel,
            token: `secret-${channel}`,
            resourceId: "res-1",
            expiration: new Date(Date.now() + expiresInMs),
          },
    checkedAt: new Date("2026-03-01T10:00:00.000Z"),
  };
}

function describeStores(name: string, setup: () => Promise<Stores>): void {
  describe(`${name} (change tracking)`, () => {
    test("round trip sealed; lookups by channel, expiring channels and customer ids", async () => {
      const stores = await setup();
      const sealer = new RecordSealer(newKeys());
      const tracked = await stores.tracked(sealer);
      const first = sample("acme-1", "ch-1", 3600_000);
      await tracked.put(first);
      await tracked.put(sample("acme-2", "ch-2", 7 * 86_400_000));
      await tracked.put(sample("acme-3", null));
      expect(await tracked.get(parseCustomerId("acme-1"))).toEqual(first);
      const raw = await stores.raw();
      expect(raw).not.toContain("Confidential");
      expect(raw).not.toContain("secret-ch-1");
      expect(await tracked.findByChannel("ch-2")).toBe(parseCustomerId("acme-2"));
      expect(await tracked.findByChannel("ch-9")).toBeNull();
      const soon = await tracked.channelsExpiringBefore(new Date(Date.now() + 86_400_000));
      expect([...soon].sort()).toEqual(["acme-1", "acme-3"].map(parseCustomerId));
      expect(await tracked.customerIds()).toEqual(["acme-1", "acme-2", "acme-3"].map(parseCustomerId));
      // Replacing the channel moves the lookup with it.
      await tracked.put(sample("acme-1", "ch-1b"));
      expect(await tracked.findByChannel("ch-1")).toBeNull();
      expect(await tracked.findByChannel("ch-1b")).toBe(parseCustomerId("acme-1"));
      expect(await tracked.delete(parseCustomerId("acme-1"))).toBe(true);
      expect(await tracked.delete(parseCustomerId("acme-1"))).toBe(false);
      expect(await tracked.get(parseCustomerId("acme-1"))).toBeNull();
      // Another key cannot open it.
      const other = await stores.tracked(new RecordSealer(newKeys()));
      expect(await unreadable(other.get(parseCustomerId("acme-2")))).toContain("cannot be opened");
    });

    test("own writes are found by event id and stamp, and nothing else", async () => {
      const stores = await setup();
      const own = await stores.ownWrites();
      await own.remember("ev1", "2026-03-01T10:00:00.000Z");
      await own.remember("ev2", "deleted");
      expect(await own.has("ev1", "2026-03-01T10:00:00.000Z")).toBe(true);
      expect(await own.has("ev1", "2026-03-01T10:00:01.000Z")).toBe(false);
      expect(await own.has("ev2", "deleted")).toBe(true);
      expect(await own.has("ev3", "deleted")).toBe(false);
      expect(await stores.raw()).not.toContain("ev1");
    });
  });
}

const temp: string[] = [];
const scopes: SchemaScope[] = [];
afterAll(async () => {
  for (const dir of temp) fs.rmSync(dir, { recursive: true, force: true });
  await Promise.all(scopes.map((scope) => scope.cleanup()));
});
const tempDir = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tracking-"));
  temp.push(dir);
  return dir;
};
const filesText = (dir: string): string =>
  fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => `${entry.name}\n${fs.readFileSync(path.join(entry.parentPath, entry.name), "latin1")}`)
    .join("\n");

describeStores("SQLite", async () => {
  const dir = tempDir();
  const file = path.join(dir, "tokens.db");
  return {
    tracked: async (sealer) => new SqliteTrackedCalendars(openSqliteTokenDatabase(file), sealer),
    ownWrites: async () => new SqliteOwnWrites(openSqliteTokenDatabase(file)),
    raw: async () => filesText(dir),
  };
});

describeStores("encrypted files", async () => {
  const dir = tempDir();
  return {
    tracked: async (sealer) => new FileTrackedCalendars({ dir, sealer }),
    ownWrites: async () => new FileOwnWrites({ dir }),
    raw: async () => filesText(dir),
  };
});

describeStores("PostgreSQL", async () => {
  const scope = new SchemaScope();
  scopes.push(scope);
  return {
    tracked: async (sealer) => new PostgresTrackedCalendars(await scope.open(), sealer),
    ownWrites: async () => new PostgresOwnWrites(await scope.open()),
    raw: async () =>
      JSON.stringify([
        ...(await scope.admin.unsafe(`SELECT * FROM ${scope.table("tracked_calendars")}`)),
        ...(await scope.admin.unsafe(`SELECT * FROM ${scope.table("own_writes")}`)),
      ]).concat(
        Buffer.concat(
          (await scope.admin.unsafe(`SELECT record FROM ${scope.table("tracked_calendars")}`)).map(
            (row: { record: Uint8Array }) => Buffer.from(row.record),
          ),
        ).toString("latin1"),
      ),
  };
});
