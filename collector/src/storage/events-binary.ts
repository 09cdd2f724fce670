/**
 * `events` rows as the spool keeps them in embedded mode: in Native columns (storage/native-columns.ts,
 * which the writer joins into one Native block per insert), and in RowBinary as earlier releases
 * spooled them (chDB reads `INSERT … SELECT FROM file(…, RowBinary, <structure>)`). The column list and types are those the
 * layout declares (events-layout.ts: EVENT_COLUMNS with their types from EVENT_COLUMN_TYPES), so a
 * change of a column's type there changes the encoder with it; events-binary.test.ts checks the
 * list against the live table's `system.columns`.
 */
import { EVENT_COLUMN_TYPES, EVENT_COLUMNS } from './events-layout.js';
import { NativeColumnsCodec } from './native-columns.js';
import { baseType, RowBinaryCodec, type Column } from './row-binary.js';

/** The stored columns an insert names, in table order, with their declared types. */
export function eventInsertColumns(): Column[] {
  const declared = new Map(EVENT_COLUMN_TYPES);
  return EVENT_COLUMNS.map((name) => {
    const definition = declared.get(name);
    if (definition === undefined) throw new Error(`events-layout declares no type for ${name}`);
    return { name, type: baseType(definition) };
  });
}

export const EVENTS_BINARY = new RowBinaryCodec(eventInsertColumns());

/** How the spool writes `events` rows in embedded mode since issue 16's writer work. */
export const EVENTS_COLUMNS = new NativeColumnsCodec(eventInsertColumns());
