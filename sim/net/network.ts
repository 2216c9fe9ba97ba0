import { createHash } from 'node:crypto';
import type { RngRoot, RngStream } from '../kernel/rng.js';
import { BusyCalendar, CALENDAR_ROW } from '../kernel/calendar.js';
import { keyedUnit } from '../kernel/mix.js';
import { msToUs, serialisationUs, type Micros } from '../kernel/time.js';
import type { NetworkConfig } from '../scenario/schema.js';
import { LatencyModel } from './latency.js';
import { buildOverlay } from './overlay.js';
import { PartitionSchedule, type PartitionEvent } from './partitions.js';
import { placeNodes } from './placement.js';

export const LOSS_STREAM = 'net:loss';
/** The stream whose first draw keys the per-copy latency and loss of bursts (Network.sendBurst). */
export const BURST_STREAM = 'net:burst';
export const OVERLAY_STREAM = 'net:overlay';

/**
 * The network model of DESIGN §5: nodes placed in regions, each with its region's upload and download
 * bandwidth, a per-node upload queue, propagation latency from the region-pair table, random loss and
 * scheduled partitions. Crashes are the host's business (a crashed node neither sends nor receives).
 *
 * Delay of a message from `from` to `to`, sent at `now`:
 *   serialisation = ⌈8·bytes / min(upload(from), download(to))⌉ µs              (SimBlock's getBandwidth)
 *   departs       = max(now, uploadFreeAt[from]) + serialisation; uploadFreeAt[from] = departs
 *   arrives       = departs + latency(region(from), region(to)) + extra(from) + extra(to)
 * Only the sender's upload is a queue: a node that sends a block to 8 peers pushes it out 8 times in a
 * row, which is what makes large blocks slow to spread. The receiver's download only caps the rate of
 * each transfer (as in SimBlock, which has no download queue).
 *
 * A send for a later time (`atUs` > `nowUs`: round fidelity computes a tree's sends when the round starts,
 * tree-round.ts) takes only its own slot on the sender's upload, and a message sent meanwhile is carried
 * in the gaps around such slots (kernel/calendar.ts, BusyCalendar). Sends at `now` on a queue without
 * booked slots are the plain queue above, so message-level runs are exactly what they were.
 *
 * Uplink `priority` (scenario `network.uplink`): a message of at most `controlMaxBytes` takes a second
 * queue that goes first, and its serialisation is booked on the bulk queue too, from the same time (strict
 * priority: the link's busy time is conserved; the bulk transfers already on their way keep their times and
 * the next ones absorb the delay). SimBlock (Node.sendNextBlockMessage) queues only block transfers; its
 * inv, rec and getdata messages go at once. With one FIFO queue a 100-byte lottery ticket waits behind
 * every byte its sender has queued, e.g. a 540 MB state download it serves during a TransEpoch transition.
 *
 * Slow nodes (scenario `slowNodes`): `bandwidthFactor` multiplies the node's upload and download;
 * `extraLatencyMs` is that node's added last-mile delay, so a message between two slow nodes pays both.
 * A node listed in several entries gets the product of the factors and the sum of the extra delays.
 */
export class Network {
  readonly nodeCount: number;
  readonly regionOf: Int32Array;
  readonly regionNames: string[];
  readonly latency: LatencyModel;
  /** Messages dropped because a partition separated their ends at send time. */
  dropped = 0;
  /** Messages sent but lost at random (lossRate). */
  lost = 0;

