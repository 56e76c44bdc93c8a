/**
 * A small bakery for the dossier tests, built through the same use cases a plant uses: flour and
 * butter mixed into dough D1; dough D2 made without a recorded input (an exception, resolved by a
 * link recorded after the fact: sugar S1 went into it); both baked into biscuits BC1, packed on a
 * pallet and shipped, and sold loose; BC1 held after shipping and released with a signature; the
 * rest of flour F1 held and never released.
 *
 * The right answers, worked out by hand:
 *   BC1 = D1 400 KGM + D2 100 KGM → D1 80 %, D2 20 %.
 *   D1 = F1 300 + B1 100 KGM → F1 0.8 × 0.75 = 60 %, B1 0.8 × 0.25 = 20 % of BC1.
 *   D2 = S1 100 KGM (batch MIX-2, linked after the fact) → S1 20 % of BC1.
 *   Shipments of BC1: 1,200 EA on pallet 006141410000000012 to FreshMart DC, 500 EA to Corner Shop.
 *   Seen from D1: BC1 is 80 % D1, so the exposures are 960 EA and 400 EA.
 */
import { addUser, DEFAULT_POLICY } from '../../src/identity/identity-service.js';
import { openIdentityStore, openQualityStore, openStore } from '../../src/main.js';
import { resolve } from '../../src/quality/exceptions.js';
import { signDecision } from '../../src/quality/release.js';
import { retroactiveLinkEvent } from '../../src/quality/retroactive-link.js';
import type { CapturedEvent, EventStore } from '../../src/store/event-store.js';
import { captured } from '../helpers/store.js';

export const PW = 'a long quality password';
export const SSCC = '006141410000000012';
const t = (day: string, hhmm: string): string => `2026-05-${day}T${hhmm}:00+02:00`;

export const PLANT: Record<string, unknown>[] = [
  { cmd: 'receive', time: t('04', '06:00'), lots: [{ item: 'FLOUR', lot: 'F1', quantity: 1000, uom: 'KGM' }], from: 'Valley Mills', po: 'PO-4711', supplierLot: 'VM-118', location: 'Goods in', operator: 'Anna Weber' },
  { cmd: 'receive', time: t('04', '06:20'), lots: [{ item: 'BUTTER', lot: 'B1', quantity: 200, uom: 'KGM' }], from: 'Northfield Dairy', location: 'Goods in', operator: 'Anna Weber' },
  { cmd: 'receive', time: t('04', '06:40'), lots: [{ item: 'SUGAR', lot: 'S1', quantity: 500, uom: 'KGM' }], from: 'Sugar & Co', location: 'Goods in', operator: 'Anna Weber' },
  {
    cmd: 'produce', time: t('04', '08:00'),
    inputs: [{ item: 'FLOUR', lot: 'F1', quantity: 300, uom: 'KGM' }, { item: 'BUTTER', lot: 'B1', quantity: 100, uom: 'KGM' }],
    outputs: [{ item: 'DOUGH', lot: 'D1', quantity: 400, uom: 'KGM' }],
    location: 'Mixing room', operator: 'Claire Martin', equipment: 'Mixer 2', line: 'Line 1', step: 'mix', parameters: { doughTempC: 23.5, mixMinutes: 12 },
  },
  { cmd: 'inspect', time: t('04', '08:30'), lots: [{ item: 'DOUGH', lot: 'D1' }], result: 'pass', location: 'Mixing room', operator: 'Quentin Roy', parameters: { moisturePct: 31.2 } },
  { cmd: 'produce', time: t('04', '08:40'), outputs: [{ item: 'DOUGH', lot: 'D2', quantity: 100, uom: 'KGM' }], batch: 'MIX-2', location: 'Mixing room', operator: 'Claire Martin' },
  {
    cmd: 'produce', time: t('04', '10:00'),
    inputs: [{ item: 'DOUGH', lot: 'D1', quantity: 400, uom: 'KGM' }, { item: 'DOUGH', lot: 'D2', quantity: 100, uom: 'KGM' }],
    outputs: [{ item: 'BISCUIT', lot: 'BC1', quantity: 2000, uom: 'EA' }],
    location: 'Line 1', operator: 'Marc Leroy', equipment: 'Oven 1', parameters: { ovenTempC: 185 },
  },
  { cmd: 'pack', time: t('04', '12:00'), sscc: SSCC, contents: [{ item: 'BISCUIT', lot: 'BC1', quantity: 1200, uom: 'EA' }], location: 'Palletiser' },
  { cmd: 'ship', time: t('05', '07:30'), units: [{ sscc: SSCC }], to: 'FreshMart DC', order: 'SO-701', carrier: 'Transports Dupuis', location: 'Dispatch' },
  { cmd: 'ship', time: t('05', '09:00'), lots: [{ item: 'BISCUIT', lot: 'BC1', quantity: 500, uom: 'EA' }], to: 'Corner Shop', location: 'Dispatch' },
  { cmd: 'hold', time: t('06', '09:00'), lots: [{ item: 'BISCUIT', lot: 'BC1' }], reason: 'metal detector alarm on line 1', reference: 'DEV-12', location: 'Finished goods' },
  { cmd: 'hold', time: t('06', '09:05'), lots: [{ item: 'FLOUR', lot: 'F1' }], reason: 'supplier notice: possible foreign bodies', reference: 'SN-3', location: 'Goods in' },
];

