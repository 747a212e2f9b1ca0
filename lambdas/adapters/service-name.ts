/**
 * The `service` of every log line and metric (POWERTOOLS_SERVICE_NAME where the stack sets it). A
 * module of its own so that the metrics, loaded on demand by some functions (metrics-on-demand.ts),
 * name it without importing the logger module, whose copy would build a second Logger.
 */
export const SERVICE_NAME = 'smart-registration';
