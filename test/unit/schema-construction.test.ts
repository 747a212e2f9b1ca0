/**
 * Schemas built at import are built at every cold start of every function that imports them. The
 * http adapter's settings are built by their first parse instead (core/isp-http.ts): isp-callback
 * and identification-data carry the adapter but never open an order. So is each partner message
 * schema (core/evidence.ts): a status event never needs the evidence schema, nor evidence the
 * event's. Counted with zod's hook for a
 * constructed schema or check (`postProcessor` in its global config, the one `zod/compile` uses).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpAdapterSettings } from '../../lambdas/core/isp-http-settings.js';
import * as z from '../../lambdas/core/zod.js';

const zodConfig = z.config() as { postProcessor?: (instance: unknown) => void };

/** What `run` constructs: schemas and checks, by zod type. */
async function constructedDuring(run: () => unknown): Promise<string[]> {
  const built: string[] = [];
  zodConfig.postProcessor = (instance) => {
    const def = (instance as { _zod: { def: { type?: string; check?: string } } })._zod.def;
    built.push(def.check ? `check:${def.check}` : String(def.type));
  };
  try {
    await run();
  } finally {
    delete zodConfig.postProcessor;
  }
  return built;
}

const SETTINGS = {
  ordersUrl: 'https://partner.example.com/orders',
  auth: { type: 'bearer', tokenEnv: 'PARTNER_TOKEN' },
};

afterEach(() => {
  delete zodConfig.postProcessor;
});

describe('the http adapter settings', () => {
  it('are not built when their module loads, but by the first parse, once', async () => {
    vi.resetModules();
    let module: typeof import('../../lambdas/core/isp-http-settings.js') | undefined;
    const atImport = await constructedDuring(async () => {
      module = await import('../../lambdas/core/isp-http-settings.js');
    });
    expect(atImport).toEqual(['lazy']);
    const settings = (module as typeof import('../../lambdas/core/isp-http-settings.js')).HttpAdapterSettings;

    const atFirstParse = await constructedDuring(() => expect(settings.parse(SETTINGS).retries).toBe(2));
    expect(atFirstParse.filter((t) => t === 'object').length).toBeGreaterThan(3);
    expect(await constructedDuring(() => settings.parse(SETTINGS))).toEqual([]);
  });

  it('refuse what they refused when built at once, with the same message', () => {
    const result = HttpAdapterSettings.safeParse({ ...SETTINGS, ordersUrl: 'http://partner.example.com' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['ordersUrl', 'Must be an https URL without credentials (http only to localhost, 127.0.0.1 or [::1]).'],
    ]);
  });
});

describe('the Test-ISP simulator’s request schemas', () => {
  const importTestIsp = async () => {
    vi.resetModules();
    let module: typeof import('../../lambdas/core/test-isp-schemas.js') | undefined;
    const atImport = await constructedDuring(async () => {
      module = await import('../../lambdas/core/test-isp-schemas.js');
    });
    return { atImport, module: module as typeof import('../../lambdas/core/test-isp-schemas.js') };
  };

  it('are not built when their module loads (a GET of the form validates nothing but the refId)', async () => {
    const { atImport } = await importTestIsp();
    // The shared field rules of person-fields.ts are built with their module; of test-isp.ts' own
    // schemas only the two lazy wrappers, no object.
    expect(atImport.filter((t) => t === 'lazy')).toHaveLength(2);
    expect(atImport.filter((t) => t === 'object')).toEqual([]);
  });

  it('a submitted form builds the form’s schema alone, once; an API call the API’s alone, once', async () => {
    const { module } = await importTestIsp();
    // A form refused or accepted: either way its first parse builds the schema.
    const formFirst = await constructedDuring(() =>
      expect(module.SimulatorForm.safeParse({}).success).toBe(false),
    );
    // The form: one object schema (the person fields, the status, the reason).
    expect(formFirst.filter((t) => t === 'object')).toHaveLength(1);
    expect(await constructedDuring(() => module.SimulatorForm.safeParse({ status: 'done' }))).toEqual([]);

    const apiFirst = await constructedDuring(() =>
      expect(module.SimulatorApiRequest.parse({ status: 'done', person: { nationality: 'DE' } }).status).toBe(
        'done',
      ),
    );
    // The API: the request, its person fields and their partial copy.
    expect(apiFirst.filter((t) => t === 'object')).toHaveLength(3);
    expect(await constructedDuring(() => module.SimulatorApiRequest.parse({ status: 'done' }))).toEqual([]);
  });
});

describe('the partner message schemas', () => {
  const refId = '6f1c2a8e-4b3d-4e5f-9a7b-1c2d3e4f5a6b';

  it('are each built by the first message of their kind, once: an event does not build the evidence schema', async () => {
    vi.resetModules();
    // (Loading the module alone builds the AML answer's schema, which isp-callback's bundle leaves
    // out: test/bench/bundle-contents.test.ts checks that importing that bundle builds no object.)
    const { IspEventClaims, IspEvidenceClaims } = await import('../../lambdas/core/evidence.js');

    const atFirstEvent = await constructedDuring(() =>
      expect(IspEventClaims.parse({ refId, event: 'done' }).event).toBe('done'),
    );
    // The event's claims: an object (and its copy carrying the kind rule), no array; the evidence's
    // objects and arrays are not built by it.
    expect(atFirstEvent.filter((t) => t === 'object' || t === 'array')).toEqual(['object', 'object']);
    expect(await constructedDuring(() => IspEventClaims.parse({ refId, event: 'done' }))).toEqual([]);

    const atFirstEvidence = await constructedDuring(() => IspEvidenceClaims.safeParse({ refId }));
    expect(atFirstEvidence).toContain('array');
    // The claims, the evidence and its copy carrying the birth date rule.
    expect(atFirstEvidence.filter((t) => t === 'object')).toEqual(['object', 'object', 'object']);
    expect(await constructedDuring(() => IspEvidenceClaims.safeParse({ refId }))).toEqual([]);
  });
});
