/**
 * Per-client-address rate limits: a WAF web ACL with one rate-based rule for every route the route
 * table gives a `clientRateLimit`, associated with the API's stage. (Stage and method throttling,
 * which count all callers together, are set on the API: lib/api.ts.)
 */
import type { Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { pathRegexSource } from '../lambdas/route-paths.js';
import type { RouteDefinition } from '../lambdas/routes.js';
import { prefixOf, type StageConfig } from './config.js';
import { pascal } from './stateless-names.js';

/** Rate-based rules for every route with a per-client-address limit in the route table. */
export function createWebAcl(
  scope: Stack,
  deps: { config: StageConfig; routes: readonly RouteDefinition[]; api: apigateway.RestApi },
): wafv2.CfnWebACL {
  const prefix = prefixOf(deps.config.stage);
  const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
    cloudWatchMetricsEnabled: true,
    metricName,
    sampledRequestsEnabled: true,
  });
  const rules: wafv2.CfnWebACL.RuleProperty[] = deps.routes
    .filter((r) => r.clientRateLimit)
    .map((route, priority) => {
      const name = `${pascal(route.handler)}${route.method}RatePerIp`;
      return {
        name,
        priority,
        action: { block: {} },
        visibilityConfig: visibility(name),
        statement: {
          rateBasedStatement: {
            aggregateKeyType: 'IP',
            evaluationWindowSec: 60,
            limit: Math.max(10, (route.clientRateLimit?.perSecond ?? 0) * 60),
            scopeDownStatement: {
              andStatement: {
                statements: [
                  {
                    byteMatchStatement: {
                      fieldToMatch: { method: {} },
                      positionalConstraint: 'EXACTLY',
                      searchString: route.method,
                      textTransformations: [{ priority: 0, type: 'NONE' }],
                    },
                  },
                  {
                    regexMatchStatement: {
                      fieldToMatch: { uriPath: {} },
                      regexString: pathRegexSource(route.path),
                      textTransformations: [{ priority: 0, type: 'NONE' }],
                    },
                  },
                ],
              },
            },
          },
        },
      };
    });
  const webAcl = new wafv2.CfnWebACL(scope, 'WebAcl', {
    name: `${prefix}-api`,
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: visibility(`${prefix}-api`),
    rules,
  });
  new wafv2.CfnWebACLAssociation(scope, 'WebAclAssociation', {
    resourceArn: deps.api.deploymentStage.stageArn,
    webAclArn: webAcl.attrArn,
  });
  return webAcl;
}
