import { describe, expect, test } from "bun:test";
import { unknownArguments } from "../../../src/adapters/mcp/argument-issues.ts";
import { createBooking, updateBooking } from "../../../src/adapters/mcp/tools/booking-tools.ts";
import { listEvents } from "../../../src/adapters/mcp/tools/event-reading-tools.ts";

const meant = (input: typeof createBooking.input, args: Record<string, unknown>) =>
  unknownArguments(input, args).map((issue) => issue.message.split("; ")[1]);

describe("unknown arguments", () => {
  test("customer_id and the tool's own arguments are known", () => {
    expect(
      unknownArguments(createBooking.input, { customer_id: "u", summary: "x", allow_past: true }),
    ).toEqual([]);
  });

  test("each unknown one is named, with the argument probably meant", () => {
    expect(meant(listEvents.input, { timezone: 1, start_date: 1, end_date: 1 })).toEqual([
      "did you mean time_zone?",
      "did you mean time_min?",
      "did you mean time_max?",
    ]);
    expect(meant(updateBooking.input, { new_start: 1, timeZone: 1, calender_id: 1, sumary: 1 })).toEqual([
      "did you mean start?",
      "did you mean time_zone?",
      "did you mean calendar_id?",
      "did you mean summary?",
    ]);
  });

  test("with nothing close, the tool's arguments are listed instead", () => {
    const [issue] = unknownArguments(listEvents.input, { colour: "red" });
    expect(issue).toEqual({
      field: "colour",
      message:
        "colour is not an argument of this tool; the arguments are calendar_id, time_min, time_max, query, max_results, page_token, time_zone, approval",
    });
  });
});
