/** The Test-ISP simulator's pages: the white paper's "Define Identity" form and its result. */
import { currentStatus, type OpenedOrder } from '../core/order.js';
import {
  SIMULATOR_STATUS_LABELS,
  SIMULATOR_STATUSES,
  type SimulatedPerson,
  type SimulatorStatus,
} from '../core/test-isp.js';
import { errorSummary, escapeHtml, formField, page } from './html.js';

type FormField = keyof SimulatedPerson | 'status' | 'reason';

/** The form's fields as the paper's screenshot labels them. */
export const FORM_FIELDS: readonly {
  name: FormField;
  label: string;
  type: 'text' | 'email' | 'tel' | 'date' | 'select';
  hint?: string;
  optional?: boolean;
}[] = [
  { name: 'firstName', label: 'FirstName', type: 'text' },
  { name: 'lastName', label: 'LastName', type: 'text' },
  { name: 'email', label: 'Email Address', type: 'email' },
  { name: 'mobile', label: 'Mobile phone number', type: 'tel', hint: 'E.164, e.g. +41791234567' },
  { name: 'dob', label: 'Date of birth', type: 'date' },
  { name: 'placeOfBirth', label: 'Place of birth', type: 'text' },
  { name: 'nationality', label: 'Nationality', type: 'text', hint: 'ISO 3166-1 alpha-2, e.g. CH' },
  { name: 'idCardNumber', label: 'ID card number', type: 'text' },
  {
    name: 'validUntil',
    label: 'Valid until',
    type: 'date',
    hint: 'A past date simulates an expired document (the service refuses the evidence)',
  },
  { name: 'status', label: 'Status of identity', type: 'select' },
  {
    name: 'reason',
    label: 'Reason',
    type: 'text',
    hint: 'Optional; sent with a cancellation',
    optional: true,
  },
];

export const labelOf = (field: string): string => FORM_FIELDS.find((f) => f.name === field)?.label ?? field;

export type FormValues = Partial<Record<FormField, string>>;

function orderSummary(order: OpenedOrder): string {
  const rows: [string, string][] = [
    ['Reference (refId)', order.refId],
    ['Issuer', order.issuer],
    ['Method', order.method],
    ['Level of assurance', String(order.loa)],
    ['Jurisdictions', order.jurisdictions.join(', ')],
    ['Current status', currentStatus(order)],
  ];
  return `<dl>${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

function fieldHtml(
  field: (typeof FORM_FIELDS)[number],
  value: string,
  errors: readonly string[] | undefined,
): string {
  return formField({
    name: field.name,
    label: field.label,
    type: field.type,
    value,
    errors,
    required: !field.optional,
    ...(field.hint ? { hint: field.hint } : {}),
    ...(field.type === 'select'
      ? { options: SIMULATOR_STATUSES.map((s) => ({ value: s, label: SIMULATOR_STATUS_LABELS[s] })) }
      : {}),
  });
}

/** The "Define Identity" form, prefilled with `values`; `errors` per field name. */
export function defineIdentityPage(
  order: OpenedOrder,
  values: FormValues,
  errors: Record<string, string[]> = {},
): string {
  const summary = errorSummary(
    Object.entries(errors).map(([name, messages]) => ({ label: labelOf(name), messages })),
  );
  const fields = FORM_FIELDS.map((f) => fieldHtml(f, values[f.name] ?? '', errors[f.name])).join('\n');
  const body = `<h1>Define Identity</h1>
<p class="note">Test-ISP simulator: the values below are sent to the Smart Registration Service as the
identification partner's signed status events and evidence, as a real partner would send them.</p>
${orderSummary(order)}
${summary}
<form method="post" action="">
${fields}
<button type="submit">Submit</button>
</form>`;
  return page('Define Identity — Test-ISP simulator', body);
}

export interface DeliveryRow {
  message: string;
  url: string;
  /** The callback's HTTP status; absent when it could not be reached. */
  status?: number;
  outcome?: string;
  detail?: string;
}

export function resultPage(input: {
  order: OpenedOrder;
  chosen: SimulatorStatus;
  rows: DeliveryRow[];
  notSent: string[];
  unreachable?: string;
  formUrl: string;
}): string {
  const { order, chosen, rows, notSent, unreachable, formUrl } = input;
  const table = rows.length
    ? `<div class="table-scroll"><table><thead><tr><th scope="col">Message</th><th scope="col">Sent to</th><th scope="col">HTTP status</th><th scope="col">Outcome</th></tr></thead><tbody>${rows
        .map(
          (r) =>
            `<tr><td>${escapeHtml(r.message)}</td><td class="url">${escapeHtml(r.url)}</td><td>${r.status ?? '—'}</td><td>${escapeHtml(
              [r.outcome, r.detail].filter(Boolean).join(': ') || '—',
            )}</td></tr>`,
        )
        .join('')}</tbody></table></div>`
    : '<p>No message was sent.</p>';
  const skipped = notSent.length
    ? `<p>Not sent (an earlier message was refused): ${notSent.map(escapeHtml).join(', ')}.</p>`
    : '';
  const failure = unreachable
    ? `<p role="alert" class="error">The service could not be reached: ${escapeHtml(unreachable)}</p>`
    : '';
  const body = `<h1>Define Identity — result</h1>
<p role="status">Status of identity “${escapeHtml(SIMULATOR_STATUS_LABELS[chosen])}”: the simulator sent these signed messages.</p>
${failure}
${table}
${skipped}
${orderSummary(order)}
${
  // A partner sends the person back to the SP when it is done, if the SP gave a return address.
  order.redirectUrl
    ? `<p><a class="button" href="${escapeHtml(order.redirectUrl)}">Back to the service provider</a></p>`
    : ''
}
<p><a href="${escapeHtml(formUrl)}">Back to the form</a></p>`;
  return page('Define Identity — result', body);
}

export function notFoundPage(): string {
  return page(
    'Not found — Test-ISP simulator',
    '<h1>Not found</h1><p role="alert">The Test-ISP simulator has no identification order with this reference.</p>',
  );
}
