/**
 * The OpenAPI 3.1 document of the collector, built from the route table (route-docs.ts) and the error
 * registry: parameters and bodies are the JSON Schema form of the zod schemas that validate them.
 */
import { z } from 'zod';
import { Errors, type ErrorCode } from '../base/errors.js';
import { VERSION } from '../base/paths.js';
import { ROUTE_DOCS, type RouteDoc } from './route-docs.js';

type Json = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType): Json => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  return rest;
};

function parameters(doc: RouteDoc): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [
    ['path', doc.params],
    ['query', doc.query],
  ] as const) {
    if (!schema) continue;
    const s = jsonSchema(schema) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      out.push({
        name,
        in: where,
        required: where === 'path' || (s.required ?? []).includes(name),
        schema: prop,
        ...(prop.description ? { description: prop.description } : {}),
      });
    }
  }
  return out;
}

const AUTH_TEXT: Record<RouteDoc['auth'], string> = {
  none: 'none',
  'public-key': "the site's public key in the body (browsers: Origin must be one of the site's domains)",
  admin: 'admin token',
  secret: "a site's secret key, or the admin token with `site`",
  report: "a site's secret key or share token (its site), or an analyst token or the admin token with `site`",
  leads: "a site's secret key, or an analyst token or the admin token with `site`",
  analyst: 'admin token or analyst token',
  tokens: "admin token (any token), or a site's secret key (its site's share tokens)",
};

const SECURITY: Record<RouteDoc['auth'], Json[] | undefined> = {
  none: [],
  'public-key': [],
  admin: [{ adminToken: [] }],
  secret: [{ siteSecretKey: [] }, { adminToken: [] }],
  report: [{ siteSecretKey: [] }, { shareToken: [] }, { analystToken: [] }, { adminToken: [] }],
  leads: [{ siteSecretKey: [] }, { analystToken: [] }, { adminToken: [] }],
  analyst: [{ adminToken: [] }, { analystToken: [] }],
  tokens: [{ adminToken: [] }, { siteSecretKey: [] }],
};

function operation(key: string, doc: RouteDoc): Json {
  const errors: Record<string, Json> = {};
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of doc.errors ?? [])
    byStatus.set(Errors[code].statusCode, [...(byStatus.get(Errors[code].statusCode) ?? []), code]);
  for (const [status, codes] of byStatus) {
    errors[String(status)] = {
      description: codes.map((c) => `\`${c}\`: ${Errors[c].message}`).join(' · '),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  const types = doc.bodyTypes ?? ['application/json'];
  return {
    operationId: key.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, ''),
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: [doc.tag],
    'x-auth': AUTH_TEXT[doc.auth],
    ...(SECURITY[doc.auth]!.length ? { security: SECURITY[doc.auth] } : {}),
    parameters: parameters(doc),
    ...(doc.body
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(
              types.map((t) => [
                t,
                {
                  schema: jsonSchema(doc.body!),
                  ...(doc.example?.body !== undefined ? { example: doc.example.body } : {}),
                },
              ]),
            ),
          },
        }
      : {}),
    responses: {
      [String(doc.success.status)]: {
        description: doc.success.description,
        ...(doc.success.type ? { content: { [doc.success.type]: {} } } : {}),
      },
      ...errors,
    },
  };
}

export function openApiDocument(serverUrl?: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const [key, doc] of Object.entries(ROUTE_DOCS)) {
    const [method, url] = key.split(' ') as [string, string];
    const oaPath = url.replace(/:([A-Za-z_]+)/g, '{$1}');
    (paths[oaPath] ??= {})[method.toLowerCase()] = operation(key, doc);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'closeloop collector',
      version: VERSION,
      description:
        'Closed-loop marketing: events from the script tag, leads, CRM deals and costs in; attribution, reports and SQL out. Errors always have the same shape with a stable `code` (see docs/api.md).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    tags: ['Ingestion', 'CRM', 'Attribution', 'Reports', 'Analysts', 'Admin', 'Operations', 'Static'].map((name) => ({
      name,
    })),
    paths,
    components: {
      securitySchemes: {
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'CLOSELOOP_ADMIN_TOKEN: may do everything; server APIs then need `site`.',
        },
        siteSecretKey: {
          type: 'http',
          scheme: 'bearer',
          description: "A site's secret key (sk_…): server APIs of that site only.",
        },
        analystToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An analyst token (at_…): /v1/query and the GET reports and leads of any site (with `site`); read-only.',
        },
        shareToken: {
          type: 'http',
          scheme: 'bearer',
          description: "A share token (sh_…): one site's GET attribution and reports; no leads, no SQL.",
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['statusCode', 'code', 'error', 'message'],
          properties: {
            statusCode: { type: 'integer' },
            code: { type: 'string', enum: Object.keys(Errors) },
            error: { type: 'string' },
            message: { type: 'string' },
            path: {
              type: 'string',
              description: 'Where in the input the (first) problem is, e.g. events.3.visitor_id',
            },
            issues: {
              type: 'array',
              items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
            },
          },
        },
      },
    },
  };
}
