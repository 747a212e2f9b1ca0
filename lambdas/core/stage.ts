/**
 * Which stages there are and which one is production, in one place: production deploys no
 * test-stage routes (routes.ts deploysTestStageRoutes) and takes no plain http to the loopback
 * interface (loopback.ts allowsLoopbackHttp); the CDK stack keeps its logs longer (lib/config.ts).
 * Every other stage — the embedded stack (`local`), `dev`, `test` — is a test stage.
 */
export const PRODUCTION_STAGE = 'prod';

/** The stages the CDK app deploys (`-c stage=…`, lib/config.ts). */
export const DEPLOYED_STAGES = ['dev', 'test', PRODUCTION_STAGE] as const;

/** The embedded stack's stage (`npm start`, the integration tests). */
export const LOCAL_STAGE = 'local';

/** Every stage a function or a table can belong to: the embedded stack's and the deployed ones. */
export const KNOWN_STAGES = [LOCAL_STAGE, ...DEPLOYED_STAGES] as const;

/**
 * A stage a function can run on. A function is told its stage (STAGE, lib/function-environment.ts)
 * and refuses to run on any other name (adapters/env.ts): a rule that tells production apart must
 * never meet an unknown or missing stage and take it for a test stage.
 */
export const isKnownStage = (stage: string): boolean => (KNOWN_STAGES as readonly string[]).includes(stage);

export const isProductionStage = (stage: string): boolean => stage === PRODUCTION_STAGE;

/**
 * The tag naming the stage on every resource of a deployment (lib/app.ts) and on the embedded
 * stack's table: how the admin CLI tells which stage a table given by name belongs to.
 */
export const STAGE_TAG = 'stage';
