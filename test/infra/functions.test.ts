import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { describe, expect, it } from 'vitest';
import { EVENT_SOURCE_FUNCTIONS } from '../../lambdas/event-sources.js';
import { handlerNames, ROUTES } from '../../lambdas/routes.js';
import { routesFor } from '../../lib/config.js';
import { FUNCTION_PERMISSIONS, permissionsOf, SECRET_VALUES } from '../../lib/function-permissions.js';
import { loadStateMachines } from '../../lib/state-machines.js';
import { HANDLERS_DIR, STATE_MACHINES_DIR } from '../../lib/stateless-stack.js';
import {
  type CfnResource,
  deref,
  FIXTURES,
  logicalIdOf,
  resourcesOf,
  type Statement,
  type Synth,
  statementsOfRole,
  synth,
  synthStage,
} from './helpers.js';

const aslHandlers = loadStateMachines(STATE_MACHINES_DIR).flatMap((m) => m.handlers);
const eventSourceHandlers = EVENT_SOURCE_FUNCTIONS.map((f) => f.handler);

function functionResource(s: Synth, handler: string): { id: string; fn: CfnResource } {
  const construct = s.stateless.functions.get(handler) as NodejsFunction;
  const id = logicalIdOf(s.stateless, construct);
  return { id, fn: resourcesOf(s.statelessTemplate, 'AWS::Lambda::Function')[id] as CfnResource };
}

function actualStatements(s: Synth, handler: string): Statement[] {
  const { fn } = functionResource(s, handler);
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return statementsOfRole(s.statelessTemplate, roleId).map((st) => ({
    ...st,
    Resource: deref(st.Resource, s.statefulTemplate) as unknown[],
  }));
}

describe('the function set', () => {
  it('is one function per handler of the stage’s routes and of the ASL tasks, once each', () => {
    for (const stage of ['dev', 'prod'] as const) {
      const s = synthStage(stage);
      const expected = [
        ...new Set([...handlerNames(routesFor(s.config)), ...aslHandlers, ...eventSourceHandlers]),
      ].sort();

      expect([...s.stateless.functions.keys()].sort()).toEqual(expected);
      expect(Object.keys(resourcesOf(s.statelessTemplate, 'AWS::Lambda::Function'))).toHaveLength(
        expected.length,
      );
    }
  });

  it('gives a handler that is both a route and an ASL task a single function', () => {
    const s = synth({ stage: 'dev' }, { stateMachinesDir: join(FIXTURES, 'branching') });

    // api-docs serves routes and is the fixture's "Shared" task.
    expect(s.stateless.functionUses.get('api-docs')?.routes.length).toBeGreaterThan(0);
    expect(s.stateless.functionUses.get('api-docs')?.tasks.map((t) => t.stateName)).toEqual(['Shared']);
    expect([...s.stateless.functions.keys()].filter((h) => h === 'api-docs')).toHaveLength(1);
    expect(s.stateless.functions.has('fixture-branch-task')).toBe(true);
    expect(s.stateless.functions.has('fixture-item-task')).toBe(true);
  });

  it('has a handler module for every route and task handler', () => {
    const missing = [...new Set([...handlerNames(ROUTES), ...aslHandlers])].filter(
      (h) => !existsSync(join(HANDLERS_DIR, `${h}.ts`)),
    );

    expect(missing, `create lambdas/handlers/<name>.ts for: ${missing.join(', ')}`).toEqual([]);
  });

  it.each([...synthStage('dev').stateless.functions.keys()])(
    '%s runs on arm64, Node.js 22 or newer, with active tracing and its own log group',
    (handler) => {
      const s = synthStage('dev');
      const { fn } = functionResource(s, handler);

      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(Number(/^nodejs(\d+)\.x$/.exec(fn.Properties.Runtime as string)?.[1])).toBeGreaterThanOrEqual(
        22,
      );
      expect(fn.Properties.Handler).toBe('index.handler');
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.LoggingConfig).toHaveProperty('LogGroup.Ref');
    },
  );
});

