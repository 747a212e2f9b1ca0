/**
 * Partner messages: a status event, or the evidence the partner signed. Both are verified before
 * (adapters/isp-message.ts); here they change the order, and the waiting state machine task hears
 * of it. A repeated message changes nothing and is answered as a duplicate.
 */
import { randomUUID } from 'node:crypto';
import { ConditionFailed } from '../core/errors.js';
import { sha256 } from '../core/idempotency.js';
import {
  checkEvidenceAgainstOrder,
  type IspEventClaims,
  type IspEvidenceClaims,
  toLifecycleEvent,
} from '../core/isp-messages.js';
import { applyEvent, currentStatus } from '../core/order.js';
import { problems } from '../core/problems.js';
import { canonicalUuid } from '../core/ref-id-format.js';
import { orderOfIssuer } from './order-access.js';
import { clock, notifyCancelled, type OrderMutationDeps, transition } from './order-mutation.js';
import type { EvidenceStore } from './ports/orders.js';
import type { TaskCallbackPort } from './ports/workflow.js';

export interface PartnerMessageDeps extends OrderMutationDeps {
  repository: OrderMutationDeps['repository'] & EvidenceStore;
  callbacks: TaskCallbackPort;
}

export interface IspMessageResult {
  refId: string;
  outcome: 'applied' | 'duplicate' | 'stale';
  status: string;
  evidenceId?: string | null;
}

export async function applyIspEvent(
  deps: PartnerMessageDeps,
  issuer: string,
  claims: IspEventClaims,
): Promise<IspMessageResult> {
  // The order's key is the refId in lower case: a partner's database may print it in capitals.
  const refId = canonicalUuid(claims.refId);
  await orderOfIssuer(deps.repository, refId, issuer);
  const { order, result } = await transition(deps, refId, toLifecycleEvent(claims));
  if (result.outcome === 'rejected') throw problems.conflict(result.reason, 'transition-not-allowed');
  // Also on a repeat: the first delivery may have died between the write and this call.
  const last = order.statuses[order.statuses.length - 1];
  const cancelledNow =
    result.outcome === 'applied' || (result.outcome === 'duplicate' && claims.event === 'cancelled');
  if (cancelledNow && last?.status === 'cancelled') {
    await notifyCancelled(deps.callbacks, order, `cancelled:${last.kind}`);
  }
  return { refId: order.refId, outcome: result.outcome, status: currentStatus(order) };
}

export async function importEvidence(
  deps: PartnerMessageDeps,
  issuer: string,
  claims: IspEvidenceClaims,
  jws: string,
): Promise<IspMessageResult> {
  const order = await orderOfIssuer(deps.repository, canonicalUuid(claims.refId), issuer);
  const digest = sha256(JSON.stringify(claims.evidence));
  const existing = await deps.repository.getEvidence(order.refId);
  if (existing && existing.sha256 !== digest) {
    throw problems.conflict(
      'Evidence for this order was imported before and cannot be replaced.',
      'evidence-immutable',
    );
  }
  const mismatches = checkEvidenceAgainstOrder(claims.evidence, order);
  if (mismatches.length) {
    throw problems.unprocessable(
      `The evidence does not fit the order: ${mismatches.join('; ')}.`,
      'evidence-mismatch',
    );
  }
  let evidenceId = existing?.evidenceId;
  if (!existing) {
    // Refuse before writing: evidence for an order that cannot become data-ready (cancelled,
    // failed) must leave nothing behind.
    const allowed = applyEvent(
      order,
      { type: 'data-ready', source: 'isp', evidenceId: 'pending' },
      clock(deps),
    );
    if (allowed.outcome === 'rejected') throw problems.conflict(allowed.reason, 'transition-not-allowed');
    evidenceId = randomUUID();
    try {
      await deps.repository.createEvidence(
        {
          refId: order.refId,
          evidenceId,
          issuer,
          jws,
          sha256: digest,
          importedAt: clock(deps).toISOString(),
          claims: claims.evidence,
        },
        order,
      );
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
      // A concurrent import won: the same evidence is a duplicate, another one is refused.
      const winner = await deps.repository.getEvidence(order.refId);
      if (winner?.sha256 !== digest) {
        throw problems.conflict(
          'Evidence for this order was imported before and cannot be replaced.',
          'evidence-immutable',
        );
      }
      evidenceId = winner.evidenceId;
    }
  }
  const { order: after, result } = await transition(deps, order.refId, {
    type: 'data-ready',
    source: 'isp',
    evidenceId,
  });
  if (result.outcome === 'rejected') throw problems.conflict(result.reason, 'transition-not-allowed');
  // Also on a repeat: the first delivery may have failed after the write (its usage write, or the
  // process), before the waiting task heard of it. Completing a completed task changes nothing.
  if (result.outcome !== 'stale' && after.waitTokens?.evidence) {
    await deps.callbacks.succeed(after.waitTokens.evidence, { evidenceId });
  }
  return {
    refId: order.refId,
    outcome: result.outcome,
    status: currentStatus(after),
    evidenceId: evidenceId ?? null,
  };
}
