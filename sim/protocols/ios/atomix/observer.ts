/**
 * What the Atomix state machines report, as they do it, to whoever watches (the invariant checker).
 * Every call carries sorted flat id ranges; only transitions that changed state are reported.
 */
export interface AtomixObserver {
  /** A driver took these cross-shard transactions in (they count as offered to Atomix). */
  offered(now: number, ranges: readonly number[]): void;
  /** An input shard locked its inputs of these transactions (proof of acceptance). */
  locked(now: number, shard: number, ranges: readonly number[]): void;
  /** An input shard rejected these transactions (proof of rejection). */
  rejected(now: number, shard: number, ranges: readonly number[]): void;
  /** An input shard released its locks on these transactions (unlock to abort). */
  released(now: number, shard: number, ranges: readonly number[]): void;
  /** An output shard committed these transactions and credited their outputs. */
  committed(now: number, shard: number, ranges: readonly number[]): void;
  /** The driver decided to commit (sent unlock-to-commit). */
  clientCommitted(now: number, ranges: readonly number[]): void;
  /** The driver decided to abort (sent unlock-to-abort). */
  clientAborted(now: number, ranges: readonly number[]): void;
}

/** A shard's own ledger of the value Atomix moves: free value, and value locked in escrow. */
export interface AtomixBook {
  balance: number;
  locked: number;
}
