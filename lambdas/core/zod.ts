/**
 * The zod the core validates with: `zod/mini`, whose functional API lets a bundle carry only the
 * validators it uses (classic zod's methods pull in all of it), with zod's English messages.
 *
 * Classic zod sets the English locale itself; `zod/mini` sets none and would answer "Invalid input"
 * to every issue without a message of its own. Importing zod from here instead of from 'zod/mini'
 * is what guarantees the locale is set before the first parse.
 *
 * Metadata (OpenAPI ids, descriptions, examples) is a check: `.check(z.meta({ id: 'X' }))`, and it
 * goes last. Unlike classic `.meta()`, a schema derived from it by a further `.check()` registers
 * the same metadata again, id included, and two schemas with one id break the OpenAPI document.
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

export * from 'zod/mini';
