/**
 * The analyst-SQL sandbox: which statements `POST /v1/query` and `closeloop sql` may run, decided on
 * ClickHouse's own parse tree, never on the text.
 *
 * 1. `formatQuery({sql:String})` (the SQL bound as a parameter, never spliced) parses the text with
 *    ClickHouse's parser and prints it back normalized: comments, `; --` tails and odd whitespace are
 *    gone, a second statement is a syntax error. Its output must format to itself (a stable parse).
 * 2. `EXPLAIN AST <normalized>` (with the caller's query parameters, so `{t:Identifier}` is seen
 *    substituted) gives the tree, checked here against allow-lists: one SELECT (UNION / INTERSECT /
 *    EXCEPT of SELECTs), no INTO OUTFILE / FORMAT / SETTINGS, only tables of closeloop's database and
 *    a few metadata tables, no table function at all (a read-only session refuses even `numbers()`;
 *    `system.numbers` serves), and no function that reads files, URLs, other databases or dictionaries.
 * 3. The normalized text — exactly what was checked — is what runs.
 *
 * EXPLAIN AST prints one row per node, names and aliases raw (a back-quoted alias may hold a newline
 * or `(children 1)`). Rows are read as JSON, so a newline stays inside its row, and every check is
 * per node and by name: a node's row always starts with its type and its real name.
 */
import { ClError } from '../base/errors.js';

/** Node types a read-only SELECT is made of. Anything else (SETTINGS' `Set`, `APPLY`, …) is refused. */
const NODE_TYPES = new Set([
  'SelectWithUnionQuery',
  'SelectIntersectExceptQuery',
  'SelectQuery',
  'ExpressionList',
  'Literal',
  'Identifier',
  'Function',
  'TablesInSelectQuery',
  'TablesInSelectQueryElement',
  'TableExpression',
  'TableIdentifier',
  'TableJoin',
  'ArrayJoin',
  'Subquery',
  'WithElement',
  'Asterisk',
  'QualifiedAsterisk',
  'ColumnsRegexpMatcher',
  'ColumnsListMatcher',
  'QualifiedColumnsRegexpMatcher',
  'QualifiedColumnsListMatcher',
  'ColumnsTransformerList',
  'ColumnsExceptTransformer',
  'ColumnsReplaceTransformer',
  'ColumnsReplaceTransformer::Replacement',
  'OrderByElement',
  'InterpolateElement',
  'WindowDefinition',
  'WindowListElement',
  'SampleRatio',
]);

/**
 * Scalar functions that reach outside the query: the file system (`file`, `catboostEvaluate`), the network (`ai…`),
 * other tables by a name in a string (`joinGet`, `dictGet…`, `hasColumnInTable`), server
 * configuration and introspection, or that only stall a worker. Compared lower-cased, with their
 * aliases from `system.functions`; every table function name is added (a table function in an
 * expression position, e.g. `x IN url(…)`).
 */
const SCALAR_DENIED = [
  'file',
  'catboostevaluate',
  'naivebayesclassifier',
  'joinget',
  'joingetornull',
  'hascolumnintable',
  'getserversetting',
  'getmergetreesetting',
  'filesystemavailable',
  'filesystemcapacity',
  'filesystemunreserved',
  'addresstoline',
  'addresstolinewithinlines',
  'addresstosymbol',
  'demangle',
  'trace',
  'sleep',
  'sleepeachrow',
  'getclienthttpheader',
  'getosinformation',
  'getoskernelversion',
  'input',
];
/** `dict…` (dictionaries), `__…` (internal), `ai…` (aiGenerate, aiEmbed …: calls to an LLM provider over the network). */
const DENIED_PREFIXES = ['dict', '__', 'ai'];
/** Table functions whose name is also a harmless scalar function (`format('{} {}', a, b)`): refused only under FROM / JOIN. */
const SCALAR_NAMESAKES = new Set(['format']);

/** Metadata tables an analyst may read besides closeloop's own: no host paths, no other queries' text. */
const SYSTEM_TABLES_ALLOWED = new Set([
  'one',
  'numbers',
  'numbers_mt',
  'zeros',
  'zeros_mt',
  'columns',
  'tables',
  'functions',
  'table_functions',
  'data_type_families',
  'time_zones',
]);
const METADATA_DATABASES = ['information_schema']; // views over system.tables / system.columns
/** closeloop's own tables an analyst token does not read: credential hashes (managed through /v1/admin/tokens). */
export const CREDENTIAL_TABLES: ReadonlySet<string> = new Set(['api_tokens']);

export interface SandboxPolicy {
  /** closeloop's database: its tables may be read, qualified or not. */
  readonly database: string;
  /** Every database the server has (lower-cased), to recognise `db.table` in `x IN db.table`. */
  readonly databases: ReadonlySet<string>;
  /** Lower-cased names of the functions refused anywhere in the tree. */
  readonly deniedFunctions: ReadonlySet<string>;
  /** closeloop tables this caller may not read (CREDENTIAL_TABLES for analyst tokens). */
  readonly hiddenTables: ReadonlySet<string>;
}