async function append(store: EventStore, events: readonly CapturedEvent[], actor: string): Promise<void> {
  const s = await store.beginCapture({ actor, origin: 'test' });
  try {
    await s.append(events);
    await s.commit();
  } catch (e) {
    await s.rollback();
    throw e;
  }
}

/** Builds the bakery in the database at `db` (a SQLite path or a PostgreSQL URL); returns the exception's id and the corrective event. */
export async function buildDossierPlant(db: string): Promise<{ exceptionId: number; correctiveEventId: string }> {
  const store = await openStore(db, { create: true });
  const identity = await openIdentityStore(db);
  const quality = await openQualityStore(db);
  try {
    await append(store, captured(PLANT), 'user:anna');
    await addUser(identity, { name: 'quinn', role: 'quality', password: PW, fullName: 'Quinn Tester' }, { actor: 'cli:test' });
    // D2 was made with no recorded input: the exception, then the link the shift lead confirmed.
    const [opened] = await quality.report(
      [{ ruleId: 'produced-without-inputs', severity: 'warning', subject: { kind: 'lot', ref: 'urn:lotline:lot:DOUGH:D2' }, key: 'produced-without-inputs:D2', explanation: 'DOUGH D2 was produced with no recorded inputs.', eventIds: [], site: null, line: 'Line 1', detectedAt: '2026-05-04T09:00:00.000Z' }],
      () => null,
      'lotline',
    );
    const link = retroactiveLinkEvent({ inputs: [{ ref: { kind: 'lot', item: 'SUGAR', lot: 'S1' }, quantity: 100, uom: 'KGM' }], outputs: [], batch: 'MIX-2', time: t('04', '08:40') }, opened!.id, 'user:quinn');
    await append(store, [link], 'user:quinn');
    await resolve(quality, opened!.id, 'shift lead confirmed the sugar went into batch MIX-2', 'user:quinn', { correctiveEventId: link.eventId, retroactive: true });
    // BC1 released with a signature; F1 stays on hold.
    const outcome = await signDecision(
      { store, identity, quality, policy: DEFAULT_POLICY, signaturesRequired: 1 },
      { kind: 'user', name: 'quinn', role: 'quality', actor: 'user:quinn' },
      'test',
      { lots: [{ kind: 'lot', item: 'BISCUIT', lot: 'BC1' }], decision: 'release', meaning: 'released after metal detector re-test', password: PW },
    );
    if (outcome.status !== 'complete') throw new Error('the release should need one signature');
    await append(store, [outcome.event], 'user:quinn');
    return { exceptionId: opened!.id, correctiveEventId: link.eventId };
  } finally {
    await quality.close();
    await identity.close();
    await store.close();
  }
}
