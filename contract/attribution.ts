/**
 * The attribution vocabulary both the collector (routes, SQL, OpenAPI) and the dashboard (menus,
 * labels) use: models, conversion kinds and what credit and spend can be grouped by. docs/attribution.md
 * explains each model.
 */

/** The rule-based models (weights computed in SQL, collector/src/attribution/models.ts). */
export const RULE_MODELS = [
  'first_touch',
  'last_touch',
  'last_non_direct',
  'linear',
  'time_decay',
  'u_shaped',
  'w_shaped',
  'full_path',
] as const;
export type RuleModel = (typeof RULE_MODELS)[number];

/** Every model: the rule-based ones and the data-driven Markov model (removal effects). */
export const MODELS = [...RULE_MODELS, 'markov'] as const;
export type Model = (typeof MODELS)[number];

/** What a conversion is: a person becoming a lead, becoming a customer, or the revenue of their deals. */
export const CONVERSIONS = ['lead', 'customer', 'revenue'] as const;
export type Conversion = (typeof CONVERSIONS)[number];

/** What credit can be grouped by: touch columns of the `touchpoints` view. */
export const DIMENSIONS = [
  'channel',
  'source',
  'medium',
  'campaign',
  'term',
  'content',
  'referrer_domain',
  'landing_page',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** What the ROI report (and the dashboard's group-by menu) groups by: the dimensions spend is known for. */
export const ROI_DIMENSIONS = ['channel', 'source', 'medium', 'campaign'] as const;
export type RoiDimension = (typeof ROI_DIMENSIONS)[number];

/** Report filters on a session's touch (the same columns as {@link DIMENSIONS}). */
export const TOUCH_FILTERS = DIMENSIONS;
/** Report filters on the browser of a session's first event. */
export const CLIENT_FILTERS = ['device', 'browser', 'os'] as const;
/** Every report filter the collector accepts (its allow-list), in the order the dashboard's chips show them. */
export const FILTERS = [...TOUCH_FILTERS, ...CLIENT_FILTERS] as const;
export type Filter = (typeof FILTERS)[number];
