import { existsSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildStacks } from './lib/app.js';
const app = new App({ context: { stage: process.argv[2] ?? 'dev', 'aws:cdk:bundling-stacks': [] }, outdir: '/tmp/cdkout-' + (process.argv[2] ?? 'dev') });
buildStacks(app, { handlerEntry: (h) => { const f = `/work/main/lambdas/handlers/${h}.ts`; return existsSync(f) ? f : '/work/main/test/infra/fixtures/stub-handler.ts'; } });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
console.log('ok');
