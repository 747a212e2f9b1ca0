import { existsSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
(Validations.prototype as any).acknowledge = function () {};
const { buildStacks } = await import('./lib/app.js');
const app = new App({ context: { stage: process.argv[2] ?? 'dev', 'aws:cdk:bundling-stacks': [] }, outdir: '/tmp/cdkout-x' });
buildStacks(app, { handlerEntry: (h) => { const f = `/work/main/lambdas/handlers/${h}.ts`; return existsSync(f) ? f : '/work/main/test/infra/fixtures/stub-handler.ts'; } });
const report = new AwsSolutionsChecks().validateScope(app);
for (const v of report.violations) console.log(v.severity, v.ruleName, '\n   ', v.violatingResources.map(r => r.constructPath).join('\n    '));