  /**
   * Per node, side by side: its own numbers as a sender (UP, BYTES, MESSAGES; a row of NODE_ROW), then the
   * rows of its uplink calendars (the control queue's, if any, then the bulk queue's). A send reads the
   * sender's block and the receiver's row: at paper scale ~10^7 sends an hour, where five per-node arrays
   * and two calendars were a cache miss each.
   */
  private readonly perNode: Float64Array;
  private readonly stride: number;
  /**
   * Each node's last mile, compactly: its download bandwidth and extra latency at 2v + DOWN and 2v + EXTRA
   * (160 KB at 10,000 nodes, mostly in the L2 cache). A send reads its receiver's here: in perNode's blocks
   * (576 bytes) that was a cache miss per send, and a burst's arrival reads the download of every copy after it
   * (sendBurst).
   */
  private readonly lastMile: Float64Array;
  private readonly upload: BusyCalendar;
  /** Priority uplink only: the control queue; undefined under fifo. */
  private readonly control: BusyCalendar | undefined;
  private readonly controlMaxBytes: number;
  private readonly partitions: PartitionSchedule;
  private readonly lossRate: number;
  private readonly lossStream: RngStream | undefined;
  private readonly fanout: number;
  private allNodesOverlay: readonly Int32Array[] | undefined;
  private readonly groupOverlays = new WeakMap<readonly number[], readonly Int32Array[]>();

  constructor(
    cfg: NetworkConfig,
    nodeCount: number,
    private readonly rng: RngRoot,
  ) {
    if (!Number.isInteger(nodeCount) || nodeCount < 1) throw new RangeError(`Network: nodeCount must be an integer ≥ 1, got ${nodeCount}`);
    if (!(cfg.lossRate >= 0 && cfg.lossRate <= 1)) throw new RangeError(`Network: lossRate must be in [0, 1], got ${cfg.lossRate}`);
    this.nodeCount = nodeCount;
    this.regionNames = cfg.regions.map((r) => r.name);
    this.regionOf = placeNodes(cfg.regions, nodeCount, rng);
    this.latency = new LatencyModel(cfg, this.regionOf, rng);
    this.partitions = new PartitionSchedule(cfg.partitions, this.regionNames, this.regionOf);
    this.fanout = cfg.gossipFanout;
    this.lossRate = cfg.lossRate;
    this.lossStream = cfg.lossRate > 0 ? rng.stream(LOSS_STREAM) : undefined;

    this.stride = NODE_ROW + (cfg.uplink === 'priority' ? 2 : 1) * CALENDAR_ROW;
    const perNode = (this.perNode = new Float64Array(nodeCount * this.stride));
    const lastMile = (this.lastMile = new Float64Array(2 * nodeCount));
    for (let v = 0; v < nodeCount; v++) {
      const region = cfg.regions[this.regionOf[v]!]!;
      perNode[v * this.stride + UP] = region.uploadMbps;
      lastMile[2 * v + DOWN] = region.downloadMbps;
    }
    cfg.slowNodes.forEach((slow, i) => {
      for (const v of slow.nodes) {
        if (!Number.isInteger(v) || v < 0 || v >= nodeCount) throw new RangeError(`slowNodes[${i}]: node ${v} is not in 0..${nodeCount - 1}`);
        perNode[v * this.stride + UP]! *= slow.bandwidthFactor;
        lastMile[2 * v + DOWN]! *= slow.bandwidthFactor;
        lastMile[2 * v + EXTRA]! += msToUs(slow.extraLatencyMs);
      }
    });
    const rowsAt = (offset: number) => ({ rows: perNode, stride: this.stride, offset });
    this.control = cfg.uplink === 'priority' ? new BusyCalendar(nodeCount, rowsAt(NODE_ROW)) : undefined;
    this.upload = new BusyCalendar(nodeCount, rowsAt(this.stride - CALENDAR_ROW));
    this.controlMaxBytes = cfg.controlMaxBytes;
  }

  /** Bytes each node put on the wire (lost messages included, partition-dropped ones not). */
  get bytesSent(): Float64Array {
    return this.column(BYTES);
  }
  /** Messages each node put on the wire, counted as bytesSent. */
  get messagesSent(): Float64Array {
    return this.column(MESSAGES);
  }

  private column(field: number): Float64Array {
    const out = new Float64Array(this.nodeCount);
    for (let v = 0; v < this.nodeCount; v++) out[v] = this.perNode[v * this.stride + field]!;
    return out;
  }

