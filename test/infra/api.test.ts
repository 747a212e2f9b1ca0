import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { describe, expect, it } from 'vitest';
import { problems } from '../../lambdas/core/problems.js';
import {
  GATEWAY_RESPONSES,
  type GatewayProblem,
  type GatewayResponseType,
  gatewayProblemBody,
  PROBLEM_CONTENT_TYPE,
} from '../../lambdas/http/gateway-responses.js';
import { pathRegexSource, pathSegments } from '../../lambdas/route-paths.js';
import {
  handlerNames,
  pageFallbackResources,
  pagePathFunctions,
  ROUTES,
  type RouteDefinition,
  SCOPES,
} from '../../lambdas/routes.js';
import { routesFor } from '../../lib/config.js';
import {
  apiMethodsOf,
  type CfnResource,
  deref,
  logicalIdOf,
  resourcesOf,
  synth,
  synthStage,
} from './helpers.js';

const key = (r: RouteDefinition) => `${r.method} ${r.path}`;

/** The path with each parameter replaced by `valueFor` its name (`*` in a method ARN, a sample value). */
const pathWith = (path: string, valueFor: (parameter: string) => string) =>
  pathSegments(path)
    .map((s) => `/${'parameter' in s ? valueFor(s.parameter) : s.literal}`)
    .join('');

describe('the routes', () => {
  it('are exactly the route table: every route, no other method', () => {
    const s = synthStage('dev');

    expect([...apiMethodsOf(s).keys()].sort()).toEqual(ROUTES.map(key).sort());
  });

  it('every handler of the route table has a function', () => {
    const s = synthStage('dev');

    for (const handler of handlerNames()) expect(s.stateless.functions.has(handler), handler).toBe(true);
  });

  it.each(ROUTES.map((r) => [key(r), r] as const))(
    '%s has the authorizer and scopes of the route table',
    (_, route) => {
      const s = synthStage('dev');
      const authorizerId = logicalIdOf(s.stateless, s.stateless.authorizer);

      const method = apiMethodsOf(s).get(key(route)) as CfnResource;

      if (route.auth.type === 'oauth') {
        expect(method.Properties).toMatchObject({
          AuthorizationType: 'COGNITO_USER_POOLS',
          AuthorizerId: { Ref: authorizerId },
        });
        expect(method.Properties.AuthorizationScopes).toEqual(route.auth.scopes);
      } else {
        expect(method.Properties.AuthorizationType).toBe('NONE');
        expect(method.Properties.AuthorizerId).toBeUndefined();
        expect(method.Properties.AuthorizationScopes).toBeUndefined();
      }
    },
  );

  it.each(ROUTES.map((r) => [key(r), r] as const))(
    '%s proxies to the function of its handler',
    (_, route) => {
      const s = synthStage('dev');
      const fn = s.stateless.functions.get(route.handler);
      const fnId = logicalIdOf(s.stateless, fn as NonNullable<typeof fn>);

      const method = apiMethodsOf(s).get(key(route)) as CfnResource;
      const integration = method.Properties.Integration as { Type: string; Uri: unknown };

      expect(integration.Type).toBe('AWS_PROXY');
      expect(JSON.stringify(integration.Uri)).toContain(JSON.stringify({ 'Fn::GetAtt': [fnId, 'Arn'] }));
    },
  );

  it('lets API Gateway invoke each function only from its own methods', () => {
    const s = synthStage('dev');
    const permissions = Object.values(resourcesOf(s.statelessTemplate, 'AWS::Lambda::Permission'));
    const routes = routesFor(s.config);

    // One permission per method, scoped to that method and path (a page path's ANY method: `*`, ADR
    // 0024; those below the pages, ADR 0027); none for the console's test-invoke.
    const pageAnyMethods = [...pagePathFunctions(routes), ...pageFallbackResources(routes)].map(
      ([path, handler]) => ({ method: '*', path, handler }),
    );
    expect(permissions).toHaveLength(routes.length + pageAnyMethods.length);
    for (const route of [...routes, ...pageAnyMethods]) {
      const fnId = logicalIdOf(s.stateless, s.stateless.functions.get(route.handler) as NodejsFunction);
      const suffix = `/${route.method}${pathWith(route.path, () => '*')}`;
      const own = permissions.filter(
        (p) =>
          JSON.stringify(p.Properties.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [fnId, 'Arn'] }) &&
          JSON.stringify(p.Properties.SourceArn).endsWith(`${JSON.stringify(suffix).slice(0, -1)}"]]}`),
      );
      expect(own, `${route.method} ${route.path}`).toHaveLength(1);
      expect(own[0]?.Properties.Principal).toBe('apigateway.amazonaws.com');
    }
    for (const p of permissions)
      expect(JSON.stringify(p.Properties.SourceArn)).not.toContain('test-invoke-stage');
  });

  it('authorizes OAuth routes with the user pool of the stateful stack', () => {
    const s = synthStage('dev');
    const [authorizer] = Object.values(resourcesOf(s.statelessTemplate, 'AWS::ApiGateway::Authorizer'));
    const poolId = logicalIdOf(s.stateful, s.stateful.userPool);

    expect(authorizer?.Properties).toMatchObject({
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      // Five minutes, as the local gateway keeps a token's result (test/integration/authorizer-cache.test.ts).
      AuthorizerResultTtlInSeconds: 300,
    });
    expect(deref(authorizer?.Properties.ProviderARNs, s.statefulTemplate)).toEqual([
      { 'Fn::GetAtt': [poolId, 'Arn'] },
    ]);
  });
});