describe('environment', () => {
  it.each([...synthStage('dev').stateless.functions.keys()])(
    '%s gets the environment its handler reads',
    (handler) => {
      const s = synthStage('dev');
      const { fn } = functionResource(s, handler);
      const env = deref(
        (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
        s.statefulTemplate,
      ) as Record<string, unknown>;
      const p = permissionsOf(handler);

      expect(env).toMatchObject({
        STAGE: 'dev',
        LOG_LEVEL: s.config.logLevel,
        POWERTOOLS_SERVICE_NAME: 'smart-registration',
        POWERTOOLS_METRICS_NAMESPACE: 'SmartRegistration/dev',
        TABLE_NAME: s.stateful.resolve(s.stateful.table.tableName),
      });
      expect(JSON.stringify(env.TOKEN_URL)).toContain('/oauth2/token');
      // The pool's ProviderURL, written as https:// + ProviderName (an attribute emulators know too).
      expect(env.ACCESS_TOKEN_ISSUER).toEqual({
        'Fn::Join': [
          '',
          [
            'https://',
            {
              'Fn::GetAtt': [
                s.stateful.getLogicalId(s.stateful.userPool.node.defaultChild as CfnElement),
                'ProviderName',
              ],
            },
          ],
        ],
      });
      expect(JSON.stringify(env.ACCESS_TOKEN_JWKS_URL)).toContain('/.well-known/jwks.json');
      expect(JSON.stringify(env.PUBLIC_BASE_URL)).toContain('.execute-api.');
      expect('STATE_MACHINE_ARN' in env).toBe(Boolean(p.stateMachine));
      // No --enable-source-maps: the edge maps a stack's frames when one is written (ADR 0021).
      expect('NODE_OPTIONS' in env).toBe(false);
      for (const [name, { env: variable, secret, field }] of Object.entries(SECRET_VALUES)) {
        const wanted = (p.secrets ?? []).includes(name as never);
        expect(variable in env, `${variable}`).toBe(wanted);
        if (!wanted) continue;
        const ref = JSON.stringify(env[variable]);
        expect(ref).toContain('{{resolve:secretsmanager:');
        expect(ref).toContain(`:SecretString:${field ?? ''}::}}`);
        const secretArn = s.stateful.resolve(
          (s.stateful.secrets.get(secret) as { secretArn: string }).secretArn,
        );
        expect(ref).toContain(JSON.stringify(secretArn));
      }
    },
  );

  it('a secrets revision changes exactly the functions that hold secrets, so they re-resolve them', () => {
    const s = synth({ stage: 'test', secretsRevision: 7 });

    for (const handler of s.stateless.functions.keys()) {
      const { fn } = functionResource(s, handler);
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env.SECRETS_REVISION, handler).toBe(permissionsOf(handler).secrets?.length ? '7' : undefined);
    }
  });

  it('a custom domain replaces the stage URL in PUBLIC_BASE_URL', () => {
    const s = synth({ stage: 'prod', publicBaseUrl: 'https://id.example.com/' });
    const { fn } = functionResource(s, 'verify');

    expect(
      (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.PUBLIC_BASE_URL,
    ).toBe('https://id.example.com');
  });
});

/** Each function's grants are stated literally in test/infra/grants.test.ts. */
describe('least privilege', () => {
  it('the verify function may only GetItem and UpdateItem (its usage counter) on the table, no index (plus its key)', () => {
    const s = synthStage('prod');
    const statements = actualStatements(s, 'verify');
    const table = s.stateful.resolve(s.stateful.table.tableArn);

    const dynamo = statements.filter((st) => st.Action.some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: [table] },
    ]);
    const actions = new Set(statements.flatMap((st) => st.Action));
    expect([...actions].sort()).toEqual(
      [
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'kms:Decrypt',
        'kms:Encrypt',
        'kms:GenerateDataKey',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    const kms = statements.filter((st) => st.Action.includes('kms:Decrypt'));
    expect(kms.flatMap((st) => st.Resource)).toEqual([s.stateful.resolve(s.stateful.dataKey.keyArn)]);
  });

  it('a handler with no entry gets nothing beyond its logs and traces', () => {
    const s = synth({ stage: 'dev' }, { stateMachinesDir: join(FIXTURES, 'branching') });

    expect(FUNCTION_PERMISSIONS).not.toHaveProperty('fixture-item-task');
    expect(new Set(actualStatements(s, 'fixture-item-task').flatMap((st) => st.Action))).toEqual(
      new Set([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]),
    );
  });

  it('no function role has managed policies or wildcard actions', () => {
    const s = synthStage('dev');
    for (const handler of s.stateless.functions.keys()) {
      const role = s.stateless.functionRoles.get(handler);
      const roleRes = resourcesOf(s.statelessTemplate, 'AWS::IAM::Role')[
        logicalIdOf(s.stateless, role as never)
      ];
      expect(roleRes?.Properties.ManagedPolicyArns, handler).toBeUndefined();
      for (const st of actualStatements(s, handler))
        for (const a of st.Action) expect(a, handler).not.toContain('*');
    }
  });

  it('the permission map names only handlers that exist in the route table, the ASL or the event sources', () => {
    const known = new Set([...handlerNames(ROUTES), ...aslHandlers, ...eventSourceHandlers]);

    expect(Object.keys(FUNCTION_PERMISSIONS).filter((h) => !known.has(h))).toEqual([]);
  });
});

describe('retention policy overrides (-c retention=…)', () => {
  it('reach every function as RETENTION_* variables', () => {
    const s = synth({ stage: 'dev', retention: '{"endedOrderDays":14,"usageYears":11}' });

    for (const handler of s.stateless.functions.keys()) {
      const { fn } = functionResource(s, handler);
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env, handler).toMatchObject({ RETENTION_ENDED_ORDER_DAYS: '14', RETENTION_USAGE_YEARS: '11' });
    }
  });

  it('refuse an unknown setting or a value that is not a whole number ≥ 1', () => {
    expect(() => synth({ stage: 'dev', retention: { keepForever: 1 } })).toThrow(
      /unknown setting "keepForever"/,
    );
    expect(() => synth({ stage: 'dev', retention: { endedOrderDays: 0 } })).toThrow(
      /RETENTION_ENDED_ORDER_DAYS must be a whole number/,
    );
  });
});

