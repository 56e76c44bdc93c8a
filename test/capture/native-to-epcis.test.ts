/**
 * Native commands become EPCIS 2.0 events that the official schema accepts, so that what a
 * plant writes as NDJSON can be sent to a partner or a regulator as EPCIS without loss.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNativeValue } from '../../src/capture/native/read-native-line.js';
import { generateDemoPlant } from '../../src/demo/demo-plant.js';
import { FIXTURES } from '../helpers/cli.js';
import { expectSchemaValid } from '../helpers/epcis-schema.js';
import { HAVE_STANDARDS } from '../helpers/standards.js';

describe.skipIf(!HAVE_STANDARDS)('native commands as EPCIS (needs ../shared/standards)', () => {
  it('every command of the demo plant and the test fixtures translates to a schema-valid event', () => {
    const fixture = readFileSync(join(FIXTURES, 'scenarios/bakery.ndjson'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as object);
    const commands = [...generateDemoPlant().commands, ...fixture];
    const events = commands.map((c) => readNativeValue(c, [])!.body);
    expect(new Set(commands.map((c) => (c as { cmd: string }).cmd)).size).toBeGreaterThanOrEqual(11);
    const doc = { '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'], type: 'EPCISDocument', schemaVersion: '2.0', creationDate: '2026-11-26T00:00:00Z', epcisBody: { eventList: events } };
    expectSchemaValid(doc);
  });
});
