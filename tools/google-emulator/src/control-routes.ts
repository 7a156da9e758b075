/**
 * `/__emulator/*`: the emulator's own JSON control surface, for tests and for other processes
 * that share one running emulator (read counters, inject faults, expire or revoke tokens).
 * Not part of Google's API; nothing here imitates Google.
 */

import { Hono } from "hono";
import { z } from "zod";
import { expireSyncTokens } from "./calendar/change-log.ts";
import type { EmulatorState } from "./emulator-state.ts";
import { revokeAccess } from "./oauth/grants.ts";

const faultSchema = z.strictObject({
  target: z.string().min(1),
  status: z.number().int().min(100).max(599).optional(),
  body: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  delayMs: z.number().int().min(0).max(600_000).optional(),
  times: z.number().int().min(1).optional(),
  after: z.boolean().optional(),
});

const emailSchema = z.string().regex(/^[^\s@]+@[^\s@]+$/, "must be an email address");

const accountSchema = z.strictObject({
  email: emailSchema,
  name: z.string().min(1).optional(),
  sub: z
    .string()
    .regex(/^\d{1,255}$/)
    .optional(),
  timeZone: z.string().min(1).optional(),
});

const clientSchema = z.strictObject({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  redirectUris: z.array(z.url()).default([]),
  agentic: z.boolean().default(true),
});

const optionsSchema = z.strictObject({
  accessTokenTtlSeconds: z.number().int().min(0).optional(),
  codeTtlSeconds: z.number().int().min(0).optional(),
  autoApproveEmail: emailSchema.nullable().optional(),
  mcpToolErrorEncoding: z.enum(["isError", "jsonrpc"]).optional(),
});

/** Parses a JSON body (an empty body counts as `{}`); on failure answers 400 with the reason. */
async function readJson<T>(
  request: Request,
  schema: z.ZodType<T>,
): Promise<{ ok: true; value: T } | { ok: false; response: Response }> {
  const text = await request.text();
  let raw: unknown = {};
  if (text.trim() !== "") {
    try {
      raw = JSON.parse(text);
    } catch {
      return { ok: false, response: Response.json({ error: "body is not valid JSON" }, { status: 400 }) };
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, response: Response.json({ error: z.prettifyError(parsed.error) }, { status: 400 }) };
  }
  return { ok: true, value: parsed.data };
}

export function controlRoutes(state: EmulatorState): Hono {
  const app = new Hono();

  app.get("/stats", (c) => {
    const counters = state.counters;
    return c.json({
      codeExchanges: counters.codeExchanges,
      refreshes: counters.refreshes,
      refreshesByEmail: Object.fromEntries(counters.refreshesByEmail),
      revocations: counters.revocations,
      tokenRequests: counters.tokenRequests,
      calendarCalls: Object.fromEntries(counters.calendarCalls),
      mcpCalls: Object.fromEntries(counters.mcpCalls),
      mcpRequests: Object.fromEntries(counters.mcpRequests),
    });
  });

  app.post("/reset-counters", (c) => {
    state.resetCounters();
    return c.json({ ok: true });
  });

  app.post("/faults", async (c) => {
    const body = await readJson(c.req.raw, faultSchema);
    if (!body.ok) return body.response;
    state.faults.push(body.value);
    return c.json({ ok: true, faults: state.faults.length }, 201);
  });

  app.delete("/faults", (c) => {
    state.faults = [];
    return c.json({ ok: true });
  });

  app.post("/expire-tokens", async (c) => {
    const body = await readJson(c.req.raw, z.strictObject({ email: emailSchema.optional() }));
    if (!body.ok) return body.response;
    state.expireAccessTokens(body.value.email);
    return c.json({ ok: true });
  });

  // Google expires sync tokens when it likes; clients must then resync fully (410).
  app.post("/expire-sync-tokens", (c) => {
    expireSyncTokens(state);
    return c.json({ ok: true });
  });

  // What a user removing the app in their Google Account does: every grant of the account dies.
  app.post("/revoke-grants", async (c) => {
    const body = await readJson(c.req.raw, z.strictObject({ email: emailSchema }));
    if (!body.ok) return body.response;
    return c.json({ ok: true, revokedGrants: revokeAccess(state, body.value.email, null) });
  });

  app.post("/accounts", async (c) => {
    const body = await readJson(c.req.raw, accountSchema);
    if (!body.ok) return body.response;
    return c.json(state.addAccount(body.value), 201);
  });

  app.post("/clients", async (c) => {
    const body = await readJson(c.req.raw, clientSchema);
    if (!body.ok) return body.response;
    state.addClient(body.value);
    return c.json({ ok: true, clientId: body.value.clientId }, 201);
  });

  app.post("/options", async (c) => {
    const body = await readJson(c.req.raw, optionsSchema);
    if (!body.ok) return body.response;
    const { accessTokenTtlSeconds, codeTtlSeconds, autoApproveEmail, mcpToolErrorEncoding } = body.value;
    if (accessTokenTtlSeconds !== undefined) state.options.accessTokenTtlSeconds = accessTokenTtlSeconds;
    if (codeTtlSeconds !== undefined) state.options.codeTtlSeconds = codeTtlSeconds;
    if (autoApproveEmail !== undefined) state.options.autoApproveEmail = autoApproveEmail;
    if (mcpToolErrorEncoding !== undefined) state.options.mcpToolErrorEncoding = mcpToolErrorEncoding;
    return c.json({ ok: true, options: state.options });
  });

  return app;
}
