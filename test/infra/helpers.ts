/**
 * Shared setup of the infra tests: synthesise a stage's stacks without bundling (handler modules
 * that do not exist yet are replaced by a stub), and read the templates back.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type BuildOptions, buildStacks, type SrsStacks } from '../../lib/app.js';
import { HANDLERS_DIR } from '../../lib/stateless-stack.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const STUB_HANDLER = join(FIXTURES, 'stub-handler.ts');

/** The real module when it exists, else the stub: these tests look at the template, not the code. */
export function entryOrStub(handler: string): string {
  const file = join(HANDLERS_DIR, `${handler}.ts`);
  return existsSync(file) ? file : STUB_HANDLER;
}

export interface Synth extends SrsStacks {
  app: App;
  statefulTemplate: Template;
  statelessTemplate: Template;
}

/** Synthesises one stage (no bundling). `context` is CDK context, e.g. `{ stage: 'prod' }`. */
export function synth(context: Record<string, unknown> = {}, options: BuildOptions = {}): Synth {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stacks = buildStacks(app, { handlerEntry: entryOrStub, ...options });
  return {
    app,
    ...stacks,
    statefulTemplate: Template.fromStack(stacks.stateful),
    statelessTemplate: Template.fromStack(stacks.stateless),
  };
}

const byStage = new Map<string, Synth>();
/** One synthesis per stage per test file. */
export function synthStage(stage: 'dev' | 'test' | 'prod'): Synth {
  let s = byStage.get(stage);
  if (!s) {
    s = synth({ stage });
    byStage.set(stage, s);
  }
  return s;
}

export type CfnResource = { Type: string; Properties: Record<string, unknown>; [k: string]: unknown };

export function resourcesOf(template: Template, type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}

/**
 * `METHOD /full/path` → the method resource, rebuilding full paths from the Resource tree; the
 * routes' methods, or with `any` the `ANY` methods that answer 405 for the others.
 */
export function apiMethodsOf(s: Synth, which: 'routes' | 'any' = 'routes'): Map<string, CfnResource> {
  const template = s.statelessTemplate;
  const resources = resourcesOf(template, 'AWS::ApiGateway::Resource');
  const pathOf = (id: string): string => {
    const r = resources[id] as CfnResource;
    const parent = r.Properties.ParentId as { Ref?: string };
    const prefix = parent.Ref ? pathOf(parent.Ref) : '';
    return `${prefix}/${r.Properties.PathPart}`;
  };
  const out = new Map<string, CfnResource>();
  for (const m of Object.values(resourcesOf(template, 'AWS::ApiGateway::Method'))) {
    if ((m.Properties.HttpMethod === 'ANY') !== (which === 'any')) continue;
    const resourceId = m.Properties.ResourceId as { Ref?: string };
    const path = resourceId.Ref ? pathOf(resourceId.Ref) : '/';
    out.set(`${m.Properties.HttpMethod} ${path}`, m);
  }
  return out;
}

export function logicalIdOf(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as Parameters<Stack['getLogicalId']>[0]);
}

/**
 * Replaces every `Fn::ImportValue` of the stateless template with the value the stateful stack
 * exports under that name, so expectations can be written against the stateful stack's resources.
 */
export function deref(value: unknown, statefulTemplate: Template): unknown {
  const outputs = statefulTemplate.toJSON().Outputs as Record<
    string,
    { Value: unknown; Export?: { Name: string } }
  >;
  const exports = new Map(
    Object.values(outputs)
      .filter((o) => o.Export)
      .map((o) => [o.Export?.Name, o.Value]),
  );
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const obj = v as Record<string, unknown>;
      if ('Fn::ImportValue' in obj && typeof obj['Fn::ImportValue'] === 'string') {
        const exported = exports.get(obj['Fn::ImportValue']);
        if (exported === undefined) throw new Error(`No export named ${obj['Fn::ImportValue']}`);
        return exported;
      }
      return Object.fromEntries(Object.entries(obj).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(value);
}

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: unknown[];
}

/** Every statement granted to a role: its attached AWS::IAM::Policy resources and inline policies. */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const norm = (s: Record<string, unknown>): Statement => ({
    Effect: s.Effect as 'Allow' | 'Deny',
    Action: ([] as string[]).concat(s.Action as string | string[]).sort(),
    Resource: ([] as unknown[]).concat(s.Resource),
  });
  const out: Statement[] = [];
  for (const policy of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
    const roles = (policy.Properties.Roles ?? []) as unknown[];
    if (!roles.some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId }))) continue;
    const doc = policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] };
    out.push(...doc.Statement.map(norm));
  }
  const role = resourcesOf(template, 'AWS::IAM::Role')[roleLogicalId];
  for (const p of (role?.Properties.Policies ?? []) as {
    PolicyDocument: { Statement: Record<string, unknown>[] };
  }[]) {
    out.push(...p.PolicyDocument.Statement.map(norm));
  }
  return out;
}

/** (effect, action, resource) triples, comparable as a set. */
export function grants(statements: Statement[]): string[] {
  return statements
    .flatMap((s) => s.Action.flatMap((a) => s.Resource.map((r) => JSON.stringify([s.Effect, a, r]))))
    .sort();
}
