/** What the person's method choice page offers: the catalogue's rules for the SP, nothing else. */
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../lambdas/core/domain.js';
import {
  METHOD_CHOICE_PAGE,
  methodOptions,
  optionLabel,
  optionOf,
  optionValue,
} from '../../lambdas/core/method-choice.js';
import { bankSp, catalogue, spSetup } from './fixtures.js';

const NONE = { jurisdiction: null, assuranceLevel: null } as const;
const values = (options: ReturnType<typeof methodOptions>) => options.map(optionValue);

describe('methodOptions', () => {
  it('offers an SP that is no financial intermediary video under EIDAS only, auto at LoA 3, offline methods last', () => {
    const options = methodOptions(catalogue(), spSetup(), NONE);

    expect(values(options)).toEqual([
      'video@Test-ISP',
      'test@Test-ISP',
      'video@Video-ISP',
      'bank@Bank-ISP',
      'eid@eID-ISP',
      'auto@Auto-ISP',
      'courier@Courier-ISP',
      'pos@POS-ISP',
    ]);
    expect(options.find((o) => o.issuer === 'Video-ISP')?.jurisdictions).toEqual(['EIDAS']);
    expect(options.find((o) => o.issuer === 'Auto-ISP')?.loa).toBe(3);
    expect(options.filter((o) => o.offline).map((o) => o.method)).toEqual(['courier', 'pos']);
  });

  it('offers a financial intermediary video under ZertES too', () => {
    const video = methodOptions(catalogue(), bankSp(), NONE).find((o) => o.issuer === 'Video-ISP');

    expect(video?.jurisdictions).toEqual(['ZERTES', 'EIDAS']);
  });

  it('keeps to the start call’s jurisdiction and assurance level', () => {
    expect(
      values(methodOptions(catalogue(), spSetup(), { jurisdiction: 'ZERTES', assuranceLevel: 4 })),
    ).toEqual(['courier@Courier-ISP', 'pos@POS-ISP']);
    expect(
      methodOptions(catalogue(), spSetup(), { jurisdiction: 'EIDAS', assuranceLevel: null }).every((o) =>
        o.jurisdictions.every((j) => j === 'EIDAS'),
      ),
    ).toBe(true);
  });

  it('offers only the partners and methods of the SP’s setup, and nothing to an SP with none', () => {
    const onlyBank = spSetup({ methods: { 'Bank-ISP': ['bank'], 'Test-ISP': ['test'] } });

    expect(values(methodOptions(catalogue(), onlyBank, NONE))).toEqual(['test@Test-ISP', 'bank@Bank-ISP']);
    expect(methodOptions(catalogue(), spSetup({ methods: {} }), NONE)).toEqual([]);
  });

  it('offers an SP set up for LoA 4 only no LoA 3 method', () => {
    const options = methodOptions(catalogue(), spSetup({ loas: [4] }), NONE);

    expect(options.length).toBeGreaterThan(0);
    expect(options.every((o) => o.loa === 4)).toBe(true);
  });
});

describe('optionOf', () => {
  const options = methodOptions(catalogue(), spSetup(), NONE);

  it('finds the offered option a form value names', () => {
    expect(optionOf(options, 'bank@Bank-ISP')).toMatchObject({ issuer: 'Bank-ISP', method: 'bank', loa: 4 });
  });

  it.each([
    ['a method not offered', 'fax@Bank-ISP'],
    ['another partner’s method', 'bank@Test-ISP'],
    ['an issuer in other case', 'bank@bank-isp'],
    ['no separator', 'bankBank-ISP'],
    ['an empty value', ''],
    ['no value', undefined],
    ['an array', ['bank@Bank-ISP']],
  ])('finds nothing for %s', (_name, value) => {
    expect(optionOf(options, value)).toBeUndefined();
  });
});

describe('the page texts', () => {
  it('name every method of the demo catalogue in every language', () => {
    for (const language of LANGUAGES) {
      for (const method of ['video', 'test', 'bank', 'eid', 'auto', 'courier', 'pos']) {
        expect(METHOD_CHOICE_PAGE[language].methods[method], `${language} ${method}`).toBeTruthy();
      }
    }
  });

  it('describe an option by its partner, signature level and legal areas', () => {
    const bank = optionOf(methodOptions(catalogue(), spSetup(), NONE), 'bank@Bank-ISP');

    expect(bank && optionLabel(bank, 'de')).toEqual({
      name: 'Über Ihr Online-Banking',
      detail: 'durch Bank-ISP · qualifizierte Signatur (EU)',
    });
  });
});