  /**
   * Hand a message to the network at `atUs`; returns its arrival time (integer µs), or −1 if it is
   * dropped by a partition (costs nothing: the connection is down) or lost (it was sent: the upload time
   * and bytes are spent). A message to oneself arrives at once and costs nothing. `nowUs` is the
   * simulation's present when the send is made for a later time (round fidelity); see the class comment.
   *
   * Draw order, fixed so runs are reproducible: the latency (per-message model) is drawn for every message
   * that is sent, lost or not, then the loss from 'net:loss' only when lossRate > 0; so changing lossRate
   * never shifts the latency sequence. Hot path: no allocation.
   */
  send(from: number, to: number, sizeBytes: number, atUs: Micros, nowUs: Micros = atUs): Micros {
    if (from === to) return atUs;
    if (this.partitions.count > 0 && this.partitions.separates(from, to, atUs)) {
      this.dropped++;
      return -1;
    }
    const perNode = this.perNode;
    const f = from * this.stride;
    const lastMile = this.lastMile;
    const up = perNode[f + UP]!;
    const down = lastMile[2 * to + DOWN]!;
    const serialisation = serialisationUs(sizeBytes, up < down ? up : down);
    const departs = this.book(from, sizeBytes, atUs, serialisation, nowUs);
    perNode[f + BYTES]! += sizeBytes;
    perNode[f + MESSAGES]! += 1;
    const arrives = departs + this.latency.delayUs(from, to) + lastMile[2 * from + EXTRA]! + lastMile[2 * to + EXTRA]!;
    if (this.lossStream !== undefined && this.lossStream.next() < this.lossRate) {
      this.lost++;
      return -1;
    }
    return arrives;
  }

  /**
   * Round fidelity (Effect `announce`): one message to each of `to`, queued at once on `from`'s uplink.
   * Returns when copy i arrives (−1: lost), computed when asked, so that a copy nobody reads costs no draw.
   *
   * The copies are booked as one piece of work (the sum of their serialisations, on the control queue and
   * the bulk queue like `send`), and copy i departs when the copies before it and itself are through:
   * end − Σ_{j>i} ser_j. If the uplink had slots booked ahead, the piece is carried around them and the
   * copies are read as leaving back to back at its end, which is never earlier than copy-by-copy sends.
   * Each copy's latency and loss come from a keyed draw (burst number, i) instead of the 'net:latency' and
   * 'net:loss' streams: the same distributions, and the streams' sequences do not depend on which copies
   * are read. A copy to `from` itself arrives at `atUs` and costs nothing. In a scenario with partitions the
   * copies go one by one through `send` (exact, and a partition drops a copy before it costs upload time).
   */
  sendBurst(from: number, to: readonly number[], sizeBytes: number, atUs: Micros, nowUs: Micros = atUs): (i: number) => Micros {
    if (this.partitions.count > 0) {
      const arrivals = to.map((v) => this.send(from, v, sizeBytes, atUs, nowUs));
      return (i) => arrivals[i]!;
    }
    const perNode = this.perNode;
    const stride = this.stride;
    const up = perNode[from * stride + UP]!;
    const lastMile = this.lastMile;
    const ser = (v: number): Micros => (v === from ? 0 : serialisationUs(sizeBytes, up < lastMile[2 * v + DOWN]! ? up : lastMile[2 * v + DOWN]!));
    let total = 0;
    let copies = 0;
    for (const v of to) {
      if (v === from) continue;
      total += ser(v);
      copies++;
    }
    if (copies === 0) return () => atUs;
    const end = this.book(from, sizeBytes, atUs, total, nowUs);
    perNode[from * stride + BYTES]! += copies * sizeBytes;
    perNode[from * stride + MESSAGES]! += copies;
    const burst = this.bursts++;
    const key = this.burstKey();
    const lossRate = this.lossRate;
    if (lossRate > 0) for (let i = 0; i < to.length; i++) if (to[i] !== from && keyedUnit(key ^ LOSS_SALT, burst, i) < lossRate) this.lost++;
    const extraFrom = lastMile[2 * from + EXTRA]!;
    return (i) => {
      const v = to[i]!;
      if (v === from) return atUs;
      if (lossRate > 0 && keyedUnit(key ^ LOSS_SALT, burst, i) < lossRate) return -1;
      let after = 0;
      for (let j = i + 1; j < to.length; j++) after += ser(to[j]!);
      return end - after + this.latency.delayForUs(from, v, 1 - keyedUnit(key, burst, i)) + extraFrom + lastMile[2 * v + EXTRA]!;
    };
  }

