import type { GroupInfo } from './timeline.js';

/**
 * Where the shard map puts things: one disc per group (shard, DS committee, no shard), arranged in the
 * grid that makes the discs largest, and a sunflower (Vogel spiral) of slots inside each disc, so a group
 * of any size fills its disc evenly and slot i keeps its place as the group grows.
 */
export interface Disc {
  readonly cx: number;
  readonly cy: number;
  readonly r: number;
  /** Slots the disc is sized for. */
  readonly capacity: number;
}

export interface MapLayout {
  readonly discs: readonly Disc[];
  readonly dotR: number;
  slotXY(group: number, slot: number): [number, number];
}

const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));
/** Room above each disc for its label and below it for its count, px. */
export const LABEL_SPACE = 22;
export const COUNT_SPACE = 18;

export function layoutMap(groups: readonly GroupInfo[], slotsUsed: ArrayLike<number>, width: number, height: number): MapLayout {
  const g = Math.max(1, groups.length);
  let best = { cols: 1, rows: g, r: 0 };
  for (let cols = 1; cols <= g; cols++) {
    const rows = Math.ceil(g / cols);
    const r = Math.min(width / cols, height / rows - LABEL_SPACE - COUNT_SPACE) / 2 - 6;
    if (r > best.r) best = { cols, rows, r };
  }
  const r = Math.max(10, best.r);
  const cellW = width / best.cols;
  const cellH = height / best.rows;
  let maxCap = 1;
  for (let i = 0; i < g; i++) maxCap = Math.max(maxCap, slotsUsed[i] ?? 0);
  const discs: Disc[] = groups.map((_, i) => {
    const col = i % best.cols;
    const row = Math.floor(i / best.cols);
    // Lay out a last row that is not full centred.
    const inRow = row === best.rows - 1 ? g - row * best.cols : best.cols;
    const offset = ((best.cols - inRow) * cellW) / 2;
    return {
      cx: offset + cellW * (col + 0.5),
      cy: cellH * row + LABEL_SPACE + (cellH - LABEL_SPACE - COUNT_SPACE) / 2,
      r,
      capacity: Math.max(1, slotsUsed[i] ?? 0),
    };
  });
  // One dot size for the whole map, from the fullest disc: equal dots read as equal nodes.
  const spacing = r / Math.sqrt(maxCap);
  const dotR = Math.max(1.3, Math.min(7, spacing * 0.8));
  return {
    discs,
    dotR,
    slotXY(group, slot) {
      const d = discs[group];
      if (!d) return [0, 0];
      const rr = (d.r - dotR) * Math.sqrt((slot + 0.5) / d.capacity);
      const a = slot * GOLDEN_ANGLE;
      return [d.cx + rr * Math.cos(a), d.cy + rr * Math.sin(a)];
    },
  };
}
