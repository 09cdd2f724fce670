/** The sign-in form: the admin token is checked against GET /v1/admin/sites before it is kept. */
import { Api, ApiError, type Site } from './api.js';
import { byId, replace } from './dom.js';
import { saveToken } from './session.js';

export function explain(err: unknown): string {
  if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
    return 'This token was not accepted. Use the admin token the collector printed when it started (CLOSELOOP_ADMIN_TOKEN).';
  }
  return err instanceof Error ? err.message : String(err);
}

/** Show the sign-in form; `onSignedIn` runs once a token has been accepted. */
export function showSignIn(onSignedIn: (api: Api, sites: Site[]) => void, message = ''): void {
  const panel = byId('signin');
  const form = byId<HTMLFormElement>('signin-form');
  const input = byId<HTMLInputElement>('token');
  const error = byId('signin-error');
  const button = form.querySelector('button')!;
  const setError = (text: string) => {
    replace(error, text);
    error.hidden = !text;
    input.setAttribute('aria-invalid', String(Boolean(text)));
  };
  setError(message);
  panel.hidden = false;
  input.focus();
  form.onsubmit = async (e) => {
    e.preventDefault();
    const token = input.value.trim();
    if (!token) return setError('Enter the admin token.');
    button.disabled = true;
    setError('');
    try {
      const api = new Api(token);
      const sites = await api.sites();
      saveToken(token);
      input.value = '';
      panel.hidden = true;
      onSignedIn(api, sites);
    } catch (err) {
      setError(explain(err));
      input.select();
    } finally {
      button.disabled = false;
    }
  };
}
