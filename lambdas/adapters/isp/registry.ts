/**
 * The adapter plug-ins by name, as the catalogue's `adapter` field refers to them: one per kind of
 * partner interface, each implementing the partner port (usecases/ports/partner.ts). Partners send
 * their messages (events, evidence) in our shape, signed, to isp-callback, which needs no adapter.
 */

import type { IspAdapter } from '../../usecases/ports/partner.js';
import { httpAdapter } from './http-adapter.js';
import { testIspAdapter } from './test-isp-adapter.js';

const ADAPTERS: Record<string, IspAdapter> = {
  [testIspAdapter.name]: testIspAdapter,
  [httpAdapter.name]: httpAdapter,
};

export function ispAdapterFor(name: string): IspAdapter | undefined {
  return Object.hasOwn(ADAPTERS, name) ? ADAPTERS[name] : undefined;
}
