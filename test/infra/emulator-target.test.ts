/**
 * The emulator target (`-c target=emulator`) is the AWS synth minus the resources an emulator
 * cannot deploy, plus the emulator's URLs. This diffs the two synths of one stage and fails on any
 * other difference, so a change that makes the emulator deploy something else than AWS shows here.
 */
import { isDeepStrictEqual } from 'node:util';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildStacksForTarget, EMULATOR_OMISSIONS } from '../../lib/emulator-target.js';
import { entryOrStub } from './helpers.js';

type Json = Record<string, unknown>;
type Templates = { stateful: Json; stateless: Json };
type Resource = { Type: string; Properties: Json; [k: string]: unknown };

const ENDPOINT = 'http://127.0.0.1:45123';
// The same publicBaseUrl for both: it is a stage setting the AWS target has too.
const COMMON = { stage: 'dev', publicBaseUrl: 'https://srs.example.com/dev' };

function synthTarget(context: Json): Templates {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...COMMON, ...context } });
  const stacks = buildStacksForTarget(app, { handlerEntry: entryOrStub });
  return {
    stateful: Template.fromStack(stacks.stateful).toJSON(),
    stateless: Template.fromStack(stacks.stateless).toJSON(),
  };
}

const aws = synthTarget({});
const emulator = synthTarget({ target: 'emulator', emulatorEndpoint: ENDPOINT });
const clone = (t: Templates): Templates => structuredClone(t);
const resources = (t: Json): Record<string, Resource> => t.Resources as Record<string, Resource>;
const outputs = (t: Json): Record<string, { Value: unknown; Export?: { Name: string } }> =>
  t.Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>;

/** What the emulator cannot deploy, written out here (not read from the module under test). */
function unsupported(resource: Resource): boolean {
  return (
    resource.Type === 'Custom::AWS' ||
    resource.Type === 'AWS::WAFv2::WebACLAssociation' ||
    (resource.Type === 'AWS::CloudWatch::Alarm' && resource.Properties?.Metrics !== undefined)
  );
}

/** Logical ids of API Gateway deployments carry a hash of the API, tags included. */
function renameDeployments(template: Json): void {
  const text = JSON.stringify(template).replace(
    /ApiDeployment([0-9A-F]{8})[0-9a-f]{32}/g,
    'ApiDeployment$1<hash>',
  );
  Object.assign(template, JSON.parse(text));
}

function importsOf(template: Json): Set<string> {
  return new Set(
    [...JSON.stringify(template).matchAll(/"Fn::ImportValue":"([^"]+)"/g)].map((m) => m[1] as string),
  );
}

