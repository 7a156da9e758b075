/**
 * Google Meet conferences created through `conferenceData.createRequest`. Only honoured with
 * `conferenceDataVersion=1`; version 0 ignores conference data in the body and keeps what the
 * event already had, as documented for events.insert/update/patch.
 */

import { calendarErrors } from "./calendar-errors.ts";
import { isObject } from "./event-input.ts";

type ConferenceData = Record<string, unknown>;

const MEET_ICON =
  "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png";

function letters(count: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(count));
  return Array.from(bytes, (b) => String.fromCharCode(97 + (b % 26))).join("");
}

/** A Meet code shaped like Google's: `abc-defg-hij`. */
export function newMeetCode(): string {
  return `${letters(3)}-${letters(4)}-${letters(3)}`;
}

function meetConference(createRequest: Record<string, unknown>): ConferenceData {
  const code = newMeetCode();
  return {
    createRequest: {
      requestId: createRequest.requestId,
      conferenceSolutionKey: { type: "hangoutsMeet" },
      status: { statusCode: "success" },
    },
    entryPoints: [
      { entryPointType: "video", uri: `https://meet.google.com/${code}`, label: `meet.google.com/${code}` },
    ],
    conferenceSolution: { key: { type: "hangoutsMeet" }, name: "Google Meet", iconUri: MEET_ICON },
    conferenceId: code,
  };
}

/** `conferenceDataVersion`: an integer in [0, 1]. */
export function readConferenceVersion(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 0;
  if (!/^\d+$/.test(raw)) {
    throw calendarErrors.invalidParameter("conferenceDataVersion", `Invalid integer value: '${raw}'.`);
  }
  const version = Number(raw);
  if (version > 1) {
    throw calendarErrors.invalidParameter(
      "conferenceDataVersion",
      `Invalid value '${raw}'. Values must be within the range: [0, 1]`,
    );
  }
  return version;
}

/**
 * The conference data an event ends up with after a write. `replace` is true for insert and
 * update (an absent field clears it under version 1), false for patch.
 */
export function applyConference(
  body: Record<string, unknown>,
  version: number,
  existing: ConferenceData | null,
  replace: boolean,
): ConferenceData | null {
  if (version === 0) return existing;
  const sent = body.conferenceData;
  if (sent === undefined) return replace ? null : existing;
  if (sent === null) return null;
  if (!isObject(sent)) throw calendarErrors.invalid("Invalid conference data.");
  const createRequest = sent.createRequest;
  if (isObject(createRequest)) {
    const existingRequest = isObject(existing?.createRequest) ? existing.createRequest : null;
    // The same requestId asks for the same conference: Google does not create a second one.
    if (existingRequest !== null && existingRequest.requestId === createRequest.requestId) return existing;
    const key = createRequest.conferenceSolutionKey;
    if (!isObject(key) || key.type !== "hangoutsMeet")
      throw calendarErrors.invalid("Invalid conference type value.");
    return meetConference(createRequest);
  }
  return structuredClone(sent);
}

/** `hangoutLink` mirrors the Meet video entry point. */
export function hangoutLinkOf(conference: ConferenceData | null): string | null {
  if (conference === null) return null;
  const solution = conference.conferenceSolution;
  if (!isObject(solution) || !isObject(solution.key) || solution.key.type !== "hangoutsMeet") return null;
  const entryPoints = Array.isArray(conference.entryPoints) ? conference.entryPoints : [];
  const video = entryPoints.find((e) => isObject(e) && e.entryPointType === "video");
  return isObject(video) && typeof video.uri === "string" ? video.uri : null;
}
