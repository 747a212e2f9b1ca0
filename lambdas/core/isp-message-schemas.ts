/**
 * The partner messages' schemas alone, for isp-callback's `import()` of a message its zod-free
 * readers leave (isp-messages.ts, ADR 0020): a module imported by `import()` keeps all its exports,
 * and evidence.ts also holds the AML answer's schema (`IdentificationData`), which only the OpenAPI
 * document needs.
 */
export { IspEventClaims, IspEvidenceClaims } from './evidence.js';
