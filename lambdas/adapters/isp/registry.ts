/** The adapter plug-ins by name, as the catalogue's `adapter` field refers to them. */
import type { IspAdapter } from './isp-adapter.js';
import { testIspAdapter } from './test-isp-adapter.js';

const ADAPTERS: Record<string, IspAdapter> = {
  [testIspAdapter.name]: testIspAdapter,
};

export function ispAdapterFor(name: string): IspAdapter | undefined {
  return ADAPTERS[name];
}
