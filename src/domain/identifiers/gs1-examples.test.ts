import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseObjectUri, parsePlaceUri } from './index.js';
import { STANDARDS_DIR } from '../../../test/helpers/standards.js';

/**
 * Every identifier in GS1's EPCIS 2.0 "all possible fields" examples must parse: objects as lots,
 * serials, classes or units (never 'other'), places as SGLN/PGLN.
 */

const DIR = STANDARDS_DIR.replace(/\/$/, '');
const present = existsSync(DIR) && readdirSync(DIR).some((f) => f.endsWith('.jsonld'));

/** Fields whose values name objects (EPCs or EPC classes). */
const OBJECT_LIST_FIELDS = new Set(['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList']);
const OBJECT_FIELDS = new Set(['parentID', 'epcClass', 'deviceID']);
/** Fields whose values name places and parties. */
const PLACE_FIELDS = new Set(['sender', 'receiver', 'source', 'destination']);
const PLACE_HOLDERS = new Set(['readPoint', 'bizLocation']);

interface Found {
  readonly objects: string[];
  readonly places: string[];
}

function collect(node: unknown, found: Found, parentKey = ''): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, found, parentKey);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (OBJECT_LIST_FIELDS.has(key) && Array.isArray(value)) found.objects.push(...value.filter((v) => typeof v === 'string'));
    else if (OBJECT_FIELDS.has(key) && typeof value === 'string') found.objects.push(value);
    else if (PLACE_FIELDS.has(key) && typeof value === 'string') found.places.push(value);
    else if (key === 'id' && PLACE_HOLDERS.has(parentKey) && typeof value === 'string') found.places.push(value);
    collect(value, found, key);
  }
}

const files = present ? readdirSync(DIR).filter((f) => f.endsWith('.jsonld') && f !== 'epcis-context.jsonld') : [];

describe.skipIf(!present)(`GS1 EPCIS examples in ${DIR} (skipped when the shared standards folder is absent)`, () => {
  it('has example documents to read', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it.each(files)('every identifier in %s parses', (file) => {
    const found: Found = { objects: [], places: [] };
    collect(JSON.parse(readFileSync(`${DIR}/${file}`, 'utf8')), found);
    expect(found.objects.length).toBeGreaterThan(0);
    expect(found.places.length).toBeGreaterThan(0);
    for (const uri of found.objects) {
      const ref = parseObjectUri(uri);
      expect(ref.kind, uri).not.toBe('other');
    }
    for (const uri of found.places) {
      expect(() => parsePlaceUri(uri), uri).not.toThrow();
    }
  });

  it('reads the known values of the examples as hand-checked', () => {
    expect(parseObjectUri('urn:epc:class:lgtin:4012345.012345.998877')).toEqual({
      kind: 'lot',
      item: '04012345123456',
      lot: '998877',
    });
    expect(parseObjectUri('urn:epc:id:sgtin:0614141.107346.2017')).toEqual({
      kind: 'serial',
      // 1 + 0614141 + 07346 → 1061414107346; weights 3,1,… from the right:
      // 18+4+9+7+0+1+12+1+12+1+18+0+3 = 86 → check digit 4
      item: '10614141073464',
      serial: '2017',
    });
    expect(parseObjectUri('urn:epc:id:grai:4012345.55555.987')).toEqual({ kind: 'unit', scheme: 'grai', id: '04012345555554987' });
    expect(parseObjectUri('urn:epc:id:giai:4000001.111')).toEqual(parseObjectUri('https://id.gs1.org/8004/4000001111'));
    expect(parsePlaceUri('urn:epc:id:sgln:0037000.00729.8202')).toEqual({ kind: 'sgln', gln: '0037000007296', extension: '8202' });
  });
});
