/** Client routes on the History API: links with `data-link` change the page without a reload. */

export type Render = (path: string, params: URLSearchParams) => void | Promise<void>;

let render: Render = () => undefined;

export function startRouter(r: Render): void {
  render = r;
  window.addEventListener('popstate', () => void run());
  document.addEventListener('click', (ev) => {
    const a = (ev.target as Element | null)?.closest?.('a[data-link]');
    if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    navigate(a.getAttribute('href') ?? '/');
  });
  void run();
}

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  void run();
}

async function run(): Promise<void> {
  await render(location.pathname, new URLSearchParams(location.search));
}
