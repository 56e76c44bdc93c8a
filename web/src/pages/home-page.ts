/** The first page: one search box, and what to try on the demo plant. */
import { h } from '../dom.js';
import { searchBox } from '../search-box.js';

export function homePage(): HTMLElement {
  document.title = 'Lotline';
  return h(
    'main',
    { id: 'main', class: 'page home' },
    h('h1', {}, 'Where did it come from, where did it go?'),
    searchBox({ big: true }),
    h(
      'section',
      { class: 'hints', 'aria-labelledby': 'hints-title' },
      h('h2', { id: 'hints-title' }, 'What you can type or scan'),
      h(
        'ul',
        {},
        h('li', {}, 'A lot code, or its beginning: ', h('code', {}, 'EGG-2610'), ' lists the liquid-egg lots of the demo plant.'),
        h('li', {}, 'A supplier’s own lot code from their label: ', h('code', {}, 'SFE-261005-P2'), '.'),
        h('li', {}, 'An item code or GTIN: ', h('code', {}, '00614141100118'), '.'),
        h('li', {}, 'A pallet’s SSCC: ', h('code', {}, '006141412610001021'), ', or a scanned GS1 barcode such as ', h('code', {}, '(01)00614141100118(10)BC-261006-A'), ', which opens the lot at once.'),
      ),
    ),
  );
}