describe('emulator target', () => {
  it('leaves out the resources the emulator cannot deploy, and only those', () => {
    for (const name of ['stateful', 'stateless'] as const) {
      const expected = Object.entries(resources(aws[name]))
        .filter(([, r]) => unsupported(r))
        .map(([id]) => id);
      const missing = Object.keys(resources(aws[name])).filter(
        (id) => !(id in resources(emulator[name])) && !id.startsWith('ApiDeployment'),
      );
      expect(missing.sort()).toEqual(expected.sort());
    }
    const omittedTypes = Object.values({ ...resources(aws.stateful), ...resources(aws.stateless) })
      .filter(unsupported)
      .map((r) => r.Type);
    expect(new Set(omittedTypes)).toEqual(
      new Set(['Custom::AWS', 'AWS::WAFv2::WebACLAssociation', 'AWS::CloudWatch::Alarm']),
    );
    // The web ACL and the alarms on one metric stay.
    expect(Object.values(resources(emulator.stateless)).map((r) => r.Type)).toEqual(
      expect.arrayContaining(['AWS::WAFv2::WebACL', 'AWS::CloudWatch::Alarm']),
    );
  });

  it('points the functions and outputs at the emulator, pinning the API id', () => {
    const functions = Object.values(resources(emulator.stateless)).filter(
      (r) => r.Type === 'AWS::Lambda::Function',
    );
    expect(functions.length).toBeGreaterThan(5);
    for (const fn of functions) {
      const vars = (fn.Properties.Environment as { Variables: Json }).Variables;
      expect(vars.TOKEN_URL).toBe(`${ENDPOINT}/oauth2/token`);
      expect(JSON.stringify(vars.ACCESS_TOKEN_JWKS_URL)).toContain(`"${ENDPOINT}/"`);
      expect(JSON.stringify(vars.ACCESS_TOKEN_JWKS_URL)).toContain('/.well-known/jwks.json');
      // The issuer is the AWS one on both targets: https:// + the pool's ProviderName.
      expect(JSON.stringify(vars.ACCESS_TOKEN_ISSUER)).toMatch(
        /^\{"Fn::Join":\["",\["https:\/\/",\{"Fn::ImportValue":"[^"]+ProviderName/,
      );
    }
    // Webhook receivers on 127.0.0.1: the two webhook functions on the emulator, none in AWS.
    const loopback = (template: Json) =>
      Object.values(resources(template))
        .filter((r) => r.Type === 'AWS::Lambda::Function')
        .filter((r) => (r.Properties.Environment as { Variables: Json }).Variables.WEBHOOK_LOOPBACK_RECEIVERS)
        .map((r) => (r.Properties.Environment as { Variables: Json }).Variables.WEBHOOK_LOOPBACK_RECEIVERS);
    expect(loopback(emulator.stateless)).toEqual(['true', 'true']);
    expect(loopback(aws.stateless)).toEqual([]);
    expect(outputs(emulator.stateful).TokenEndpoint?.Value).toBe(`${ENDPOINT}/oauth2/token`);
    expect(outputs(emulator.stateless).ApiUrl?.Value).toBe(`${ENDPOINT}/_aws/execute-api/srs-dev-api/dev/`);
    const api = Object.values(resources(emulator.stateless)).find(
      (r) => r.Type === 'AWS::ApiGateway::RestApi',
    );
    expect(api?.Properties?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'ms-custom-id', Value: 'srs-dev-api' },
        { Key: '_custom_id_', Value: 'srs-dev-api' },
      ]),
    );
  });

  it('filters the relay’s change records on the new image alone: MiniStack cannot match the old image’s absent acceptance', () => {
    const patterns = (t: Json) =>
      Object.fromEntries(
        Object.entries(resources(t))
          .filter(([, r]) => r.Type === 'AWS::Lambda::EventSourceMapping' && r.Properties.FilterCriteria)
          .map(([id, r]) => [
            id,
            (r.Properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters,
          ]),
      );
    const inAws = patterns(aws.stateless);
    const onEmulator = patterns(emulator.stateless);
    expect(Object.keys(onEmulator).sort()).toEqual(Object.keys(inAws).sort());
    const changed = Object.keys(inAws).filter((id) => !isDeepStrictEqual(inAws[id], onEmulator[id]));
    expect(changed).toHaveLength(1);
    const acceptedAt = (exists: boolean) => ({ acceptance: { M: { acceptedAt: { S: [{ exists }] } } } });
    const keys = { SK: { S: ['ORDER'] } };
    const id = changed[0] as string;
    expect(inAws[id]?.map((f) => JSON.parse(f.Pattern))).toEqual([
      { dynamodb: { Keys: keys, NewImage: acceptedAt(true), OldImage: acceptedAt(false) } },
    ]);
    expect(onEmulator[id]?.map((f) => JSON.parse(f.Pattern))).toEqual([
      { dynamodb: { Keys: keys, NewImage: acceptedAt(true) } },
    ]);
  });

  it('is otherwise identical to the AWS synth', () => {
    const a = clone(aws);
    const e = clone(emulator);
    for (const name of ['stateful', 'stateless'] as const) {
      for (const [id, r] of Object.entries(resources(a[name])))
        if (unsupported(r)) delete resources(a[name])[id];
      for (const t of [a[name], e[name]]) {
        renameDeployments(t);
        for (const r of Object.values(resources(t))) {
          if (r.Type === 'AWS::Lambda::Function') {
            const vars = (r.Properties?.Environment as { Variables?: Json } | undefined)?.Variables;
            if (vars?.TOKEN_URL) vars.TOKEN_URL = '<token endpoint>';
            if (vars?.ACCESS_TOKEN_JWKS_URL) vars.ACCESS_TOKEN_JWKS_URL = '<jwks url>';
            if (t === e[name] && vars?.WEBHOOK_LOOPBACK_RECEIVERS === 'true')
              delete vars.WEBHOOK_LOOPBACK_RECEIVERS;
          }
          // The filter the emulator evaluates like AWS: compared in the test above.
          if (r.Type === 'AWS::Lambda::EventSourceMapping' && t === e[name]) {
            const id = Object.entries(resources(t)).find(([, other]) => other === r)?.[0] as string;
            r.Properties.FilterCriteria = resources(a[name])[id]?.Properties.FilterCriteria;
          }
          if (r.Type === 'AWS::ApiGateway::RestApi') {
            r.Properties = {
              ...r.Properties,
              Tags: (r.Properties.Tags as { Key: string }[]).filter(
                (tag) => !['ms-custom-id', '_custom_id_'].includes(tag.Key),
              ),
            };
          }
        }
      }
    }
    for (const t of [a, e]) {
      (outputs(t.stateful).TokenEndpoint as { Value: unknown }).Value = '<token endpoint>';
      (outputs(t.stateless).ApiUrl as { Value: unknown }).Value = '<api url>';
    }
    // Exports the AWS stateless stack imported only for the values replaced above go unused.
    const imported = importsOf(a.stateless);
    for (const [id, o] of Object.entries(outputs(a.stateful))) {
      if (o.Export && !imported.has(o.Export.Name) && !(id in outputs(e.stateful)))
        delete outputs(a.stateful)[id];
    }
    expect(e).toEqual(a);
  });

  it('documents each omission with its reason and what still covers it', () => {
    for (const o of EMULATOR_OMISSIONS) {
      expect(o.reason.length).toBeGreaterThan(20);
      expect(o.coveredBy).toMatch(/test\//);
    }
  });

  it('refuses an unknown target and an endpoint that is not an origin', () => {
    expect(() => synthTarget({ target: 'localstack' })).toThrow(/Unknown target "localstack"/);
    expect(() => synthTarget({ target: 'emulator', emulatorEndpoint: 'not a url' })).toThrow(
      /emulatorEndpoint/,
    );
    expect(() => synthTarget({ target: 'emulator', emulatorEndpoint: 'http://127.0.0.1:4566/x' })).toThrow(
      /emulatorEndpoint/,
    );
  });
});
