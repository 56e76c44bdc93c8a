/**
 * The supplier report as tables: Receipts, Reach, Shipments, Holds, Exceptions — an XLSX sheet
 * each, or one CSV of the receipts with their reach and shipments flattened (one row per received
 * lot and customer shipment), which is what a supplier review sorts and filters.
 */
import type { Column, ReportTable, Row } from '../report-table.js';
import { localDate } from '../report-table.js';
import { toCsv } from '../write-csv.js';
import { toXlsx } from '../write-xlsx.js';
import type { SupplierReport } from './supplier-report.js';

const col = (key: string, header: string, kind: Column['kind'] = 'text'): Column => ({ key, header, kind });

export function supplierTables(r: SupplierReport): ReportTable[] {
  return [
    {
      name: 'Receipts',
      columns: [col('date', 'Received on', 'date'), col('time', 'Time'), col('item', 'Item'), col('lotCode', 'Lot'), col('quantity', 'Quantity', 'number'), col('uom', 'Unit'), col('purchaseOrder', 'PO'), col('despatchAdvice', 'Despatch advice'), col('supplierLot', 'Supplier lot'), col('via', 'Unit received on'), col('receivedAt', 'Received at'), col('status', 'Status now'), col('onHand', 'On hand now', 'number'), col('eventId', 'Event')],
      rows: r.receipts.map((x) => ({ ...x, date: localDate(x.time) }) as Row),
    },
    {
      name: 'Reach',
      columns: [col('receivedLot', 'Received lot'), col('lot', 'Lot made from it'), col('depth', 'Steps', 'number'), col('share', 'Share', 'number'), col('status', 'Status now')],
      rows: r.reach.map((x) => ({ ...x }) as Row),
    },
    {
      name: 'Shipments',
      columns: [col('date', 'Shipped on', 'date'), col('time', 'Time'), col('receivedLot', 'Received lot'), col('shippedLot', 'Shipped lot'), col('customer', 'Customer'), col('quantity', 'Quantity', 'number'), col('uom', 'Unit'), col('exposure', 'Of which from the supplier lot', 'number'), col('via', 'Via'), col('eventId', 'Event')],
      rows: r.shipments.map((x) => ({ ...x, date: localDate(x.time) }) as Row),
    },
    {
      name: 'Holds',
      columns: [col('lot', 'Lot'), col('time', 'Held at'), col('reason', 'Reason'), col('reference', 'Reference'), col('statusNow', 'Status now'), col('recordedBy', 'Recorded by'), col('eventId', 'Event')],
      rows: r.holds.map((x) => ({ ...x }) as Row),
    },
    {
      name: 'Exceptions',
      columns: [col('id', 'Exception', 'number'), col('lot', 'Lot'), col('rule', 'Rule'), col('severity', 'Severity'), col('state', 'State'), col('detectedAt', 'Detected at'), col('owner', 'Owner'), col('explanation', 'What')],
      rows: r.exceptions.map((x) => ({ ...x }) as Row),
    },
  ];
}

const FLAT: readonly Column[] = [
  col('receivedOn', 'Received on', 'date'), col('receivedLot', 'Received lot'), col('receivedQuantity', 'Received quantity', 'number'), col('receivedUom', 'Received unit'),
  col('purchaseOrder', 'PO'), col('supplierLot', 'Supplier lot'), col('shippedLot', 'Shipped lot'), col('customer', 'Customer'), col('shippedOn', 'Shipped on', 'date'),
  col('shippedQuantity', 'Shipped quantity', 'number'), col('shippedUom', 'Shipped unit'), col('exposure', 'Of which from the supplier lot', 'number'), col('holds', 'Holds', 'number'), col('exceptions', 'Exceptions', 'number'),
];

/** One CSV: a row per received lot and customer shipment of what was made from it (a lot not shipped yet: one row, no customer). */
export function supplierCsv(r: SupplierReport): string {
  const rows: Row[] = [];
  for (const x of r.receipts) {
    const base = { receivedOn: localDate(x.time), receivedLot: x.lot, receivedQuantity: x.quantity, receivedUom: x.uom, purchaseOrder: x.purchaseOrder, supplierLot: x.supplierLot };
    const reached = new Set([x.lot, ...r.reach.filter((y) => y.receivedLot === x.lot).map((y) => y.lot)]);
    const counts = { holds: r.holds.filter((h) => reached.has(h.lot)).length, exceptions: r.exceptions.filter((e) => reached.has(e.lot)).length };
    const ships = r.shipments.filter((s) => s.receivedLot === x.lot);
    if (ships.length === 0) rows.push({ ...base, shippedLot: null, customer: null, shippedOn: null, shippedQuantity: null, shippedUom: null, exposure: null, ...counts });
    for (const s of ships) rows.push({ ...base, shippedLot: s.shippedLot, customer: s.customer, shippedOn: localDate(s.time), shippedQuantity: s.quantity, shippedUom: s.uom, exposure: s.exposure, ...counts });
  }
  return toCsv(FLAT, rows);
}

export function supplierXlsx(r: SupplierReport): Promise<Buffer> {
  return toXlsx(supplierTables(r));
}
