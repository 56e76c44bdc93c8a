/**
 * Writes a generated plant to files as it is generated (the writer waits for the disk, so
 * memory stays flat): native NDJSON, one line per event, or EPCIS 2.0 JSON-LD documents of at
 * most `eventsPerDocument` events each (Lotline reads one EPCIS document whole).
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { PlantManifest } from './generate-plant.js';
import { generatePlant, lineAsEpcis } from './generate-plant.js';
import type { PlantParams } from './presets.js';

export type PlantFormat = 'ndjson' | 'epcis';

export interface WrittenPlant {
  /** The files written, in the order they must be imported. */
  readonly files: string[];
  readonly manifest: PlantManifest;
  readonly bytes: number;
}

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

async function close(out: WriteStream): Promise<void> {
  out.end();
  await once(out, 'finish');
}

/**
 * Generates `params` into `base` (`base.ndjson`, or `base-0001.jsonld`, … for EPCIS) and
 * writes the manifest next to it (`base.manifest.json`).
 */
export async function writePlant(params: PlantParams, base: string, format: PlantFormat, eventsPerDocument = 50_000): Promise<WrittenPlant> {
  const holder: { manifest?: PlantManifest } = {};
  const files: string[] = [];
  let bytes = 0;
  let buffer = '';
  // lines are gathered into ~64 KiB writes: one write per line would cost more than generating it
  const flushAt = 64 * 1024;
  if (format === 'ndjson') {
    const file = `${base}.ndjson`;
    files.push(file);
    const out = createWriteStream(file);
    for (const line of generatePlant(params, holder)) {
      buffer += JSON.stringify(line) + '\n';
      if (buffer.length >= flushAt) {
        bytes += Buffer.byteLength(buffer);
        await write(out, buffer);
        buffer = '';
      }
    }
    bytes += Buffer.byteLength(buffer);
    await write(out, buffer);
    await close(out);
  } else {
    let out: WriteStream | undefined;
    let inDoc = 0;
    const header = (): string =>
      `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"lotline":"https://lotline.dev/ns/epcis/"}],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"${params.startDate}T00:00:00+01:00","epcisBody":{"eventList":[\n`;
    const footer = '\n]}}\n';
    for (const line of generatePlant(params, holder)) {
      if (!out) {
        const file = `${base}-${String(files.length + 1).padStart(4, '0')}.jsonld`;
        files.push(file);
        out = createWriteStream(file);
        buffer += header();
        inDoc = 0;
      }
      buffer += (inDoc > 0 ? ',\n' : '') + JSON.stringify(lineAsEpcis(line));
      inDoc++;
      if (inDoc >= eventsPerDocument) {
        buffer += footer;
        bytes += Buffer.byteLength(buffer);
        await write(out, buffer);
        buffer = '';
        await close(out);
        out = undefined;
      } else if (buffer.length >= flushAt) {
        bytes += Buffer.byteLength(buffer);
        await write(out, buffer);
        buffer = '';
      }
    }
    if (out) {
      buffer += footer;
      bytes += Buffer.byteLength(buffer);
      await write(out, buffer);
      await close(out);
    }
  }
  const manifest = holder.manifest!;
  await writeFile(`${base}.manifest.json`, JSON.stringify(manifest, null, 2) + '\n');
  return { files, manifest, bytes };
}
