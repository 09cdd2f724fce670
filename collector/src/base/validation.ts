/** zod parse that fails with a ClError naming the path of every problem (at most 10 listed); shared field schemas. */
import { z } from 'zod';
import { ClError, type ErrorCode } from './errors.js';

const MAX_ISSUES = 10;

export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  code: ErrorCode = 'CL_INVALID_REQUEST',
): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, MAX_ISSUES).map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0]!;
  const where = first.path ? `${first.path}: ` : '';
  return fail(code, `${where}${first.message}`, first.path, issues);
}

function fail(code: ErrorCode, message: string, path: string, issues: { path: string; message: string }[]): never {
  throw new ClError(code, message, { path, issues });
}

/** A query-string time: an ISO 8601 date (midnight UTC) or date-time with offset → ms since epoch. */
export const isoTime = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { message: 'must be an ISO 8601 date or date-time' })
  .transform((s) => Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s));
