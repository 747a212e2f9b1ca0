/**
 * The lifecycle picture is generated from the ASL file: the committed SVG (docs and portal) must be
 * exactly what `npm run diagram` renders now, and the graph must carry every state and transition.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LIFECYCLE_SVG } from '../../lambdas/http/lifecycle-svg.js';
import {
  ASL_FILE,
  type Asl,
  inlineSvg,
  lifecycleDot,
  renderLifecycleSvg,
  SVG_FILE,
} from '../../scripts/lifecycle-diagram.js';

describe('the lifecycle diagram', () => {
  it('is committed exactly as a regeneration from the ASL file renders it (run `npm run diagram`)', async () => {
    const fresh = await renderLifecycleSvg();
    expect(readFileSync(SVG_FILE, 'utf8')).toBe(fresh);
    expect(LIFECYCLE_SVG).toBe(inlineSvg(fresh));
  });

  it('draws every state of the ASL file and each of its Next and Catch transitions', () => {
    const asl = JSON.parse(readFileSync(ASL_FILE, 'utf8')) as Asl;
    const dot = lifecycleDot(asl);
    expect(dot).toContain(`start -> "${asl.StartAt}";`);
    for (const [name, state] of Object.entries(asl.States)) {
      expect(dot).toContain(`"${name}" [`);
      if (state.Next) expect(dot).toContain(`"${name}" -> "${state.Next}";`);
      for (const c of state.Catch ?? [])
        expect(dot).toMatch(new RegExp(`"${name}" -> "${c.Next}" \\[style=dashed`));
    }
  });

  it('follows a change of the ASL file: a new state appears in the picture', () => {
    const asl = JSON.parse(readFileSync(ASL_FILE, 'utf8')) as Asl;
    asl.States.NotifyPartner = { Type: 'Pass' };
    expect(lifecycleDot(asl)).toContain('"NotifyPartner" [shape=box];');
  });
});
