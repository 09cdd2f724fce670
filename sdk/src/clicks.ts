/**
 * Clickstream, from one passive capture-phase listener (it never delays navigation: events go to
 * the outbox, which the page's exit sends by beacon):
 * - an element (or its ancestor) tagged `data-cl-event="name"` → custom event `name` with its
 *   `data-cl-prop-*` attributes as props (`data-cl-prop-plan="pro"` → `plan: 'pro'`; always on);
 * - with auto-capture, a click on a link or button → custom event `click` with props
 *   `kind` (`outbound`, `download`, `mailto`, `tel`, `link` (same site) or `button`), `url` and `text`.
 */
import type { PropValue } from './protocol.js';
import { attempt } from './safe.js';

const DOWNLOAD = /\.(pdf|zip|gz|rar|7z|dmg|exe|msi|apk|csv|xlsx?|docx?|pptx?|txt|mp[34])$/i;
const PROP = 'data-cl-prop-';

/** What a click on link or button `a` is (see the module comment). */
const kind = (a: HTMLAnchorElement): string =>
  /^(mailto|tel):/.exec(a.href)?.[1] ||
  (!a.href
    ? 'button'
    : a.hasAttribute('download') || DOWNLOAD.test(a.pathname)
      ? 'download'
      : a.host != location.host
        ? 'outbound'
        : 'link');

export function watchClicks(track: (name: string, props: Record<string, PropValue>) => void, auto: boolean): void {
  addEventListener(
    'click',
    (ev) =>
      attempt(() => {
        const t = ev.target as Element;
        const el = t.closest('[data-cl-event]');
        if (el) {
          const props: Record<string, string> = {};
          for (const { name, value } of el.attributes)
            if (name.startsWith(PROP)) props[name.slice(PROP.length)] = value;
          return track((el as HTMLElement).dataset.clEvent!, props);
        }
        const a = auto && (t.closest('a[href],button') as HTMLAnchorElement | null);
        if (a) track('click', { kind: kind(a), url: a.href || '', text: a.textContent!.trim().slice(0, 100) });
      }),
    true,
  );
}
