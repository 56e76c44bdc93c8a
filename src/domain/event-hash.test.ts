import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_HASH_VERSION, eventHashId, eventHashIds, preHashString } from './event-hash.js';

type Event = Record<string, unknown>;

const digest = (id: string): string => id.slice('ni:///sha-256;'.length, -'?ver=CBV2.0'.length);

/**
 * Published examples of the GS1 EPCIS event hash algorithm: the input events and expected hash
 * values of the reference implementation (github.com/RalphTro/epcis-event-hash-generator,
 * tests/examples, expected values for CBV 2.0). Only the events and the hash values are copied.
 */
describe('published examples of the EPCIS event hash algorithm (CBV 2.0)', () => {
  it('example 1: SSCCs, bare bizStep, SGLN read point, nested user extensions', () => {
    const event: Event = {
      type: 'ObjectEvent',
      eventTime: '2020-03-04T11:00:30.000+01:00',
      eventTimeZoneOffset: '+01:00',
      recordTime: '2020-03-04T11:00:30.999+01:00',
      epcList: ['urn:epc:id:sscc:4012345.0000000333', 'urn:epc:id:sscc:4012345.0000000111', 'urn:epc:id:sscc:4012345.0000000222'],
      action: 'OBSERVE',
      bizStep: 'departing',
      readPoint: { id: 'urn:epc:id:sgln:4012345.00011.987' },
      'example:myField1': { 'example:mySubField1': '2', 'example:mySubField2': '5' },
      'example:myField2': '0',
      'example:myField3': { 'example:mySubField3': ['3', '1'] },
    };
    expect(digest(eventHashId(event, { example: 'https://ns.example.com/epcis/' }))).toBe(
      '6ae96341e0acc6d7a261364751f60e68278a81cdf51da0abb6b4e617014e39d7',
    );
  });

  it('example 2: sensor element with several reports', () => {
    const event: Event = {
      type: 'ObjectEvent',
      eventTime: '2020-04-01T15:00:00+01:00',
      eventTimeZoneOffset: '+01:00',
      epcList: ['urn:epc:id:sgtin:4012345.011111.9876'],
      action: 'OBSERVE',
      bizStep: 'inspecting',
      readPoint: { id: 'urn:epc:id:sgln:4012345.00005.0' },
      sensorElementList: [
        {
          sensorMetadata: { deviceID: 'urn:epc:id:giai:4000001.111', deviceMetadata: 'https://id.gs1.org/8004/4000001111' },
          sensorReport: [
            { type: 'Temperature', value: 26, sDev: 0.1, uom: 'CEL' },
            { type: 'AbsoluteHumidity', value: 12.1, uom: 'A93' },
            { type: 'Dimensionless', microorganism: 'https://www.ncbi.nlm.nih.gov/taxonomy/1126011', value: 0.05, uom: 'C35' },
            {
              type: 'Dimensionless',
              chemicalSubstance: 'https://identifiers.org/inchikey:CZMRCDWAGMRECN-UGDNZRGBSA-N',
              value: 0.18,
              uom: 'C35',
            },
          ],
        },
      ],
    };
    expect(digest(eventHashId(event))).toBe('271565c346ae2fb28c4583c4dca4ab4772d465eb4e0b6e548d77d8b49377d95c');
  });

  it('example 3: a user extension inside readPoint and one at event level', () => {
    const event: Event = {
      type: 'ObjectEvent',
      eventTime: '2020-03-04T11:00:30+01:00',
      eventTimeZoneOffset: '+01:00',
      epcList: ['urn:epc:id:sgtin:0614141.011111.987'],
      action: 'OBSERVE',
      bizStep: 'departing',
      disposition: 'in_transit',
      readPoint: { id: 'urn:epc:id:sgln:4012345.00011.0', 'example:myField1': 'AB-12' },
      bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epc:id:gdti:4012345.11111.123' }],
      sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:4012345.00000' }],
      destinationList: [{ type: 'owning_party', destination: 'urn:epc:id:pgln:0614141.00000' }],
      'example:userExt': 'CD-34',
    };
    expect(digest(eventHashId(event, { example: 'https://ns.example.com/epcis/' }))).toBe(
      '3ae14c02c4bdc220cc31942cf804f6845eb8dec96ba6483391c92a9b165f9329',
    );
  });

  it('time stamps with more than three decimals, Digital Links on another host, a geo read point', () => {
    const events: Event[] = [
      {
        type: 'ObjectEvent',
        eventTime: '2023-02-02T11:04:03.1415Z',
        eventTimeZoneOffset: '+01:00',
        epcList: ['https://id.gs1.de/00/040123451111111110'],
        action: 'OBSERVE',
        bizStep: 'shipping',
        disposition: 'in_transit',
        readPoint: { id: 'https://id.gs1.de/414/4012345000115' },
      },
      {
        type: 'ObjectEvent',
        eventTime: '2023-02-02T11:04:03.1414Z',
        eventTimeZoneOffset: '+01:00',
        epcList: ['https://id.gs1.de/00/040123451111111110'],
        action: 'OBSERVE',
        bizStep: 'transporting',
        readPoint: { id: 'geo:50.947573340894124,6.922120147375441' },
      },
      {
        type: 'ObjectEvent',
        eventTime: '2023-02-12T11:04:03.1415Z',
        eventTimeZoneOffset: '+01:00',
        certificationInfo: 'https://accreditation-council.example.org/certificate/ABC12345',
        epcList: ['https://id.gs1.de/01/04012345999990/21/XYZ-1234'],
        action: 'OBSERVE',
        bizStep: 'receiving',
        disposition: 'in_progress',
        readPoint: { id: 'https://id.gs1.de/414/4012345000115' },
        sensorElementList: [
          {
            sensorMetadata: { time: '2023-02-12T11:04:03.1007Z', bizRules: 'https://id.example.com/253/4012345000054987' },
            sensorReport: [
              {
                type: 'Dimensionless',
                exception: 'ALARM_CONDITION',
                coordinateReferenceSystem: 'http://www.opengis.net/def/crs/EPSG/0/27700',
              },
            ],
          },
        ],
      },
    ];
    expect(events.map((e) => digest(eventHashId(e)))).toEqual([
      'af7658e711574363633f20b3dadc7bc4c13c6f612cf96d95e03c421c0e58f3c6',
      '0550df44527332c1fe417c5837fe61b9e71eaa93307b88519dac549bf2d4dcf9',
      'bf052637920f56c28bd6bc4ce10bb296203fcddc543f1e293d5a77b07592dcec',
    ]);
  });

  it('identifier normalisation across EPC schemes, percent-encoding, short names and other hosts', () => {
    const event: Event = {
      type: 'ObjectEvent',
      eventTime: '2019-04-02T15:00:00.000+01:00',
      eventTimeZoneOffset: '+01:00',
      epcList: [
        'urn:epc:id:sgtin:4012345.011111.9876',
        'urn:epc:id:sgtin:4012345.011111.98%22',
        'urn:epc:id:sgtin:415056789012.0.987654',
        'urn:epc:id:sgtin:0614141.812345.6789%2F%26%25%22!%3F()',
        'urn:epc:id:sscc:4012345.3111111111',
        'urn:epc:id:sgln:4012345.00005.122',
        'urn:epc:id:sgln:4012345.00005.0',
        'urn:epc:id:grai:4012345.00022.334455',
        'urn:epc:id:giai:4012345.ABC345',
        'urn:epc:id:gsrn:4012345.0000006765',
        'urn:epc:id:gsrnp:4012345.0000000007',
        'urn:epc:id:gdti:4012345.00009.PO-4711',
        'urn:epc:id:gdti:987659999999..9',
        'urn:epc:id:cpi:0614141.11111111111111-A%23%2F.1234',
        'urn:epc:id:ginc:0614141.xyz47%2F11',
        'urn:epc:id:gsin:4012345.222333444',
        'urn:epc:id:itip:4012345.011111.01.02.987',
        "urn:epc:id:upui:1234567.098765.51qIgY)%3C%26Jp3*j7'SDB",
        'urn:epc:id:pgln:4000001.00000',
        'urn:epc:id:pgln:999999999999.',
        'urn:epc:class:lgtin:4012345.012345.Lot987',
        'https://id.gs1.org/gtin/09780345418913',
        'https://example.com/gtin/09780345418913/21/765tz?abc=211121',
      ],
      action: 'OBSERVE',
      bizStep: 'inspecting',
      readPoint: { id: 'urn:epc:id:sgln:4012345.00005.0' },
    };
    expect(digest(eventHashId(event))).toBe('028e1a1a0aef2be946fa8026eec361159033cab9d4da3f94bee1d58070b20198');
  });

  it('object, aggregation, transaction and transformation events (quantities, ILMD, user vocabulary)', () => {
    const cases: [Event, string][] = [
      [
        {
          type: 'ObjectEvent',
          eventTime: '2019-10-21T11:00:30.000+01:00',
          eventTimeZoneOffset: '+01:00',
          epcList: ['urn:epc:id:sscc:5200001.0111111146'],
          action: 'OBSERVE',
          bizStep: 'departing',
          readPoint: { id: 'urn:epc:id:sgln:5200001.99901.0' },
          bizTransactionList: [
            { type: 'desadv', bizTransaction: 'urn:epcglobal:cbv:bt:5200001000008:4711' },
            { type: 'inv', bizTransaction: 'urn:epcglobal:cbv:bt:5200001000008:RE1099' },
          ],
          sourceList: [{ type: 'possessing_party', source: 'urn:epc:id:pgln:5200001.00000' }],
          destinationList: [
            { type: 'possessing_party', destination: 'urn:epc:id:pgln:4000001.98765' },
            { type: 'location', destination: 'urn:epc:id:sgln:4012345.00012.0' },
          ],
        },
        '253f0178f96349eedc207505b49044a602129605cf692e3d9f1f36c8bd1dfb0d',
      ],
      [
        {
          type: 'ObjectEvent',
          eventTime: '2019-10-21T14:58:56.000+02:00',
          eventTimeZoneOffset: '+02:00',
          quantityList: [{ epcClass: 'urn:epc:class:lgtin:4054739.099914.20160711', quantity: 600, uom: 'KGM' }],
          action: 'ADD',
          bizStep: 'commissioning',
          readPoint: { id: 'urn:epc:id:sgln:4054739.00001.0' },
          ilmd: { 'cbvmda:bestBeforeDate': '2019-10-21' },
        },
        '5f396ea5cb32fe4d0980cb79f5a5eb9640559e9f5a6cefa5c98a7d6ad554b50b',
      ],
      [
        {
          type: 'AggregationEvent',
          eventTime: '2019-10-21T11:58:56.591+02:00',
          eventTimeZoneOffset: '+02:00',
          parentID: 'urn:epc:id:sscc:4047023.0111111122',
          childEPCs: [
            'urn:epc:id:sgtin:4047023.077551.98',
            'urn:epc:id:sgtin:4047023.077551.97',
            'urn:epc:id:sgtin:4047023.077551.107',
            'urn:epc:id:sgtin:4047023.077551.109',
          ],
          action: 'ADD',
          bizStep: 'packing',
          readPoint: { id: 'urn:epc:id:sgln:4047023.00012.0' },
        },
        'c941e6486c561c2be83c28dc228c150eaef9a6befb1015e6cc563982fb7414b6',
      ],
      [
        {
          type: 'AggregationEvent',
          eventTime: '2019-10-21T17:30:56.591+02:00',
          eventTimeZoneOffset: '+02:00',
          parentID: 'urn:epc:id:sscc:4012344.0111111133',
          childQuantityList: [
            { epcClass: 'urn:epc:class:lgtin:4054739.099902.P2', quantity: 12, uom: 'KGM' },
            { epcClass: 'urn:epc:class:lgtin:4054739.012345.lot2', quantity: 17 },
          ],
          action: 'ADD',
          bizStep: 'packing',
          readPoint: { id: 'urn:epc:id:sgln:4012345.00025.0' },
        },
        'cfda50b7ff23682e989bafc3747ac9b752f405305fcde6618280f6be27344f35',
      ],
      [
        {
          type: 'TransactionEvent',
          eventTime: '2019-10-21T00:05:00-06:00',
          eventTimeZoneOffset: '-06:00',
          epcList: ['urn:epc:id:sgtin:0614141.107340.1', 'urn:epc:id:sgtin:0614141.107340.2'],
          action: 'ADD',
          bizStep: 'shipping',
          readPoint: { id: 'urn:epc:id:sgln:4012345.00000.5' },
          bizLocation: { id: 'urn:epc:id:sgln:4012345.00000.0' },
          bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:4012345123456:RE100099' }],
        },
        'cf6559dc931963f19ed9cd2fe33c02ef64c8cfd557e5a96b086a87db315b7122',
      ],
      [
        {
          type: 'TransformationEvent',
          eventTime: '2019-10-21T14:58:56.591+02:00',
          eventTimeZoneOffset: '+02:00',
          inputEPCList: ['urn:epc:id:sgtin:4012345.011122.25', 'urn:epc:id:sgtin:4000001.065432.99886655'],
          outputEPCList: [
            'urn:epc:id:sgtin:4012345.077889.25',
            'urn:epc:id:sgtin:4012345.077889.26',
            'urn:epc:id:sgtin:4012345.077889.27',
            'urn:epc:id:sgtin:4012345.077889.28',
          ],
          transformationID: 'urn:epc:id:gdti:4012345.55555.1234',
          bizStep: 'commissioning',
          readPoint: { id: 'urn:epc:id:sgln:4012345.00001.0' },
          ilmd: { 'example:bestBeforeDate': '2020-11-10', 'example:batch': '4711' },
        },
        '335da6c3ab1d932824748791beec4d7ed261ed383f6849f6b8718e8fafb4d298',
      ],
      [
        {
          type: 'TransformationEvent',
          eventTime: '2019-10-21T14:58:56.591+02:00',
          eventTimeZoneOffset: '+02:00',
          inputEPCList: ['urn:epc:id:sgtin:4012345.011122.25', 'urn:epc:id:sgtin:4000001.065432.99886655'],
          outputQuantityList: [{ epcClass: 'urn:epc:class:lgtin:4054739.099902.P20131121', quantity: 9520 }],
          transformationID: 'urn:epc:id:gdti:4012345.55555.1234',
          bizStep: 'http://epcis.example.com/user/vocab/bizstep/exampling',
          readPoint: { id: 'urn:epc:id:sgln:4012345.00001.0' },
        },
        '756558aa09b2d38c6bcb6e50eab2fcbebd9bde17362a7c4f4686a5d7f5fb013f',
      ],
    ];
    const context = { example: 'https://ns.example.com/epcis/', cbvmda: 'urn:epcglobal:cbv:mda:' };
    for (const [event, expected] of cases) expect(digest(eventHashId(event, context)), String(event['type'])).toBe(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// Hand-made events and the properties the hash must have.

const NS = { ex: 'https://ns.lotline.example/ext/' };

/** A receiving event with most standard fields, ILMD and extensions. */
function receiving(): Event {
  return {
    type: 'ObjectEvent',
    eventTime: '2026-05-04T08:15:00.250+02:00',
    eventTimeZoneOffset: '+02:00',
    eventID: 'urn:uuid:6b1c0a52-7a55-4f7f-a5c5-0b7f1c2f2d10',
    recordTime: '2026-05-04T08:16:01.000Z',
    epcList: ['urn:epc:id:sgtin:4012345.012345.400', 'urn:epc:id:sgtin:4012345.012345.401'],
    quantityList: [
      { epcClass: 'urn:epc:class:lgtin:4012345.012345.LOT7', quantity: 120.5, uom: 'KGM' },
      { epcClass: 'urn:epc:class:lgtin:4012345.054321.B%2F9', quantity: 10, uom: 'KGM' },
    ],
    action: 'OBSERVE',
    bizStep: 'receiving',
    disposition: 'in_progress',
    readPoint: { id: 'urn:epc:id:sgln:4012345.00001.dock2' },
    bizLocation: { id: 'urn:epc:id:sgln:4012345.00001.0' },
    bizTransactionList: [
      { type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:4012345000009:PO-1001' },
      { type: 'desadv', bizTransaction: 'urn:epcglobal:cbv:bt:5200001000008:ASN-77' },
    ],
    sourceList: [
      { type: 'owning_party', source: 'urn:epc:id:pgln:5200001.00000' },
      { type: 'location', source: 'urn:epc:id:sgln:5200001.99901.0' },
    ],
    destinationList: [{ type: 'owning_party', destination: 'urn:epc:id:pgln:4012345.00000' }],
    ilmd: { 'cbvmda:countryOfOrigin': 'DE', 'cbvmda:bestBeforeDate': '2026-12-31' },
    'ex:supplierLot': 'S-2026-118',
    'ex:inspection': { 'ex:temperature': '3.5', 'ex:inspector': 'op-17' },
  };
}

const hash = (e: Event, context: Record<string, string> = NS): string => eventHashId(e, context);
const withField = (field: string, value: unknown): Event => ({ ...receiving(), [field]: value });

describe('eventHashId', () => {
  it('has the ni URI form with a lowercase SHA-256 and the CBV version', () => {
    expect(EVENT_HASH_VERSION).toBe('CBV2.0');
    expect(hash(receiving())).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
  });

  it('does not depend on the order of the keys', () => {
    const e = receiving();
    const reversed = Object.fromEntries(Object.entries(e).reverse());
    const nested = {
      ...reversed,
      quantityList: (e['quantityList'] as Event[]).map((q) => Object.fromEntries(Object.entries(q).reverse())),
      bizTransactionList: (e['bizTransactionList'] as Event[]).map((q) => Object.fromEntries(Object.entries(q).reverse())),
      'ex:inspection': { 'ex:inspector': 'op-17', 'ex:temperature': '3.5' },
    };
    expect(hash(nested)).toBe(hash(e));
  });

  it('does not depend on the order of list elements', () => {
    const e = receiving();
    const shuffled: Event = {
      ...e,
      epcList: [...(e['epcList'] as string[])].reverse(),
      quantityList: [...(e['quantityList'] as Event[])].reverse(),
      bizTransactionList: [...(e['bizTransactionList'] as Event[])].reverse(),
      sourceList: [...(e['sourceList'] as Event[])].reverse(),
    };
    expect(hash(shuffled)).toBe(hash(e));
  });

  it('treats the CBV spellings bare, web URI, URN and compact IRI as the same value', () => {
    const spellings = [
      'shipping',
      'https://ref.gs1.org/cbv/BizStep-shipping',
      'urn:epcglobal:cbv:bizstep:shipping',
      'cbv:BizStep-shipping',
    ];
    const hashes = spellings.map((s) => hash(withField('bizStep', s)));
    expect(new Set(hashes).size).toBe(1);
    expect(hash(withField('disposition', 'urn:epcglobal:cbv:disp:in_progress'))).toBe(hash(receiving()));
    expect(hash(withField('disposition', 'https://ref.gs1.org/cbv/Disp-in_progress'))).toBe(hash(receiving()));
    const typed = withField('bizTransactionList', [
      { type: 'urn:epcglobal:cbv:btt:po', bizTransaction: 'urn:epcglobal:cbv:bt:4012345000009:PO-1001' },
      { type: 'https://ref.gs1.org/cbv/BTT-desadv', bizTransaction: 'urn:epcglobal:cbv:bt:5200001000008:ASN-77' },
    ]);
    expect(hash(typed)).toBe(hash(receiving()));
    const sdt = withField('sourceList', [
      { type: 'urn:epcglobal:cbv:sdt:owning_party', source: 'urn:epc:id:pgln:5200001.00000' },
      { type: 'https://ref.gs1.org/cbv/SDT-location', source: 'urn:epc:id:sgln:5200001.99901.0' },
    ]);
    expect(hash(sdt)).toBe(hash(receiving()));
  });

  it('treats EPC URNs and Digital Links on any host (short names, GTIN-13, query strings) as the same identifier', () => {
    const asLinks: Event = {
      ...receiving(),
      epcList: [
        'https://brand.example.com/01/04012345123456/21/400?exp=261231',
        'https://id.gs1.org/gtin/4012345123456/ser/401',
      ],
      quantityList: [
        { epcClass: 'https://resolver.example.org/products/01/04012345123456/10/LOT7', quantity: 120.5, uom: 'KGM' },
        // The lot "B/9": percent-encoded in lowercase, with a CPV the constrained form drops.
        { epcClass: 'https://example.com/01/04012345543216/22/V1/10/B%2f9', quantity: 10, uom: 'KGM' },
      ],
      readPoint: { id: 'https://example.com/414/4012345000016/254/dock2' },
      bizLocation: { id: 'https://id.gs1.org/414/4012345000016' },
      sourceList: [
        { type: 'owning_party', source: 'https://id.gs1.org/417/5200001000008' },
        { type: 'location', source: 'https://partner.example.net/gln/5200001999012' },
      ],
      destinationList: [{ type: 'owning_party', destination: 'https://id.gs1.org/party/4012345000009' }],
    };
    expect(preHashString(asLinks, NS)).toBe(preHashString(receiving(), NS));
    expect(hash(asLinks)).toBe(hash(receiving()));
  });

  it('keeps the serial when a Digital Link also carries the lot, as an SGTIN does', () => {
    const withLot = withField('epcList', [
      'urn:epc:id:sgtin:4012345.012345.401',
      'https://id.gs1.org/01/04012345123456/10/LOT7/21/400',
    ]);
    expect(hash(withLot)).toBe(hash(receiving()));
  });

  it('treats the same instant written in another time zone, or without milliseconds, as the same time', () => {
    expect(hash(withField('eventTime', '2026-05-04T06:15:00.250Z'))).toBe(hash(receiving()));
    expect(hash(withField('eventTime', '2026-05-04T01:15:00.25-05:00'))).toBe(hash(receiving()));
    const whole = hash(withField('eventTime', '2026-05-04T06:15:00Z'));
    expect(hash(withField('eventTime', '2026-05-04T08:15:00+02:00'))).toBe(whole);
    expect(hash(withField('eventTime', '2026-05-04T06:15:00.000Z'))).toBe(whole);
    // A fourth decimal of 5-9 rounds the third up, also across the second.
    expect(hash(withField('eventTime', '2026-05-04T06:15:00.2495Z'))).toBe(hash(receiving()));
    expect(hash(withField('eventTime', '2026-05-04T06:14:59.9996Z'))).toBe(whole);
    expect(preHashString(withField('eventTime', '2026-05-04T06:14:59.9996Z'), NS)).toContain('eventTime=2026-05-04T06:15:00.000Z');
  });

  it('writes quantities without trailing zeros, so 10, 10.0 and "10.00" are the same', () => {
    const q = (quantity: unknown): Event =>
      withField('quantityList', [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.LOT7', quantity, uom: 'KGM' }]);
    expect(hash(q(10))).toBe(hash(q(10.0)));
    expect(hash(q('10.00'))).toBe(hash(q(10)));
    expect(hash(q(10.5))).not.toBe(hash(q(10)));
    expect(preHashString(q(0.00001), NS)).toContain('quantity=1e-05');
  });

  it('ignores eventID, recordTime, errorDeclaration and certificationInfo', () => {
    const base = hash(receiving());
    const { eventID: _id, recordTime: _rt, ...bare } = receiving();
    expect(hash(bare)).toBe(base);
    expect(hash(withField('eventID', 'ni:///sha-256;00?ver=CBV2.0'))).toBe(base);
    expect(hash(withField('recordTime', '2030-01-01T00:00:00Z'))).toBe(base);
    const declared = withField('errorDeclaration', {
      declarationTime: '2026-05-05T10:00:00Z',
      reason: 'incorrect_data',
      correctiveEventIDs: ['urn:uuid:1b0e2c7e-8f7a-4d7e-9d0e-6f0c3b1a2d3e'],
    });
    expect(hash(declared)).toBe(base);
    expect(hash(withField('certificationInfo', 'https://cert.example.org/ABC'))).toBe(base);
    expect(preHashString(declared, NS)).not.toMatch(/eventID|recordTime|errorDeclaration|declarationTime/);
  });

  it('names extensions by namespace, not by the prefix a document happens to use', () => {
    const { 'ex:supplierLot': lot, 'ex:inspection': _insp, ...rest } = receiving();
    const other = { ...rest, 'q:supplierLot': lot, 'q:inspection': { 'q:temperature': '3.5', 'q:inspector': 'op-17' } };
    expect(hash(other, { q: NS.ex })).toBe(hash(receiving()));
    expect(hash(receiving(), { ex: 'https://other.example/ns/' })).not.toBe(hash(receiving()));
    expect(preHashString(receiving(), NS)).toContain('{https://ns.lotline.example/ext/}supplierLot=S-2026-118');
  });

  it('changes with every meaningful field', () => {
    const base = hash(receiving());
    const variants: [string, unknown][] = [
      ['type', 'TransactionEvent'],
      ['eventTime', '2026-05-04T08:15:00.251+02:00'],
      ['eventTimeZoneOffset', '+01:00'],
      ['epcList', ['urn:epc:id:sgtin:4012345.012345.400', 'urn:epc:id:sgtin:4012345.012345.402']],
      ['epcList', ['urn:epc:id:sgtin:4012345.012345.400']],
      ['quantityList', [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.LOT7', quantity: 120.5, uom: 'KGM' }]],
      [
        'quantityList',
        [
          { epcClass: 'urn:epc:class:lgtin:4012345.012345.LOT7', quantity: 120.5, uom: 'LTR' },
          { epcClass: 'urn:epc:class:lgtin:4012345.054321.B%2F9', quantity: 10, uom: 'KGM' },
        ],
      ],
      [
        'quantityList',
        [
          { epcClass: 'urn:epc:class:lgtin:4012345.012345.LOT8', quantity: 120.5, uom: 'KGM' },
          { epcClass: 'urn:epc:class:lgtin:4012345.054321.B%2F9', quantity: 10, uom: 'KGM' },
        ],
      ],
      ['action', 'ADD'],
      ['bizStep', 'shipping'],
      ['bizStep', 'http://plant.example/steps/receiving'],
      ['disposition', 'non_sellable_other'],
      ['persistentDisposition', { set: ['completeness_verified'] }],
      ['readPoint', { id: 'urn:epc:id:sgln:4012345.00001.dock3' }],
      ['bizLocation', { id: 'urn:epc:id:sgln:4012345.00002.0' }],
      ['bizTransactionList', [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:4012345000009:PO-1001' }]],
      [
        'bizTransactionList',
        [
          { type: 'inv', bizTransaction: 'urn:epcglobal:cbv:bt:4012345000009:PO-1001' },
          { type: 'desadv', bizTransaction: 'urn:epcglobal:cbv:bt:5200001000008:ASN-77' },
        ],
      ],
      ['sourceList', [{ type: 'owning_party', source: 'urn:epc:id:pgln:5200001.00000' }]],
      ['destinationList', [{ type: 'possessing_party', destination: 'urn:epc:id:pgln:4012345.00000' }]],
      ['ilmd', { 'cbvmda:countryOfOrigin': 'FR', 'cbvmda:bestBeforeDate': '2026-12-31' }],
      ['ex:supplierLot', 'S-2026-119'],
      ['ex:inspection', { 'ex:temperature': '3.6', 'ex:inspector': 'op-17' }],
      ['ex:newField', 'x'],
      ['parentID', 'urn:epc:id:sscc:4012345.0000000001'],
      ['sensorElementList', [{ sensorReport: [{ type: 'Temperature', value: 4, uom: 'CEL' }] }]],
    ];
    const seen = new Set([base]);
    for (const [field, value] of variants) {
      const h = hash(withField(field, value));
      expect(h, `${field} = ${JSON.stringify(value)}`).not.toBe(base);
      seen.add(h);
    }
    expect(seen.size).toBe(variants.length + 1);
    const { ilmd: _ilmd, ...withoutIlmd } = receiving();
    expect(hash(withoutIlmd)).not.toBe(base);
  });

  it('distinguishes the standard sensor vocabularies from user values', () => {
    const sensor = (report: Event): string => hash(withField('sensorElementList', [{ sensorReport: [report] }]));
    expect(sensor({ type: 'Temperature', value: 4, uom: 'CEL' })).toBe(
      sensor({ type: 'gs1:Temperature', value: 4.0, uom: 'CEL' }),
    );
    expect(sensor({ type: 'Temperature', value: 4, uom: 'CEL' })).not.toBe(sensor({ type: 'Temperature', value: 4, uom: 'FAH' }));
    expect(sensor({ type: 'Temperature', value: 4, uom: 'CEL', time: '2026-05-04T08:00:00+02:00' })).toBe(
      sensor({ type: 'Temperature', value: 4, uom: 'CEL', time: '2026-05-04T06:00:00.000Z' }),
    );
  });

  it('hashes any object without throwing, malformed identifiers as written', () => {
    const odd: Event = {
      type: 'ObjectEvent',
      eventTime: 'not a time',
      epcList: ['urn:epc:id:sgtin:bad', 'https://example.com/constructor/1234', 'urn:epc:id:gdti:12.3.x', null, 42],
      readPoint: 'urn:epc:id:sgln:4012345.00001.0',
      quantityList: [null, { quantity: 'NaN' }],
      'ex:deep': [[{ 'ex:x': null }], true],
    };
    const h = hash(odd);
    expect(h).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
    expect(hash(odd)).toBe(h);
    expect(preHashString(odd, NS)).toContain('epc=urn:epc:id:sgtin:bad');
    expect(eventHashId({})).toBe(eventHashId({ recordTime: '2026-01-01T00:00:00Z' }));
  });

  it('keeps lists and key order out of the hash for any permutation (property)', () => {
    const serials = ['1', '22', '333', 'A%2FB', 'x-9', '0042'];
    fc.assert(
      fc.property(
        fc.shuffledSubarray(serials, { minLength: 1 }),
        fc.func(fc.integer()),
        (subset, rank) => {
          const epcs = subset.map((s) => `urn:epc:id:sgtin:4012345.012345.${s}`);
          const sorted = [...subset].sort().map((s) => `urn:epc:id:sgtin:4012345.012345.${s}`);
          const shuffledKeys = Object.fromEntries(
            Object.entries(withField('epcList', epcs)).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)),
          );
          return hash(shuffledKeys) === hash(withField('epcList', sorted));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('eventHashIds: both ids in one pass when they can be', () => {
  const base = {
    type: 'ObjectEvent',
    eventTime: '2026-05-04T08:00:00+02:00',
    eventTimeZoneOffset: '+02:00',
    action: 'OBSERVE',
    quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.LOT7', quantity: 10, uom: 'KGM' }],
  };
  const cases: [string, Record<string, unknown>][] = [
    ['no numeric strings', base],
    ['an extension value that reads as a number', { ...base, 'ex:batch': '0012' }],
    ['a numeric string in a standard field', { ...base, quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.LOT7', quantity: '10.0' }] }],
    ['a nested extension with a number', { ...base, ilmd: { 'ex:grade': { 'ex:level': '3' } } }],
  ];
  it.each(cases)('%s: equal to the strict and the GS1 hash computed apart', (_name, event) => {
    const ctx = { ex: 'https://example.com/ns/' };
    const both = eventHashIds(event, ctx);
    expect(both.strict).toBe(eventHashId(event, ctx, { strictValues: true }));
    expect(both.gs1).toBe(eventHashId(event, ctx));
    expect(eventHashIds(event, ctx, undefined, true)).toEqual({ strict: both.strict, gs1: undefined });
  });

  it('the two differ exactly when a string value reads as a number', () => {
    expect(eventHashIds(cases[0]![1], {}).strict).toBe(eventHashIds(cases[0]![1], {}).gs1);
    expect(eventHashIds(cases[1]![1], {}).strict).not.toBe(eventHashIds(cases[1]![1], {}).gs1);
  });

  it('holds for arbitrary extension values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[+-]?\d{1,4}(\.\d{0,3})?$/), fc.double({ noNaN: true, noDefaultInfinity: true })), (v) => {
        const event = { ...base, 'ex:v': v };
        const both = eventHashIds(event, {});
        expect(both).toEqual({ strict: eventHashId(event, {}, { strictValues: true }), gs1: eventHashId(event, {}) });
      }),
    );
  });
});

describe('list order in the pre-hash string', () => {
  const ev = (epcList: string[]) => ({ type: 'ObjectEvent', eventTime: '2026-05-04T08:00:00Z', eventTimeZoneOffset: '+00:00', action: 'OBSERVE', epcList });

  it('is code-point order, also where UTF-16 order differs (a character above U+FFFF against one in U+E000–U+FFFF)', () => {
    const astral = 'urn:x:\u{1F600}';
    const bmp = 'urn:x:\uFF21';
    // UTF-16 puts the astral character (a surrogate pair, 0xD83D…) first; code points put U+FF21 first
    expect(preHashString(ev([astral, bmp]))).toContain(`epcListepc=${bmp}epc=${astral}`);
    expect(preHashString(ev([bmp, astral]))).toContain(`epcListepc=${bmp}epc=${astral}`);
  });

  it('is the same whatever the input order, for plain ASCII too', () => {
    expect(preHashString(ev(['urn:x:b', 'urn:x:a', 'urn:x:ab']))).toContain('epcListepc=urn:x:aepc=urn:x:abepc=urn:x:b');
  });
});

describe('times in the pre-hash string', () => {
  const ev = (eventTime: string) => ({ type: 'ObjectEvent', eventTime, action: 'OBSERVE' });
  it.each([
    ['2026-05-04T10:15:00+02:00', '2026-05-04T08:15:00.000Z'],
    ['2026-02-30T00:00:00Z', '2026-03-02T00:00:00.000Z'],
    ['0050-01-01T00:00:00Z', '0050-01-01T00:00:00.000Z'],
    ['0099-12-31T23:59:59.9996-01:00', '0100-01-01T01:00:00.000Z'],
    ['0100-01-01T00:00:00.1234Z', '0100-01-01T00:00:00.123Z'],
  ])('%s is written as %s (years 0–99 are not read as 19xx)', (input, utc) => {
    expect(preHashString(ev(input))).toBe(`eventType=ObjectEventeventTime=${utc}action=OBSERVE`);
  });
});
