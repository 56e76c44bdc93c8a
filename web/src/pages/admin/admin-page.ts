/**
 * The admin pages under /admin, for the role admin: the landing page with one card per area, and
 * the dispatch to each area's page. Anyone else gets a clear "not permitted" (the nav has no link
 * for them, but an address can be typed).
 */
import type { Principal } from '../../api.js';
import { h } from '../../dom.js';
import { adminMain } from './admin-form.js';
import { isAdmin } from './is-admin.js';
import { keysPage } from './admin-keys.js';
import { masterDataListPage, masterDataRecordPage } from './admin-master-data.js';
import { qualityConfigPage } from './admin-quality.js';
import { stationsPage } from './admin-stations.js';
import { usersPage } from './admin-users.js';


const AREAS = [
  ['/admin/users', 'Users and roles', 'Add people, change their role or full name, disable or unlock an account.'],
  ['/admin/keys', 'API keys', 'Keys for the MES, the ERP and other programs: create (the secret is shown once) and revoke.'],
  ['/admin/stations', 'Scan stations', 'The stations the scan page offers: site, line, role and what each fills in.'],
  ['/admin/master-data', 'Master data', 'Items, suppliers and customers, locations: search, change, import CSV, see every version.'],
  ['/admin/quality', 'Routings and lot-code formats', 'The quality configuration in force and where it comes from (read-only).'],
] as const;

function landing(): HTMLElement {
  return adminMain('Administration', h('ul', { class: 'admin-cards' }, AREAS.map(([href, title, text]) => h('li', {}, h('a', { href, 'data-link': true, class: 'card admin-card' }, h('strong', {}, title), h('span', {}, text))))));
}

/** The page at `path` (under /admin), or the refusal for a caller who is not an administrator. */
export async function adminPage(path: string, params: URLSearchParams, me: Principal): Promise<HTMLElement> {
  if (!isAdmin(me)) {
    document.title = 'Not permitted — Lotline';
    return h(
      'main',
      { id: 'main', class: 'page' },
      h('h1', {}, 'Not permitted'),
      h('p', { role: 'alert' }, `The admin pages are for administrators. You are signed in as ${me.name}, with the role ${me.role}${me.kind === 'anonymous' ? ' (setup mode)' : ''}.`),
      h('p', {}, 'Ask an administrator to make the change, or to give you the role admin. ', h('a', { href: '/', 'data-link': true }, 'Back to the search')),
    );
  }
  const record = /^\/admin\/master-data\/([^/]+)\/(.+)$/.exec(path);
  if (record) return masterDataRecordPage(record[1]!, decodeURIComponent(record[2]!), params);
  switch (path.replace(/\/$/, '')) {
    case '/admin':
      return landing();
    case '/admin/users':
      return usersPage();
    case '/admin/keys':
      return keysPage();
    case '/admin/stations':
      return stationsPage();
    case '/admin/master-data':
      return masterDataListPage(params);
    case '/admin/quality':
      return qualityConfigPage();
    default:
      return adminMain('No such page', h('p', {}, h('a', { href: '/admin', 'data-link': true }, 'Back to the admin pages')));
  }
}
