/**
 * The accepted terms on record and pseudonyms, on the embedded stack: the terms page shows the
 * terms-of-use document beside the summary; an acceptance records version, time, language and
 * order, and a pseudonym chosen there (checked like a name) lets verify accept a pseudonym DN.
 * A new terms version applies to new acceptances only; the operator shows the record.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ConditionFailed } from '../../lambdas/core/errors.js';
import type { TermsOfUse } from '../../lambdas/core/terms-of-use.js';
import { runAdmin, tableEnv } from '../support/admin.js';
import { expectUniformNegative } from '../support/problems.js';
import { call, tokenFor, useStack, waitFor } from '../support/stack.js';
import { waitingForTerms } from '../support/terms.js';

let token: string;

const stack = useStack({ rateLimits: false });
beforeAll(async () => {
  token = await tokenFor(stack());
});

/** An order waiting for the terms (support/terms.ts), and the number as the verify call gives it. */
async function awaitingTerms(mobile: string, language = 'en') {
  return { ...(await waitingForTerms(stack(), token, mobile, { language })), msisdn: mobile.slice(1) };
}

/** The terms form as the page's own form sends it. */
function postForm(link: string, fields: [string, string][]) {
  return fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

const verify = (msisdn: string, distinguishedName: string) =>
  call(stack(), 'POST', '/api/verify', {
    json: { msisdn, claimedIdentity: 'test-client', assuranceLevel: 3, distinguishedName },
  });

const registered = (msisdn: string) =>
  waitFor(
    () => stack().repository.getRegistration(msisdn),
    (r) => r !== undefined,
  );

describe('the terms page shows the terms of use', () => {
  it('shows the summary beside the full document of the current version, in the order’s language, with an optional pseudonym field', async () => {
    const { link } = await awaitingTerms('+41797770001', 'de');

    const page = await (await fetch(link)).text();

    expect(page).toContain('Kurz gesagt');
    expect(page).toContain('Ihre Mobilnummer wird als Authentisierungsmittel');
    expect(page).toContain('<h2 id="terms-document">Nutzungsbedingungen des Smart Registration Service</h2>');
    expect(page).toContain('Version 2026-11');
    expect(page).toContain('1. Zweck. Der Smart Registration Service registriert Sie');
    expect(page).toContain('<input type="hidden" name="termsVersion" value="2026-11">');
    expect(page).toMatch(
      /<label for="pseudonym">Pseudonym \(freiwillig\)<\/label>\s*<input id="pseudonym" name="pseudonym"/,
    );
    // The field's hint gives the whole rule the form is held to, before any refusal does.
    expect(page).toContain(
      'am Anfang ein Buchstabe, am Ende ein Buchstabe oder Punkt, höchstens 100 Zeichen',
    );
  });

  it('links to a document given as a URL, and falls back to English where a language has none', async () => {
    const linked: TermsOfUse = {
      version: 'link-test-1',
      documents: {
        en: { title: 'Terms of use (PDF)', url: 'https://trust.example/terms/link-test-1/en.pdf' },
      },
    };
    await stack().repository.publishTermsOfUse(linked);
    try {
      const { link } = await awaitingTerms('+41797770002', 'it');

      const page = await (await fetch(link)).text();

      expect(page).toContain('<section lang="en" aria-labelledby="terms-document">');
      expect(page).toContain('<a href="https://trust.example/terms/link-test-1/en.pdf" hreflang="en">');
      expect(page).toContain('In breve');
      expect(page).toContain('Versione link-test-1');
    } finally {
      await stack().repository.publishTermsOfUse(stack().config.termsOfUse);
    }
  });
});

describe('the acceptance on record', () => {
  it('records the version, time, language and order of the acceptance on the order and the registration', async () => {
    const { refId, link, msisdn } = await awaitingTerms('+41797770010', 'de');
    const before = new Date().toISOString();

    const res = await postForm(`${link}?lang=fr`, [
      ['accept', 'yes'],
      ['termsVersion', '2026-11'],
      ['pseudonym', ''],
    ]);

    expect(res.status).toBe(200);
    const reg = await registered(msisdn);
    expect(reg).toMatchObject({ refId, termsVersion: '2026-11', termsLanguage: 'fr' });
    expect(String(reg?.termsAcceptedAt) >= before).toBe(true);
    expect(reg).not.toHaveProperty('pseudonym');
    expect((await stack().repository.getOrder(refId))?.acceptance).toEqual({
      acceptedAt: reg?.termsAcceptedAt,
      termsVersion: '2026-11',
      termsLanguage: 'fr',
    });
  });

  it('applies a new terms version to new acceptances only: earlier registrations stay valid', async () => {
    // Prepare: one person accepted 2026-11; another has the page of 2026-11 open
    const early = await awaitingTerms('+41797770020');
    expect((await postForm(early.link, [['accept', 'yes']])).status).toBe(200);
    await registered(early.msisdn);
    const open = await awaitingTerms('+41797770021');
    const next: TermsOfUse = {
      version: '2027-01',
      documents: {
        en: { title: 'Terms of use, January 2027', text: ['1. Everything as before, said anew.'] },
      },
    };

    // Act: the operator publishes a new version
    await stack().repository.publishTermsOfUse(next);
    try {
      const stale = await postForm(open.link, [
        ['accept', 'yes'],
        ['termsVersion', '2026-11'],
      ]);
      const shown = await (await fetch(open.link)).text();
      const fresh = await postForm(open.link, [
        ['accept', 'yes'],
        ['termsVersion', '2027-01'],
      ]);

      // Assess: the stale form recorded nothing, the page then showed the new version
      expect(stale.status).toBe(409);
      expect(await stale.text()).toContain('the terms of use changed while the page was open');
      expect(shown).toContain('Terms of use, January 2027');
      expect(fresh.status).toBe(200);
      expect(await registered(open.msisdn)).toMatchObject({ termsVersion: '2027-01', refId: open.refId });
      expect(await stack().repository.getRegistration(early.msisdn)).toMatchObject({
        termsVersion: '2026-11',
      });
      const dn = 'gn=Hans, sn=Muster, c=CH';
      expect((await verify(early.msisdn, dn)).status).toBe(200);
      expect(
        (
          await waitFor(
            () => verify(open.msisdn, dn),
            (r) => r.status === 200,
          )
        ).status,
      ).toBe(200);
    } finally {
      await stack().repository.publishTermsOfUse(stack().config.termsOfUse);
    }
  });

  it('never publishes another text under a version already published; the same text again changes nothing', async () => {
    const current = stack().config.termsOfUse;

    await expect(stack().repository.publishTermsOfUse(current)).resolves.toBeUndefined();
    await expect(
      stack().repository.publishTermsOfUse({
        ...current,
        documents: { en: { title: 'Quietly changed', text: ['Other terms.'] } },
      }),
    ).rejects.toBeInstanceOf(ConditionFailed);
    expect(await stack().repository.getCurrentTermsOfUse()).toEqual(current);
    expect(await stack().repository.getTermsOfUse(current.version)).toEqual(current);
  });
});

describe('pseudonyms', () => {
  const NAMES = 'gn=Hans, sn=Muster, cn=Hans Muster, c=CH';

  it('lets verify accept pseudonym= (and c=) for a person who chose one on the terms page, and the names still', async () => {
    const { link, msisdn } = await awaitingTerms('+41797770030');

    const res = await postForm(link, [
      ['accept', 'yes'],
      ['pseudonym', 'Hansi Signer'],
    ]);

    expect(res.status).toBe(200);
    expect(await registered(msisdn)).toMatchObject({ pseudonym: 'Hansi Signer' });
    for (const dn of ['pseudonym=Hansi Signer, c=CH', 'pseudonym=hansi signer', NAMES]) {
      expect((await verify(msisdn, dn)).status).toBe(200);
    }
    const unregistered = await verify('41790000003', 'pseudonym=Hansi Signer, c=CH');
    for (const dn of [
      'pseudonym=Hansi, c=CH',
      'pseudonym=Hansi Signer, c=DE',
      'gn=Hans, sn=Muster, pseudonym=Hansi Signer',
      'pseudonym=Hansi Signer, cn=Hans Muster',
    ]) {
      expectUniformNegative(await verify(msisdn, dn), unregistered);
    }
  });

  it('answers a pseudonym DN for a person who chose none with the uniform negative', async () => {
    const { link, msisdn } = await awaitingTerms('+41797770031');
    expect((await postForm(link, [['accept', 'yes']])).status).toBe(200);
    await registered(msisdn);
    await waitFor(
      () => verify(msisdn, NAMES),
      (r) => r.status === 200,
    );

    const unregistered = await verify('41790000004', 'pseudonym=Hans Muster, c=CH');
    expectUniformNegative(await verify(msisdn, 'pseudonym=Hans Muster, c=CH'), unregistered);
  });

  let refusedSeq = 0;
  it.each([
    ['markup', '<script>alert(1)</script>'],
    ['an HTML entity', 'Hansi &amp; Co'],
    ['digits', 'Agent 007'],
    ['a control character', 'Hansi\u0000'],
    ['a bidi override', 'Hansi\u202ESigner'],
    ['a leading space', ' Hansi'],
    ['101 letters', 'H'.repeat(101)],
  ])('refuses a pseudonym with %s with a 400 page that changes nothing', async (_label, pseudonym) => {
    refusedSeq += 1;
    const { refId, link, msisdn } = await awaitingTerms(`+417977781${String(refusedSeq).padStart(2, '0')}`);

    const res = await postForm(link, [
      ['accept', 'yes'],
      ['pseudonym', pseudonym],
    ]);

    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('text/html');
    const page = await res.text();
    expect(page).toContain('Nothing was recorded: a pseudonym may contain letters');
    // The rule a pseudonym of allowed characters breaks (a space at either end) is said too.
    expect(page).toContain(
      'begins with a letter and ends with a letter or a dot (no space before or after it)',
    );
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<form');
    expect((await stack().repository.getOrder(refId))?.acceptance).toBeUndefined();
    expect(await stack().repository.getRegistration(msisdn)).toBeUndefined();
    // The link still works: the person can accept with a valid pseudonym or none
    expect((await fetch(link)).status).toBe(200);
    expect((await postForm(link, [['accept', 'yes']])).status).toBe(200);
  });

  it('refuses two pseudonym fields in one form with a 400 that changes nothing', async () => {
    const { refId, link } = await awaitingTerms('+41797770040');

    const res = await postForm(link, [
      ['accept', 'yes'],
      ['pseudonym', 'Hansi'],
      ['pseudonym', 'Fritz'],
    ]);

    expect(res.status).toBe(400);
    expect((await stack().repository.getOrder(refId))?.acceptance).toBeUndefined();
  });
});

describe('the operator shows the acceptance record (npm run admin -- terms-acceptance)', () => {
  it('prints the record of a registration by mobile number, and of an order by refId', async () => {
    const { refId, link, msisdn } = await awaitingTerms('+41797770050', 'it');
    expect((await postForm(link, [['accept', 'yes']])).status).toBe(200);
    const reg = await registered(msisdn);

    const byNumber = await runAdmin(['terms-acceptance', '--msisdn', `+${msisdn}`], tableEnv(stack()));
    const byOrder = await runAdmin(['terms-acceptance', '--ref', refId], tableEnv(stack()));

    const record = {
      msisdn,
      refId,
      termsVersion: '2026-11',
      termsLanguage: 'it',
      acceptedAt: reg?.termsAcceptedAt,
      registered: true,
      validUntil: reg?.validUntil,
    };
    expect(byNumber).toMatchObject({ code: 0, lines: [record] });
    expect(byOrder).toMatchObject({ code: 0, lines: [record] });
  });

  it.each([
    [['terms-acceptance'], /Give --msisdn or --ref/],
    [
      ['terms-acceptance', '--msisdn', '41790000005', '--ref', '00000000-0000-4000-8000-000000000000'],
      /Give --msisdn or --ref, not both/,
    ],
    [['terms-acceptance', '--msisdn', '41790000005'], /No registration for this number/],
    [['terms-acceptance', '--msisdn', 'REG#41790000005'], /--msisdn must be/],
    [['terms-acceptance', '--ref', 'not-a-uuid'], /--ref must be a refId/],
  ])('refuses %j with exit code 2 and one line', async (args, message) => {
    const out = await runAdmin(args, tableEnv(stack()));

    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(message);
  });
});
