/**
 * Ad platforms' click ids, the one list of them: the SDK's campaign parameters, the collector's
 * schema keys, the landing-URL parser of wire format 2, the channel rules (ingest/channel.ts holds
 * one rule per id, a type error until it does) and the `click_id_type` / `click_id` columns all
 * read it. Adding a click id is one line here plus its channel rule.
 *
 * The order is the precedence: a touch with several click ids takes its source, medium and its
 * row's `click_id_type` / `click_id` from the first of them. fbclid comes last because Facebook and
 * Instagram add it to organic outbound links too (alone it means Organic Social).
 */
export const CLICK_IDS = ['gclid', 'gbraid', 'wbraid', 'msclkid', 'ttclid', 'li_fat_id', 'twclid', 'fbclid'] as const;

/** One ad platform click id, as it appears in a landing URL's query. */
export type ClickIdName = (typeof CLICK_IDS)[number];
