import { describe, expect, it } from 'vitest';
import { IspEventClaims, IspEvidenceClaims } from '../../lambdas/core/evidence.js';
import { checkEvidenceAgainstOrder } from '../../lambdas/core/isp-messages.js';
import type { OpenedOrder } from '../../lambdas/core/order.js';
import { toFieldErrors } from '../../lambdas/core/parse.js';
import { StartIdentificationRequest } from '../../lambdas/core/schemas.js';
import {
  addYears,
  defaultPerson,
  describeMessage,
  planMessages,
  resolvePerson,
  SIMULATOR_STATUSES,
  SIMULATOR_VETTER,
  type SimulatedPerson,
  simulatedEvidence,
} from '../../lambdas/core/test-isp.js';
import { SimulatorApiRequest, SimulatorForm } from '../../lambdas/core/test-isp-schemas.js';
import { paperStartBody } from '../support/white-paper.js';

const NOW = new Date('2025-03-10T08:30:00.000Z');
const REF_ID = '6213d8b0-173b-4889-a194-dd5db02c67d9';

function order(overrides: Partial<OpenedOrder> = {}): OpenedOrder {
  return {
    refId: REF_ID,
    clientId: 'demo-portal',
    issuer: 'Test-ISP',
    adapter: 'test-isp',
    method: 'video',
    loa: 3,
    jurisdictions: ['ZERTES', 'EIDAS'],
    offline: false,
    person: {
      firstName: 'Richard',
      lastName: 'Smith',
      dob: '1980-05-17',
      email: 'richard.smith@example.com',
      mobile: '+41773333240',
      language: 'en',
    },
    redirectUrl: null,
    state: null,
    ispOrderId: REF_ID,
    targetURL: `https://srs.example/test-isp/orders/${REF_ID}`,
    createdAt: '2025-03-10T08:00:00.000Z',
    expiresAt: '2025-03-10T12:00:00.000Z',
    timeoutSeconds: 14_400,
    statuses: [
      { status: 'created', date: '2025-03-10T08:00:00.000Z', reason: null, kind: null },
      { status: 'initialized', date: '2025-03-10T08:00:00.100Z', reason: null, kind: null },
    ],
    evidenceId: null,
    version: 1,
    ...overrides,
  };
}

const person = (overrides: Partial<SimulatedPerson> = {}): SimulatedPerson => ({
  ...defaultPerson(order(), NOW),
  ...overrides,
});

const validForm = (overrides: Record<string, string> = {}) => ({
  firstName: 'Richard',
  lastName: 'Smith',
  email: 'richard.smith@example.com',
  mobile: '+41773333240',
  dob: '1980-05-17',
  placeOfBirth: 'Zürich',
  nationality: 'CH',
  idCardNumber: 'C1234567',
  validUntil: '2030-01-31',
  status: 'data-ready',
  reason: '',
  ...overrides,
});