describe('partner secrets (-c partnerSecrets=…)', () => {
  it('reach exactly the functions that open orders, each from its own secret, with their names in PARTNER_SECRETS', () => {
    const s = synth({
      stage: 'prod',
      partnerSecrets: '["EXAMPLEIDENT_API_TOKEN","BANK_USER","BANK_PASSWORD"]',
    });
    const secretArn = (name: string) =>
      JSON.stringify(s.stateful.resolve(s.stateful.partnerSecrets.get(name)?.secretArn));

    const holders = [...s.stateless.functions.keys()].filter((handler) => {
      const env = deref(
        (functionResource(s, handler).fn.Properties.Environment as { Variables: Record<string, unknown> })
          .Variables,
        s.statefulTemplate,
      ) as Record<string, unknown>;
      if (!('PARTNER_SECRETS' in env)) {
        expect(env, handler).not.toHaveProperty('EXAMPLEIDENT_API_TOKEN');
        return false;
      }
      expect(env.PARTNER_SECRETS, handler).toBe('EXAMPLEIDENT_API_TOKEN,BANK_USER,BANK_PASSWORD');
      for (const name of ['EXAMPLEIDENT_API_TOKEN', 'BANK_USER', 'BANK_PASSWORD']) {
        const ref = JSON.stringify(env[name]);
        expect(ref, `${handler} ${name}`).toContain('{{resolve:secretsmanager:');
        expect(ref, `${handler} ${name}`).toContain(':SecretString:value::}}');
        expect(ref, `${handler} ${name}`).toContain(secretArn(name));
      }
      return true;
    });

    expect(holders.sort()).toEqual(['identification-start', 'method-choice-page']);
    const stored = Object.values(resourcesOf(s.statefulTemplate, 'AWS::SecretsManager::Secret'))
      .map((r) => r.Properties.Name)
      .filter((name) => String(name).includes('partner'));
    expect(stored.sort()).toEqual([
      'srs-prod/partner-secret/BANK_PASSWORD',
      'srs-prod/partner-secret/BANK_USER',
      'srs-prod/partner-secret/EXAMPLEIDENT_API_TOKEN',
    ]);
  });

  it('adding a name leaves the secret of every existing name exactly as it was (so its stored value is kept)', () => {
    const partnerSecretResources = (names: string[]) => {
      const s = synth({ stage: 'prod', partnerSecrets: JSON.stringify(names) });
      const secret = s.stateful.partnerSecrets.get('EXAMPLEIDENT_API_TOKEN');
      expect(secret).toBeDefined();
      const logicalId = s.stateful.getLogicalId(secret?.node.defaultChild as CfnElement);
      return { logicalId, resource: s.statefulTemplate.toJSON().Resources[logicalId] };
    };
    const before = partnerSecretResources(['EXAMPLEIDENT_API_TOKEN']);
    const after = partnerSecretResources(['EXAMPLEIDENT_API_TOKEN', 'BANK_USER']);

    expect(before.resource.Properties.Name).toBe('srs-prod/partner-secret/EXAMPLEIDENT_API_TOKEN');
    expect(before.resource.Properties.GenerateSecretString).toBeDefined();
    expect(after.logicalId).toBe(before.logicalId);
    expect(after.resource).toEqual(before.resource);
  });

  it('without the context, no function holds a partner secret and the stage has no such secret', () => {
    const s = synthStage('dev');

    expect(s.stateful.partnerSecrets.size).toBe(0);
    const names = Object.values(resourcesOf(s.statefulTemplate, 'AWS::SecretsManager::Secret')).map((r) =>
      String(r.Properties.Name),
    );
    expect(names.filter((name) => name.includes('partner'))).toEqual([]);
    for (const handler of s.stateless.functions.keys()) {
      const env = (
        functionResource(s, handler).fn.Properties.Environment as { Variables: Record<string, unknown> }
      ).Variables;
      expect(env, handler).not.toHaveProperty('PARTNER_SECRETS');
    }
  });

  it.each([['TABLE_NAME'], ['AWS_SECRET_ACCESS_KEY'], ['lower-case'], ['SERIAL_NUMBER_KEY']])(
    'refuses %s, which is the service’s or the runtime’s own or no variable name',
    (name) => {
      expect(() => synth({ stage: 'dev', partnerSecrets: [name] })).toThrow(
        /Context "partnerSecrets": .* must be environment variable names/,
      );
    },
  );
});