describe('a method a path does not have', () => {
  it('is answered on a page path by the page’s function (ADR 0024), with no authorizer', () => {
    const s = synthStage('dev');
    const anyMethods = apiMethodsOf(s, 'any');
    const pages = [...pagePathFunctions(ROUTES)];

    expect(pages.map(([path]) => path)).toEqual([
      '/method-choice/{refId}',
      '/terms/{token}',
      '/test-isp/orders/{refId}',
      '/demo-portal',
      '/demo-portal/methods',
      '/demo-portal/status',
      '/demo-portal/ready',
    ]);
    for (const [path, handler] of pages) {
      const fnId = logicalIdOf(s.stateless, s.stateless.functions.get(handler) as NodejsFunction);
      const method = anyMethods.get(`ANY ${path}`) as CfnResource;
      const integration = method.Properties.Integration as { Type: string; Uri: unknown };
      expect(method.Properties.AuthorizationType, path).toBe('NONE');
      expect(integration.Type, path).toBe('AWS_PROXY');
      expect(JSON.stringify(integration.Uri), path).toContain(
        JSON.stringify({ 'Fn::GetAtt': [fnId, 'Arn'] }),
      );
    }
  });

  it('is answered on every other routed path by an ANY method: a mock 405 with Allow, no authorizer, no function', () => {
    const s = synthStage('dev');
    const pages = pagePathFunctions(ROUTES);
    const belowPages = pageFallbackResources(ROUTES);
    const anyMethods = new Map(
      [...apiMethodsOf(s, 'any')].filter(([key]) => {
        const path = key.slice('ANY '.length);
        return !pages.has(path) && !belowPages.has(path);
      }),
    );

    expect([...apiMethodsOf(s, 'any').keys()].sort()).toEqual(
      [...new Set([...ROUTES.map((r) => r.path), ...belowPages.keys()])].map((path) => `ANY ${path}`).sort(),
    );
    expect(anyMethods.size).toBe(new Set(ROUTES.map((r) => r.path)).size - pages.size);
    // Written out for two paths; the rule for all below.
    expect(anyMethods.get('ANY /api/webhooks')?.Properties.Integration).toMatchObject({
      Type: 'MOCK',
      IntegrationResponses: [
        {
          StatusCode: '405',
          ResponseParameters: expect.objectContaining({ 'method.response.header.Allow': "'GET, POST'" }),
        },
      ],
    });
    expect(anyMethods.get('ANY /api/identifications/{refId}')?.Properties.Integration).toMatchObject({
      IntegrationResponses: [
        { ResponseParameters: expect.objectContaining({ 'method.response.header.Allow': "'GET'" }) },
      ],
    });
    for (const [key, method] of anyMethods) {
      const path = key.slice('ANY '.length);
      const allowed = ROUTES.filter((r) => r.path === path)
        .map((r) => r.method)
        .sort()
        .join(', ');
      const integration = method.Properties.Integration as {
        Type: string;
        PassthroughBehavior: string;
        RequestTemplates?: unknown;
        IntegrationResponses: {
          StatusCode: string;
          SelectionPattern?: string;
          ResponseParameters: Record<string, string>;
          ResponseTemplates: Record<string, string>;
        }[];
      };
      expect(method.Properties.AuthorizationType, key).toBe('NONE');
      expect(integration.Type, key).toBe('MOCK');
      // A mock takes its status from the mapped request: every body type is mapped to a fixed
      // status (an unmapped body would fail the mock with a 500), another type is never passed through.
      expect(integration.RequestTemplates, key).toEqual({
        'application/json': '{"statusCode": 200}',
        'application/problem+json': '{"statusCode": 200}',
        'application/x-www-form-urlencoded': '{"statusCode": 200}',
        'multipart/form-data': '{"statusCode": 200}',
        'text/plain': '{"statusCode": 200}',
        'text/html': '{"statusCode": 200}',
        'application/xml': '{"statusCode": 200}',
        'text/xml': '{"statusCode": 200}',
        'application/octet-stream': '{"statusCode": 200}',
      });
      expect(integration.PassthroughBehavior, key).toBe('NEVER');
      const [response, ...others] = integration.IntegrationResponses;
      expect(others, key).toEqual([]);
      expect(response?.SelectionPattern, key).toBeUndefined();
      expect(response?.StatusCode, key).toBe('405');
      expect(response?.ResponseParameters, key).toMatchObject({
        'method.response.header.Allow': `'${allowed}'`,
        'method.response.header.Content-Type': `'${PROBLEM_CONTENT_TYPE}'`,
        'method.response.header.Cache-Control': "'no-store'",
      });
      expect(JSON.parse(response?.ResponseTemplates['application/json'] ?? '{}'), key).toEqual({
        type: 'https://smart-registration.example/problems/method-not-allowed',
        title: 'Method not allowed',
        status: 405,
        detail: 'This path does not support this method; the Allow header lists those it does.',
      });
      expect(method.Properties.MethodResponses, key).toEqual([
        {
          StatusCode: '405',
          ResponseParameters: Object.fromEntries(
            Object.keys(response?.ResponseParameters ?? {}).map((k) => [k, true]),
          ),
        },
      ]);
    }
  });
});

