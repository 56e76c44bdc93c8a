/**
 * The Lotline web application: one page served by `lotline serve` at /, talking to the API
 * under /api/v1 with the session cookie. Pages are functions that return an element.
 */
import './styles.css';
import type { Principal } from './api.js';
import { api, ApiError, whenSignedOut } from './api.js';
import type { Child } from './dom.js';
import { h, mount } from './dom.js';
import { isAdmin } from './pages/admin/is-admin.js';
import { dashboardPage } from './pages/dashboard-page.js';
import { exceptionsPage } from './pages/exceptions-page.js';
import { homePage } from './pages/home-page.js';
import { lotPage } from './pages/lot-page.js';
import { recallPage, recallsPage } from './pages/recall-page.js';
import { chooseStationPage, rememberedStation, stationPage } from './pages/scan-page.js';
import { signInPage } from './pages/sign-in.js';
import { navigate, startRouter } from './router.js';
import { searchBox } from './search-box.js';

const root = document.getElementById('app')!;
let me: Principal | undefined;
/** Stops the timers of the page being left (the scan station polls its station). */
let leave: () => void = () => undefined;

async function whoAmI(): Promise<Principal | undefined> {
  try {
    return await api<Principal>('/session');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return undefined;
    throw e;
  }
}

async function signOut(): Promise<void> {
  await api('/session', { method: 'DELETE' }).catch(() => undefined);
  me = undefined;
  navigate('/', true);
}

function shell(page: HTMLElement, path: string): Child[] {
  const setup = me?.kind === 'anonymous';
  return [
    h(
      'header',
      { class: 'top' },
      h('a', { href: '/', 'data-link': true, class: 'brand' }, 'Lotline'),
      path !== '/' ? searchBox() : h('span', { class: 'spacer' }),
      h('nav', { 'aria-label': 'Main' }, h('a', { href: '/dashboard', 'data-link': true }, 'Dashboard'), h('a', { href: '/exceptions', 'data-link': true }, 'Exceptions'), h('a', { href: '/recalls', 'data-link': true }, 'Recalls'), h('a', { href: '/scan', 'data-link': true }, 'Scan station'), h('a', { href: '/api/v1/docs' }, 'API reference'), isAdmin(me) ? h('a', { href: '/admin', 'data-link': true }, 'Admin') : null),
      me && !setup
        ? h('div', { class: 'who' }, h('span', {}, `${me.name} (${me.role})`), h('button', { type: 'button', class: 'link', onClick: () => void signOut() }, 'Sign out'))
        : null,
    ),
    setup
      ? h('p', { class: 'banner setup', role: 'note' }, 'Setup mode: no account exists yet, so anyone can read and nobody can change anything. Add the first administrator with ', h('code', {}, 'lotline user add NAME --role admin'), '.')
      : null,
    page,
  ];
}

async function render(path: string, params: URLSearchParams = new URLSearchParams(location.search)): Promise<void> {
  leave();
  leave = () => undefined;
  if (me === undefined) me = await whoAmI();
  if (me === undefined) {
    document.title = 'Sign in — Lotline';
    mount(
      root,
      signInPage((p) => {
        me = p;
        void render(location.pathname);
      }),
    );
    return;
  }
  let page: HTMLElement;
  const lot = /^\/lots\/(.+)$/.exec(path);
  const station = /^\/scan\/(.+)$/.exec(path);
  const recall = /^\/recalls\/(.+)$/.exec(path);
  const remembered = rememberedStation();
  if (path === '/scan' && remembered && !params.has('choose')) {
    navigate(`/scan/${encodeURIComponent(remembered)}`, true);
    return;
  }
  if (path === '/') page = homePage();
  else if (path === '/scan') page = await chooseStationPage();
  else if (path === '/exceptions') page = await exceptionsPage(me);
  else if (path === '/recalls') page = await recallsPage(me, params);
  else if (recall) page = await recallPage(decodeURIComponent(recall[1]!), me);
  else if (path === '/dashboard') {
    const d = dashboardPage();
    page = d.page;
    leave = d.stop;
  }
  // The admin pages load only when opened: the first page stays small.
  else if (path === '/admin' || path.startsWith('/admin/')) page = await (await import('./pages/admin/admin-page.js')).adminPage(path, params, me);
  else if (station) {
    const s = stationPage(decodeURIComponent(station[1]!));
    page = s.page;
    leave = s.stop;
  }
  else if (lot) page = h('main', { id: 'main', class: 'page' }, h('p', { class: 'muted' }, 'Loading…'));
  else page = h('main', { id: 'main', class: 'page' }, h('h1', {}, 'No such page'), h('p', {}, h('a', { href: '/', 'data-link': true }, 'Back to the search')));
  mount(root, ...shell(page, path));
  if (lot) {
    const ref = decodeURIComponent(lot[1]!);
    const real = await lotPage(ref, me, () => void render(location.pathname));
    if (location.pathname === path) page.replaceWith(real);
  }
  (document.querySelector('main [autofocus]') as HTMLElement | null)?.focus();
}

whenSignedOut(() => {
  me = undefined;
  void render(location.pathname);
});

startRouter((path, params) =>
  render(path, params).catch((e: unknown) => {
    mount(root, h('main', { id: 'main', class: 'page' }, h('h1', {}, 'Something went wrong'), h('p', { class: 'error', role: 'alert' }, e instanceof Error ? e.message : String(e))));
  }),
);
