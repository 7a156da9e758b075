/**
 * The scopes the emulator knows, with the wording Google's consent screen uses. Google rejects
 * any scope it does not know with `invalid_scope`, so an unknown scope here is an error too.
 */

export type Language = "en" | "es";

const GOOGLE_AUTH = "https://www.googleapis.com/auth/";

export const USERINFO_EMAIL = `${GOOGLE_AUTH}userinfo.email`;
export const USERINFO_PROFILE = `${GOOGLE_AUTH}userinfo.profile`;

interface ScopeInfo {
  en: string;
  es: string;
}

const IDENTITY: Record<string, ScopeInfo> = {
  openid: {
    en: "Associate you with your personal info on Google",
    es: "Asociarte con tu información personal de Google",
  },
  [USERINFO_EMAIL]: {
    en: "See your primary Google Account email address",
    es: "Ver la dirección de correo principal de tu cuenta de Google",
  },
  [USERINFO_PROFILE]: {
    en: "See your personal info, including any personal info you've made publicly available",
    es: "Ver tu información personal, incluida la que hayas hecho pública",
  },
};

const CALENDAR: Record<string, ScopeInfo> = {
  calendar: {
    en: "See, edit, share, and permanently delete all the calendars you can access using Google Calendar",
    es: "Ver, editar, compartir y eliminar de forma permanente todos los calendarios a los que puedes acceder con Google Calendar",
  },
  "calendar.readonly": {
    en: "See and download any calendar you can access using your Google Calendar",
    es: "Ver y descargar cualquier calendario al que puedas acceder con Google Calendar",
  },
  "calendar.events": {
    en: "View and edit events on all your calendars",
    es: "Ver y editar eventos de todos tus calendarios",
  },
  "calendar.events.readonly": {
    en: "View events on all your calendars",
    es: "Ver eventos de todos tus calendarios",
  },
  "calendar.events.owned": {
    en: "See, create, change, and delete events on Google calendars you own",
    es: "Ver, crear, cambiar y eliminar eventos de los calendarios de Google que te pertenecen",
  },
  "calendar.events.owned.readonly": {
    en: "See the events on Google calendars you own",
    es: "Ver los eventos de los calendarios de Google que te pertenecen",
  },
  "calendar.events.freebusy": {
    en: "See the availability on Google calendars you have access to",
    es: "Ver la disponibilidad de los calendarios de Google a los que tienes acceso",
  },
  "calendar.freebusy": {
    en: "View your availability in your calendars",
    es: "Ver tu disponibilidad en tus calendarios",
  },
  "calendar.settings.readonly": {
    en: "View your Calendar settings",
    es: "Ver tu configuración de Calendar",
  },
  "calendar.calendarlist.readonly": {
    en: "See the list of Google calendars you're subscribed to",
    es: "Ver la lista de calendarios de Google a los que estás suscrito",
  },
  "calendar.calendars.readonly": {
    en: "See the title, description, default time zone, and other properties of Google calendars you have access to",
    es: "Ver el título, la descripción, la zona horaria y otras propiedades de los calendarios de Google a los que tienes acceso",
  },
  "calendar.app.created": {
    en: "Make secondary Google calendars, and see, create, change, and delete events on them",
    es: "Crear calendarios secundarios de Google y ver, crear, cambiar y eliminar sus eventos",
  },
};

const CATALOGUE: Record<string, ScopeInfo> = {
  ...IDENTITY,
  ...Object.fromEntries(Object.entries(CALENDAR).map(([name, info]) => [`${GOOGLE_AUTH}${name}`, info])),
};

/** Google accepts the short OpenID names and answers with the long userinfo URLs. */
const SHORT_NAMES: Record<string, string> = { email: USERINFO_EMAIL, profile: USERINFO_PROFILE };

/** The canonical form Google reports in token responses (`email` → userinfo.email URL). */
export function canonicalScope(scope: string): string {
  return SHORT_NAMES[scope] ?? scope;
}

export function isKnownScope(scope: string): boolean {
  return canonicalScope(scope) in CATALOGUE;
}

/**
 * Sign-in scopes are granted whenever requested: Google's granular consent screen does not
 * offer a checkbox for them.
 */
export function isIdentityScope(scope: string): boolean {
  return canonicalScope(scope) in IDENTITY;
}

export function describeScope(scope: string, language: Language): string {
  return CATALOGUE[canonicalScope(scope)]?.[language] ?? scope;
}

/** Space-separated scope string → distinct non-empty entries, request order kept. */
export function splitScopes(raw: string): string[] {
  return [...new Set(raw.split(/\s+/).filter((scope) => scope !== ""))];
}

/** Canonical, de-duplicated scope list, as stored on grants and tokens. */
export function canonicalScopes(scopes: readonly string[]): string[] {
  return [...new Set(scopes.map(canonicalScope))];
}

/**
 * The `scope` parameter of the redirect: Google repeats the short names that were asked for
 * next to their long forms (`email openid https://…/userinfo.email`).
 */
export function redirectScopeParameter(requested: readonly string[], granted: readonly string[]): string {
  const shortNames = requested.filter(
    (scope) => scope in SHORT_NAMES && granted.includes(canonicalScope(scope)),
  );
  return [...new Set([...shortNames, ...granted])].join(" ");
}