describe('a path below the pages that no route has (ADR 0027)', () => {
  // Written out: the resources a link cut short or with an extra segment reaches, per stage.
  const BELOW_THE_PAGES_IN_PRODUCTION: [path: string, handler: string][] = [
    ['/method-choice', 'method-choice-page'],
    ['/method-choice/{refId}/{proxy+}', 'method-choice-page'],
    ['/terms', 'terms-page'],
    ['/terms/{token}/{proxy+}', 'terms-page'],
  ];
  const BELOW_THE_PAGES_ON_TEST_STAGES: [path: string, handler: string][] = [
    ...BELOW_THE_PAGES_IN_PRODUCTION,
    ['/test-isp/orders', 'test-isp-simulator'],
    ['/test-isp/orders/{refId}/{proxy+}', 'test-isp-simulator'],
    ['/demo-portal/{proxy+}', 'demo-portal'],
    ['/demo-portal/methods/{proxy+}', 'demo-portal'],
    ['/demo-portal/status/{proxy+}', 'demo-portal'],
    ['/demo-portal/ready/{proxy+}', 'demo-portal'],
  ];

  it.each([
    ['dev', BELOW_THE_PAGES_ON_TEST_STAGES],
    ['prod', BELOW_THE_PAGES_IN_PRODUCTION],
  ] as const)('reaches the page’s function on %s by an ANY method, with no authorizer', (stage, expected) => {
    const s = synthStage(stage);
    const anyMethods = apiMethodsOf(s, 'any');
    const routePaths = new Set(routesFor(s.config).map((r) => r.path));
    const below = [...anyMethods.keys()]
      .map((key) => key.slice('ANY '.length))
      .filter((path) => !routePaths.has(path));

    expect(below.sort()).toEqual(expected.map(([path]) => path).sort());
    for (const [path, handler] of expected) {
      const fnId = logicalIdOf(s.stateless, s.stateless.functions.get(handler) as NodejsFunction);
      const method = anyMethods.get(`ANY ${path}`) as CfnResource;
      const integration = method.Properties.Integration as { Type: string; Uri: unknown };
      expect(method.Properties.AuthorizationType, path).toBe('NONE');
      expect(method.Properties.AuthorizerId, path).toBeUndefined();
      expect(integration.Type, path).toBe('AWS_PROXY');
      expect(JSON.stringify(integration.Uri), path).toContain(
        JSON.stringify({ 'Fn::GetAtt': [fnId, 'Arn'] }),
      );
    }
  });

  it('gives no resource two path-variable children, which API Gateway refuses to create', () => {
    const resources = Object.values(
      resourcesOf(synthStage('dev').statelessTemplate, 'AWS::ApiGateway::Resource'),
    );
    const variableChildren = new Map<string, string[]>();
    for (const r of resources) {
      const part = r.Properties.PathPart as string;
      if (!part.startsWith('{')) continue;
      const parent = JSON.stringify(r.Properties.ParentId);
      variableChildren.set(parent, [...(variableChildren.get(parent) ?? []), part]);
    }

    expect(resources.some((r) => r.Properties.PathPart === '{proxy+}')).toBe(true);
    for (const parts of variableChildren.values()) expect(parts).toHaveLength(1);
  });
});

