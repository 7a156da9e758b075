/** Form bodies are the norm; Google also takes JSON, and so do we. */
export async function readForm(request: Request): Promise<Record<string, string>> {
  const text = await request.text();
  if ((request.headers.get("Content-Type") ?? "").includes("application/json")) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== "object" || parsed === null) return {};
      return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}
