/**
 * The dossier use case shared by the CLI and the HTTP API: gather, hash, render to PDF or HTML;
 * and the check an auditor runs on a printed dossier (same instant, same hash?).
 */
import { LotlineError } from '../../domain/errors.js';
import type { ObjectRef } from '../../domain/identifiers/object-ref.js';
import type { QualityStore } from '../../quality/quality-store.js';
import type { EventStore } from '../../store/event-store.js';
import type { Dossier, DossierOptions } from './dossier-data.js';
import { dossierData } from './dossier-data.js';
import { dossierHash } from './dossier-hash.js';
import { dossierHtml } from './dossier-html.js';
import { dossierPdf } from './dossier-pdf.js';

export const DOSSIER_FORMATS = ['pdf', 'html'] as const;
export type DossierFormat = (typeof DOSSIER_FORMATS)[number];

export const DOSSIER_MEDIA_TYPES: Readonly<Record<DossierFormat, string>> = { pdf: 'application/pdf', html: 'text/html; charset=utf-8' };

export interface DossierFile {
  readonly dossier: Dossier;
  readonly hash: string;
  readonly format: DossierFormat;
  readonly content: Buffer | string;
}

/** Checks a format name: USAGE with the accepted ones otherwise. */
export function dossierFormat(value: string): DossierFormat {
  const f = value.toLowerCase();
  if (!(DOSSIER_FORMATS as readonly string[]).includes(f)) throw new LotlineError('USAGE', `the dossier format must be pdf or html (got ${JSON.stringify(value)})`);
  return f as DossierFormat;
}

/** The dossier of one lot as a PDF or HTML document. */
export async function dossierFile(store: EventStore, quality: QualityStore, ref: ObjectRef, format: DossierFormat, options: DossierOptions): Promise<DossierFile> {
  const dossier = await dossierData(store, quality, ref, options);
  const hash = dossierHash(dossier.data);
  const content = format === 'pdf' ? await dossierPdf(dossier, hash) : dossierHtml(dossier, hash);
  return { dossier, hash, format, content };
}

export interface DossierCheck {
  readonly match: boolean;
  readonly expected: string;
  readonly actual: string;
  readonly asOf: string;
  readonly logSeq: number;
  readonly logHeadHash: string;
}

/** Recomputes the content hash of a dossier as of its instant and compares it with the printed one. */
export async function checkDossier(store: EventStore, quality: QualityStore, ref: ObjectRef, asOf: string, expected: string, generatedBy: string): Promise<DossierCheck> {
  const want = expected.trim().toLowerCase().replace(/^sha-?256:/, '');
  if (!/^[0-9a-f]{64}$/.test(want)) throw new LotlineError('USAGE', `the hash to verify is the 64 hexadecimal digits printed after "Content SHA-256" (got ${JSON.stringify(expected)})`);
  const dossier = await dossierData(store, quality, ref, { asOf, generatedBy });
  const actual = dossierHash(dossier.data);
  return { match: actual === want, expected: want, actual, asOf: dossier.stamp.asOf, logSeq: dossier.stamp.logSeq, logHeadHash: dossier.stamp.logHeadHash };
}
