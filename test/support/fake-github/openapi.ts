import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';

/**
 * GitHub's own OpenAPI description (from @octokit/openapi) as a checker for the fake: does a
 * request name a real operation, and does its body have the shape GitHub accepts? Loaded
 * once per process because the file is 13 MB.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface MatchedRoute {
  method: string;
  /** The spec's path template, e.g. `/repos/{owner}/{repo}/issues/{issue_number}`. */
  template: string;
  operationId: string;
  params: Record<string, string>;
}

export type RouteMatch = { kind: 'matched'; route: MatchedRoute } | { kind: 'unknown-path' } | { kind: 'method-not-allowed'; template: string };

interface Operation {
  method: string;
  template: string;
  operationId: string;
  node: JsonObject;
}

interface CompiledTemplate {
  template: string;
  segments: string[];
  /** A trailing `{path}` may span slashes (file paths) when a client sends them unencoded. */
  greedyTail: boolean;
  operations: Map<string, Operation>;
}

const COMPONENTS_ID = 'github-components';
const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'];

/**
 * OpenAPI 3.0 schemas are not quite JSON Schema: `nullable: true` widens a schema to allow
 * null, and local `$ref`s point into the document's components. Rewrite both for Ajv.
 */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable' || key === 'example' || key === 'examples') continue;
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/')) out[key] = `${COMPONENTS_ID}${value}`;
    else if (key === 'properties' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      // Property names are data, not keywords: "nullable" or "example" may be real field names.
      out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, toJsonSchema(schema)]));
    } else out[key] = toJsonSchema(value);
  }
  if (node.nullable !== true) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

function splitPath(pathname: string): string[] {
  return pathname.split('/').slice(1);
}

function isParam(segment: string): boolean {
  return segment.startsWith('{') && segment.endsWith('}');
}

export class GithubOpenApi {
  private readonly templates: CompiledTemplate[] = [];
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly parameters: JsonObject;
  private readonly responses: JsonObject;

