/**
 * The Critical Tracking Events of FDA's Food Traceability Rule (21 CFR 1 Subpart S) that Lotline
 * reports, and for each the columns of its sheet: the Key Data Elements in the regulation's own
 * words (§1.1330 initial packing, §1.1345 receiving, §1.1350 transformation, §1.1340 shipping),
 * then columns that only help the reader find the record in Lotline (not KDEs).
 */
import type { Column } from '../report-table.js';

export const FSMA_CTES = ['initial_packing', 'receiving', 'transformation', 'shipping'] as const;
export type FsmaCte = (typeof FSMA_CTES)[number];

/** A column that is a Key Data Element: a row without it is listed in the missing-KDE summary. */
export interface KdeColumn extends Column {
  readonly kde: boolean;
}

const text = (key: string, header: string, kde = true): KdeColumn => ({ key, header, kind: 'text', kde });
const num = (key: string, header: string): KdeColumn => ({ key, header, kind: 'number', kde: true });
const date = (key: string, header: string): KdeColumn => ({ key, header, kind: 'date', kde: true });

const TLC = text('tlc', 'Traceability lot code');
const PRODUCT = text('productDescription', 'Product description');
const QUANTITY = num('quantity', 'Quantity');
const UOM = text('uom', 'Unit of measure');
const TLC_SOURCE = text('tlcSource', 'Location description for the traceability lot code source, or traceability lot code source reference');
const DOC_TYPE = text('referenceDocumentType', 'Reference document type');
const DOC_NUMBER = text('referenceDocumentNumber', 'Reference document number');

/** Not KDEs: where to find the record in Lotline, and which KDEs the row lacks. */
const LOOKUP: readonly KdeColumn[] = [
  text('productId', 'Product identifier (GTIN or item code)', false),
  text('logisticUnit', 'Logistic unit (SSCC or container)', false),
  text('eventTime', 'Event time (with time-zone offset)', false),
  text('eventId', 'Lotline event ID', false),
  text('missingKdes', 'Missing KDEs', false),
];

export interface CteSheet {
  readonly cte: FsmaCte;
  /** Sheet name, and the value of the CSV's CTE column. */
  readonly title: string;
  /** The section of 21 CFR part 1 that lists its KDEs. */
  readonly section: string;
  readonly columns: readonly KdeColumn[];
}

export const CTE_SHEETS: Readonly<Record<FsmaCte, CteSheet>> = {
  initial_packing: {
    cte: 'initial_packing',
    title: 'Initial packing',
    section: '§1.1330',
    columns: [
      TLC,
      PRODUCT,
      QUANTITY,
      UOM,
      text('harvestLocation', 'Location description for the farm where the food was harvested'),
      TLC_SOURCE,
      date('date', 'Date of initial packing'),
      DOC_TYPE,
      DOC_NUMBER,
      ...LOOKUP.filter((c) => c.key !== 'logisticUnit'),
    ],
  },
  receiving: {
    cte: 'receiving',
    title: 'Receiving',
    section: '§1.1345',
    columns: [
      TLC,
      QUANTITY,
      UOM,
      PRODUCT,
      text('previousSource', 'Location description for the immediate previous source (other than a transporter)'),
      text('receivedAt', 'Location description for where the food was received'),
      date('date', 'Date you received the food'),
      TLC_SOURCE,
      DOC_TYPE,
      DOC_NUMBER,
      ...LOOKUP,
    ],
  },
  transformation: {
    cte: 'transformation',
    title: 'Transformation',
    section: '§1.1350',
    columns: [
      text('inputTlc', 'Traceability lot code of the food used in transformation'),
      text('inputProductDescription', 'Product description of the food used in transformation'),
      num('inputQuantity', 'Quantity of the food used in transformation'),
      text('inputUom', 'Unit of measure of the food used in transformation'),
      text('tlc', 'New traceability lot code'),
      text('productDescription', 'Product description of the food produced'),
      num('quantity', 'Quantity of the food produced'),
      text('uom', 'Unit of measure of the food produced'),
      TLC_SOURCE,
      date('date', 'Date transformation was completed'),
      DOC_TYPE,
      DOC_NUMBER,
      text('inputProductId', 'Product identifier of the food used (GTIN or item code)', false),
      ...LOOKUP.filter((c) => c.key !== 'logisticUnit'),
    ],
  },
  shipping: {
    cte: 'shipping',
    title: 'Shipping',
    section: '§1.1340',
    columns: [
      TLC,
      QUANTITY,
      UOM,
      PRODUCT,
      text('subsequentRecipient', 'Location description for the immediate subsequent recipient (other than a transporter)'),
      text('shipFrom', 'Location description for the location from which you shipped the food'),
      date('date', 'Date you shipped the food'),
      TLC_SOURCE,
      DOC_TYPE,
      DOC_NUMBER,
      ...LOOKUP,
    ],
  },
};
