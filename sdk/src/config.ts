/** SDK settings, read once — from `init({...})` or the script tag's `data-*` attributes — then frozen. */

declare const __CL_VERSION__: string;
/** Replaced at build time (rollup `replace`); 'dev' when running from source (tests). */
export const VERSION: string = typeof __CL_VERSION__ == 'string' ? __CL_VERSION__ : 'dev';

export interface InitOptions {
  /** The site's public key (required). */
  site: string;
  /** Collector origin (+ optional path prefix); events go to `{endpoint}/v1/events`. Default: this page's origin. */
  endpoint?: string;
  /** Track single-page-app navigations (History API). Default true. */
  spa?: boolean;
  /** Record a page view on init. Default true. */
  autoPageview?: boolean;
  /** Log what the SDK does and drops to the console. Default false. */
  debug?: boolean;
  /** Name of the visitor cookie. Default `_cl_vid`. */
  cookieName?: string;
  /** Domain of the cookies, e.g. `example.com`. Default: the registrable domain, found by trial. */
  cookieDomain?: string;
}

export type Config = Readonly<Required<Omit<InitOptions, 'cookieDomain'>> & { cookieDomain: string | undefined }>;

export function resolveConfig(o: InitOptions): Config {
  if (!o || typeof o.site != 'string' || !o.site) throw new Error('site (data-site) is required');
  return Object.freeze({
    site: o.site,
    endpoint: (o.endpoint ?? '').replace(/\/+$/, ''),
    spa: o.spa !== false,
    autoPageview: o.autoPageview !== false,
    debug: !!o.debug,
    cookieName: o.cookieName || '_cl_vid',
    cookieDomain: o.cookieDomain || undefined,
  });
}

/** The parts of a `<script>` element the config needs. */
export type ScriptLike = Pick<HTMLScriptElement, 'getAttribute' | 'src'>;

/** Options from `<script src=".../cl.js" data-site="…" data-endpoint="…" data-spa="false" data-debug>`. */
export function scriptOptions(script: ScriptLike): InitOptions {
  const attr = (name: string): string | undefined => script.getAttribute('data-' + name) ?? undefined;
  const debug = attr('debug');
  return {
    site: attr('site') ?? '',
    // `src` is absolute ('' for an inline script: then the page's own origin)
    endpoint: attr('endpoint') ?? (script.src && new URL(script.src).origin),
    spa: attr('spa') != 'false',
    debug: debug != null && debug != 'false',
    cookieName: attr('cookie-name'),
    cookieDomain: attr('cookie-domain'),
  };
}
