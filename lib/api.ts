/**
 * The REST API: one method per route of the route table with its function, the Cognito authorizer
 * with the route's scopes, request validation, stage and per-method throttling, access and
 * execution logs without bodies, problem+json gateway responses, and a 405 with Allow for a method
 * a path does not have (on a page path, from the page's function: ADR 0024); below the pages, a
 * resource for every path no route has, integrated with the page's function (its 404: ADR 0027).
 */
import { Duration, RemovalPolicy, type Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  GATEWAY_RESPONSES,
  type GatewayProblem,
  type GatewayResponseType,
  gatewayProblemBody,
  gatewayProblemHeaders,
  METHOD_NOT_ALLOWED,
  methodNotAllowedBody,
  methodNotAllowedHeaders,
  STRICT_TRANSPORT_SECURITY,
} from '../lambdas/http/gateway-responses.js';
import { pathParameterNames } from '../lambdas/route-paths.js';
import {
  AUTHORIZER_RESULTS_CACHE_SECONDS,
  methodsByPath,
  pageFallbackResources,
  pagePathFunctions,
  type RouteDefinition,
} from '../lambdas/routes.js';
import { prefixOf, type StageConfig } from './config.js';
import { pascal } from './stateless-names.js';

/** The body types the 405 mock maps (a missing Content-Type is mapped as application/json). */
const MOCK_REQUEST_CONTENT_TYPES = [
  'application/json',
  'application/problem+json',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
  'text/html',
  'application/xml',
  'text/xml',
  'application/octet-stream',
] as const;

/**
 * The headers of an answer API Gateway makes itself (a 405, a gateway response), as the static
 * values (`'value'`) its mappings take: with HSTS, as the handlers' answers over HTTPS carry it
 * (the local gateway, plain HTTP on loopback, sends none).
 */
function gatewayAnswerHeaders(headers: Record<string, string>): [name: string, value: string][] {
  return Object.entries({ ...headers, 'Strict-Transport-Security': STRICT_TRANSPORT_SECURITY }).map(
    ([name, value]) => [name, `'${value}'`],
  );
}