describe('stages', () => {
  const table: RouteDefinition[] = [
    ...ROUTES,
    {
      method: 'POST',
      path: '/fixture-only/{refId}',
      handler: 'fixture-test-only',
      auth: { type: 'none' },
      summary: 'Test-ISP simulator',
      testStageOnly: true,
    },
  ];

  it('a test stage carries the test-only routes and their function', () => {
    const s = synth({ stage: 'test' }, { routeTable: table });

    expect(apiMethodsOf(s).has('POST /fixture-only/{refId}')).toBe(true);
    expect(s.stateless.functions.has('fixture-test-only')).toBe(true);
  });

  it('production carries neither the test-only routes nor their function', () => {
    const s = synth({ stage: 'prod' }, { routeTable: table });

    expect([...apiMethodsOf(s).keys()].sort()).toEqual(
      ROUTES.filter((r) => !r.testStageOnly)
        .map(key)
        .sort(),
    );
    expect(s.stateless.functions.has('fixture-test-only')).toBe(false);
  });

  it('the route table and production agree: prod serves exactly the routes not marked test-only', () => {
    const s = synthStage('prod');
    const testOnly = new Set(handlerNames(ROUTES.filter((r) => r.testStageOnly)));
    const elsewhere = new Set(handlerNames(ROUTES.filter((r) => !r.testStageOnly)));

    expect([...apiMethodsOf(s).keys()].sort()).toEqual(
      ROUTES.filter((r) => !r.testStageOnly)
        .map(key)
        .sort(),
    );
    for (const h of testOnly) if (!elsewhere.has(h)) expect(s.stateless.functions.has(h), h).toBe(false);
  });

  it('a test stage serves every route, including the Test-ISP simulator', () => {
    const s = synthStage('test');

    expect([...apiMethodsOf(s).keys()].sort()).toEqual(ROUTES.map(key).sort());
  });

  it('refuses an unknown stage', () => {
    expect(() => synth({ stage: 'staging' })).toThrow(/Unknown stage "staging"/);
  });
});

