/**
 * The shell shared by the consent and error pages: one self-contained document (inline CSS
 * under a per-response nonce, no external assets) sent with headers that keep it out of
 * frames, caches and Referer headers.
 */

import type { Language } from "./scope-catalogue.ts";

export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** `hl` wins (Google honours it), then the best of es/en in Accept-Language; English otherwise. */
export function pickLanguage(hl: string | undefined, acceptLanguage: string | undefined): Language {
  if (hl !== undefined && hl !== "") return hl.toLowerCase().startsWith("es") ? "es" : "en";
  let best: { language: Language; quality: number } | null = null;
  for (const part of (acceptLanguage ?? "").split(",")) {
    const [tag = "", ...params] = part.trim().toLowerCase().split(";");
    const language = tag.startsWith("es") ? "es" : tag.startsWith("en") ? "en" : null;
    if (language === null) continue;
    const qParam = params.map((param) => param.trim()).find((param) => param.startsWith("q="));
    const quality = qParam === undefined ? 1 : Number(qParam.slice(2)) || 0;
    if (best === null || quality > best.quality) best = { language, quality };
  }
  return best?.language ?? "en";
}

export function securityHeaders(nonce: string | null): Record<string, string> {
  const styleSource = nonce === null ? "'none'" : `'nonce-${nonce}'`;
  return {
    "Cache-Control": "no-store",
    Pragma: "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    // No form-action: browsers apply it to the redirect that follows the consent form, and
    // that redirect goes to the client's own origin.
    "Content-Security-Policy": `default-src 'none'; style-src ${styleSource}; base-uri 'none'; frame-ancestors 'none'`,
  };
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f1f1f;background:#f0f4f9}
main{max-width:36rem;margin:2rem auto;padding:2rem;background:#fff;border-radius:1.5rem}
@media (max-width:40rem){main{margin:.75rem;padding:1.25rem;border-radius:1rem}}
.banner{margin:0 0 1rem;font-size:.8rem;color:#444746;text-transform:uppercase;letter-spacing:.04em}
h1{font-size:1.6rem;font-weight:400;margin:0 0 .5rem}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
code{font-size:.85rem;overflow-wrap:anywhere}
fieldset{border:1px solid #c4c7c5;border-radius:.75rem;margin:1rem 0;padding:.5rem 1rem}
legend{padding:0 .25rem;font-weight:600}
.option{display:flex;gap:.75rem;align-items:flex-start;padding:.5rem 0}
.option input{margin-top:.3rem;width:1.1rem;height:1.1rem;flex:none}
.option small{display:block;color:#444746;overflow-wrap:anywhere}
.actions{display:flex;gap:1rem;justify-content:flex-end;margin-top:1.5rem}
button{font:inherit;padding:.6rem 1.5rem;border-radius:1.25rem;border:1px solid #747775;background:#fff;color:#0b57d0;cursor:pointer}
button.primary{background:#0b57d0;border-color:#0b57d0;color:#fff}
button:focus-visible,input:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem .75rem;font-size:.85rem}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
`;

export interface PageContent {
  language: Language;
  title: string;
  body: string;
}

export function renderPage(content: PageContent, nonce: string): string {
  return [
    "<!DOCTYPE html>",
    `<html lang="${content.language}">`,
    '<head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(content.title)}</title>`,
    `<style nonce="${nonce}">${STYLE}</style></head>`,
    `<body><main>${content.body}</main></body></html>`,
  ].join("\n");
}

export function htmlResponse(content: PageContent, status: number): Response {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  return new Response(renderPage(content, nonce), {
    status,
    headers: { "Content-Type": "text/html; charset=utf-8", ...securityHeaders(nonce) },
  });
}

/** A 302 that leaks nothing: no caching, no Referer from the consent page. */
export function redirectResponse(location: string): Response {
  return new Response(null, { status: 302, headers: { Location: location, ...securityHeaders(null) } });
}
