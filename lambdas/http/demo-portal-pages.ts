/**
 * The demo signing portal's pages: plain HTML forms that work without JavaScript; the status page
 * polls with a small inline script when scripts run, and offers a refresh button when they do not.
 */
import {
  CANCEL_KIND_LABELS,
  type JourneyStage,
  LANGUAGE_LABELS,
  type MethodGroup,
  methodLabel,
  SETTLED_STAGES,
  SIGNATURE_NEED_KEYS,
  SIGNATURE_NEEDS,
  type Signer,
  STATUS_LABELS,
} from '../core/demo-portal.js';
import { LANGUAGES } from '../core/domain.js';
import type { Status } from '../core/order.js';
import { errorSummary, escapeHtml, type FieldSpec, formField, page } from './html.js';
import { LIFECYCLE_SVG } from './lifecycle-svg.js';

export const PORTAL_NAME = 'Demo Signing Portal';
export const SAMPLE_DOCUMENT = 'Employment contract (sample).pdf';

export type FieldErrors = Record<string, string[]>;

const LABELS: Record<string, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  mobile: 'Mobile number',
  need: 'Signature the document needs',
  choice: 'Identification method',
  email: 'Email address',
  dob: 'Date of birth',
  language: 'Language for the identification and the SMS',
  attempt: 'Form',
};
const labelOf = (name: string) => LABELS[name] ?? name;

const summaryOf = (errors: FieldErrors) =>
  errorSummary(Object.entries(errors).map(([name, messages]) => ({ label: labelOf(name), messages })));

const portalPage = (title: string, body: string) =>
  page(
    `${title} — ${PORTAL_NAME}`,
    `<p class="note">${escapeHtml(PORTAL_NAME)} · a demo Service Provider (test stages only)</p>${body}`,
  );

const documentCard = (signer?: Signer) =>
  `<p>Document to sign: <strong>${escapeHtml(SAMPLE_DOCUMENT)}</strong>${
    signer ? ` — ${escapeHtml(SIGNATURE_NEEDS[signer.need].label)}` : ''
  }</p>`;

/** A field of the portal's forms, with its label, posted value and errors. */
const portalField =
  (values: Partial<Record<string, string>>, errors: FieldErrors) =>
  (name: string, type: FieldSpec['type'], extra: Pick<FieldSpec, 'hint' | 'autocomplete' | 'options'> = {}) =>
    formField({
      name,
      label: labelOf(name),
      type,
      value: values[name] ?? '',
      errors: errors[name],
      ...extra,
    });

/** Step 1: who signs and what the document needs. */
export function startPage(values: Partial<Record<string, string>>, errors: FieldErrors = {}): string {
  const field = portalField(values, errors);
  return portalPage(
    'Sign a document',
    `<h1>Sign a document</h1>
${documentCard()}
<p>Before you sign, we check with the Smart Registration Service whether you are registered for
this kind of signature. If not, you are identified once and can then sign without being identified again.</p>
${summaryOf(errors)}
<form method="post" action="">
${field('firstName', 'text', { autocomplete: 'given-name' })}
${field('lastName', 'text', { autocomplete: 'family-name' })}
${field('mobile', 'tel', { autocomplete: 'tel', hint: 'International format, e.g. +41 79 123 45 67' })}
${field('need', 'select', { options: SIGNATURE_NEED_KEYS.map((k) => ({ value: k, label: SIGNATURE_NEEDS[k].label })) })}
<button type="submit">Check whether I can sign</button>
</form>`,
  );
}

/** Verify answered positive: the person can sign. */
export function readyPage(
  base: string,
  signer: Signer,
  registration: { evidenceId: string; serialNumber: string },
): string {
  return portalPage(
    'Ready to sign',
    `<h1>Ready to sign</h1>
<div role="status"><p><strong>${escapeHtml(signer.firstName)} ${escapeHtml(signer.lastName)}, you are ready to sign.</strong>
The verify call answered positive for ${escapeHtml(signer.mobile)}.</p></div>
${documentCard(signer)}
<dl><dt>Evidence</dt><dd class="url">${escapeHtml(registration.evidenceId)}</dd>
<dt>Serial number</dt><dd class="url">${escapeHtml(registration.serialNumber)}</dd></dl>
<p><a class="button secondary" href="${escapeHtml(base)}">Sign another document</a></p>`,
  );
}

