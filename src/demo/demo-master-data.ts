/**
 * The demo bakery's master data: its items, suppliers, customers, carriers and places, with the
 * contacts a recall notice needs. One customer (SnackBox Vending) is left out on purpose, so that
 * a recall of the demo shows what "no contact on file" looks like. Pure: no I/O.
 */
import { BRIOCHE_DOUGH, CARRIERS, COOKIE_DOUGH, DC_CUSTOMERS, FILLING, FINISHED, FOOD_BANK, LOC, RAW, SMALL_CUSTOMERS, SUPPLIERS } from './demo-plant.js';

type Json = Record<string, unknown>;

const LEFT_OUT = 'SnackBox Vending';

/** A plausible e-mail domain for a company name. */
function domain(name: string): string {
  return `${name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/&/g, 'and').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}.example`;
}

const CITIES = ['Lille', 'Lyon', 'Antwerp', 'Strasbourg', 'Nantes', 'Rouen', 'Reims', 'Dijon', 'Metz', 'Amiens', 'Toulouse', 'Bordeaux', 'Nancy', 'Caen', 'Tours', 'Orléans'];
const PEOPLE = ['Claire Dubois', 'Hendrik Janssens', 'Sophie Laurent', 'Marco Rossi', 'Julie Moreau', 'Thomas Weber', 'Inès Garcia', 'Pieter de Vries', 'Nadia Benali', 'Louis Petit', 'Emma Schneider', 'Hugo Lefèvre', 'Sara Costa', 'Yann Le Gall', 'Lena Vogel', 'Omar Haddad'];

/** `{items, parties, locations}` as `lotline master-data import` reads it. */
export function demoMasterData(): { items: Json[]; parties: Json[]; locations: Json[] } {
  const items: Json[] = [
    ...RAW.map((r) => ({ id: r.gtin ?? r.code!, description: r.name, unit: r.uom })),
    ...[COOKIE_DOUGH, BRIOCHE_DOUGH, FILLING].map((m) => ({ id: m.code!, description: m.name, unit: m.uom })),
    ...Object.values(FINISHED).map((f) => ({ id: f.gtin, description: f.name, unit: 'EA', netContent: { quantity: f.packKg, uom: 'KGM' }, lotCodeFormat: `${f.lotPrefix}-YYMMDD-shift` })),
  ];
  let n = 0;
  const contact = (name: string, role: string): Json => {
    const i = n++;
    return {
      id: name,
      name,
      roles: [role],
      address: `${1 + ((i * 7) % 90)} rue du Commerce, ${CITIES[i % CITIES.length]}`,
      contact: PEOPLE[i % PEOPLE.length],
      phone: `+33 3 20 ${String(10 + i).padStart(2, '0')} ${String(20 + ((i * 13) % 80)).padStart(2, '0')} ${String(30 + ((i * 29) % 70)).padStart(2, '0')}`,
      email: `${role === 'customer' ? 'quality' : 'orders'}@${domain(name)}`,
    };
  };
  const parties: Json[] = [
    ...Object.values(SUPPLIERS).map((s) => contact(s, 'supplier')),
    ...[...DC_CUSTOMERS, ...SMALL_CUSTOMERS, FOOD_BANK].filter((c) => c !== LEFT_OUT).map((c) => contact(c, 'customer')),
    ...CARRIERS.filter((c) => c !== 'Own fleet').map((c) => contact(c, 'carrier')),
  ];
  const locations: Json[] = Object.values(LOC).map((l) => ({ id: l, name: l.replace(/^Plant 1 \/ /, 'Plant 1 — '), address: '12 avenue de la Biscuiterie, Lille', party: null }));
  return { items, parties, locations };
}