export function createApi(
  scope: Stack,
  deps: {
    config: StageConfig;
    routes: readonly RouteDefinition[];
    userPool: cognito.IUserPool;
    functions: ReadonlyMap<string, nodejs.NodejsFunction>;
  },
): { api: apigateway.RestApi; authorizer: apigateway.CognitoUserPoolsAuthorizer } {
  const { config } = deps;
  const prefix = prefixOf(config.stage);
  const accessLogs = new logs.LogGroup(scope, 'ApiAccessLogs', {
    retention: config.logRetention,
    removalPolicy: config.removalPolicy,
  });

  const methodOptions: Record<string, apigateway.MethodDeploymentOptions> = {};
  for (const route of deps.routes.filter((r) => r.clientRateLimit)) {
    // A method's settings replace the stage's, so repeat logging and metrics here.
    methodOptions[`${route.path}/${route.method}`] = {
      throttlingRateLimit: config.rateLimitedRouteThrottle.rateLimit,
      throttlingBurstLimit: config.rateLimitedRouteThrottle.burstLimit,
      loggingLevel: apigateway.MethodLoggingLevel.INFO,
      dataTraceEnabled: false,
      metricsEnabled: true,
    };
  }

  const F = apigateway.AccessLogField;
  const api = new apigateway.RestApi(scope, 'Api', {
    restApiName: `${prefix}-api`,
    description: `Smart Registration Service (${config.stage})`,
    endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
    cloudWatchRole: true,
    // The role is the account's API Gateway logging role, shared by every stage in the account:
    // removing a dev stack must not take it away from the others.
    cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
    deployOptions: {
      stageName: config.stage,
      accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
      accessLogFormat: apigateway.AccessLogFormat.custom(
        JSON.stringify({
          requestId: F.contextRequestId(),
          extendedRequestId: F.contextExtendedRequestId(),
          ip: F.contextIdentitySourceIp(),
          requestTime: F.contextRequestTime(),
          httpMethod: F.contextHttpMethod(),
          resourcePath: F.contextResourcePath(),
          status: F.contextStatus(),
          protocol: F.contextProtocol(),
          responseLength: F.contextResponseLength(),
          responseLatency: F.contextResponseLatency(),
          integrationLatency: F.contextIntegrationLatency(),
          errorType: F.contextErrorResponseType(),
          wafStatus: F.contextWafResponseCode(),
          clientId: F.contextAuthorizerClaims('client_id'),
        }),
      ),
      // Execution logs without request/response bodies (they carry person data).
      loggingLevel: apigateway.MethodLoggingLevel.INFO,
      dataTraceEnabled: false,
      metricsEnabled: true,
      tracingEnabled: true,
      throttlingRateLimit: config.stageThrottle.rateLimit,
      throttlingBurstLimit: config.stageThrottle.burstLimit,
      methodOptions,
    },
  });
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    reason:
      "API Gateway's account-level CloudWatch role: the AWS managed policy is the documented way to let API Gateway write execution and access logs.",
  });

  const authorizer = new apigateway.CognitoUserPoolsAuthorizer(scope, 'Authorizer', {
    authorizerName: `${prefix}-cognito`,
    cognitoUserPools: [deps.userPool],
    identitySource: apigateway.IdentitySource.header('Authorization'),
    resultsCacheTtl: Duration.seconds(AUTHORIZER_RESULTS_CACHE_SECONDS),
  });

  const validator = new apigateway.RequestValidator(scope, 'RequestValidator', {
    restApi: api,
    requestValidatorName: 'parameters-and-body',
    validateRequestParameters: true,
    validateRequestBody: true,
  });

  for (const route of deps.routes) {
    const fn = deps.functions.get(route.handler) as nodejs.NodejsFunction;
    const resource = api.root.resourceForPath(route.path);
    const requestParameters = Object.fromEntries(
      pathParameterNames(route.path).map((p) => [`method.request.path.${p}`, true]),
    );
    const common = {
      requestValidator: validator,
      requestParameters,
    };
    const method = resource.addMethod(
      route.method,
      new apigateway.LambdaIntegration(fn, { proxy: true, allowTestInvoke: false }),
      route.auth.type === 'oauth'
        ? {
            ...common,
            authorizer,
            authorizationType: apigateway.AuthorizationType.COGNITO,
            authorizationScopes: [...route.auth.scopes],
          }
        : { ...common, authorizationType: apigateway.AuthorizationType.NONE },
    );
    if (route.auth.type === 'none') {
      const reason = `Public by design in the route table (auth "none": the white paper's verify call, ISP callbacks that carry their own signed JWS, public pages): ${route.method} ${route.path}, ${route.summary}. Throttled per stage${route.clientRateLimit ? ', per method and per client address (WAF)' : ''}.`;
      Validations.of(method).acknowledge(
        { id: 'AwsSolutions-APIG4', reason },
        { id: 'AwsSolutions-COG4', reason },
      );
    }
  }

  // A method a resource does not have: its ANY method (a resource's own methods take precedence)
  // answers 405 with Allow from API Gateway itself, before any authorizer or function — except on
  // a page path, whose ANY method is the page's function: its 405 is a page too (ADR 0024).
  const body = JSON.stringify(methodNotAllowedBody());
  const pageFunctions = pagePathFunctions(deps.routes);
  /** The resource's ANY method as the page function's (Lambda proxy, no authorizer: public like the page). */
  const pageFunctionAnyMethod = (path: string, handler: string, reason: string) => {
    const fn = deps.functions.get(handler) as nodejs.NodejsFunction;
    const any = api.root
      .resourceForPath(path)
      .addMethod('ANY', new apigateway.LambdaIntegration(fn, { proxy: true, allowTestInvoke: false }), {
        authorizationType: apigateway.AuthorizationType.NONE,
      });
    Validations.of(any).acknowledge(
      { id: 'AwsSolutions-APIG4', reason },
      { id: 'AwsSolutions-COG4', reason },
    );
  };
  for (const [path, methods] of methodsByPath(deps.routes)) {
    const pageFunction = pageFunctions.get(path);
    if (pageFunction) {
      pageFunctionAnyMethod(
        path,
        pageFunction,
        `A page path's other methods (${path} has ${methods.join(', ')}) reach the page's own function, public like the page, which refuses them with a 405 page before its handler runs (ADR 0024).`,
      );
      continue;
    }
    const headers = gatewayAnswerHeaders(methodNotAllowedHeaders(methods));
    const any = api.root.resourceForPath(path).addMethod(
      'ANY',
      new apigateway.MockIntegration({
        // A mock reads its status from the mapped request: a body passed through unmapped (text,
        // JSON without statusCode) fails the mock with a 500. So every body type a client sends
        // is mapped to a fixed status, whose default response is the 405; another type is refused
        // with the 415 gateway response (NEVER), never passed through.
        requestTemplates: Object.fromEntries(
          MOCK_REQUEST_CONTENT_TYPES.map((type) => [type, '{"statusCode": 200}']),
        ),
        passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
        integrationResponses: [
          {
            statusCode: String(METHOD_NOT_ALLOWED.status),
            responseParameters: Object.fromEntries(
              headers.map(([name, value]) => [`method.response.header.${name}`, value]),
            ),
            responseTemplates: { 'application/json': body },
          },
        ],
      }),
      {
        authorizationType: apigateway.AuthorizationType.NONE,
        methodResponses: [
          {
            statusCode: String(METHOD_NOT_ALLOWED.status),
            responseParameters: Object.fromEntries(
              headers.map(([name]) => [`method.response.header.${name}`, true]),
            ),
          },
        ],
      },
    );
    const reason = `Answers 405 Method Not Allowed for the methods ${path} does not have, from API Gateway itself (a mock integration): it reaches no function and reads no data.`;
    Validations.of(any).acknowledge(
      { id: 'AwsSolutions-APIG4', reason },
      { id: 'AwsSolutions-COG4', reason },
    );
  }

  // Below the pages, a path no route has (a link a phone cut short, an extra segment) reaches the
  // page's function, which answers its 404 as a page; elsewhere API Gateway's own 404 stays (ADR 0027).
  for (const [path, handler] of pageFallbackResources(deps.routes))
    pageFunctionAnyMethod(
      path,
      handler,
      `Below the pages, ${path} has no route: every request there reaches the page's own function, public like the page, which answers it with a 404 page before its handler runs (ADR 0027).`,
    );

  for (const [type, problem] of Object.entries(GATEWAY_RESPONSES) as [
    GatewayResponseType,
    GatewayProblem,
  ][]) {
    api.addGatewayResponse(`GatewayResponse${pascal(type.toLowerCase())}`, {
      type: apigateway.ResponseType.of(type),
      ...(problem.fallback ? {} : { statusCode: String(problem.status) }),
      responseHeaders: Object.fromEntries(gatewayAnswerHeaders(gatewayProblemHeaders(type))),
      templates: { 'application/json': JSON.stringify(gatewayProblemBody(type)) },
    });
  }
  return { api, authorizer };
}
