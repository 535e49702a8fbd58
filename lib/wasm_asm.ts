/**
 * A tiny WebAssembly assembler: just the opcodes lib/gemm_wasm.ts needs, so the kernel ships as
 * TypeScript source that emits its own bytes (no binary, no build step).
 *
 * ```text
 * module = magic · version · type · function · memory · export · code sections
 * numbers: unsigned and signed LEB128; SIMD opcodes: 0xfd prefix · LEB128 opcode
 * ```
 *
 * Reference: WebAssembly Core Specification 2.0, §5 (binary format); the fixed-width SIMD proposal's
 * opcode table.
 *
 * @module
 */

/** Value types. */
export const I32 = 0x7f, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

/** A function body under construction: chainable emitters for the opcodes used. */
export class Fn {
  readonly code: number[] = [];
  readonly locals: number[] = [];
  /** @param params the parameter types, which are locals 0 … params.length − 1 */
  constructor(readonly params: number[], readonly results: number[] = []) {}
  /** Declares a local of type `t`; its index. */
  local(t: number): number {
    return this.params.length + this.locals.push(t) - 1;
  }
  raw(...b: number[]): this {
    this.code.push(...b);
    return this;
  }
  get(l: number): this {
    return this.raw(0x20, ...uleb(l));
  }
  set(l: number): this {
    return this.raw(0x21, ...uleb(l));
  }
  tee(l: number): this {
    return this.raw(0x22, ...uleb(l));
  }
  i32(v: number): this {
    return this.raw(0x41, ...sleb(v));
  }
  br(depth: number): this {
    return this.raw(0x0c, ...uleb(depth));
  }
  brIf(depth: number): this {
    return this.raw(0x0d, ...uleb(depth));
  }
  /** A plain opcode from {@link OP}; `block`, `loop` and `if` open a block with no result. */
  op(name: keyof typeof OP): this {
    const code = OP[name];
    return typeof code === "number" ? this.raw(code) : this.raw(...code);
  }
  /** A memory opcode with a byte offset (alignment hint 0: no alignment is assumed). */
  mem(name: "f32.load" | "f32.store", offset = 0): this {
    return this.raw(OP[name], 0, ...uleb(offset));
  }
  /**
   * A SIMD opcode (0xfd prefix); memory ones take a byte offset, extract_lane a lane, and
   * store*_lane a lane at offset 0.
   */
  simd(name: keyof typeof SIMD, imm = 0): this {
    this.raw(0xfd, ...uleb(SIMD[name]));
    if (name.endsWith("_lane") && name.startsWith("v128.")) return this.raw(0, 0, imm); // memarg, lane
    if (name.startsWith("v128.load") || name === "v128.store") return this.raw(0, ...uleb(imm));
    if (name.endsWith("extract_lane")) return this.raw(imm);
    return this;
  }
  /** i8x16.shuffle of two vectors, given as four 32-bit lanes (0–3: the first, 4–7: the second). */
  shuffle32(lanes: number[]): this {
    return this.raw(
      0xfd,
      ...uleb(0x0d),
      ...lanes.flatMap((l) => [0, 1, 2, 3].map((b) => 4 * l + b)),
    );
  }
  /** v128.const with four equal f32 lanes. */
  f32x4(v: number): this {
    const b = new Uint8Array(new Float32Array([v, v, v, v]).buffer);
    return this.raw(0xfd, ...uleb(0x0c), ...b);
  }
  /** The encoded body: local declarations, code, `end`. */
  bytes(): number[] {
    const groups: number[] = [];
    let n = 0;
    for (let i = 0; i < this.locals.length; i++) {
      if (i === 0 || this.locals[i] !== this.locals[i - 1]) n++, groups.push(1, this.locals[i]);
      else groups[groups.length - 2]++;
    }
    const decl = [...uleb(n)];
    for (let g = 0; g < groups.length; g += 2) decl.push(...uleb(groups[g]), groups[g + 1]);
    const body = [...decl, ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

/** Scalar opcodes used. */
export const OP = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: 0x05,
  end: 0x0b,
  return: 0x0f,
  "i32.eqz": 0x45,
  "i32.lt_s": 0x48,
  "i32.gt_s": 0x4a,
  "i32.le_s": 0x4c,
  "i32.ge_s": 0x4e,
  "i32.add": 0x6a,
  "i32.sub": 0x6b,
  "i32.mul": 0x6c,
  "f32.load": 0x2a,
  "f32.store": 0x38,
  "f32.add": 0x92,
  "f32.mul": 0x94,
  "f64.add": 0xa0,
  "f64.mul": 0xa2,
  "f64.promote_f32": 0xbb,
  "select": 0x1b,
} as const;

/** SIMD opcodes used (after the 0xfd prefix). */
export const SIMD = {
  "v128.load": 0x00,
  "v128.load32_splat": 0x09,
  "v128.store": 0x0b,
  "i32x4.splat": 0x11,
  "f32x4.splat": 0x13,
  "f64x2.splat": 0x14,
  "f32x4.extract_lane": 0x1f,
  "i32x4.gt_s": 0x3b,
  "f32x4.gt": 0x44,
  "v128.and": 0x4e,
  "v128.andnot": 0x4f,
  "i32x4.shr_s": 0xac,
  "v128.store64_lane": 0x5b,
  "v128.load64_zero": 0x5d,
  "f32x4.demote_f64x2_zero": 0x5e,
  "f64x2.promote_low_f32x4": 0x5f,
  "f32x4.add": 0xe4,
  "f32x4.sub": 0xe5,
  "f32x4.mul": 0xe6,
  "f32x4.div": 0xe7,
  "f32x4.sqrt": 0xe3,
  "f64x2.sqrt": 0xef,
  "f64x2.add": 0xf0,
  "f64x2.sub": 0xf1,
  "f64x2.mul": 0xf2,
  "f64x2.div": 0xf3,
  "f32x4.relaxed_madd": 0x105,
} as const;

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

/**
 * A module exporting `memory` (starting at `pages` × 64 KiB, growable) and the given functions.
 */
export function assemble(fns: Record<string, Fn>, pages = 1): Uint8Array<ArrayBuffer> {
  const list = Object.entries(fns);
  const types = list.map((
    [, f],
  ) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(3, vec(list.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(
      7,
      vec([
        [...name("memory"), 0x02, 0x00],
        ...list.map(([n], i) => [...name(n), 0x00, ...uleb(i)]),
      ]),
    ),
    ...section(10, vec(list.map(([, f]) => f.bytes()))),
  ]);
}
