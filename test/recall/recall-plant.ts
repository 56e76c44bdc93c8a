/**
 * A small biscuit plant for the recall tests, whose right answers are worked out by hand in
 * recall-scope.test.ts: two suppliers (Valley Mills by name, Northfield Dairy by GLN), flour lot F1
 * mixed into two doughs (partly), baked into two biscuit lots, packed on pallets, shipped to three
 * customers (one shipment still in transit), one pallet packed but not shipped, one lot held.
 */
import type { RecordInput } from '../../src/masterdata/master-data-store.js';
import { readMasterDataJson } from '../../src/masterdata/read-master-data.js';

export const BISCUIT = '00614141100118';
export const DAIRY_GLN = '0614141000012';
export const FRESHMART_GLN = '0614141000029';
export const S1 = '006141412610000017';
export const S2 = '006141412610000024';
export const S3 = '006141412610000031';
/** "Now" for the in-transit window (with transitDays 1): only the shipment of 7 May 10:00 is in transit. */
export const NOW = '2026-05-07T20:00:00+02:00';

const t = (day: number, hm: string): string => `2026-05-0${day}T${hm}:00+02:00`;
const kg = (item: string, lot: string, quantity: number) => ({ item, lot, quantity, uom: 'KGM' });
const ea = (lot: string, quantity: number) => ({ gtin: BISCUIT, lot, quantity, uom: 'EA' });

export const RECALL_PLANT: readonly unknown[] = [
  { cmd: 'receive', time: t(4, '06:00'), lots: [kg('FLOUR', 'F1', 1000)], from: 'Valley Mills', po: 'PO-1', location: 'Goods in' },
  { cmd: 'receive', time: t(4, '06:10'), lots: [kg('FLOUR', 'F2', 1000)], from: 'Valley Mills', po: 'PO-2', location: 'Goods in' },
  { cmd: 'receive', time: t(4, '06:20'), lots: [kg('BUTTER', 'B1', 200)], from: DAIRY_GLN, location: 'Goods in' },
  // F1 feeds two doughs, and 500 kg of it stay in Goods in
  { cmd: 'produce', time: t(4, '08:00'), inputs: [kg('FLOUR', 'F1', 300), kg('BUTTER', 'B1', 100)], outputs: [kg('DOUGH', 'D1', 400)], location: 'Mixing room' },
  { cmd: 'produce', time: t(4, '09:00'), inputs: [kg('FLOUR', 'F1', 200), kg('FLOUR', 'F2', 200)], outputs: [kg('DOUGH', 'D2', 400)], location: 'Mixing room' },
  { cmd: 'produce', time: t(4, '09:30'), inputs: [kg('FLOUR', 'F2', 300)], outputs: [kg('DOUGH', 'D3', 300)], location: 'Mixing room' },
  { cmd: 'produce', time: t(4, '10:00'), inputs: [kg('DOUGH', 'D1', 400)], outputs: [ea('BC-A', 2000)], location: 'Line 1' },
  { cmd: 'produce', time: t(4, '10:30'), inputs: [kg('DOUGH', 'D3', 300)], outputs: [ea('BC-C', 1500)], location: 'Line 1' },
  { cmd: 'produce', time: t(4, '11:00'), inputs: [kg('DOUGH', 'D2', 400)], outputs: [ea('BC-B', 2000)], location: 'Line 1' },
  { cmd: 'produce', time: t(5, '10:00'), inputs: [kg('FLOUR', 'F2', 100)], outputs: [ea('BC-D', 500)], location: 'Line 1' },
  { cmd: 'pack', time: t(4, '12:00'), sscc: S1, contents: [ea('BC-A', 960)], location: 'Dispatch' },
  { cmd: 'pack', time: t(4, '12:30'), sscc: S2, contents: [ea('BC-B', 1000)], location: 'Dispatch' },
  { cmd: 'ship', time: t(5, '07:00'), units: [{ sscc: S1 }], to: FRESHMART_GLN, order: 'SO-1', despatchAdvice: 'DA-1', carrier: 'Transports Dupuis', location: 'Dispatch' },
  { cmd: 'ship', time: t(5, '08:00'), lots: [ea('BC-A', 500)], to: 'CornerShop', order: 'SO-2', location: 'Dispatch' },
  { cmd: 'ship', time: t(6, '09:00'), units: [{ sscc: S2 }], to: 'Hotel Bellevue', order: 'SO-3', location: 'Dispatch' },
  { cmd: 'ship', time: t(6, '11:00'), lots: [ea('BC-C', 1500)], to: 'CornerShop', order: 'SO-5', location: 'Dispatch' },
  { cmd: 'ship', time: t(7, '10:00'), lots: [ea('BC-B', 400)], to: FRESHMART_GLN, order: 'SO-4', location: 'Dispatch' },
  { cmd: 'hold', time: t(7, '12:00'), lots: [ea('BC-B', 600)], reason: 'QA check of the oven log', location: 'FG store' },
  { cmd: 'pack', time: t(7, '13:00'), sscc: S3, contents: [ea('BC-A', 300)], location: 'Dispatch' },
];

export const RECALL_PLANT_MASTER_DATA = {
  items: [
    { id: BISCUIT, description: 'Butter biscuits 200 g', unit: 'EA', netContent: { quantity: 0.2, uom: 'KGM' } },
    { id: 'FLOUR', description: 'Wheat flour T55', unit: 'KGM' },
  ],
  parties: [
    { id: 'Valley Mills', name: 'Valley Mills Ltd', roles: ['supplier'], contact: 'Sam Miller', phone: '+44 1632 960001', email: 'quality@valleymills.example' },
    { id: DAIRY_GLN, name: 'Northfield Dairy', roles: ['supplier'] },
    { id: FRESHMART_GLN, name: 'FreshMart Stores', roles: ['customer'], contact: 'Dana Lee', phone: '+1 555 0100', email: 'recalls@freshmart.example', address: '1 Market Street, Springfield' },
    { id: 'CornerShop', name: 'The Corner Shop', roles: ['customer'], contact: 'Raj Patel', phone: '+44 1632 960777', address: '4 High Street, Lowtown' },
  ],
  locations: [{ id: 'Goods in', name: 'Goods-in bay, Plant 1', party: null }],
};

export function recallPlantMasterData(): RecordInput[] {
  return readMasterDataJson(RECALL_PLANT_MASTER_DATA, 'recall plant');
}
