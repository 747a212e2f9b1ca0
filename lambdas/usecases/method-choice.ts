/**
 * The person's method choice, for an order the SP started with the white paper's six fields: the
 * page lists what the SP's setup allows (core/method-choice.ts), and the choice opens the order
 * with the chosen partner. The link carries a secret of which only the hash is stored; one choice
 * per order — a second one, or one racing the first, is refused and opens no second partner order.
 */
import { timingSafeEqual } from 'node:crypto';
import { decideMethod } from '../core/catalogue.js';
import type { IspConfig, SpSetup } from '../core/domain.js';
import { ConditionFailed } from '../core/errors.js';
import { sha256 } from '../core/idempotency.js';
import {
  METHOD_CHOICE_LOCK_SECONDS,
  type MethodOption,
  methodOptions,
  optionOf,
} from '../core/method-choice.js';
import {
  applyEvent,
  currentStatus,
  isFinal,
  isOpened,
  type MethodChoiceState,
  type Order,
} from '../core/order.js';
import { Problem, problems } from '../core/problems.js';
import { setupInEffect } from '../core/setup-in-effect.js';
import { type OpenWithPartnerDeps, openWithPartner } from './open-with-partner.js';
import { mutateOrder } from './order-mutation.js';
import type { ConfigReader } from './ports/config.js';
import type { OrderStore } from './ports/orders.js';
import type { TaskCallbackPort } from './ports/workflow.js';
import { recordUsage, type UsagePort } from './usage.js';
import { chosenPartnerOutput } from './workflow-tasks.js';

