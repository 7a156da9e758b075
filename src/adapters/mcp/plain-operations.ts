/**
 * Google's operations as the gateways name them (REST methods, the Google Calendar MCP server's
 * tools), in plain words: neither a model nor a person knows what "events.get" is.
 */
const OPERATIONS: Record<string, string> = {
  "events.get": "reading the event",
  get_event: "reading the event",
  "events.list": "listing events",
  list_events: "listing events",
  "events.insert": "creating the event",
  create_event: "creating the event",
  "events.patch": "changing the event",
  update_event: "changing the event",
  "events.delete": "deleting the event",
  delete_event: "deleting the event",
  respond_to_event: "answering the invitation",
  "freebusy.query": "reading free/busy time",
  suggest_time: "reading free/busy time",
  "calendarList.list": "listing calendars",
  list_calendars: "listing calendars",
};
/** Only where a gateway names its operation: our own tools share some of Google MCP's names. */
const OPERATION_NAME = new RegExp(
  `\\b(rate limiting|refused|failed|does not allow|reached for|did not answer|approval of) (${Object.keys(
    OPERATIONS,
  )
    .map((name) => name.replace(".", "\\."))
    .join("|")})(?![\\w.])`,
  "g",
);

/** A gateway's message with its operation names in plain words. */
export function plainOperations(message: string): string {
  const notFound = /^Not found \(([^)]*)\)$/.exec(message);
  if (notFound !== null) {
    return /calendar|free/i.test(notFound[1] ?? "")
      ? "The calendar was not found or is not shared with this account; check calendar_id (list_calendars lists them)"
      : "The event was not found in this calendar; check event_id and calendar_id (list_events finds events)";
  }
  if (/^Already deleted \(/.test(message)) return "The event was already deleted";
  return message.replace(
    OPERATION_NAME,
    (_, phrase: string, name: string) => `${phrase} ${OPERATIONS[name] ?? name}`,
  );
}
