import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/app/config.ts";

const database = {
  TOKEN_STORAGE_TYPE: "database",
  TOKEN_DATABASE_URL: "postgres://calendar@db:5432/calendar",
};

describe("configuration of the PostgreSQL token store", () => {
  test("schema public and 10 connections unless set", () => {
    const { storage } = loadConfig(database);
    expect(storage).toMatchObject({
      type: "database",
      databaseUrl: "postgres://calendar@db:5432/calendar",
      databaseSchema: "public",
      databasePoolSize: 10,
    });
  });

  test("TOKEN_DATABASE_SCHEMA and TOKEN_DATABASE_POOL_SIZE are read", () => {
    const { storage } = loadConfig({
      ...database,
      TOKEN_DATABASE_SCHEMA: "mcp_calendar",
      TOKEN_DATABASE_POOL_SIZE: "4",
    });
    expect(storage.databaseSchema).toBe("mcp_calendar");
    expect(storage.databasePoolSize).toBe(4);
  });

  test("a schema that is not a plain identifier is refused, naming the variable", () => {
    for (const schema of ['x"; drop table y', "1abc", "a.b", "a".repeat(64)]) {
      expect(() => loadConfig({ ...database, TOKEN_DATABASE_SCHEMA: schema })).toThrow(
        "TOKEN_DATABASE_SCHEMA:",
      );
    }
  });

  test("a pool size outside 1-200 is refused, naming the variable", () => {
    for (const size of ["0", "201", "ten"]) {
      expect(() => loadConfig({ ...database, TOKEN_DATABASE_POOL_SIZE: size })).toThrow(
        "TOKEN_DATABASE_POOL_SIZE:",
      );
    }
  });
});