/** Verify answered negative: the methods the portal may offer, grouped by quality and legal area. */
export function methodsPage(input: {
  base: string;
  signer: Signer;
  groups: MethodGroup[];
  values: Partial<Record<string, string>>;
  errors?: FieldErrors;
  attempt: string;
}): string {
  const { base, signer, groups, values, attempt } = input;
  const errors = input.errors ?? {};
  const choiceError = errors.choice?.length
    ? `<p id="choice-error" class="error">${errors.choice.map(escapeHtml).join(' ')}</p>`
    : '';
  const fieldsets = groups
    .map(
      (
        g,
        gi,
      ) => `<fieldset${choiceError ? ' aria-describedby="choice-error"' : ''}><legend>${escapeHtml(g.title)}</legend>
${g.methods
  .map((m, mi) => {
    const id = `m-${gi}-${mi}`;
    const checked = values.choice === m.value ? ' checked' : '';
    const invalid = choiceError ? ' aria-invalid="true"' : '';
    return `<label class="choice" for="${id}"><input type="radio" id="${id}" name="choice" value="${escapeHtml(m.value)}" required${checked}${invalid}><span>${escapeHtml(methodLabel(m.method))}<br><small class="note">${escapeHtml(m.issuer)}${m.offline ? ' · offline' : ''}</small></span></label>`;
  })
  .join('\n')}
</fieldset>`,
    )
    .join('\n');
  const none = groups.length
    ? ''
    : '<p role="alert">No identification method fits this document. Choose another signature.</p>';
  const field = portalField(values, errors);
  return portalPage(
    'Choose how to be identified',
    `<h1>Choose how to be identified</h1>
${documentCard(signer)}
<p>You are not registered for this signature yet: the verify call answered negative for
${escapeHtml(signer.mobile)}. Be identified once by one of these partners; afterwards you sign without being identified again.</p>
${summaryOf(errors)}
${none}
<form method="post" action="">
<input type="hidden" name="attempt" value="${escapeHtml(attempt)}">
${choiceError}
${fieldsets}
<h2>What the partner needs</h2>
${field('email', 'email', { autocomplete: 'email' })}
${field('dob', 'date', { autocomplete: 'bday' })}
${field('language', 'select', { options: LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_LABELS[l] })) })}
<button type="submit">Start identification</button>
<p class="note">Or leave the choice to the Smart Registration Service: its own page lists the same methods, in your language.</p>
<button type="submit" class="secondary" name="serviceChoice" value="yes" formnovalidate>Let the service show me the choice</button>
</form>
<p><a href="${escapeHtml(base)}">Back: change name, number or signature</a></p>`,
  );
}

export interface StatusView {
  /** The portal's own path, e.g. /demo-portal. */
  base: string;
  refId: string;
  signer: Signer;
  stage: JourneyStage;
  statuses: { status: string; date: string; reason: string | null; kind: string | null }[];
  registration?: { evidenceId: string; serialNumber: string } | undefined;
  /** The name the person is registered under (the status answer's, ADR 0026), once registered. */
  registeredName?: string | undefined;
  /** The local SMS outbox, where there is one (the local stack); real SMS elsewhere. */
  smsOutboxUrl?: string | undefined;
}

const STAGE_TEXT: Record<JourneyStage, string> = {
  'at-partner': 'Your identification is under way at the partner. This page updates by itself.',
  'waiting-for-terms':
    'You are identified. We sent you an SMS with a link to the terms of use: open it and accept them.',
  'registered-not-confirmed':
    'You are registered, but the service does not confirm you for this signature under the name you gave here.',
  'ready-to-sign': 'You are ready to sign.',
  cancelled: 'The identification was cancelled.',
  failed: 'The identification failed.',
};

function timeline(statuses: StatusView['statuses']): string {
  return `<ol class="timeline">${statuses
    .map((s) => {
      const label = STATUS_LABELS[s.status as Status] ?? s.status;
      const detail = [s.kind ? (CANCEL_KIND_LABELS[s.kind] ?? s.kind) : '', s.reason ?? '']
        .filter(Boolean)
        .join(': ');
      return `<li><strong>${escapeHtml(label)}</strong>${detail ? ` — ${escapeHtml(detail)}` : ''}<br><small class="note"><time datetime="${escapeHtml(s.date)}">${escapeHtml(s.date.replace('T', ' ').slice(0, 19))} UTC</time></small></li>`;
    })
    .join('')}</ol>`;
}

