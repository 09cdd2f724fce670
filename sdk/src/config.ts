/** SDK settings, read once — from `init({...})` or the script tag's `data-*` attributes — into a read-only object. */

import type { FormsMode } from './forms.js';

declare const __CL_VERSION__: string;
/** Replaced at build time (rollup `replace`); 'dev' when running from source (tests). */
export const VERSION: string = typeof __CL_VERSION__ == 'string' ? __CL_VERSION__ : 'dev';

declare const __CL_CORE__: boolean;
/**
 * True in the core variant `cl.core.js` (rollup `replace` sets `__CL_CORE__`; terser then drops
 * what it guards): no automatic form capture, no click capture (`data-cl-event` tags included), no
 * automatic SPA page views (History API; `page()` records them), no `debug` log.
 * False in `cl.js`, the ES module and from source (tests).
 */
export const CORE: boolean = typeof __CL_CORE__ == 'boolean' && __CL_CORE__;

/** A flag: a boolean, or the string of a `data-*` attribute (present = on, unless `"false"`). */
type Flag = boolean | string;

export interface InitOptions {
  /** The site's public key (required). */
  site: string;
  /** Collector origin (+ optional path prefix); events go to `{endpoint}/v1/events`. Default: this page's origin. */
  endpoint?: string;
  /** Track single-page-app navigations (History API). Default true. */
  spa?: Flag;
  /** With `spa`, a change of the `#hash` is a page view too (hash routers). Default false. */
  hash?: Flag;
  /** Record clicks on links and buttons (outbound, downloads, mailto:, tel:) as `click` events. Default true. */
  autocapture?: Flag;
  /** Record a page view on init. Default true. */
  autoPageview?: Flag;
  /**
   * Capture submitted forms as leads (see forms.ts): `'on'` (default), `'off'` (or false), or
   * `'lead'`: only forms marked `data-cl-lead`.
   */
  forms?: Flag;
  /** Log what the SDK does and drops to the console. Default false. */
  debug?: Flag;
  /** Name of the visitor cookie: letters, digits, `_`, `-`, `.` (others become `_`). Default `_cl_vid`. */
  cookieName?: string;
  /** Domain of the cookies, e.g. `example.com`. Default: the registrable domain, found by trial. */
  cookieDomain?: string;
  /**
   * `'none'` (default): track at once. `'required'`: no cookie, no storage and no identifier until
   * `consent('granted')` (see consent.ts).
   */
  consent?: 'none' | 'required';
  /** With `consent: 'required'`, count page views without any identifier while consent is pending. Default false. */
  cookieless?: Flag;
  /** Global Privacy Control or Do Not Track on: treated as a denial. Default false. */
  respectGpc?: Flag;
  /** The site's policy version, sent with each consent decision, e.g. `2026-05`. */
  consentPolicy?: string;
}

/** Flags as booleans, defaults applied; `site`, `cookieDomain` and `consentPolicy` as given. */
export interface Config extends Omit<
  InitOptions,
  'spa' | 'hash' | 'autoPageview' | 'autocapture' | 'forms' | 'debug' | 'consent' | 'cookieless' | 'respectGpc'
> {
  readonly endpoint: string;
  /** Not set in the core variant. */
  readonly spa: boolean;
  /** Not set in the core variant. */
  readonly hash: boolean;
  readonly autoPageview: boolean;
  /** Not set in the core variant. */
  readonly autocapture: boolean;
  /** Not set in the core variant. */
  readonly forms: FormsMode;
  /** Not set in the core variant. */
  readonly debug: boolean;
  readonly cookieName: string;
  /** Consent is required (`consent: 'required'`). */
  readonly consent: boolean;
  readonly cookieless: boolean;
  readonly respectGpc: boolean;
}

const flag = (v: Flag | undefined, dflt = false): boolean => (v == null ? dflt : v + '' != 'false');

/**
 * The options with defaults applied and flags as booleans (other options as given). The options are
 * read by quoted name: the minified bundles rename the resolved flags (an internal object, see
 * INTERNAL_PROPERTIES in rollup.config.ts) but never the option names a site passes.
 */
export function resolveConfig(o: InitOptions): Config {
  if (typeof o?.site != 'string' || !o.site) throw new Error('no site (data-site)');
  return {
    ...o,
    endpoint: (o.endpoint ?? '').replace(/\/+$/, ''),
    autoPageview: flag(o['autoPageview'], true),
    // Not in the core variant, which has no SPA tracking, no click and form capture and no debug log.
    ...(!CORE && {
      spa: flag(o['spa'], true),
      hash: flag(o['hash']),
      autocapture: flag(o['autocapture'], true),
      forms: o['forms'] == 'lead' || o['forms'] == 'off' ? o['forms'] : flag(o['forms'], true) ? 'on' : 'off',
      debug: flag(o['debug']),
    }),
    // A cookie name is a token: other characters become `_` (neither js-cookie in cl.js nor
    // cl.core.js encodes names).
    cookieName: (o['cookieName'] || '_cl_vid').replace(/[^\w.-]/g, '_'),
    consent: o.consent == 'required',
    cookieless: flag(o['cookieless']),
    respectGpc: flag(o['respectGpc']),
  } as Config;
}

/** The parts of a `<script>` element the config needs. */
export type ScriptLike = Pick<HTMLScriptElement, 'dataset' | 'src'>;

/**
 * Options from `<script src=".../cl.js" data-site="…" data-endpoint="…" data-spa="false" data-debug>`:
 * every `data-*` attribute is the option of the same name (`data-cookie-name` → `cookieName`);
 * the endpoint defaults to the script's folder — `https://c.example.com/cl.js` → `https://c.example.com`,
 * a first-party proxy's `https://shop.example.com/cl/cl.js` → `https://shop.example.com/cl` — or, for
 * an inline script, ''  (the page's own origin).
 */
export const scriptOptions = (script: ScriptLike): InitOptions =>
  ({ endpoint: script.src && new URL('.', script.src).href, ...script.dataset }) as unknown as InitOptions;
