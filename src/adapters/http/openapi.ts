import { type Env, Hono } from "hono";
import { openApiPaths } from "./openapi-paths.ts";
import { componentSchemas } from "./openapi-schemas.ts";

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };

export interface OpenApiOptions {
  /** Public URL of this server, listed under `servers`. */
  serverUrl: string;
  version?: string;
}

/** OpenAPI 3.1 description of the HTTP endpoints, its schemas generated from the routes' zod schemas. */
export function buildOpenApiDocument(options: OpenApiOptions): OpenApiDocument {
  return {
    openapi: "3.1.0",
    info: {
      title: "MCP Calendar Server",
      version: options.version ?? "0.1.0",
      description:
        "Multi-tenant Google Calendar for AI assistants: each end user (customer) connects their own " +
        "Google Calendar through OAuth 2.0, then the assistant uses it through the MCP endpoint.",
    },
    servers: [{ url: options.serverUrl }],
    security: [{ bearerAuth: [] }],
    tags: [
      { name: "oauth", description: "Connect, inspect and disconnect a customer's Google Calendar" },
      { name: "mcp", description: "Model Context Protocol (Streamable HTTP)" },
      { name: "operations", description: "Health and metrics" },
      { name: "google", description: "Called by Google: push notifications of calendar changes" },
    ],
    paths: openApiPaths(),
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description: "One of the server's API keys (CALENDAR_SERVER_API_KEYS)",
        },
      },
    },
  };
}

/** GET / answers the document; mount it at `/openapi.json` (public). */
export function openApiApp<E extends Env = Env>(options: OpenApiOptions): Hono<E> {
  // Built once: the document only changes with the code.
  const body = JSON.stringify(buildOpenApiDocument(options));
  const app = new Hono<E>();
  app.get("/", (c) => c.body(body, 200, { "Content-Type": "application/json; charset=utf-8" }));
  return app;
}
