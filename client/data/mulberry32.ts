/**
 * mulberry32 with its state in the open: the same sequence as
 * `seededRandom(seed)` in client/numerics/random.ts, but the whole state is
 * one u32 that a checkpoint can store (`state`) and restore, so a resumed run
 * draws exactly the numbers it would have drawn.
 */
export class Mulberry32 {
  private a: number;

  constructor(seed: number) {
    this.a = seed >>> 0;
  }

  /** The generator's entire state, a u32. */
  get state(): number {
    return this.a;
  }

  set state(value: number) {
    if (!(Number.isInteger(value) && value >= 0 && value <= 0xffffffff)) {
      throw new RangeError(`mulberry32 state must be a u32, got ${value}`);
    }
    this.a = value;
  }

  /** A float uniform in [0, 1). */
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer uniform in [0, n) (n <= 2^32). */
  nextInt(n: number): number {
    return Math.floor(this.next() * n);
  }
}
