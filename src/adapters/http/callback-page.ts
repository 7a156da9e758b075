/** The small page a customer sees after Google sends them back: Spanish or English, no assets. */

export type Language = "es" | "en";

export type CallbackOutcome =
  | { kind: "connected"; email: string | null }
  | { kind: "denied" }
  | { kind: "expired" }
  | { kind: "mismatch" }
  | { kind: "failed" };

const TEXT = {
  es: {
    connectedTitle: "Google Calendar conectado",
    connectedBody: (email: string | null) =>
      email === null ? "Tu cuenta de Google quedó conectada." : `Conectamos la cuenta de Google ${email}.`,
    undo: "¿No era la cuenta correcta? Pide al asistente que desconecte tu calendario, o retira el acceso en https://myaccount.google.com/permissions.",
    mismatchTitle: "Esa no es la cuenta esperada",
    mismatchBody:
      "Este enlace era para otra cuenta de Google, así que no se conectó nada y el permiso recién dado se retiró. Inicia sesión con la cuenta correcta y pide al asistente un enlace nuevo.",
    deniedTitle: "Google Calendar no conectado",
    deniedBody:
      "No diste permiso para acceder a tu calendario, así que no se conectó nada. Si fue un error, pide al asistente un enlace nuevo.",
    expiredTitle: "El enlace ya no es válido",
    expiredBody: "Este enlace de autorización caducó o ya se usó. Pide al asistente un enlace nuevo.",
    failedTitle: "No pudimos conectar Google Calendar",
    failedBody:
      "Google no confirmó la autorización. Inténtalo de nuevo pidiendo al asistente un enlace nuevo.",
    back: "Ya puedes cerrar esta pestaña y volver al chat.",
  },
  en: {
    connectedTitle: "Google Calendar connected",
    connectedBody: (email: string | null) =>
      email === null ? "Your Google account is connected." : `We connected the Google account ${email}.`,
    undo: "Not the right account? Ask the assistant to disconnect your calendar, or remove the access at https://myaccount.google.com/permissions.",
    mismatchTitle: "That is not the expected account",
    mismatchBody:
      "This link was made for another Google account, so nothing was connected and the access just granted was withdrawn. Sign in with the right account and ask the assistant for a new link.",
    deniedTitle: "Google Calendar not connected",
    deniedBody:
      "You did not allow access to your calendar, so nothing was connected. If that was a mistake, ask the assistant for a new link.",
    expiredTitle: "This link is no longer valid",
    expiredBody: "This authorization link expired or was already used. Ask the assistant for a new one.",
    failedTitle: "We could not connect Google Calendar",
    failedBody: "Google did not confirm the authorization. Try again by asking the assistant for a new link.",
    back: "You can close this tab and return to the chat.",
  },
} as const;

/** Spanish when the browser prefers it over English, English otherwise. */
export function preferredLanguage(acceptLanguage: string | undefined): Language {
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().toLowerCase().split(";");
      const q = params.find((p) => p.trim().startsWith("q="));
      return { tag, q: q === undefined ? 1 : Number(q.trim().slice(2)) || 0 };
    })
    .filter((entry) => entry.tag.startsWith("es") || entry.tag.startsWith("en"))
    .sort((a, b) => b.q - a.q);
  return ranked[0]?.tag.startsWith("es") ? "es" : "en";
}

export function renderCallbackPage(outcome: CallbackOutcome, language: Language): string {
  const text = TEXT[language];
  const [title, body, ok] =
    outcome.kind === "connected"
      ? [text.connectedTitle, text.connectedBody(outcome.email), true]
      : outcome.kind === "denied"
        ? [text.deniedTitle, text.deniedBody, false]
        : outcome.kind === "expired"
          ? [text.expiredTitle, text.expiredBody, false]
          : outcome.kind === "mismatch"
            ? [text.mismatchTitle, text.mismatchBody, false]
            : [text.failedTitle, text.failedBody, false];
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f6f7f9;color:#1f2328;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.12);padding:2rem 2.5rem;max-width:28rem;margin:1rem}
h1{font-size:1.35rem;margin:0 0 .75rem;display:flex;gap:.6rem;align-items:center}
.mark{display:inline-grid;place-items:center;width:1.8rem;height:1.8rem;border-radius:50%;color:#fff;font-size:1rem;flex:none}
.ok{background:#1a7f37}.no{background:#b42318}
p{line-height:1.5;margin:.5rem 0}
strong{overflow-wrap:anywhere}
</style>
</head>
<body>
<main role="main" data-outcome="${outcome.kind}">
<h1><span class="mark ${ok ? "ok" : "no"}" aria-hidden="true">${ok ? "&#10003;" : "&#10005;"}</span>${escapeHtml(title)}</h1>
<p>${emphasise(escapeHtml(body), outcome.kind === "connected" ? outcome.email : null)}</p>
${outcome.kind === "connected" ? `<p>${escapeHtml(text.undo)}</p>\n` : ""}<p>${escapeHtml(text.back)}</p>
</main>
</body>
</html>
`;
}

/** The connected account in bold, so the customer can spot a wrong account at a glance. */
function emphasise(escapedBody: string, email: string | null): string {
  if (email === null) return escapedBody;
  const escapedEmail = escapeHtml(email);
  // A function, so a "$&" in the address is not read as a replacement pattern.
  return escapedBody.replace(escapedEmail, () => `<strong>${escapedEmail}</strong>`);
}

export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}
