// The consent demo page's buttons: they call the SDK's public consent() API, as a site's own
// privacy settings (or a third-party consent manager) would.
const show = () => {
  const state = window.closeloop?.consent?.();
  document.getElementById('consent-state').textContent = typeof state == 'string' ? state : 'loading…';
};
for (const [id, choice] of [
  ['consent-grant', 'granted'],
  ['consent-withdraw', 'denied'],
])
  document.getElementById(id).addEventListener('click', () => {
    window.closeloop?.consent?.(choice);
    show();
  });
addEventListener('load', show);
document.addEventListener('click', () => setTimeout(show), true);
show();
