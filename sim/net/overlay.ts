import type { RngStream } from '../kernel/rng.js';

/**
 * A random gossip overlay over `size` members, numbered 0..size−1, as SimBlock builds Bitcoin's
 * (dsg-titech/simblock, Main.constructNetworkWithAllNodes / Node.addNeighbor): every member opens
 * min(fanout, size − 1) outbound connections to distinct peers drawn uniformly from the other members;
 * a connection carries messages both ways, so the edges are made undirected and every member ends up
 * with degree ≥ fanout (its outbound peers plus whoever picked it). Members are visited in order 0, 1, …
 * and each peer is a rejection-sampled draw from `stream`, so the same stream state gives the same graph.
 *
 * SimBlock does not ensure connectivity; random 8-out graphs are connected with overwhelming probability
 * but small fanouts may not be, and a disconnected overlay would silently stop a gossip. So if the graph
 * has several components, ordered by their smallest member, we add one edge from each component's
 * smallest member to the next component's smallest member (no draws: deterministic).
 *
 * Groups of size ≤ fanout + 1 are a full mesh (what the draws would give anyway), without any draw.
 * Returns one ascending adjacency list per member, as views into one shared buffer.
 */
export function buildOverlay(size: number, fanout: number, stream: RngStream): Int32Array[] {
  if (!Number.isInteger(fanout) || fanout < 1) throw new RangeError(`gossip fanout must be an integer ≥ 1, got ${fanout}`);
  if (size <= fanout + 1) return fullMesh(size);
  const k = fanout;
  const out = new Int32Array(size * k);
  for (let i = 0; i < size; i++) {
    const base = i * k;
    for (let c = 0; c < k; c++) {
      let peer: number;
      do {
        peer = stream.int(size - 1);
        if (peer >= i) peer++; // skip self without a rejection
      } while (alreadyChosen(out, base, base + c, peer));
      out[base + c] = peer;
    }
  }
  const bridges = bridgeComponents(size, k, out);
  return undirectedAdjacency(size, k, out, bridges);
}

function alreadyChosen(out: Int32Array, from: number, to: number, peer: number): boolean {
  for (let x = from; x < to; x++) if (out[x] === peer) return true;
  return false;
}

function fullMesh(size: number): Int32Array[] {
  const buffer = new Int32Array(size * Math.max(0, size - 1));
  const adjacency: Int32Array[] = [];
  for (let i = 0; i < size; i++) {
    const list = buffer.subarray(i * (size - 1), (i + 1) * (size - 1));
    let w = 0;
    for (let j = 0; j < size; j++) if (j !== i) list[w++] = j;
    adjacency.push(list);
  }
  return adjacency;
}

/** Union–find over the outbound edges; returns extra edges [a0, b0, a1, b1, …] that join the components. */
function bridgeComponents(size: number, k: number, out: Int32Array): number[] {
  const parent = new Int32Array(size);
  for (let i = 0; i < size; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!; // path halving
      x = parent[x]!;
    }
    return x;
  };
  for (let i = 0; i < size; i++) {
    for (let c = 0; c < k; c++) {
      const a = find(i);
      const b = find(out[i * k + c]!);
      if (a !== b) parent[a < b ? b : a] = a < b ? a : b; // root = smallest member of the component
    }
  }
  // Visiting members in ascending order meets each component first at its smallest member.
  const smallest: number[] = [];
  for (let i = 0; i < size; i++) if (find(i) === i) smallest.push(i);
  const bridges: number[] = [];
  for (let c = 0; c + 1 < smallest.length; c++) bridges.push(smallest[c]!, smallest[c + 1]!);
  return bridges;
}

/** Adjacency of the undirected graph with edges i—out[i·k + c] and the bridges: sorted, without duplicates. */
function undirectedAdjacency(size: number, k: number, out: Int32Array, bridges: readonly number[]): Int32Array[] {
  const degree = new Int32Array(size + 1);
  for (let i = 0; i < size; i++) degree[i] = k;
  for (let x = 0; x < out.length; x++) degree[out[x]!]!++;
  for (const v of bridges) degree[v]!++;
  const start = new Int32Array(size + 1);
  for (let i = 0; i < size; i++) start[i + 1] = start[i]! + degree[i]!;
  const fill = start.slice(0, size);
  const raw = new Int32Array(start[size]!);
  const addEdge = (a: number, b: number) => {
    raw[fill[a]!++] = b;
    raw[fill[b]!++] = a;
  };
  for (let i = 0; i < size; i++) for (let c = 0; c < k; c++) addEdge(i, out[i * k + c]!);
  for (let e = 0; e < bridges.length; e += 2) addEdge(bridges[e]!, bridges[e + 1]!);
  // Sort each list, drop the duplicates that mutual picks create, and compact in place (write ≤ read).
  const adjacencyStart = new Int32Array(size + 1);
  let w = 0;
  for (let i = 0; i < size; i++) {
    adjacencyStart[i] = w;
    const list = raw.subarray(start[i]!, start[i + 1]!).sort();
    let previous = -1;
    for (let x = 0; x < list.length; x++) {
      const peer = list[x]!;
      if (peer !== previous) raw[w++] = peer;
      previous = peer;
    }
  }
  adjacencyStart[size] = w;
  const buffer = raw.slice(0, w);
  const adjacency: Int32Array[] = [];
  for (let i = 0; i < size; i++) adjacency.push(buffer.subarray(adjacencyStart[i]!, adjacencyStart[i + 1]!));
  return adjacency;
}
