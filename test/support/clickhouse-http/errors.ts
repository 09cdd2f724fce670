/**
 * ClickHouse's error shape on its HTTP interface: a non-200 status chosen from the exception code
 * (ClickHouse `src/Server/HTTP/exceptionCodeToHTTPStatus.cpp`), `X-ClickHouse-Exception-Code`, and
 * a body `Code: N. DB::Exception: … (NAME)`. chDB's messages carry the code and, at the end, the
 * error's name, so the status is chosen by that name (libchdb has no `system.error_codes`).
 */

const STATUS_BY_NAME: ReadonlyMap<string, number> = new Map([
  ['REQUIRED_PASSWORD', 401],
  ...['UNKNOWN_USER', 'WRONG_PASSWORD', 'AUTHENTICATION_FAILED', 'SET_NON_GRANTED_ROLE', 'ACCESS_DENIED'].map(
    (n) => [n, 403] as const,
  ),
  ...[
    'BAD_ARGUMENTS',
    'CANNOT_COMPILE_REGEXP',
    'CANNOT_PARSE_TEXT',
    'CANNOT_PARSE_ESCAPE_SEQUENCE',
    'CANNOT_PARSE_QUOTED_STRING',
    'CANNOT_PARSE_DATE',
    'CANNOT_PARSE_DATETIME',
    'CANNOT_PARSE_NUMBER',
    'CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING',
    'CANNOT_PARSE_IPV4',
    'CANNOT_PARSE_IPV6',
    'CANNOT_PARSE_INPUT_ASSERTION_FAILED',
    'CANNOT_PARSE_UUID',
    'DUPLICATE_COLUMN',
    'ILLEGAL_COLUMN',
    'UNKNOWN_ELEMENT_IN_AST',
    'UNKNOWN_TYPE_OF_AST_NODE',
    'THERE_IS_NO_COLUMN',
    'TOO_DEEP_AST',
    'TOO_BIG_AST',
    'UNEXPECTED_AST_STRUCTURE',
    'SYNTAX_ERROR',
    'INCORRECT_DATA',
    'TYPE_MISMATCH',
    'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE',
  ].map((n) => [n, 400] as const),
  ...[
    'UNKNOWN_TABLE',
    'UNKNOWN_FUNCTION',
    'UNKNOWN_IDENTIFIER',
    'UNKNOWN_TYPE',
    'UNKNOWN_STORAGE',
    'UNKNOWN_DATABASE',
    'UNKNOWN_SETTING',
    'UNKNOWN_DIRECTION_OF_SORTING',
    'UNKNOWN_AGGREGATE_FUNCTION',
    'UNKNOWN_FORMAT',
    'UNKNOWN_DATABASE_ENGINE',
    'UNKNOWN_TYPE_OF_QUERY',
    'UNKNOWN_ROLE',
  ].map((n) => [n, 404] as const),
  ['QUERY_IS_TOO_LARGE', 413],
  ['NOT_IMPLEMENTED', 501],
  ['SOCKET_TIMEOUT', 503],
  ['CANNOT_OPEN_FILE', 503],
  ['CANNOT_SCHEDULE_TASK', 503],
  ['HTTP_LENGTH_REQUIRED', 411],
  ['TIMEOUT_EXCEEDED', 408],
  ['UNSUPPORTED_MEDIA_TYPE', 415],
]);

export class ClickHouseHttpError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return STATUS_BY_NAME.get(this.codeName) ?? 500;
  }

  /** The body ClickHouse sends: `Code: N. DB::Exception: message. (NAME)`. */
  body(): string {
    return `Code: ${this.code}. DB::Exception: ${this.message}. (${this.codeName})\n`;
  }
}

/** An error thrown by chDB (`Code: 60. DB::Exception: … (UNKNOWN_TABLE)`), or anything else (500). */
export function fromEngineError(err: unknown): ClickHouseHttpError {
  if (err instanceof ClickHouseHttpError) return err;
  const text = err instanceof Error ? err.message : String(err);
  const m = /^Code: (\d+)\. DB::Exception: ([\s\S]*?)\.? \(([A-Z0-9_]+)\)\s*(?:\(version [^)]*\))?\s*$/.exec(
    text.trim(),
  );
  if (m) return new ClickHouseHttpError(Number(m[1]), m[3]!, m[2]!);
  return new ClickHouseHttpError(1001, 'STD_EXCEPTION', text);
}

export const authenticationFailed = (user: string) =>
  new ClickHouseHttpError(
    516,
    'AUTHENTICATION_FAILED',
    `${user}: Authentication failed: password is incorrect, or there is no user with such name`,
  );
