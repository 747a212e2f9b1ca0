/** Server-rendered pages: plain HTML, no external assets, forms that work without JavaScript. */
export const escapeHtml = (s: string) =>
  s.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&quot;' })[c] as string,
  );

/**
 * The one stylesheet of every person-facing page (terms, simulator, demo portal). Made for a phone
 * first: nothing wider than the window (long words and URLs wrap, tables scroll in their own box),
 * 16 px text and no text under 14 px, controls at least 44 × 44 px (2.75rem), a visible focus ring,
 * colours with at least 4.5:1 contrast. test/browser checks all of this at 390 and 1280 px.
 */
export const PAGE_CSS = [
  '*,*::before,*::after{box-sizing:border-box}',
  'html{-webkit-text-size-adjust:100%;text-size-adjust:100%}',
  'body{font-family:system-ui,sans-serif;font-size:1rem;line-height:1.5;color:#1b1b1b;background:#fff;margin:0 auto;max-width:42rem;padding:1rem;overflow-wrap:break-word}',
  // A long German compound ("Nutzungsbedingungen") must break rather than push past the edge.
  'h1{font-size:1.625rem;line-height:1.25;margin:.5rem 0 1rem;hyphens:auto;overflow-wrap:anywhere}',
  'h2{font-size:1.25rem;line-height:1.3;margin:1.5rem 0 .5rem;hyphens:auto;overflow-wrap:anywhere}',
  'a{color:#0b57d0}',
  'label{display:block;margin-top:1rem;font-weight:600}',
  'input,select,textarea{display:block;width:100%;min-height:2.75rem;padding:.5rem;font:inherit;color:inherit;border:1px solid #6b6b6b;border-radius:4px;background:#fff}',
  'input[type=radio],input[type=checkbox]{display:inline-block;width:1.5rem;min-height:0;height:1.5rem;margin:0 .6rem 0 0;flex:none}',
  'button,a.button{display:inline-flex;align-items:center;justify-content:center;min-height:2.75rem;min-width:2.75rem;margin-top:1.25rem;padding:.6rem 1.2rem;font:inherit;font-weight:600;border-radius:6px;border:2px solid #0b57d0;background:#0b57d0;color:#fff;text-decoration:none;cursor:pointer;text-align:center}',
  'button.secondary,a.button.secondary{background:#fff;color:#0b57d0}',
  ':focus-visible{outline:3px solid #b3261e;outline-offset:2px}',
  '.note{color:#4a4a4a}',
  'small.note{display:block;margin-top:.25rem;font-size:.875rem}',
  '.error{color:#a00000}',
  '[aria-invalid=true]{border:2px solid #a00000}',
  'dt{font-weight:600}dd{margin:0 0 .3rem 0}',
  'fieldset{border:1px solid #bbb;border-radius:6px;margin:1rem 0;padding:.5rem 1rem 1rem;min-width:0}legend{font-weight:600;padding:0 .25rem}',
  // A radio and its text form one target at least 44 px high.
  'label.choice{display:flex;align-items:center;min-height:2.75rem;margin-top:.5rem;font-weight:400}',
  // The method choice page: a radio beside its label and a detail line.
  '.option{display:flex;gap:.6rem;align-items:flex-start;margin:.6rem 0;min-height:2.75rem}.option input{margin:.1rem 0 0}.option label{margin:0}',
  'ol.timeline{padding-left:1.5rem}ol.timeline li{margin:.25rem 0}',
  'details{margin:1rem 0}summary{min-height:2.75rem;display:flex;align-items:center;cursor:pointer;font-weight:600}',
  // The lifecycle picture keeps its labels at 14 px or more: on a phone it scrolls in its own box.
  '.diagram{margin:0;overflow-x:auto}.diagram svg{display:block;width:100%;height:auto}',
  '.table-scroll{overflow-x:auto;max-width:100%}',
  'table{border-collapse:collapse;width:100%}th,td{border:1px solid #bbb;padding:.4rem;text-align:left;vertical-align:top}',
  // URLs and ids may break anywhere; words in a table only between letters they allow.
  '.url{overflow-wrap:anywhere}',
].join('');

export function page(title: string, body: string, lang = 'en'): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${PAGE_CSS}</style>
</head><body><main>
${body}
</main></body></html>`;
}

export interface FieldSpec {
  name: string;
  label: string;
  type: 'text' | 'email' | 'tel' | 'date' | 'select';
  value: string;
  /** For selects: value and visible label of each option. */
  options?: readonly { value: string; label: string }[];
  hint?: string;
  errors?: readonly string[] | undefined;
  required?: boolean;
  autocomplete?: string;
}

/**
 * A labelled form field; its hint and its errors are tied to it (aria-describedby), and a field
 * with errors is marked aria-invalid, so a screen reader reads the error with the field.
 */
export function formField(f: FieldSpec): string {
  const id = `f-${f.name}`;
  const hasErrors = (f.errors?.length ?? 0) > 0;
  const describedBy = [f.hint ? `${id}-hint` : '', hasErrors ? `${id}-error` : ''].filter(Boolean).join(' ');
  const rest = [
    f.required === false ? '' : 'required',
    f.autocomplete ? `autocomplete="${escapeHtml(f.autocomplete)}"` : '',
    describedBy ? `aria-describedby="${describedBy}"` : '',
    hasErrors ? 'aria-invalid="true"' : '',
  ]
    .map((a) => (a ? ` ${a}` : ''))
    .join('');
  const named = `id="${id}" name="${escapeHtml(f.name)}"`;
  const control =
    f.type === 'select'
      ? `<select ${named}${rest}>${(f.options ?? [])
          .map(
            (o) =>
              `<option value="${escapeHtml(o.value)}"${o.value === f.value ? ' selected' : ''}>${escapeHtml(o.label)}</option>`,
          )
          .join('')}</select>`
      : `<input ${named} type="${f.type}" value="${escapeHtml(f.value)}"${rest}>`;
  const hint = f.hint ? `<small id="${id}-hint" class="note">${escapeHtml(f.hint)}</small>` : '';
  const error = hasErrors
    ? `<p id="${id}-error" class="error">${(f.errors ?? []).map(escapeHtml).join(' ')}</p>`
    : '';
  return `<label for="${id}">${escapeHtml(f.label)}</label>${control}${hint}${error}`;
}

/** The list of a form's errors at its top, announced when the page loads (role="alert"). */
export function errorSummary(errors: readonly { label: string; messages: readonly string[] }[]): string {
  if (errors.length === 0) return '';
  return `<div role="alert" class="error"><p>Nothing was sent. Please correct:</p><ul>${errors
    .map((e) => `<li>${escapeHtml(e.label)}: ${e.messages.map(escapeHtml).join(' ')}</li>`)
    .join('')}</ul></div>`;
}
