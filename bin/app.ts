#!/usr/bin/env node
/**
 * The CDK app: `npx cdk synth -c stage=dev|test|prod` (see docs/deploy.md). cdk-nag's
 * AwsSolutionsChecks runs on every synth; an unacknowledged finding fails it.
 * `-c target=emulator -c emulatorEndpoint=http://127.0.0.1:<port>` synthesizes for an AWS emulator
 * (lib/emulator-target.ts; `npm run deploy:local` does this for MiniStack).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildStacksForTarget } from '../lib/emulator-target.js';

const app = new App();
buildStacksForTarget(app);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
