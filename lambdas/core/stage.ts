/**
 * Which stage is production, in one place: production deploys no test-stage routes
 * (routes.ts deploysTestStageRoutes) and takes no plain http to the loopback interface
 * (loopback.ts allowsLoopbackHttp); the CDK stack keeps its logs longer (lib/config.ts). Every
 * other stage — the embedded stack (`local`), `dev`, `test` — is a test stage.
 */
export const PRODUCTION_STAGE = 'prod';

export const isProductionStage = (stage: string | undefined): boolean => stage === PRODUCTION_STAGE;
