import { EDGE_LABEL, type Box, type MapEdge, type MapNode, type Point } from './elk-graph.ts';

/** How many straight pieces approximate a curve: smooth at any zoom the map allows. */
const PIECES = 24;
/** How far a curve that goes up or sideways bulges out beside its nodes: more for longer ones, within these bounds. */
const BULGE = { min: 36, max: 160 } as const;
/** Where along a curve its label may sit, tried in this order (0 = source, 1 = target). */
const LABEL_AT = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8];

/**
 * Draws the edges ELK did not route (routed: false) as cubic curves between the placed
 * nodes: a curve to a node further down leaves the bottom of its source and enters the
 * top of its target; one to a node above, beside or itself leaves and enters on the
 * side facing the nearer edge of the map, bulging outwards. The ends of a node's curves
 * are spread along its border. Each curve's label goes to the first spot along it that
 * overlaps no node and no other label, or is left out (the tooltip still gives it).
 * Everything is shifted so the map again starts at (0, 0), and the size grows to fit.
 */
export function curveEdges(nodes: MapNode[], edges: MapEdge[], size: { width: number; height: number }): { nodes: MapNode[]; edges: MapEdge[]; width: number; height: number } {
  const curved = edges.filter((edge) => !edge.routed);
  if (curved.length === 0) return { nodes, edges, ...size };
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const centreX = size.width / 2;
  const down = (edge: MapEdge) => {
    const source = byId.get(edge.source) as MapNode;
    const target = byId.get(edge.target) as MapNode;
    return target.y >= source.y + source.height;
  };
  const sideOf = (edge: MapEdge) => {
    const source = byId.get(edge.source) as MapNode;
    const target = byId.get(edge.target) as MapNode;
    return (source.x + target.x + (source.width + target.width) / 2) / 2 >= centreX ? 1 : -1;
  };
  // Where on its node's border each curve ends: the k-th of n ends on a side sits at (k+1)/(n+1)
  // of it, in the order of the nodes at their other ends, so that they do not cross there.
  const slots = new Map<string, { ends: { other: number }[]; sorted: boolean }>();
  const slot = (edge: MapEdge, end: 'source' | 'target') => {
    const vertical = down(edge);
    const face = vertical ? (end === 'source' ? 'bottom' : 'top') : sideOf(edge) > 0 ? 'right' : 'left';
    const other = byId.get(end === 'source' ? edge.target : edge.source) as MapNode;
    const key = `${edge[end]}\u0000${face}`;
    const entry = slots.get(key) ?? { ends: [], sorted: false };
    slots.set(key, entry);
    // A self-loop has both its ends on one face: each end is its own item.
    const item = { other: vertical ? other.x + other.width / 2 : other.y + other.height / 2 };
    entry.ends.push(item);
    return () => {
      if (!entry.sorted) entry.ends.sort((a, b) => a.other - b.other);
      entry.sorted = true;
      return (entry.ends.indexOf(item) + 1) / (entry.ends.length + 1);
    };
  };
  const ends = curved.map((edge) => ({ edge, from: slot(edge, 'source'), to: slot(edge, 'target') }));

  const taken: Box[] = [...nodes, ...edges.flatMap((edge) => (edge.label ? [edge.label] : []))];
  const drawn = new Map<string, MapEdge>();
  for (const { edge, from, to } of ends) {
    const source = byId.get(edge.source) as MapNode;
    const target = byId.get(edge.target) as MapNode;
    let controls: [Point, Point, Point, Point];
    if (down(edge)) {
      const p0 = { x: source.x + source.width * from(), y: source.y + source.height };
      const p3 = { x: target.x + target.width * to(), y: target.y };
      const pull = Math.max(BULGE.min, (p3.y - p0.y) / 2);
      controls = [p0, { x: p0.x, y: p0.y + pull }, { x: p3.x, y: p3.y - pull }, p3];
    } else {
      const side = sideOf(edge);
      const x = (node: MapNode) => (side > 0 ? node.x + node.width : node.x);
      const p0 = { x: x(source), y: source.y + source.height * from() };
      const p3 = { x: x(target), y: target.y + target.height * to() };
      const out = side * Math.min(BULGE.max, BULGE.min + Math.abs(p0.y - p3.y) / 8);
      const far = side > 0 ? Math.max(p0.x, p3.x) : Math.min(p0.x, p3.x);
      controls = [p0, { x: far + out, y: p0.y }, { x: far + out, y: p3.y }, p3];
    }
    const points = Array.from({ length: PIECES + 1 }, (_, i) => bezier(controls, i / PIECES));
    drawn.set(edge.id, { ...edge, points, label: placeLabel(edge, points, taken) });
  }

  const laid = edges.map((edge) => drawn.get(edge.id) ?? edge);
  const all = [...nodes, ...laid.flatMap((edge) => edge.points.map((point) => ({ ...point, width: 0, height: 0 }))), ...laid.flatMap((edge) => (edge.label ? [edge.label] : []))];
  const left = Math.min(0, ...all.map((box) => box.x));
  const top = Math.min(0, ...all.map((box) => box.y));
  const right = Math.max(size.width, ...all.map((box) => box.x + box.width));
  const bottom = Math.max(size.height, ...all.map((box) => box.y + box.height));
  const margin = left < 0 || top < 0 || right > size.width || bottom > size.height ? 16 : 0;
  const dx = margin - left;
  const dy = margin - top;
  const move = <T extends Point>(point: T): T => ({ ...point, x: point.x + dx, y: point.y + dy });
  return {
    nodes: nodes.map(move),
    edges: laid.map((edge) => ({ ...edge, points: edge.points.map(move), label: edge.label ? move(edge.label) : null })),
    width: right - left + 2 * margin,
    height: bottom - top + 2 * margin,
  };
}

function bezier([p0, p1, p2, p3]: [Point, Point, Point, Point], t: number): Point {
  const u = 1 - t;
  const a = u * u * u;
  const b = 3 * u * u * t;
  const c = 3 * u * t * t;
  const d = t * t * t;
  return { x: a * p0.x + b * p1.x + c * p2.x + d * p3.x, y: a * p0.y + b * p1.y + c * p2.y + d * p3.y };
}

/** The first free spot for the edge's label along its points (see LABEL_AT), added to `taken`; null if none is free. */
function placeLabel(edge: MapEdge, points: Point[], taken: Box[]): Box | null {
  const width = Math.max(...Object.values(edge.labelWidths));
  if (width === 0) return null;
  for (const at of LABEL_AT) {
    const point = points[Math.round(at * (points.length - 1))] as Point;
    const box = { x: point.x - width / 2, y: point.y - EDGE_LABEL.height / 2, width, height: EDGE_LABEL.height };
    if (taken.every((other) => !overlaps(box, other))) {
      taken.push(box);
      return box;
    }
  }
  return null;
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
