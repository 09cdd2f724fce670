/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * "Try it" on the /docs page (served as /docs/try.js): sends the form's request with the bearer
 * token from the page header (kept in sessionStorage) and shows the answer.
 */
const tokenInput = document.getElementById('token') as HTMLInputElement | null;
if (tokenInput) {
  tokenInput.value = sessionStorage.getItem('closeloop-docs-token') ?? '';
  tokenInput.addEventListener('change', () => sessionStorage.setItem('closeloop-docs-token', tokenInput.value));
}

for (const form of document.querySelectorAll<HTMLFormElement>('form.try')) {
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const out = form.querySelector('output')!;
    let path = form.dataset.path!;
    const query = new URLSearchParams();
    for (const input of form.querySelectorAll<HTMLInputElement>('input[data-in]')) {
      if (!input.value) continue;
      if (input.dataset.in === 'path') path = path.replace(`{${input.name}}`, encodeURIComponent(input.value));
      else query.set(input.name, input.value);
    }
    const body = form.querySelector<HTMLTextAreaElement>('textarea[name="__body"]')?.value;
    const headers: Record<string, string> = {};
    if (tokenInput?.value) headers.authorization = `Bearer ${tokenInput.value}`;
    if (body) headers['content-type'] = form.dataset.type || 'application/json';
    out.textContent = '…';
    fetch(`${path}${query.size ? `?${query}` : ''}`, {
      method: form.dataset.method,
      headers,
      ...(body ? { body } : {}),
    })
      .then(async (res) => {
        const text = await res.text();
        let shown = text;
        try {
          shown = JSON.stringify(JSON.parse(text), null, 2);
        } catch {
          // not JSON: show as is
        }
        out.textContent = `${res.status} ${res.statusText}\n${shown.slice(0, 20_000)}`;
      })
      .catch((err: unknown) => {
        out.textContent = `request failed: ${String(err)}`;
      });
  });
}