  /** `durationUs` of `from`'s uplink from `atUs` for messages of `sizeBytes`: the control queue first if they fit it. */
  private book(from: number, sizeBytes: number, atUs: Micros, durationUs: number, nowUs: Micros): Micros {
    if (this.control === undefined || sizeBytes > this.controlMaxBytes) return this.upload.take(from, atUs, durationUs, nowUs);
    const done = this.control.take(from, atUs, durationUs, nowUs);
    this.upload.take(from, atUs, durationUs, nowUs);
    return done;
  }

  private bursts = 0;
  private burstKeyValue = -1;
  /** A 32-bit key from the seed ('net:burst'), drawn at the first burst so runs without bursts draw nothing. */
  private burstKey(): number {
    if (this.burstKeyValue < 0) this.burstKeyValue = Math.floor(this.rng.stream(BURST_STREAM).next() * 2 ** 32);
    return this.burstKeyValue;
  }

  /** Whether an active partition separates a and b at `atUs` (exactly one of them in its set). */
  partitioned(a: number, b: number, atUs: Micros): boolean {
    return this.partitions.separates(a, b, atUs);
  }

  /** Starts and ends of all partitions, sorted by time, so the host can trace them. */
  partitionEvents(): PartitionEvent[] {
    return this.partitions.events();
  }

  /** When node v's upload queue is empty again (µs); `now` or earlier means idle. */
  uploadBusyUntil(v: number): Micros {
    return this.upload.freeAt(v);
  }

  /**
   * The gossip overlay (see buildOverlay) with degree ≥ gossipFanout, connected, adjacency ascending.
   *
   * - Without a group: over all nodes, indexed by node id, listing node ids; drawn from 'net:overlay'.
   * - With a group: over the group's members, indexed by POSITION in `group` and listing positions
   *   (node = group[position]); members are visited in the array's order. Cached per array identity
   *   (WeakMap, so dropped groups are freed). Each group draws from its own stream,
   *   'net:overlay:<sha256 of the member list, 16 hex digits>', so that a group's overlay depends only on
   *   the seed and its members, not on which other overlays were built first (DESIGN §3). Asking again
   *   with a new array holding the same members continues that stream: a fresh, equally valid wiring.
   */
  overlay(group?: readonly number[]): readonly Int32Array[] {
    if (group === undefined) {
      this.allNodesOverlay ??= Object.freeze(buildOverlay(this.nodeCount, this.fanout, this.rng.stream(OVERLAY_STREAM)));
      return this.allNodesOverlay;
    }
    let adjacency = this.groupOverlays.get(group);
    if (adjacency === undefined) {
      adjacency = Object.freeze(buildOverlay(group.length, this.fanout, this.rng.stream(this.groupStreamName(group))));
      this.groupOverlays.set(group, adjacency);
    }
    return adjacency;
  }

  private groupStreamName(group: readonly number[]): string {
    const seen = new Uint8Array(this.nodeCount);
    for (const v of group) {
      if (!Number.isInteger(v) || v < 0 || v >= this.nodeCount) throw new RangeError(`overlay: node ${v} is not in 0..${this.nodeCount - 1}`);
      if (seen[v] === 1) throw new RangeError(`overlay: node ${v} appears twice in the group`);
      seen[v] = 1;
    }
    // Hash the decimal list, not the typed array's bytes, so the name does not depend on endianness.
    const digest = createHash('sha256').update(group.join(',')).digest('hex').slice(0, 16);
    return `${OVERLAY_STREAM}:${digest}`;
  }
}

const LOSS_SALT = 0x5bd1e995;

// A node's own numbers in Network.perNode (NODE_ROW of them, then its calendars' rows) and in Network.lastMile.
const NODE_ROW = 8;
const UP = 0;
const BYTES = 1;
const MESSAGES = 2;
const DOWN = 0;
const EXTRA = 1;
