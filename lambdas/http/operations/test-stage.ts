/** Test stages only: the Test-ISP simulator (pages and JSON API) and the demo signing portal. */
import { SIGNATURE_NEED_KEYS } from '../../core/demo-portal.js';
import { SimulatorApiRequest } from '../../core/test-isp-schemas.js';
import * as z from '../../core/zod.js';
import { ORDER_LINKS } from './sp-api.js';
import { type Operation, page, problem, seeOther } from './spec.js';

const SimulatorAnswer = /* @__PURE__ */ z.define(() =>
  z
    .object({
      refId: z.string(),
      sent: z.array(z.record(z.string(), z.unknown())),
      notSent: z.optional(z.array(z.record(z.string(), z.unknown()))),
      orderStatus: z.string(),
    })
    .register(z.globalRegistry, { id: 'SimulatorAnswer' }),
);

export const TEST_STAGE_OPERATIONS: Record<string, Operation> = {
  'GET /test-isp/orders/{refId}': {
    responses: {
      '200': page('The "Define Identity" form, prefilled from the order.'),
      '404': page('The Test-ISP has no order with this refId.'),
    },
  },
  'POST /test-isp/orders/{refId}': {
    requestMediaType: 'application/x-www-form-urlencoded',
    requestSchema: { type: 'object', additionalProperties: { type: 'string' } },
    responses: {
      '200': page('What the simulator sent to the service.'),
      '400': page('The form with an error next to each invalid field.'),
      '404': page('The Test-ISP has no order with this refId.'),
    },
  },
  'POST /test-isp/api/orders/{refId}': {
    request: SimulatorApiRequest,
    requestExamples: {
      dataReady: { summary: 'Identified, evidence imported', value: { status: 'data-ready' } },
    },
    responses: {
      '200': {
        description: 'What the simulator sent to the service.',
        schema: SimulatorAnswer,
        links: ORDER_LINKS,
      },
      '404': problem('The Test-ISP has no order with this refId.'),
      '502': problem('The service’s ISP callback could not be reached.'),
    },
  },
  // The demo signing portal: an SP stand-in's pages (test stages only); it calls this API itself.
  'GET /demo-portal': {
    responses: { '200': page('The sample document: name, mobile number and the signature it needs.') },
  },
  'POST /demo-portal': {
    requestMediaType: 'application/x-www-form-urlencoded',
    requestSchema: {
      type: 'object',
      description:
        'The first page’s form as a browser sends it: names and number are trimmed, the number may carry spaces, dots, slashes, brackets or a 00 prefix.',
      required: ['firstName', 'lastName', 'mobile', 'need'],
      properties: {
        firstName: { type: 'string' },
        lastName: { type: 'string' },
        mobile: { type: 'string' },
        need: { type: 'string', enum: SIGNATURE_NEED_KEYS },
      },
      additionalProperties: { type: 'string' },
    },
    responses: {
      '303': seeOther('Verify answered: to the methods (negative) or to "ready to sign" (positive).'),
      '400': page('The form with an error next to each invalid field.'),
      '403': page('The form was sent from another site.'),
      '502': page('The service could not be reached.'),
    },
  },
  'GET /demo-portal/methods': {
    responses: {
      '200': page('The catalogue’s methods, grouped by quality and legal area.'),
      '303': seeOther('No journey yet: to the portal’s first page.'),
    },
  },
  'POST /demo-portal/methods': {
    requestMediaType: 'application/x-www-form-urlencoded',
    requestSchema: { type: 'object', additionalProperties: { type: 'string' } },
    responses: {
      '303': seeOther('Started: to the targetURL (the partner, or the service’s method choice page).'),
      '400': page('The form with an error next to each invalid field; nothing started.'),
      '403': page('The form was sent from another site.'),
    },
  },
  'GET /demo-portal/status': {
    responses: {
      '200': page('The status timeline (the start call’s redirectUrl).'),
      '303': seeOther('No identification started yet.'),
      '404': page('The service knows no such identification of the portal.'),
    },
  },
  'GET /demo-portal/ready': {
    responses: {
      '200': page('Verify positive: ready to sign.'),
      '303': seeOther('Verify negative: to the methods.'),
    },
  },
};
