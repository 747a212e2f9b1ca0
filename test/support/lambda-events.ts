/** API Gateway (REST, Lambda proxy) events for calling a handler directly, without a gateway. */
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** A v1 proxy event: `POST /api/verify` with no headers or body unless overridden. */
export function proxyEvent(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    resource: '/api/verify',
    path: '/api/verify',
    httpMethod: 'POST',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'req-123' } as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  };
}
