/** Server-rendered pages: plain HTML, no external assets, forms that work without JavaScript. */
export const escapeHtml = (s: string) =>
  s.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&quot;' })[c] as string,
  );

export function page(title: string, body: string, lang = 'en'): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:40rem;padding:0 1rem;line-height:1.5}
label{display:block;margin-top:.8rem;font-weight:600}input,select{width:100%;padding:.4rem;font-size:1rem}
button{display:block;margin-top:1.2rem;padding:.6rem 1.2rem;font-size:1rem}.note{color:#555}small.note{display:block;margin-top:.2rem}</style>
</head><body>
${body}
</body></html>`;
}
