/** Names and one-line definitions a marketer reads (docs/attribution.md has the formulas). */
import type { Conversion, Filter, GroupBy, Model } from './api.js';

export const MODEL_LABELS: Record<Model, string> = {
  first_touch: 'First touch',
  last_touch: 'Last touch',
  last_non_direct: 'Last non-direct',
  linear: 'Linear',
  time_decay: 'Time decay',
  u_shaped: 'U-shaped',
  w_shaped: 'W-shaped',
  full_path: 'Full path',
  markov: 'Data-driven (Markov)',
};

export const MODEL_HELP: Record<Model, string> = {
  first_touch: 'All credit to the touch that first brought the person to the site.',
  last_touch: 'All credit to the last touch before the conversion.',
  last_non_direct: 'All credit to the last touch that was not a direct visit (direct only when there is nothing else).',
  linear: 'Credit shared equally among every touch in the lookback window.',
  time_decay: 'More credit to touches closer to the conversion (half-life 7 days).',
  u_shaped: '40 % to the first touch, 40 % to the touch that created the lead, 20 % shared by the rest.',
  w_shaped:
    '30 % each to the first touch, the lead-creating touch and the last touch before becoming a customer; 10 % to the rest.',
  full_path: '22.5 % each to the first, lead-creating, opportunity-creating and last touch; 10 % to the rest.',
  markov:
    'Credit by how much conversions would drop if a channel were removed from all paths, converting or not (removal effect of a Markov chain).',
};

export const GROUP_LABELS: Record<GroupBy, string> = {
  channel: 'Channel',
  source: 'Source',
  medium: 'Medium',
  campaign: 'Campaign',
};

export const CONVERSION_LABELS: Record<Conversion, string> = {
  lead: 'Leads',
  customer: 'Customers',
  revenue: 'Revenue',
};

export const FILTER_LABELS: Record<Filter, string> = {
  channel: 'Channel',
  source: 'Source',
  medium: 'Medium',
  campaign: 'Campaign',
  term: 'Term',
  content: 'Content',
  referrer_domain: 'Referrer',
  landing_page: 'Landing page',
  device: 'Device',
  browser: 'Browser',
  os: 'OS',
};