describe('Test-ISP simulator mapping', () => {
  describe('status of identity', () => {
    it('sends "Waiting for doc" as one waiting-for-doc event', () => {
      expect(planMessages(order(), 'waiting-for-doc', person(), NOW)).toEqual([
        { kind: 'event', claims: { refId: REF_ID, event: 'waiting-for-doc' } },
      ]);
    });

    it('sends "Identification done" as one done event', () => {
      expect(planMessages(order(), 'done', person(), NOW)).toEqual([
        { kind: 'event', claims: { refId: REF_ID, event: 'done' } },
      ]);
    });

    it('sends "Data ready" as the done event followed by the evidence', () => {
      const messages = planMessages(order(), 'data-ready', person(), NOW);

      expect(messages.map((m) => m.kind)).toEqual(['event', 'evidence']);
      expect(messages[0]).toEqual({ kind: 'event', claims: { refId: REF_ID, event: 'done' } });
      expect(messages[1]).toEqual({
        kind: 'evidence',
        claims: { refId: REF_ID, evidence: simulatedEvidence(order(), person(), NOW) },
      });
    });

    it.each([
      ['cancelled-user', 'user'],
      ['cancelled-isp', 'isp'],
      ['unsuccessful', 'unsuccessful'],
    ] as const)('sends "%s" as one cancelled event of kind %s', (status, kind) => {
      expect(planMessages(order(), status, person(), NOW)).toEqual([
        { kind: 'event', claims: { refId: REF_ID, event: 'cancelled', kind } },
      ]);
    });

    it('sends the reason with a cancellation when one is given', () => {
      const [message] = planMessages(order(), 'cancelled-isp', person(), NOW, 'Document not readable');

      expect(message).toEqual({
        kind: 'event',
        claims: { refId: REF_ID, event: 'cancelled', kind: 'isp', reason: 'Document not readable' },
      });
    });

    it.each(SIMULATOR_STATUSES)('plans "%s" as messages the ISP callback schemas accept', (status) => {
      for (const m of planMessages(order(), status, person(), NOW, 'a reason')) {
        const schema = m.kind === 'event' ? IspEventClaims : IspEvidenceClaims;
        expect(schema.safeParse(m.claims).success).toBe(true);
      }
    });

    it('names each message for the result page', () => {
      const names = SIMULATOR_STATUSES.flatMap((s) => planMessages(order(), s, person(), NOW)).map(
        describeMessage,
      );

      expect(names).toEqual([
        'event waiting-for-doc',
        'event done',
        'event done',
        'evidence',
        'event cancelled (user)',
        'event cancelled (isp)',
        'event cancelled (unsuccessful)',
      ]);
    });
  });

  describe('evidence', () => {
    it('takes method, LoA and jurisdictions from the order and the person data from the form', () => {
      const p = person({
        firstName: 'Richard',
        lastName: 'Smith',
        mobile: '+41773333240',
        dob: '1980-05-17',
        placeOfBirth: 'Zürich',
        nationality: 'DE',
        idCardNumber: 'L01X00T47',
        validUntil: '2031-07-01',
      });

      const evidence = simulatedEvidence(order({ method: 'test', loa: 4, jurisdictions: ['EIDAS'] }), p, NOW);

      expect(evidence).toEqual({
        method: 'test',
        loa: 4,
        jurisdictions: ['EIDAS'],
        mobile: '+41773333240',
        vetter: SIMULATOR_VETTER,
        identified_at: NOW.toISOString(),
        verified_claims: {
          verification: {
            trust_framework: 'de_aml',
            time: NOW.toISOString(),
            evidence: [
              {
                type: 'document',
                document_details: {
                  type: 'idcard',
                  document_number: 'L01X00T47',
                  issuer: { country: 'DE' },
                  date_of_expiry: '2031-07-01',
                },
              },
            ],
          },
          claims: {
            given_name: 'Richard',
            family_name: 'Smith',
            birthdate: '1980-05-17',
            place_of_birth: { locality: 'Zürich' },
            nationalities: ['DE'],
          },
        },
      });
    });

    it('fits the order it was made for', () => {
      const o = order();

      expect(checkEvidenceAgainstOrder(simulatedEvidence(o, defaultPerson(o, NOW), NOW), o)).toEqual([]);
    });

    it('carries the mobile number of the form, so a different one is refused by the service', () => {
      const o = order();

      const evidence = simulatedEvidence(o, person({ mobile: '+41790000000' }), NOW);

      expect(checkEvidenceAgainstOrder(evidence, o)).toContain('mobile does not match the order');
    });

    it('carries an expired document date as given, so a tester can provoke the refusal', () => {
      const o = order();

      const evidence = simulatedEvidence(o, person({ validUntil: '2020-01-01' }), NOW);

      expect(checkEvidenceAgainstOrder(evidence, o)).toContain('the identity document had expired');
    });
  });

  describe('defaults', () => {
    it('prefills the person from the order and the document with test values valid for five years', () => {
      expect(defaultPerson(order(), NOW)).toEqual({
        firstName: 'Richard',
        lastName: 'Smith',
        email: 'richard.smith@example.com',
        mobile: '+41773333240',
        dob: '1980-05-17',
        placeOfBirth: 'Bern',
        nationality: 'CH',
        idCardNumber: 'C1234567',
        validUntil: '2030-03-10',
      });
    });

    it('lets given person fields override the defaults and ignores absent ones', () => {
      const resolved = resolvePerson(order(), { firstName: 'Anna', nationality: undefined }, NOW);

      expect(resolved).toEqual({ ...defaultPerson(order(), NOW), firstName: 'Anna' });
    });

    it('moves 29 February to 1 March when adding years lands on a common year', () => {
      expect(addYears('2028-02-29', 5)).toBe('2033-03-01');
      expect(addYears('2025-03-10', 5)).toBe('2030-03-10');
    });
  });

  describe('form validation', () => {
    it('accepts the prefilled form and normalises the nationality to upper case', () => {
      const parsed = SimulatorForm.parse(validForm({ nationality: 'ch', firstName: '  Richard ' }));

      expect(parsed.nationality).toBe('CH');
      expect(parsed.firstName).toBe('Richard');
      expect(parsed.reason).toBeUndefined();
    });

    it('names every invalid field with its own message', () => {
      const result = SimulatorForm.safeParse(
        validForm({
          firstName: '',
          email: 'not-an-email',
          mobile: '0791234567',
          dob: '2999-01-01',
          nationality: 'Switzerland',
          idCardNumber: '<script>',
          validUntil: '2030-02-30',
          status: 'Data ready',
        }),
      );

      expect(result.success).toBe(false);
      const byField = Object.fromEntries(
        (result.error?.issues ?? []).map((i) => [i.path.join('.'), i.message]),
      );
      expect(byField).toEqual({
        firstName: 'Required.',
        email: 'Must be an email address.',
        mobile: expect.stringContaining('E.164'),
        dob: 'Must not lie in the future.',
        nationality: expect.stringContaining('alpha-2'),
        idCardNumber: expect.stringContaining('letters, digits'),
        validUntil: expect.stringContaining('YYYY-MM-DD'),
        status: 'Choose one of the offered statuses.',
      });
    });

    it('refuses control characters in the place of birth', () => {
      expect(SimulatorForm.safeParse(validForm({ placeOfBirth: 'Bern\u202e' })).success).toBe(false);
    });

    it('lists every refused field with the message the page shows, in the form’s order', () => {
      const result = SimulatorForm.safeParse({
        firstName: ' ',
        lastName: 'Hans-',
        email: 'x@',
        mobile: '079',
        dob: '1899-12-31',
        placeOfBirth: 'B\u0007',
        nationality: 'che',
        idCardNumber: '-1',
        validUntil: '2030-02-30',
        status: 'finished',
        reason: 'x'.repeat(501),
      });

      expect(result.success).toBe(false);
      expect(toFieldErrors(result.error as NonNullable<typeof result.error>)).toEqual([
        { field: 'firstName', message: 'Required.' },
        { field: 'lastName', message: 'Must contain letters, spaces, apostrophes, hyphens or dots only.' },
        { field: 'email', message: 'Must be an email address.' },
        { field: 'mobile', message: 'Must be an E.164 number: + then 8 to 15 digits, e.g. +41791234567.' },
        { field: 'dob', message: 'Must not be before 1900-01-01.' },
        { field: 'placeOfBirth', message: 'Must not contain control or format characters.' },
        { field: 'nationality', message: 'Must be an ISO 3166-1 alpha-2 country code, e.g. CH.' },
        { field: 'idCardNumber', message: 'Must be 1 to 50 letters, digits, spaces or hyphens.' },
        { field: 'validUntil', message: 'Valid until must be a real calendar date, YYYY-MM-DD.' },
        { field: 'status', message: 'Choose one of the offered statuses.' },
        { field: 'reason', message: 'At most 500 characters.' },
      ]);
    });

    it('refuses a form without its fields, each field named Required as when left empty', () => {
      const result = SimulatorForm.safeParse({});

      expect(result.success).toBe(false);
      const missing = 'Required.';
      expect(toFieldErrors(result.error as NonNullable<typeof result.error>)).toEqual([
        ...[
          'firstName',
          'lastName',
          'email',
          'mobile',
          'dob',
          'placeOfBirth',
          'nationality',
          'idCardNumber',
          'validUntil',
        ].map((field) => ({ field, message: missing })),
        { field: 'status', message: 'Choose one of the offered statuses.' },
      ]);
    });
  });

  describe('JSON API request', () => {
    it('accepts a status alone', () => {
      expect(SimulatorApiRequest.parse({ status: 'cancelled-user' })).toEqual({ status: 'cancelled-user' });
    });

    it('accepts a partial person', () => {
      const parsed = SimulatorApiRequest.parse({ status: 'data-ready', person: { nationality: 'DE' } });

      expect(parsed.person).toEqual({ nationality: 'DE' });
    });

    it('takes values exactly as sent: no trimming or upper-casing as the form does, so its JSON Schema says what it accepts', () => {
      for (const person of [
        { nationality: 'de' },
        { firstName: ' Richard' },
        { email: ' hans@example.ch ' },
        { mobile: '+41 79 123 45 67' },
        { idCardNumber: ' C1234567' },
      ]) {
        expect(
          SimulatorApiRequest.safeParse({ status: 'data-ready', person }).success,
          JSON.stringify(person),
        ).toBe(false);
      }
    });

    it('refuses a malformed email, mobile number or date', () => {
      for (const person of [{ email: '0' }, { mobile: '0' }, { dob: '0' }, { validUntil: '2026-02-30' }]) {
        expect(
          SimulatorApiRequest.safeParse({ status: 'data-ready', person }).success,
          JSON.stringify(person),
        ).toBe(false);
      }
    });

    it('refuses unknown statuses and unknown fields, at the top and in the person', () => {
      const result = SimulatorApiRequest.safeParse({
        status: 'finished',
        person: { mobile: '+41773333240', shoeSize: 44 },
        extra: true,
      });

      expect(result.success).toBe(false);
      const paths = (result.error?.issues ?? []).map((i) => i.path.join('.'));
      expect(paths).toEqual(expect.arrayContaining(['status', 'person', '']));
    });

    it('lists every refused field with the message the 400 problem carries', () => {
      const result = SimulatorApiRequest.safeParse({
        status: 'finished',
        person: {
          firstName: '',
          lastName: 'Hans-',
          email: ' a@b.ch',
          mobile: '079',
          dob: '2999-01-01',
          placeOfBirth: 'B\u0007',
          nationality: 'ch',
          idCardNumber: '-1',
          validUntil: '2030-02-30',
          shoeSize: 44,
        },
        reason: 'x'.repeat(501),
        extra: 1,
      });

      expect(result.success).toBe(false);
      expect(toFieldErrors(result.error as NonNullable<typeof result.error>)).toEqual([
        {
          field: 'status',
          message:
            'Must be one of "waiting-for-doc", "done", "data-ready", "cancelled-user", "cancelled-isp" or "unsuccessful".',
        },
        { field: 'person.firstName', message: 'Must not be empty.' },
        {
          field: 'person.firstName',
          message: 'Must contain letters, spaces, apostrophes, hyphens or dots only.',
        },
        {
          field: 'person.lastName',
          message: 'Must contain letters, spaces, apostrophes, hyphens or dots only.',
        },
        { field: 'person.email', message: 'Must be an email address.' },
        {
          field: 'person.mobile',
          message: 'Must be an E.164 number: + then 8 to 15 digits, e.g. +41791234567.',
        },
        { field: 'person.dob', message: 'Must not lie in the future.' },
        { field: 'person.placeOfBirth', message: 'Must not contain control or format characters.' },
        { field: 'person.nationality', message: 'Must be an ISO 3166-1 alpha-2 country code, e.g. CH.' },
        { field: 'person.idCardNumber', message: 'Must be 1 to 50 letters, digits, spaces or hyphens.' },
        { field: 'person.validUntil', message: 'Valid until must be a real calendar date, YYYY-MM-DD.' },
        { field: 'person.shoeSize', message: 'Unknown field.' },
        { field: 'reason', message: 'At most 500 characters.' },
        { field: 'extra', message: 'Unknown field.' },
      ]);
      expect(
        toFieldErrors(
          SimulatorApiRequest.safeParse({
            status: 'data-ready',
            person: { dob: '1899-12-31', placeOfBirth: '' },
          }).error as NonNullable<typeof result.error>,
        ),
      ).toEqual([
        { field: 'person.dob', message: 'Must not be before 1900-01-01.' },
        { field: 'person.placeOfBirth', message: 'Must not be empty.' },
      ]);
      expect(
        toFieldErrors(
          SimulatorApiRequest.safeParse({ person: 'x' }).error as NonNullable<typeof result.error>,
        ),
      ).toEqual([
        {
          field: 'status',
          message:
            'Required: one of "waiting-for-doc", "done", "data-ready", "cancelled-user", "cancelled-isp" or "unsuccessful".',
        },
        { field: 'person', message: 'Must be an object, not a string.' },
      ]);
    });
  });
});

describe('the simulator and the start call agree on names', () => {
  it.each(['Hans-', "O'", 'Müller ’'])('refuses %j, which the start call refuses too', (name) => {
    const simulated = SimulatorForm.safeParse(validForm({ lastName: name }));
    const started = StartIdentificationRequest.safeParse(paperStartBody({ lastName: name }));

    expect(simulated.success).toBe(false);
    expect(started.success).toBe(false);
  });
});
