/**
 * What request logs may say. Logs are kept and shipped elsewhere, out of reach of an erasure
 * request, so they must never hold what a person typed: no bodies are logged at all, a URL is
 * logged with the values of its query parameters replaced by `~` — except a few parameters that
 * never carry personal data (site, report ranges and models, UTM names) — and email addresses in
 * error messages are replaced by `[email]`. `/v1/leads?email=ada@example.com` is logged as
 * `/v1/leads?email=~`.
 */
/** Query parameters whose values are logged as sent. */
const LOGGED_PARAMS = new Set([
  'site',
  'from',
  'to',
  'model',
  'conversion',
  'groupBy',
  'group_by',
  'limit',
  'utm_source',
  'utm_medium',
  'utm_campaign',
]);

const EMAILS = /[^\s@"'<>()[\]{},;:/?&=]+@[^\s@"'<>()[\]{},;:/?&=]+\.[a-z]{2,}/gi;

export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair.replace(EMAILS, '[email]');
      const name = pair.slice(0, eq);
      return LOGGED_PARAMS.has(name)
        ? `${name}=${pair.slice(eq + 1).replace(EMAILS, '[email]')}`
        : `${name.replace(EMAILS, '[email]')}=~`;
    })
    .join('&');
  return `${url.slice(0, q)}?${query}`;
}

export const scrubEmails = (text: string) => text.replace(EMAILS, '[email]');

/** An error as logged (type, message, stack, code, cause), with email addresses taken out. */
export function redactedErr(err: Error & { code?: unknown; statusCode?: unknown }): {
  type: string;
  message: string;
  stack: string;
  [key: string]: unknown;
} {
  return {
    type: err.name,
    message: scrubEmails(String(err.message)),
    stack: scrubEmails(err.stack ?? ''),
    ...(err.code !== undefined ? { code: err.code } : {}),
    ...(err.statusCode !== undefined ? { statusCode: err.statusCode } : {}),
    ...(err.cause instanceof Error ? { cause: redactedErr(err.cause) } : {}),
  };
}
