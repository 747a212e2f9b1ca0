/**
 * bench/instructions.ts: the import's instructions read from cachegrind's annotation, with V8's
 * hash seed and the collector left out, and the ratio to the floor. Its runs under valgrind are the
 * instructions suite's (test/instructions, `npm run test:instructions`): valgrind is no npm package.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { instructionsOf, ratioToFloor } from '../../bench/instructions.js';

/** Lines as `cg_annotate --threshold=0` prints them (from a count of the DynamoDB floor's import). */
const ANNOTATED = `--------------------------------------------------------------------------------
Ir
--------------------------------------------------------------------------------
289,453,923 (100.0%)  PROGRAM TOTALS

--------------------------------------------------------------------------------
Ir                   file:function
--------------------------------------------------------------------------------
14,799,764 ( 5.11%)  ???:v8::internal::Scanner::Next()
 8,922,230 ( 3.08%)  ???:detail::sprp(unsigned long long, unsigned long long)
 5,575,456 ( 1.93%)  ???:int v8::internal::Deserializer<v8::internal::Isolate>::WriteHeapPointer<v8::internal::SlotAccessorForHeapObject>(v8::internal::SlotAccessorForHeapObject, v8::internal::Deserializer<v8::internal::Isolate>::ReferenceDescriptor, v8::internal::WriteBarrierMode) [clone .isra.0]
 2,910,508 ( 0.91%)  ???:heap::base::SlotCallbackResult v8::internal::Scavenger::ScavengeObject<v8::internal::FullHeapObjectSlot>(v8::internal::FullHeapObjectSlot, v8::internal::Tagged<v8::internal::HeapObject>)
 1,431,490 ( 0.45%)  ???:void v8::internal::BodyDescriptorBase::IteratePointers<v8::internal::IterateAndScavengePromotedObjectsVisitor>(v8::internal::Tagged<v8::internal::HeapObject>, int, int, v8::internal::IterateAndScavengePromotedObjectsVisitor*)
   990,112 ( 0.31%)  ???:v8::internal::Scavenger::Process(v8::JobDelegate*)
   800,000 ( 0.28%)  ???:v8::internal::WriteBarrier::MarkingSlow(v8::internal::Tagged<v8::internal::HeapObject>)
`;

describe('instructionsOf', () => {
  it('reads the total and leaves out the hash seed’s prime search and the collector, not the deserializer', () => {
    const count = instructionsOf(ANNOTATED);

    expect(count.total).toBe(289_453_923);
    expect(count.hashSeed).toBe(8_922_230);
    expect(count.collector).toBe(2_910_508 + 1_431_490 + 990_112 + 800_000);
    expect(count.counted).toBe(289_453_923 - 8_922_230 - 6_132_110);
  });

  it('refuses an annotation without a total', () => {
    expect(() => instructionsOf('nothing here')).toThrow('PROGRAM TOTALS');
  });
});

describe('ratioToFloor', () => {
  it('is the import’s excess over Node’s start against the floor’s', () => {
    expect(ratioToFloor(300e6, 280e6, 80e6)).toBeCloseTo(1.1, 12);
    expect(ratioToFloor(280e6, 280e6, 80e6)).toBe(1);
  });

  it('is undefined without a floor, or with one no heavier than Node’s start', () => {
    expect(ratioToFloor(300e6, undefined, 80e6)).toBeUndefined();
    expect(ratioToFloor(300e6, 80e6, 80e6)).toBeUndefined();
  });
});

describe('npm run bench:instructions', () => {
  it('refuses a --calls that is no whole number above 0, saying so', async () => {
    const refused = promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bench/instructions.ts', '--calls', '0'],
      {
        timeout: 60_000,
      },
    );
    await expect(refused).rejects.toMatchObject({
      stderr: expect.stringContaining('--calls must be a whole number above 0'),
    });
  });
});
