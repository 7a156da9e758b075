import type { WebhookSummary } from "../../adapters/webhooks/webhook-outbox.ts";
import { checkWebhookId } from "../../adapters/webhooks/webhook-outbox.ts";
import { type CliCommand, EXIT, UsageError } from "./cli-command.ts";
import { withStore } from "./cli-context.ts";
import { table } from "./format.ts";

const DEFAULT_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export const webhooksCommand: CliCommand = {
  name: "webhooks",
  summary: "List the webhook outbox, or send a webhook again (webhooks list | webhooks retry <id>)",
  positionals: ["action"],
  optionalPositionals: ["id"],
  options: {
    json: { type: "boolean", description: "list: print a JSON array instead of a table" },
    limit: { type: "string", placeholder: "<n>", description: "list: at most this many, newest first (50)" },
  },
  description: `
list: the newest webhooks in the store's outbox with their state: pending (being tried, with the
next attempt's time), delivered, or dead (not delivered within CALENDAR_SERVER_WEBHOOK_MAX_AGE_HOURS).
Bodies are sealed in the store and never shown.
retry <id>: make a pending or dead webhook due now, with a fresh maximum age; a running server
sends it within a second, with the same webhook-id (receivers drop duplicates by it).`,
  run: (args, io) => {
    const [action, id] = args.positionals;
    if (action === "list") {
      if (id !== undefined) throw new UsageError(`unexpected argument '${id}'`);
      const limit = limitOf(args.values.limit);
      return withStore(io, async ({ storage }) => {
        const rows = (await storage.outbox.list(limit)).map(rowOf);
        if (args.values.json === true) {
          io.out(`${JSON.stringify(rows, null, 2)}\n`);
        } else if (rows.length === 0) {
          io.out("No webhooks in the outbox.\n");
        } else {
          io.out(
            table(
              ["ID", "TYPE", "CUSTOMER", "STATE", "ATTEMPTS", "CREATED", "NEXT / DONE", "LAST ERROR"],
              rows.map((row) => [
                row.id,
                row.type,
                row.customer_id,
                row.status,
                String(row.attempts),
                row.created_at,
                row.status === "pending" ? row.next_attempt_at : (row.delivered_at ?? "-"),
                row.last_error ?? "-",
              ]),
            ),
          );
        }
        return EXIT.ok;
      });
    }
    if (action === "retry") {
      if (id === undefined) throw new UsageError("missing <id>");
      const webhookId = webhookIdArgument(id);
      return withStore(io, async ({ storage, config }) => {
        const now = new Date();
        const maxAge = config.webhooks?.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
        if (!(await storage.outbox.retry(webhookId, now, new Date(now.getTime() + maxAge)))) {
          io.err(`error: no pending or dead webhook ${webhookId} in the outbox\n`);
          return EXIT.failure;
        }
        io.out(`${webhookId} is due now; a running server sends it.\n`);
        return EXIT.ok;
      });
    }
    throw new UsageError(`unknown action '${action}': use list or retry`);
  },
};

/** A webhook as the command shows it: never its body. */
interface WebhookRow {
  id: string;
  type: string;
  customer_id: string;
  status: string;
  attempts: number;
  created_at: string;
  next_attempt_at: string;
  expires_at: string;
  delivered_at: string | null;
  last_error: string | null;
}

function rowOf(summary: WebhookSummary): WebhookRow {
  return {
    id: summary.id,
    type: summary.type,
    customer_id: summary.customerId,
    status: summary.status,
    attempts: summary.attempts,
    created_at: summary.createdAt.toISOString(),
    next_attempt_at: summary.nextAttemptAt.toISOString(),
    expires_at: summary.expiresAt.toISOString(),
    delivered_at: summary.deliveredAt?.toISOString() ?? null,
    last_error: summary.lastError,
  };
}

function limitOf(value: string | boolean | undefined): number {
  if (value === undefined) return 50;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new UsageError("--limit must be a whole number from 1 to 10000");
  }
  return limit;
}

function webhookIdArgument(text: string): string {
  try {
    return checkWebhookId(text);
  } catch {
    throw new UsageError("<id> is a webhook id as `webhooks list` shows it (msg_…)");
  }
}