/** The part of the status page that polling replaces. */
export function statusSection(v: StatusView): string {
  const settled = SETTLED_STAGES.includes(v.stage);
  const sms =
    v.stage === 'waiting-for-terms'
      ? `<p>SMS sent to ${escapeHtml(v.signer.mobile)}.${
          v.smsOutboxUrl
            ? ` On the local stack it lands in the <a href="${escapeHtml(v.smsOutboxUrl)}">SMS outbox</a>.`
            : ''
        }</p>`
      : '';
  const ready =
    v.stage === 'ready-to-sign' && v.registration
      ? `<p><a class="button" href="${escapeHtml(v.base)}/ready">Sign ${escapeHtml(SAMPLE_DOCUMENT)}</a></p>`
      : '';
  const fullName = `${v.signer.firstName} ${v.signer.lastName}`;
  const notConfirmed =
    v.stage === 'registered-not-confirmed'
      ? `<p>The identification is complete and the terms are accepted, yet the verify call still answers
negative for <strong>${escapeHtml(fullName)}</strong>. ${
          v.registeredName !== undefined
            ? `The partner recorded your name as it is on your identity document: <strong>${escapeHtml(v.registeredName)}</strong>.`
            : 'Most often the partner recorded your name as it is on your identity document, and it differs from the name you typed (a second first name, another spelling).'
        }
Start again with your name exactly as on your identity document; you will not need to be identified again.</p>
<p><a class="button" href="${escapeHtml(v.base)}">Start again with another name</a></p>`
      : '';
  const again =
    v.stage === 'cancelled' || v.stage === 'failed'
      ? `<p><a class="button" href="${escapeHtml(v.base)}/methods">Choose a method again</a></p>`
      : '';
  return `<section id="journey-status" data-settled="${settled}" aria-live="polite">
<p role="status"><strong>${escapeHtml(STAGE_TEXT[v.stage])}</strong></p>
${sms}${ready}${notConfirmed}${again}
<h2>Status timeline</h2>
${timeline(v.statuses)}
</section>`;
}

/**
 * Replaces the status section with a fresh copy of this page every few seconds until it settles,
 * and for one hour at most (an identification at a partner may take longer): then it stops and
 * offers the refresh button again. Inline, allowed by its hash in the page's Content-Security-Policy.
 */
export const STATUS_POLL_SCRIPT = `(() => {
  const refresh = document.getElementById('refresh');
  if (refresh) refresh.hidden = true;
  let ticksLeft = 1800;
  const tick = async () => {
    const current = document.getElementById('journey-status');
    if (!current || current.dataset.settled === 'true') return;
    if (ticksLeft-- <= 0) {
      if (refresh) refresh.hidden = false;
      return;
    }
    try {
      const res = await fetch(location.href, { headers: { accept: 'text/html' }, cache: 'no-store' });
      const next = new DOMParser().parseFromString(await res.text(), 'text/html').getElementById('journey-status');
      if (next && next.innerHTML !== current.innerHTML) {
        current.innerHTML = next.innerHTML;
        current.dataset.settled = next.dataset.settled;
      }
    } catch {}
    setTimeout(tick, 2000);
  };
  setTimeout(tick, 2000);
})();`;

export function statusPage(v: StatusView): string {
  // Generated from the ASL file (npm run diagram), so it shows the lifecycle the service runs.
  const diagram = `<h2>How an identification runs</h2><figure class="diagram" tabindex="0">${LIFECYCLE_SVG}<figcaption class="note">The service's state machine, drawn from statemachines/identification.asl.json; dashed lines are the ways an identification ends early.</figcaption></figure>`;
  return portalPage(
    'Your identification',
    `<h1>Your identification</h1>
${documentCard(v.signer)}
${statusSection(v)}
<p id="refresh"><a class="button secondary" href="${escapeHtml(v.base)}/status">Refresh status</a></p>
${diagram}
<p class="note">Reference: <span class="url">${escapeHtml(v.refId)}</span></p>
<script>${STATUS_POLL_SCRIPT}</script>`,
  );
}

export function messagePage(title: string, message: string, next?: { href: string; label: string }): string {
  return portalPage(
    title,
    `<h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(message)}</p>${
      next ? `<p><a class="button" href="${escapeHtml(next.href)}">${escapeHtml(next.label)}</a></p>` : ''
    }`,
  );
}