export interface MethodChoiceDeps extends OpenWithPartnerDeps {
  repository: OrderStore & Pick<ConfigReader, 'getSpSetup' | 'listIsps'> & UsagePort;
  callbacks: TaskCallbackPort;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LINK_TOKEN = /^[\w-]{20,100}$/;

/** Why the page cannot be used; the handler shows each as a page in the order's language. */
export const choiceProblems = {
  invalid: () =>
    new Problem({
      status: 404,
      slug: 'method-choice-link-invalid',
      title: 'Link not valid',
      detail: 'This link is not valid.',
    }),
  expired: () =>
    new Problem({
      status: 410,
      slug: 'method-choice-link-expired',
      title: 'Link expired',
      detail: 'This identification can no longer be started.',
    }),
  chosen: (targetURL: string | null) =>
    new Problem({
      status: 409,
      slug: 'method-choice-made',
      title: 'Method already chosen',
      detail: 'A method was already chosen for this identification.',
      extensions: targetURL ? { targetURL } : {},
    }),
  busy: () =>
    new Problem({
      status: 409,
      slug: 'method-choice-in-progress',
      title: 'Choice in progress',
      detail: 'A choice for this identification is being opened with its partner.',
    }),
};

export interface ChoicePage {
  order: Order & { methodChoice: MethodChoiceState };
  options: MethodOption[];
  sp: SpSetup | undefined;
  isps: IspConfig[];
}

function tokenMatches(token: string, hash: string): boolean {
  const a = Buffer.from(sha256(token), 'utf8');
  const b = Buffer.from(hash, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The order behind a choice link, if the link is its own, and the methods to offer. */
export async function openMethodChoice(
  deps: Pick<MethodChoiceDeps, 'repository' | 'now'>,
  refId: string,
  token: string,
): Promise<ChoicePage> {
  if (!UUID.test(refId) || !LINK_TOKEN.test(token)) throw choiceProblems.invalid();
  const order = await deps.repository.getOrder(refId);
  const choice = order?.methodChoice;
  if (!order || !choice || !tokenMatches(token, choice.tokenHash)) throw choiceProblems.invalid();
  if (choice.chosenAt || isOpened(order)) throw choiceProblems.chosen(order.targetURL);
  const now = (deps.now ?? (() => new Date()))();
  if (isFinal(currentStatus(order)) || choice.expiresAt <= now.toISOString()) throw choiceProblems.expired();
  const [seeded, isps] = await Promise.all([
    deps.repository.getSpSetup(order.clientId),
    deps.repository.listIsps(),
  ]);
  // Its methods of this month: one dated until last month is no longer offered on the page.
  const sp = seeded && setupInEffect(seeded, now);
  const options = sp ? methodOptions(isps, sp, choice) : [];
  return { order: { ...order, methodChoice: choice }, options, sp, isps };
}

/**
 * The person chose `value` (an option's form value): open the order with that partner, record the
 * choice, tell the waiting state machine. Answers where to send the person.
 */
export async function chooseMethod(
  deps: MethodChoiceDeps,
  input: { refId: string; token: string; value: unknown; serviceBaseUrl: string },
): Promise<{ targetURL: string }> {
  const clock = deps.now ?? (() => new Date());
  const { order, options, sp, isps } = await openMethodChoice(deps, input.refId, input.token);
  const choice = order.methodChoice;
  if (choice.opening && choice.opening.until > clock().toISOString()) throw choiceProblems.busy();
  const option = optionOf(options, input.value);
  const decision =
    option && sp
      ? decideMethod(isps, sp, {
          issuer: option.issuer,
          method: option.method,
          jurisdiction: choice.jurisdiction ?? undefined,
          assuranceLevel: choice.assuranceLevel ?? undefined,
        })
      : undefined;
  if (!option || !decision?.ok) {
    throw problems.validation([{ field: 'method', message: 'Choose one of the offered methods.' }]);
  }

  // Claim the order for this choice: of two submissions racing, one writes, the other is refused
  // before it opens anything with a partner.
  const opening = {
    issuer: option.issuer,
    method: option.method,
    until: new Date(clock().getTime() + METHOD_CHOICE_LOCK_SECONDS * 1000).toISOString(),
  };
  try {
    await deps.repository.saveOrder({
      ...order,
      methodChoice: { ...choice, opening },
      version: order.version + 1,
    });
  } catch (err) {
    if (!(err instanceof ConditionFailed)) throw err;
    await openMethodChoice(deps, input.refId, input.token); // chosen or expired meanwhile: say so
    throw choiceProblems.busy();
  }

  let opened: Awaited<ReturnType<typeof openWithPartner>>;
  try {
    opened = await openWithPartner(deps, {
      refId: order.refId,
      decision,
      method: option.method,
      person: order.person,
      serviceBaseUrl: input.serviceBaseUrl,
    });
  } catch (err) {
    // Free the order for another attempt (the partner may be back, or another method chosen).
    await mutateOrder(deps.repository, order.refId, (o) => ({
      save:
        o.methodChoice?.opening?.until === opening.until
          ? { ...o, methodChoice: { ...o.methodChoice, opening: undefined }, version: o.version + 1 }
          : undefined,
      result: undefined,
    }));
    throw err;
  }

  const { order: saved, result } = await mutateOrder(deps.repository, order.refId, (o) => {
    // Another attempt took over after our claim lapsed, or the order expired meanwhile.
    if (o.methodChoice?.opening?.until !== opening.until) return { result: 'lost' as const };
    const applied = applyEvent(
      { ...o, ...opened.fields },
      { type: 'initialized', source: 'service' },
      opened.openedAt,
    );
    if (applied.outcome !== 'applied') return { result: 'lost' as const };
    return {
      save: {
        ...applied.order,
        methodChoice: { ...o.methodChoice, opening: undefined, chosenAt: opened.openedAt.toISOString() },
      },
      result: 'chosen' as const,
    };
  });
  if (result === 'lost') {
    await openMethodChoice(deps, input.refId, input.token);
    throw choiceProblems.busy();
  }
  // Its billable events, `started` included, now that the partner is known (the lifecycle's next
  // write records them again if this one fails).
  await recordUsage(deps.repository, saved).catch(() => undefined);
  if (saved.waitTokens?.choice)
    await deps.callbacks.succeed(saved.waitTokens.choice, chosenPartnerOutput(saved));
  return { targetURL: opened.fields.targetURL };
}
