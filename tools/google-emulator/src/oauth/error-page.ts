/**
 * The page Google shows instead of redirecting when an authorization request is broken
 * ("Access blocked: …", "Error 400: redirect_uri_mismatch", "Request details").
 */

import type { AuthorizationProblem } from "./authorization-request.ts";
import { escapeHtml, htmlResponse } from "./html-page.ts";
import type { Language } from "./scope-catalogue.ts";

const TEXT = {
  en: {
    banner: "Google OAuth emulator · not a real Google page",
    blocked: "Access blocked: Authorization Error",
    invalid: "Access blocked: This app’s request is invalid",
    details: "Request details",
  },
  es: {
    banner: "Emulador de OAuth de Google · no es una página real de Google",
    blocked: "Acceso bloqueado: error de autorización",
    invalid: "Acceso bloqueado: la solicitud de esta aplicación no es válida",
    details: "Detalles de la solicitud",
  },
} as const;

export function authorizationErrorPage(problem: AuthorizationProblem, language: Language): Response {
  const text = TEXT[language];
  const heading = problem.kind === "blocked" ? text.blocked : text.invalid;
  const code = `Error ${problem.status}: ${problem.error}`;
  const details = problem.details
    .map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`)
    .join("");
  const body = [
    `<p class="banner" role="note">${text.banner}</p>`,
    `<h1>${heading}</h1>`,
    `<h2 id="error-code">${escapeHtml(code)}</h2>`,
    `<p id="error-message">${escapeHtml(problem.message)}</p>`,
    details === "" ? "" : `<h2>${text.details}</h2><dl>${details}</dl>`,
  ].join("\n");
  return htmlResponse({ language, title: code, body }, problem.status);
}