  constructor(spec: JsonObject) {
    const components = spec.components as JsonObject;
    this.parameters = components.parameters as JsonObject;
    this.responses = components.responses as JsonObject;
    this.ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateSchema: false });
    const addFormats = formatsPlugin as unknown as (ajv: Ajv) => Ajv;
    addFormats(this.ajv);
    this.ajv.addSchema(
      { components: { schemas: toJsonSchema(components.schemas) } } as JsonObject,
      COMPONENTS_ID,
      undefined,
      false,
    );
    for (const [template, pathItem] of Object.entries(spec.paths as JsonObject)) {
      const segments = splitPath(template);
      const operations = new Map<string, Operation>();
      for (const method of HTTP_METHODS) {
        const node = (pathItem as JsonObject)[method] as JsonObject | undefined;
        if (node) operations.set(method.toUpperCase(), { method: method.toUpperCase(), template, operationId: String(node.operationId), node });
      }
      const last = segments[segments.length - 1] ?? '';
      this.templates.push({ template, segments, greedyTail: last === '{path}', operations });
    }
  }

  match(method: string, pathname: string): RouteMatch {
    const segments = splitPath(pathname.replace(/\/+$/, '') || '/');
    let best: { compiled: CompiledTemplate; params: Record<string, string>; score: string } | undefined;
    for (const compiled of this.templates) {
      const params = this.bind(compiled, segments);
      if (!params) continue;
      // Prefer literal segments over parameters, earliest first: `/issues/comments` beats `/issues/{issue_number}`.
      const score = compiled.segments.map((segment) => (isParam(segment) ? '1' : '0')).join('');
      if (!best || score < best.score) best = { compiled, params, score };
    }
    if (!best) return { kind: 'unknown-path' };
    const operation = best.compiled.operations.get(method === 'HEAD' && !best.compiled.operations.has('HEAD') ? 'GET' : method);
    if (!operation) return { kind: 'method-not-allowed', template: best.compiled.template };
    return { kind: 'matched', route: { method, template: operation.template, operationId: operation.operationId, params: best.params } };
  }

  private bind(compiled: CompiledTemplate, segments: string[]): Record<string, string> | null {
    const pattern = compiled.segments;
    if (segments.length < pattern.length || (segments.length > pattern.length && !compiled.greedyTail)) return null;
    const params: Record<string, string> = {};
    for (let index = 0; index < pattern.length; index += 1) {
      const expected = pattern[index] as string;
      const isLast = index === pattern.length - 1;
      const actual = isLast && compiled.greedyTail ? segments.slice(index).join('/') : (segments[index] as string);
      if (isParam(expected)) {
        if (actual === '') return null;
        try {
          params[expected.slice(1, -1)] = decodeURIComponent(actual);
        } catch {
          return null;
        }
      } else if (expected !== actual) return null;
    }
    return params;
  }

  private operation(route: MatchedRoute): Operation {
    const compiled = this.templates.find((candidate) => candidate.template === route.template);
    const operation = compiled?.operations.get(route.method === 'HEAD' && !compiled.operations.has('HEAD') ? 'GET' : route.method);
    if (!operation) throw new Error(`no operation for ${route.method} ${route.template}`);
    return operation;
  }

  private resolveParameter(parameter: JsonObject): JsonObject {
    const ref = parameter.$ref;
    if (typeof ref !== 'string') return parameter;
    return this.parameters[ref.replace('#/components/parameters/', '')] as JsonObject;
  }

  /** Problems with path and query parameters: unknown names and values of the wrong type. */
  checkParameters(route: MatchedRoute, query: URLSearchParams): string[] {
    const declared = ((this.operation(route).node.parameters ?? []) as JsonObject[]).map((parameter) => this.resolveParameter(parameter));
    const problems: string[] = [];
    const check = (where: string, name: string, value: string, schema: JsonObject | undefined) => {
      if (schema?.type === 'integer' && !/^-?\d+$/.test(value)) problems.push(`${where} parameter ${name}=${JSON.stringify(value)} must be an integer`);
      if (schema?.type === 'boolean' && value !== 'true' && value !== 'false') problems.push(`${where} parameter ${name} must be true or false`);
      if (Array.isArray(schema?.enum) && !schema.enum.includes(value)) problems.push(`${where} parameter ${name}=${JSON.stringify(value)} must be one of ${schema.enum.join(', ')}`);
    };
    for (const [name, value] of Object.entries(route.params)) {
      const parameter = declared.find((candidate) => candidate.in === 'path' && candidate.name === name);
      check('path', name, value, parameter?.schema as JsonObject | undefined);
    }
    for (const [name, value] of query) {
      const parameter = declared.find((candidate) => candidate.in === 'query' && candidate.name === name);
      if (!parameter) problems.push(`unknown query parameter ${name}`);
      else check('query', name, value, parameter.schema as JsonObject | undefined);
    }
    return problems;
  }

  /** Problems with a JSON request body (`undefined` = no body sent). */
  checkBody(route: MatchedRoute, body: unknown): string[] {
    const requestBody = this.operation(route).node.requestBody as JsonObject | undefined;
    if (!requestBody) return body === undefined ? [] : ['this operation takes no request body'];
    if (body === undefined) return requestBody.required === true ? ['a request body is required'] : [];
    const schema = ((requestBody.content as JsonObject)['application/json'] as JsonObject | undefined)?.schema;
    if (schema === undefined) return ['this operation does not take a JSON body'];
    return this.validate(`request ${route.method} ${route.template}`, schema, body, 'body');
  }

  /** Problems with a JSON response we are about to send, against the operation's declared responses. */
  checkResponse(route: MatchedRoute, status: number, body: unknown): string[] {
    const responses = this.operation(route).node.responses as JsonObject;
    const declared = responses[String(status)] as JsonObject | undefined;
    if (!declared) return [`status ${status} is not a documented response`];
    const resolved = typeof declared.$ref === 'string' ? (this.responses[declared.$ref.replace('#/components/responses/', '')] as JsonObject) : declared;
    const schema = ((resolved.content as JsonObject | undefined)?.['application/json'] as JsonObject | undefined)?.schema;
    if (schema === undefined) return body === undefined ? [] : [`status ${status} is documented without a JSON body`];
    return this.validate(`response ${status} ${route.method} ${route.template}`, schema, body, 'response');
  }

  private validate(cacheKey: string, schema: Json, data: unknown, label: string): string[] {
    let validator = this.validators.get(cacheKey);
    if (!validator) {
      validator = this.ajv.compile(toJsonSchema(schema) as JsonObject);
      this.validators.set(cacheKey, validator);
    }
    if (validator(data)) return [];
    return (validator.errors ?? []).slice(0, 5).map((error) => `${label}${error.instancePath || ''} ${error.message ?? 'is invalid'}`);
  }
}

let cached: GithubOpenApi | undefined;

/** The api.github.com description, parsed and indexed on first use. */
export function githubOpenApi(): GithubOpenApi {
  if (!cached) {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
    cached = new GithubOpenApi(JSON.parse(fs.readFileSync(file, 'utf8')) as JsonObject);
  }
  return cached;
}
