/**
 * Lists that stand for sets name each item once: the evidence's jurisdictions (its schema,
 * evidence.ts, and its zod-free reader, isp-messages.ts), the lists of the operator's configuration
 * (service-config.ts) and a webhook's events (webhook-requests.ts). One rule and one wording for all;
 * a module of its own, importing nothing, so that a function's lazily loaded schema takes only this.
 */

/** Whether `list` names each of its items once. */
export const namesEachOnce = (list: readonly unknown[]): boolean => new Set(list).size === list.length;

/** The refusal of a list that names an item twice (on the list's path); `what` is one item, with its article. */
export const namedTwice = (what: string): string => `Must not name ${what} twice.`;
