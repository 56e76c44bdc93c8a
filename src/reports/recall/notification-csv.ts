/**
 * The customer notification list of a recall: one row per customer, with the contact details from
 * master data, the lots and quantities they received and when. A customer master data has no
 * record of says so in the contact column, so that nobody mistakes a blank for "nothing to do".
 */
import type { RecallScope } from '../../genealogy/recall-scope.js';
import type { Column, Row } from '../report-table.js';
import { toCsv } from '../write-csv.js';

export const NO_CONTACT = 'no contact on file';

const COLUMNS: readonly Column[] = [
  { key: 'name', header: 'Customer', kind: 'text' },
  { key: 'customer', header: 'Customer identifier', kind: 'text' },
  { key: 'contact', header: 'Contact', kind: 'text' },
  { key: 'phone', header: 'Phone', kind: 'text' },
  { key: 'email', header: 'E-mail', kind: 'text' },
  { key: 'address', header: 'Address', kind: 'text' },
  { key: 'lots', header: 'Lots (item / lot)', kind: 'text' },
  { key: 'quantity', header: 'Quantity shipped', kind: 'text' },
  { key: 'exposure', header: 'Exposure (share x quantity)', kind: 'text' },
  { key: 'shipments', header: 'Shipments', kind: 'number' },
  { key: 'first', header: 'First shipped', kind: 'text' },
  { key: 'last', header: 'Last shipped', kind: 'text' },
];

const amounts = (qs: readonly { quantity: number; uom: string }[]): string => qs.map((q) => `${q.quantity} ${q.uom}`).join('; ');

export function notificationRows(scope: Pick<RecallScope, 'customers'>): Row[] {
  return scope.customers.map((c) => ({
    name: c.name,
    customer: c.customer,
    contact: !c.onFile || (c.contact === null && c.phone === null && c.email === null) ? NO_CONTACT : c.contact,
    phone: c.phone,
    email: c.email,
    address: c.address,
    lots: c.lots.join('; '),
    quantity: amounts(c.quantities),
    exposure: amounts(c.exposure),
    shipments: c.shipments.length,
    first: c.firstShipped,
    last: c.lastShipped,
  }));
}

/** The notification list as CSV (RFC 4180, CRLF). */
export function notificationCsv(scope: Pick<RecallScope, 'customers'>): string {
  return toCsv(COLUMNS, notificationRows(scope));
}