describe('gateway responses', () => {
  const all = Object.entries(GATEWAY_RESPONSES) as [GatewayResponseType, GatewayProblem][];

  it.each(all)('%s answers its problem+json body', (type, problem) => {
    const s = synthStage('dev');
    const responses = Object.values(resourcesOf(s.statelessTemplate, 'AWS::ApiGateway::GatewayResponse'));

    const response = responses.find((r) => r.Properties.ResponseType === type) as CfnResource;

    expect(response).toBeDefined();
    expect(response.Properties.StatusCode).toBe(problem.fallback ? undefined : String(problem.status));
    const params = response.Properties.ResponseParameters as Record<string, string>;
    expect(params['gatewayresponse.header.Content-Type']).toBe(`'${PROBLEM_CONTENT_TYPE}'`);
    expect(params['gatewayresponse.header.Strict-Transport-Security']).toBe(
      "'max-age=63072000; includeSubDomains'",
    );
    for (const [name, value] of Object.entries(problem.headers ?? {})) {
      expect(params[`gatewayresponse.header.${name}`]).toBe(`'${value}'`);
    }
    const templates = response.Properties.ResponseTemplates as Record<string, string>;
    const body = JSON.parse(templates['application/json'] as string);
    expect(body).toEqual(gatewayProblemBody(type));
    expect(Object.keys(body).sort()).toEqual(['detail', 'status', 'title', 'type']);
  });

  it('the responses the brief names are all there', () => {
    for (const type of [
      'UNAUTHORIZED',
      'ACCESS_DENIED',
      'THROTTLED',
      'MISSING_AUTHENTICATION_TOKEN',
      'DEFAULT_4XX',
      'DEFAULT_5XX',
      'REQUEST_TOO_LARGE',
      'WAF_FILTERED',
    ]) {
      expect(GATEWAY_RESPONSES).toHaveProperty(type);
    }
  });

  it('use the same type, title and status as the handlers do for the same problem', () => {
    const handlerProblems = [
      problems.unauthorized(),
      problems.forbidden('x'),
      problems.notFound(),
      problems.tooManyRequests(1),
      problems.payloadTooLarge(1),
      problems.unsupportedMediaType('x'),
      problems.validation([]),
      problems.internal('c'),
    ];
    const byType = new Map(handlerProblems.map((p) => [p.type, p]));

    for (const type of Object.keys(GATEWAY_RESPONSES) as GatewayResponseType[]) {
      const body = gatewayProblemBody(type);
      const same = byType.get(body.type);
      if (!same) continue;
      expect({ type, title: body.title, status: body.status }).toEqual({
        type,
        title: same.title,
        status: same.status,
      });
    }
  });
});

