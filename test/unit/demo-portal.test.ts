/** The demo portal's decisions: the signer form, the DN it signs with, grouping the catalogue, the stage. */
import { describe, expect, it } from 'vitest';
import {
  distinguishedName,
  groupMethods,
  journeyStage,
  verifyRequestFor,
} from '../../lambdas/core/demo-portal.js';
import { MethodForm, ServiceChoiceForm, SignerForm } from '../../lambdas/core/demo-portal-forms.js';
import { parseDn } from '../../lambdas/core/dn.js';
import { toFieldErrors } from '../../lambdas/core/parse.js';

describe('the signer form', () => {
  it('accepts a number as people type it and keeps it in E.164', () => {
    const parsed = SignerForm.parse({
      firstName: ' Bob ',
      lastName: 'Meier',
      mobile: '0041 (79) 555-01 23',
      need: 'qes-eidas',
    });
    expect(parsed).toEqual({
      firstName: 'Bob',
      lastName: 'Meier',
      mobile: '+41795550123',
      need: 'qes-eidas',
    });
  });

  it('names every field that is missing or wrong', () => {
    const result = SignerForm.safeParse({ firstName: '', lastName: 'Meier 3', mobile: '079 123', need: 'x' });
    expect(result.success).toBe(false);
    const fields = result.error?.issues.map((i) => i.path.join('.')).sort();
    expect(fields).toEqual(['firstName', 'lastName', 'mobile', 'need']);
  });
});

describe('the methods form (step 2)', () => {
  const errorsOf = (result: { error?: Parameters<typeof toFieldErrors>[0] }) =>
    result.error ? toFieldErrors(result.error) : [];

  it('accepts a chosen method with the partner’s needs, trimmed', () => {
    expect(
      MethodForm.parse({
        choice: 'Test-ISP|video',
        email: ' a@b.ch ',
        dob: ' 1980-01-01 ',
        language: 'de',
        attempt: 'abcdefgh-1',
      }),
    ).toEqual({
      choice: 'Test-ISP|video',
      email: 'a@b.ch',
      dob: '1980-01-01',
      language: 'de',
      attempt: 'abcdefgh-1',
    });
  });

  it('names every refused field with the message the page shows beside it', () => {
    expect(
      errorsOf(
        MethodForm.safeParse({
          choice: 'x',
          email: ' no ',
          dob: '2999-01-01',
          language: 'xx',
          attempt: 'a',
          extra: '1',
        }),
      ),
    ).toEqual([
      { field: 'choice', message: 'Choose an identification method.' },
      { field: 'email', message: 'Must be an email address.' },
      { field: 'dob', message: 'Must not lie in the future.' },
      { field: 'language', message: 'Choose a language.' },
      { field: 'attempt', message: 'Reload the page and try again.' },
      { field: 'extra', message: 'Unknown field.' },
    ]);
    expect(errorsOf(MethodForm.safeParse({}))).toEqual([
      { field: 'choice', message: 'Choose an identification method.' },
      { field: 'email', message: 'Required.' },
      { field: 'dob', message: 'Required.' },
      { field: 'language', message: 'Choose a language.' },
      { field: 'attempt', message: 'Reload the page and try again.' },
    ]);
  });

  it('leaves the choice to the service without a method, and takes none', () => {
    expect(
      errorsOf(
        ServiceChoiceForm.safeParse({
          choice: 'Test-ISP|video',
          email: 'a@b',
          dob: '1899-12-31',
          language: 'en',
          attempt: 'abcdefgh',
        }),
      ),
    ).toEqual([
      { field: 'email', message: 'Must be an email address.' },
      { field: 'dob', message: 'Must not be before 1900-01-01.' },
      { field: 'choice', message: 'Unknown field.' },
    ]);
    expect(
      errorsOf(
        ServiceChoiceForm.safeParse({
          email: ' a@b.ch',
          dob: '1980-02-30',
          language: 'en',
          attempt: 'abcdefgh',
        }),
      ),
    ).toEqual([{ field: 'dob', message: 'Must be a real calendar date, YYYY-MM-DD.' }]);
  });
});

describe('the verify request', () => {
  it('asks under the claimed identity of the legal area, at the level the document needs', () => {
    const request = verifyRequestFor({
      firstName: 'Bob',
      lastName: 'Meier',
      mobile: '+41795550123',
      need: 'qes-eidas',
    });
    expect(request).toEqual({
      msisdn: '41795550123',
      claimedIdentity: 'demo-portal-eu',
      assuranceLevel: 4,
      distinguishedName: 'gn=Bob, sn=Meier, cn=Bob Meier',
    });
    expect(
      verifyRequestFor({
        ...{ firstName: 'Bob', lastName: 'Meier', mobile: '+41795550123' },
        need: 'aes-zertes',
      }),
    ).toMatchObject({ claimedIdentity: 'demo-portal-ch', assuranceLevel: 3 });
  });

  it('escapes DN special characters so the service parses back the same names', () => {
    const dn = distinguishedName({ firstName: 'Anna, Maria', lastName: '#Müller+Sohn' });
    const attrs = parseDn(dn);
    expect(attrs.get('gn')).toEqual(['Anna, Maria']);
    expect(attrs.get('sn')).toEqual(['#Müller+Sohn']);
    expect(attrs.get('cn')).toEqual(['Anna, Maria #Müller+Sohn']);
  });
});

describe('grouping the catalogue', () => {
  it('puts qualified before advanced, each split by the legal areas its methods cover', () => {
    const groups = groupMethods([
      { loa: 3, issuer: 'Test-ISP', jurisdiction: 'ZERTES,EIDAS', realtimeMethods: ['test'], webflow: true },
      { loa: 4, issuer: 'BankIdent-Demo', jurisdiction: 'EIDAS', realtimeMethods: ['bank'], webflow: true },
      {
        loa: 4,
        issuer: 'Courier-Demo',
        jurisdiction: 'ZERTES,EIDAS',
        realtimeMethods: [],
        offlineMethods: ['courier'],
        webflow: false,
      },
      {
        loa: 3,
        issuer: 'AutoIdent-Demo',
        jurisdiction: 'ZERTES,EIDAS',
        realtimeMethods: ['auto'],
        webflow: true,
      },
      { loa: 4, issuer: 'Nobody', jurisdiction: 'EIDAS', realtimeMethods: [], webflow: true },
    ]);
    expect(groups.map((g) => [g.loa, g.jurisdictions.join(','), g.methods.map((m) => m.value)])).toEqual([
      [4, 'ZERTES,EIDAS', ['Courier-Demo|courier']],
      [4, 'EIDAS', ['BankIdent-Demo|bank']],
      [3, 'ZERTES,EIDAS', ['Test-ISP|test', 'AutoIdent-Demo|auto']],
    ]);
    expect(groups[0]?.title).toBe(
      'Qualified electronic signature (LoA 4) — Swiss law (ZertES) and EU law (eIDAS)',
    );
    expect(groups[0]?.methods[0]?.offline).toBe(true);
  });
});

describe('the journey stage', () => {
  it('is ready to sign only when verify is positive, whatever the last status says', () => {
    expect(journeyStage('terms-accepted', false)).toBe('registered-not-confirmed');
    expect(journeyStage('terms-accepted', true)).toBe('ready-to-sign');
    expect(journeyStage('data-ready', false)).toBe('waiting-for-terms');
    expect(journeyStage('initialized', false)).toBe('at-partner');
    expect(journeyStage('cancelled', false)).toBe('cancelled');
    expect(journeyStage('failed', false)).toBe('failed');
  });
});
