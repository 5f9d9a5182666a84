import { describe, expect, it } from 'vitest';
import { mapOf } from '../../../../test-support/process-maps.ts';
import { mapShapes, type ProcessMapLayout } from '../layout/elk-graph.ts';
import { casesBehind } from './click-through.ts';

describe('casesBehind', () => {
  it('keeps the cases behind each part of the map: an activity, a transition, a start or an end arc', () => {
    const shapes = mapShapes(mapOf([{ activities: ['Order', 'Ship'] }, { activities: ['Order'] }]));
    const layout = { ...shapes, mode: 'layered' } as unknown as ProcessMapLayout;
    const node = (name: string) => layout.nodes.findIndex((n) => n.name === name);
    const edge = (kind: string) => layout.edges.findIndex((e) => e.kind === kind);
    expect(casesBehind(layout, 'nodes', node('Ship'))).toEqual({ has: 'Ship' });
    expect(casesBehind(layout, 'nodes', node('Start'))).toBeNull();
    expect(casesBehind(layout, 'edges', edge('transition'))).toEqual({ follows: 'Order -> Ship' });
    expect(casesBehind(layout, 'edge-labels', edge('transition'))).toEqual({ follows: 'Order -> Ship' });
    expect(casesBehind(layout, 'edges', edge('start'))).toEqual({ starts: 'Order' });
    expect(casesBehind(layout, 'edges', layout.edges.findIndex((e) => e.kind === 'end' && e.from === 'Ship'))).toEqual({ ends: 'Ship' });
    expect(casesBehind(layout, 'edges', 99)).toBeNull();
  });
});
