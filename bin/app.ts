#!/usr/bin/env node
/**
 * The CDK app: `npx cdk synth -c stage=dev|test|prod` (see docs/deploy.md). cdk-nag's
 * AwsSolutionsChecks runs on every synth; an unacknowledged finding fails it.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildStacks } from '../lib/app.js';

const app = new App();
buildStacks(app);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
