/** Small text helpers of the test ClickHouse HTTP server (no SQL parsing beyond what HTTP needs). */

const ESCAPES: Record<string, string> = {
  t: '\t',
  n: '\n',
  r: '\r',
  b: '\b',
  f: '\f',
  '0': '\0',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

const PLACEHOLDER = /\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^{}]+?)\s*\}/g;

/**
 * `param_*` values arrive as clickhouse-js writes them: scalars in ClickHouse's escaped text
 * format (a tab as `\t`, a quote as `\'`), arrays, maps and tuples as quoted literals
 * (`['x\'y']`), which a server reads with the placeholder's type. chDB's binder takes a scalar's
 * text literally, so scalars are unescaped here; composite values go through as they are.
 */
export function bindParams(sql: string, raw: Readonly<Record<string, string>>): Record<string, unknown> | undefined {
  if (Object.keys(raw).length === 0) return undefined;
  const types = new Map<string, string>();
  for (const m of sql.matchAll(PLACEHOLDER)) types.set(m[1]!, m[2]!);
  const bound: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    const type = (types.get(name) ?? 'String').replace(/^(?:Nullable|LowCardinality)\((?:Nullable\()?/, '');
    bound[name] = /^Array\b/.test(type) ? parseArrayLiteral(value) : unescapeText(value);
  }
  return bound;
}

/**
 * chDB's binder escapes a string once more, so an array's text cannot pass through as it came;
 * it is parsed back into values (strings, numbers, NULL, nested arrays), which chDB renders as
 * the same literal. Anything unparsable goes through as text, and the engine reports it.
 */
export function parseArrayLiteral(text: string): unknown {
  let i = 0;
  const fail = Symbol('fail');
  const value = (): unknown => {
    while (text[i] === ' ') i++;
    if (text[i] === '[') {
      i++;
      const items: unknown[] = [];
      while (text[i] === ' ') i++;
      if (text[i] === ']') return (i++, items);
      for (;;) {
        const item = value();
        if (item === fail) return fail;
        items.push(item);
        while (text[i] === ' ') i++;
        if (text[i] === ',') i++;
        else if (text[i] === ']') return (i++, items);
        else return fail;
      }
    }
    if (text[i] === "'") {
      let out = '';
      for (i++; i < text.length; i++) {
        const c = text[i]!;
        if (c === '\\') out += ESCAPES[text[++i]!] ?? `\\${text[i]}`;
        else if (c === "'") return (i++, out);
        else out += c;
      }
      return fail;
    }
    const m = /^(NULL|[-+]?[0-9.eE]+|nan|[-+]?inf)/.exec(text.slice(i));
    if (!m) return fail;
    i += m[0].length;
    return m[0] === 'NULL' ? null : Number(m[0]);
  };
  const parsed = value();
  return parsed === fail || i !== text.length ? text : parsed;
}

export function unescapeText(value: string): string {
  return value.replace(/\\(.)/gs, (_, c: string) => ESCAPES[c] ?? `\\${c}`);
}

/** `SET …` / `USE …`: per request (no-ops) on a server without a session; never run on a pooled chDB session. */
export function isSessionStatement(sql: string): boolean {
  return /^\s*(SET|USE)\s/i.test(sql);
}

/** The output format named by a trailing `FORMAT X` (as clickhouse-js appends it), if any. */
export function trailingFormat(sql: string): string | undefined {
  return /\bFORMAT\s+([A-Za-z][A-Za-z0-9]*)\s*;?\s*$/i.exec(sql)?.[1];
}
