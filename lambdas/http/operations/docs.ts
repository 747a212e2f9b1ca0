/** The API's own documentation: the OpenAPI document, the interactive reference and its files. */
import * as z from '../../core/zod.js';
import { INIT_SCRIPT, SWAGGER_UI_FILES } from '../api-reference.js';
import { type Operation, page, problem } from './spec.js';

export const DOCS_OPERATIONS: Record<string, Operation> = /* @__PURE__ */ z.define(() => ({
  'GET /openapi.json': {
    responses: { '200': { description: 'This document.', schema: z.record(z.string(), z.unknown()) } },
  },
  'GET /docs': {
    responses: { '200': page('The interactive API reference.') },
  },
  'GET /docs/{asset}': {
    pathParameter: { type: 'string', enum: [...SWAGGER_UI_FILES, INIT_SCRIPT] },
    responses: {
      '200': {
        description: 'The file (JavaScript or CSS).',
        schema: z.string(),
        mediaTypes: ['text/javascript', 'text/css'],
      },
      '404': problem('No such file.'),
    },
  },
}));
