import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchHistory } from './spa.js';

let win: EventTarget;
let loc: URL;
let calls: unknown[][];

beforeEach(() => {
  win = new EventTarget();
  loc = new URL('https://app.test/start?x=1');
  calls = [];
  const move = (_s: unknown, _u: string, url?: string | URL | null) => {
    if (url != null) loc = new URL(url, loc);
  };
  const fakeHistory = {
    pushState(...a: [unknown, string, (string | URL | null)?]) {
      calls.push(['push', ...a]);
      move(...a);
    },
    replaceState(...a: [unknown, string, (string | URL | null)?]) {
      calls.push(['replace', ...a]);
      move(...a);
    },
  };
  vi.stubGlobal('history', fakeHistory);
  vi.stubGlobal('location', {
    get href() {
      return loc.href;
    },
    get pathname() {
      return loc.pathname;
    },
    get search() {
      return loc.search;
    },
  });
  vi.stubGlobal('addEventListener', win.addEventListener.bind(win));
});
afterEach(() => vi.unstubAllGlobals());

describe('watchHistory', () => {
  it('reports one page per navigation to another path or search', () => {
    const pages: string[] = [];
    watchHistory(() => pages.push(loc.pathname + loc.search));
    history.pushState({}, '', '/start?x=1'); // same page
    history.pushState({ a: 1 }, '', '/pricing');
    history.replaceState({ a: 2 }, '', '/pricing'); // state only
    history.pushState({}, '', '/pricing#faq'); // hash only
    history.pushState({}, '', '/pricing?plan=pro');
    history.replaceState({}, '', '/docs');
    loc = new URL('https://app.test/pricing');
    win.dispatchEvent(new Event('popstate'));
    win.dispatchEvent(new Event('popstate'));
    expect(pages).toEqual(['/pricing', '/pricing?plan=pro', '/docs', '/pricing']);
  });

  it('still calls the original methods with their arguments', () => {
    watchHistory(() => {});
    history.pushState({ a: 1 }, '', '/x');
    history.replaceState(null, '', '/y');
    expect(calls).toEqual([
      ['push', { a: 1 }, '', '/x'],
      ['replace', null, '', '/y'],
    ]);
  });

  it('never throws into the app when tracking fails', () => {
    watchHistory(() => {
      throw new Error('boom');
    });
    expect(() => history.pushState({}, '', '/z')).not.toThrow();
    expect(loc.pathname).toBe('/z');
  });
});
