/**
 * The SDK never throws into the host page. Whatever can throw — storage and cookies blocked by the
 * browser or the page, a handler running inside the page's own navigation or submit — runs
 * through `attempt`, which drops the error.
 */

/** `f()`, or undefined when it throws. */
export function attempt<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    // dropped: never into the host page
  }
}