describe('throttling, WAF and logs', () => {
  const limited = ROUTES.filter((r) => r.clientRateLimit);

  it('the route table has at least the verify route rate limited', () => {
    expect(limited.map(key)).toContain('POST /api/verify');
  });

  it.each(limited.map((r) => [key(r), r] as const))('%s is throttled on its method', (_, route) => {
    const s = synthStage('prod');
    const [stage] = Object.values(resourcesOf(s.statelessTemplate, 'AWS::ApiGateway::Stage'));
    const settings = stage?.Properties.MethodSettings as Record<string, unknown>[];

    const own = settings.find(
      (m) => m.HttpMethod === route.method && m.ResourcePath === `/${route.path.replace(/\//g, '~1')}`,
    );

    expect(own).toMatchObject({
      ThrottlingRateLimit: s.config.rateLimitedRouteThrottle.rateLimit,
      ThrottlingBurstLimit: s.config.rateLimitedRouteThrottle.burstLimit,
      LoggingLevel: 'INFO',
      DataTraceEnabled: false,
    });
  });

  it.each(limited.map((r) => [key(r), r] as const))(
    '%s has a WAF rate rule per client address',
    (_, route) => {
      const s = synthStage('prod');
      const [acl] = Object.values(resourcesOf(s.statelessTemplate, 'AWS::WAFv2::WebACL'));
      const rules = acl?.Properties.Rules as {
        Action: unknown;
        Statement: { RateBasedStatement: Record<string, unknown> };
      }[];

      const rule = rules.find((r) =>
        JSON.stringify(r.Statement).includes(pathRegexSource(route.path).replace(/\\/g, '\\\\')),
      );

      expect(rule?.Action).toEqual({ Block: {} });
      const rate = rule?.Statement.RateBasedStatement as {
        AggregateKeyType: string;
        EvaluationWindowSec: number;
        Limit: number;
        ScopeDownStatement: { AndStatement: { Statements: Record<string, Record<string, unknown>>[] } };
      };
      expect(rate.AggregateKeyType).toBe('IP');
      expect(rate.Limit / rate.EvaluationWindowSec).toBe(route.clientRateLimit?.perSecond);
      const [methodMatch, pathMatch] = rate.ScopeDownStatement.AndStatement.Statements;
      expect(methodMatch?.ByteMatchStatement).toMatchObject({
        SearchString: route.method,
        PositionalConstraint: 'EXACTLY',
      });
      const regex = new RegExp(pathMatch?.RegexMatchStatement?.RegexString as string);
      const concrete = pathWith(route.path, () => 'abc');
      expect(regex.test(concrete)).toBe(true);
      expect(regex.test(`/prod${concrete}`)).toBe(true);
      expect(regex.test(`${concrete}/more`)).toBe(false);
    },
  );

  it('the web ACL protects the API stage and blocks nothing else', () => {
    const s = synthStage('prod');
    const aclId = logicalIdOf(s.stateless, { node: { defaultChild: s.stateless.webAcl } });
    const stageId = logicalIdOf(s.stateless, {
      node: { defaultChild: s.stateless.api.deploymentStage.node.defaultChild },
    });
    const [assoc] = Object.values(resourcesOf(s.statelessTemplate, 'AWS::WAFv2::WebACLAssociation'));

    expect(assoc?.Properties.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    expect(JSON.stringify(assoc?.Properties.ResourceArn)).toContain(JSON.stringify({ Ref: stageId }));
    s.statelessTemplate.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
    });
    // WAF_FILTERED answers 429 because every blocking rule is a rate rule.
    const [acl] = Object.values(resourcesOf(s.statelessTemplate, 'AWS::WAFv2::WebACL'));
    for (const rule of (acl?.Properties.Rules ?? []) as { Statement: Record<string, unknown> }[]) {
      expect(Object.keys(rule.Statement)).toEqual(['RateBasedStatement']);
    }
  });

  it('writes JSON access logs, execution logs without bodies, and X-Ray traces', () => {
    const s = synthStage('prod');
    const [stage] = Object.values(resourcesOf(s.statelessTemplate, 'AWS::ApiGateway::Stage'));
    const access = stage?.Properties.AccessLogSetting as { Format: string; DestinationArn: unknown };

    expect(JSON.parse(access.Format)).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      status: '$context.status',
      clientId: '$context.authorizer.claims.client_id',
    });
    expect(stage?.Properties.TracingEnabled).toBe(true);
    expect(stage?.Properties.MethodSettings).toContainEqual(
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        LoggingLevel: 'INFO',
        DataTraceEnabled: false,
      }),
    );
  });

  it('all scopes the routes use exist in SCOPES', () => {
    const known = new Set<string>(Object.values(SCOPES));
    for (const r of ROUTES)
      if (r.auth.type === 'oauth') for (const sc of r.auth.scopes) expect(known.has(sc)).toBe(true);
  });
});