/** The denied function names, given ClickHouse's own lists (`system.table_functions`, `system.functions`). */
export function deniedFunctionNames(
  tableFunctions: readonly string[],
  functionAliases: readonly { name: string; alias_to: string }[],
): Set<string> {
  const denied = new Set(SCALAR_DENIED);
  for (const t of tableFunctions) if (!SCALAR_NAMESAKES.has(t.toLowerCase())) denied.add(t.toLowerCase());
  for (const f of functionAliases) if (f.alias_to && isDenied(f.alias_to, denied)) denied.add(f.name.toLowerCase());
  return denied;
}

function isDenied(name: string, denied: ReadonlySet<string>): boolean {
  const n = name.toLowerCase();
  return denied.has(n) || DENIED_PREFIXES.some((p) => n.startsWith(p));
}

const refuse = (message: string) => new ClError('CL_QUERY_NOT_ALLOWED', message);

/**
 * Check `EXPLAIN AST` rows (one per node) against the policy; throws CL_QUERY_NOT_ALLOWED with the reason.
 * The first line is the root and cannot be forged: a plain SELECT's root has one child (its list of
 * selects); INTO OUTFILE, FORMAT and a trailing SETTINGS are further children.
 */
export function checkAst(lines: readonly string[], policy: SandboxPolicy): void {
  if (lines[0] !== 'SelectWithUnionQuery (children 1)') {
    const root = lines[0]?.trim().split(' ')[0] ?? '';
    if (root === 'SelectWithUnionQuery')
      throw refuse(
        "INTO OUTFILE, FORMAT and SETTINGS are not allowed here: send the SELECT alone (the answer is always JSON, the limits are the collector's).",
      );
    throw refuse(
      `Only SELECT statements may run here (this is ${root ? `a ${root.replace(/Query$/, '')} statement` : 'empty'}).`,
    );
  }
  lines.forEach((line, at) => {
    const body = line.trimStart();
    const space = body.indexOf(' ');
    const type = space < 0 ? body : body.slice(0, space);
    const name = space < 0 ? '' : (body.slice(space + 1).split(' ')[0] ?? '');
    if (!NODE_TYPES.has(type)) throw refuse(nodeMessage(type));
    if (type === 'Function' && isDenied(name, policy.deniedFunctions)) {
      throw refuse(
        `The function ${name}() is not allowed here: it reads files, URLs, other databases or server state (no table function may run).`,
      );
    }
    if (type === 'TableExpression') checkTableExpression(lines[at + 1] ?? '');
    if (type === 'TableIdentifier') checkTable(name, policy);
    if (type === 'Identifier') checkQualifiedName(name, policy);
  });
}

function nodeMessage(type: string): string {
  if (type === 'Set') return 'SETTINGS are not allowed here: the collector sets the limits of analyst queries.';
  if (type === 'ColumnsApplyTransformer') return 'APPLY is not allowed here: call the function on the columns instead.';
  return `This query uses ${type}, which is not allowed here: only SELECT queries over closeloop's tables may run.`;
}

/** No table function under FROM/JOIN, whatever its name (one ClickHouse adds later too). */
function checkTableExpression(firstChild: string): void {
  const child = firstChild.trimStart();
  if (!child.startsWith('Function ')) return;
  const fn = child.slice('Function '.length).split(' ')[0] ?? '';
  throw refuse(
    `The table function ${fn}() is not allowed here: read closeloop's tables (system.numbers and system.one stand in for numbers() and a dummy row).`,
  );
}

function checkTable(name: string, policy: SandboxPolicy): void {
  const parts = name.split('.');
  const table = parts.slice(parts.length === 1 ? 0 : 1).join('.');
  if ((parts.length === 1 || parts[0] === policy.database) && policy.hiddenTables.has(table)) {
    throw refuse(
      `The table ${table} is not readable here: it holds credential hashes (list tokens with GET /v1/admin/tokens).`,
    );
  }
  if (parts.length === 1) return; // closeloop's database (the session's current one) or a WITH name
  const db = parts[0]!;
  if (db === policy.database) return;
  const lower = db.toLowerCase();
  if (lower === 'system' && SYSTEM_TABLES_ALLOWED.has(table)) return;
  if (METADATA_DATABASES.includes(lower)) return;
  throw refuse(
    `The table ${name} is not allowed here: read ${policy.database}'s tables (and, for their description, system.tables, system.columns or information_schema).`,
  );
}

/** `db.table` also appears as a plain identifier (`x IN system.users`): a first part naming another database is refused. */
function checkQualifiedName(name: string, policy: SandboxPolicy): void {
  const parts = name.split('.');
  if (parts.length < 2) {
    if (policy.hiddenTables.has(name)) checkTable(name, policy); // `x IN api_tokens`
    return;
  }
  const db = parts[0]!.toLowerCase();
  if (db !== policy.database.toLowerCase() && policy.databases.has(db)) checkTable(`${parts[0]}.${parts[1]}`, policy);
}
