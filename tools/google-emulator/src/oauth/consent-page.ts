/**
 * The consent screen: pick an account, untick optional scopes (granular consent), Allow or
 * Deny. Stable ids for browser tests: `#account-<n>` radios (name="account", value=email),
 * `#scope-<n>` checkboxes (name="scope", value=scope), `#allow-button`, `#deny-button`.
 */

import type { EmulatorAccount } from "../emulator-state.ts";
import { escapeHtml, htmlResponse } from "./html-page.ts";
import { describeScope, isIdentityScope, type Language } from "./scope-catalogue.ts";

export const CONSENT_FORM_PATH = "/o/oauth2/v2/auth/consent";

const TEXT = {
  en: {
    title: "Sign in – Google OAuth emulator",
    banner: "Google OAuth emulator · not a real Google page",
    heading: "Sign in to continue",
    client: "This app wants access to your Google Account",
    accounts: "Choose an account",
    scopes: "Select what this app can access",
    always: "Always shared when you sign in",
    allow: "Allow",
    deny: "Deny",
  },
  es: {
    title: "Iniciar sesión – emulador de OAuth de Google",
    banner: "Emulador de OAuth de Google · no es una página real de Google",
    heading: "Inicia sesión para continuar",
    client: "Esta aplicación quiere acceder a tu cuenta de Google",
    accounts: "Elige una cuenta",
    scopes: "Selecciona a qué puede acceder esta aplicación",
    always: "Siempre se comparte al iniciar sesión",
    allow: "Permitir",
    deny: "Denegar",
  },
} as const;

export interface ConsentView {
  language: Language;
  requestId: string;
  clientId: string;
  accounts: EmulatorAccount[];
  selectedEmail: string;
  scopes: string[];
}

function accountOption(account: EmulatorAccount, index: number, checked: boolean): string {
  const id = `account-${index}`;
  return [
    '<div class="option">',
    `<input type="radio" name="account" id="${id}" value="${escapeHtml(account.email)}"${checked ? " checked" : ""}>`,
    `<label for="${id}">${escapeHtml(account.name)}<small>${escapeHtml(account.email)}</small></label>`,
    "</div>",
  ].join("");
}

function scopeOption(scope: string, index: number, language: Language): string {
  const id = `scope-${index}`;
  const identity = isIdentityScope(scope);
  // Identity scopes cannot be declined, like Google's granular consent; the server grants
  // them whatever the form says, so the disabled box needs no hidden twin.
  const input = identity
    ? `<input type="checkbox" id="${id}" checked disabled>`
    : `<input type="checkbox" name="scope" id="${id}" value="${escapeHtml(scope)}" checked>`;
  const note = identity ? ` (${TEXT[language].always})` : "";
  return [
    '<div class="option">',
    input,
    `<label for="${id}">${escapeHtml(describeScope(scope, language))}${escapeHtml(note)}`,
    `<small>${escapeHtml(scope)}</small></label>`,
    "</div>",
  ].join("");
}

export function consentPage(view: ConsentView): Response {
  const text = TEXT[view.language];
  const body = [
    `<p class="banner" role="note">${text.banner}</p>`,
    `<h1>${text.heading}</h1>`,
    // The client id on a line of its own: it is long and must not break mid-word into the sentence.
    `<p>${text.client}:<br><code>${escapeHtml(view.clientId)}</code></p>`,
    `<form method="post" action="${CONSENT_FORM_PATH}">`,
    `<input type="hidden" name="request_id" value="${escapeHtml(view.requestId)}">`,
    `<fieldset><legend>${text.accounts}</legend>`,
    ...view.accounts.map((account, index) =>
      accountOption(account, index, account.email === view.selectedEmail),
    ),
    "</fieldset>",
    `<fieldset><legend>${text.scopes}</legend>`,
    ...view.scopes.map((scope, index) => scopeOption(scope, index, view.language)),
    "</fieldset>",
    '<div class="actions">',
    `<button type="submit" name="decision" value="allow" id="allow-button" class="primary">${text.allow}</button>`,
    `<button type="submit" name="decision" value="deny" id="deny-button">${text.deny}</button>`,
    "</div></form>",
  ].join("\n");
  return htmlResponse({ language: view.language, title: text.title, body }, 200);
}
