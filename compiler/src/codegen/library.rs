//! Small math functions kernels may call, prepended only to kernels that use them.

use super::Lang;

/// erf, Numerical Recipes' erfc Chebyshev fit (|error| < 1.2e-7), same as the CPU
/// reference in `ops::elementwise`.
const ERF_WGSL: &str = "fn drift_erf(x: f32) -> f32 {
    let t = 1.0 / (1.0 + 0.5 * abs(x));
    let y = 1.0 - t * exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    return select(-y, y, x >= 0.0);
}
";
const ERF_CL: &str = "float drift_erf(float x) {
    const float t = 1.0f / (1.0f + 0.5f * fabs(x));
    const float y = 1.0f - t * exp(-x * x - 1.26551223f + t * (1.00002368f + t * (0.37409196f + t * (0.09678418f + t * (-0.18628806f + t * (0.27886807f + t * (-1.13520398f + t * (1.48851587f + t * (-0.82215223f + t * 0.17087277f)))))))));
    return x >= 0.0f ? y : -y;
}
";

/// Real power as ONNX (and C's powf) defines it: integer exponents of negative bases
/// keep their sign, x^0 = 1. GPU `pow` is undefined for negative bases.
const POW_WGSL: &str = "fn drift_pow(x: f32, y: f32) -> f32 {
    if (y == 0.0) { return 1.0; }
    if (x < 0.0 && y == floor(y)) {
        let r = pow(-x, y);
        return select(r, -r, y * 0.5 != floor(y * 0.5));
    }
    return pow(x, y);
}
";
// OpenCL C's `pow` follows C99 (negative bases with integral exponents are defined).
const POW_CL: &str = "float drift_pow(float x, float y) {
    return pow(x, y);
}
";

/// Texel of element offset `o` in a single-channel 2D image `w` texels wide and `h` rows
/// tall (texture storage; `codegen::helpers`). The row is clamped into the image.
const TEXEL_CL: &str = "int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
";

/// Two int4 weights of one packed byte (low nibble first, each stored as q + 8; `raw` is
/// the byte as the int8 accessor returns it) times two activations.
const Q4_DOT_WGSL: &str = "fn drift_q4_dot(raw: f32, x0: f32, x1: f32) -> f32 {
    let u = select(raw, raw + 256.0, raw < 0.0);
    let hi = floor(u / 16.0);
    return x0 * (u - hi * 16.0 - 8.0) + x1 * (hi - 8.0);
}
";
const Q4_DOT_CL: &str = "float drift_q4_dot(float raw, float x0, float x1) {
    const float u = raw < 0.0f ? raw + 256.0f : raw;
    const float hi = floor(u / 16.0f);
    return x0 * (u - hi * 16.0f - 8.0f) + x1 * (hi - 8.0f);
}
";

/// One int4 weight of a packed byte (`raw` as the int8 accessor returns it; `odd`: the
/// high nibble), stored as q + 8: q as f32.
const Q4_AT_WGSL: &str = "fn drift_q4_at(raw: f32, odd: bool) -> f32 {
    let u = select(raw, raw + 256.0, raw < 0.0);
    let hi = floor(u / 16.0);
    return select(u - hi * 16.0, hi, odd) - 8.0;
}
";
const Q4_AT_CL: &str = "float drift_q4_at(float raw, bool odd) {
    const float u = raw < 0.0f ? raw + 256.0f : raw;
    const float hi = floor(u / 16.0f);
    return (odd ? hi : u - hi * 16.0f) - 8.0f;
}
";

/// Four int8 weights packed in a word (first in the low byte), sign-extended to f32.
const I8X4_WGSL: &str = "fn drift_i8x4(w: u32) -> vec4<f32> {
    return vec4<f32>(bitcast<vec4<i32>>(vec4<u32>(w << 24u, w << 16u, w << 8u, w)) >> vec4<u32>(24u));
}
";

/// The four int4 weights in the low 16 bits of a word (first in the low nibble, each
/// stored as q + 8), as f32.
const Q4X4_WGSL: &str = "fn drift_q4x4(w: u32) -> vec4<f32> {
    return vec4<f32>(vec4<u32>(w, w >> 4u, w >> 8u, w >> 12u) & vec4<u32>(15u)) - vec4<f32>(8.0);
}
";
const Q4X4_CL: &str = "float4 drift_q4x4(uint w) {
    return convert_float4((uint4)(w, w >> 4, w >> 8, w >> 12) & (uint4)(15u)) - 8.0f;
}
";

/// The eight halves of a 16-byte word as f32, converted from a private copy: the word is
/// loaded whole by the caller (`vload_half8` on a global pointer may assume only a half's
/// alignment, and NVIDIA's compiler then loads the halves one at a time).
const H8_CL: &str = "float8 drift_h8(uint4 u) {
    return vload_half8(0, (const __private half*)&u);
}
";

/// Eight f32 rounded to halves (to nearest even, as `vstore_half`) packed into a 16-byte
/// word, for the caller to store whole through a word pointer.
const PACK_H8_CL: &str = "uint4 drift_pack_h8(float8 v) {
    uint4 u;
    vstore_half8(v, 0, (__private half*)&u);
    return u;
}
";

/// Word `j` of a buffer read with NVIDIA's streaming hints (`tuning.opencl_ptx_stream_loads`:
/// read-only path, no L1 line kept, the next 256 bytes fetched into L2).
const STREAM_CL: &str = "uint4 drift_ld_stream(__global const uint4* p, uint j) {
    uint a, b, c, d;
    __asm__(\"ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0,%1,%2,%3}, [%4];\" : \"=r\"(a), \"=r\"(b), \"=r\"(c), \"=r\"(d) : \"l\"((ulong)(p + j)));
    return (uint4)(a, b, c, d);
}
";

/// The sum of `v` over each aligned group of `width` lanes (a power of two, at most 32) of
/// an NVIDIA subgroup, by butterfly shuffles (PTX; `tuning.subgroup_reductions` on OpenCL).
const LANES_SUM_CL: &str = "float drift_lanes_sum(float v, uint width) {
    for (uint m = width / 2u; m > 0u; m /= 2u) {
        uint o;
        __asm__ __volatile__(\"shfl.sync.bfly.b32 %0, %1, %2, 31, 0xffffffff;\" : \"=r\"(o) : \"r\"(as_uint(v)), \"r\"(m));
        v += as_float(o);
    }
    return v;
}
";

/// The largest `v` of each aligned group of `width` lanes (a power of two, at most 32) of
/// an NVIDIA subgroup, by butterfly shuffles (PTX; `tuning.attention_subgroup_reductions`
/// on OpenCL).
const LANES_MAX_CL: &str = "float drift_lanes_max(float v, uint width) {
    for (uint m = width / 2u; m > 0u; m /= 2u) {
        uint o;
        __asm__ __volatile__(\"shfl.sync.bfly.b32 %0, %1, %2, 31, 0xffffffff;\" : \"=r\"(o) : \"r\"(as_uint(v)), \"r\"(m));
        v = fmax(v, as_float(o));
    }
    return v;
}
";

/// Four int8 products summed into `c`, the bytes of `a` and `b` read as signed (OpenCL C
/// int8 decode activations): NVIDIA's `dp4a` through inline PTX, or the same sum in C on
/// devices without it (`drift_dp4a`).
const DP4A_PTX_CL: &str = "int drift_dp4a_ptx(uint a, uint b, int c) {
    int d;
    __asm__(\"dp4a.s32.s32 %0, %1, %2, %3;\" : \"=r\"(d) : \"r\"(a), \"r\"(b), \"r\"(c));
    return d;
}
";
const DP4A_CL: &str = "int drift_dp4a(uint a, uint b, int c) {
    const int4 x = convert_int4(as_char4(a));
    const int4 y = convert_int4(as_char4(b));
    return c + x.x * y.x + x.y * y.y + x.z * y.z + x.w * y.w;
}
";

/// Functions `src` calls, to place before it.
pub fn prelude_for(lang: Lang, src: &str) -> String {
    let mut out = String::new();
    if src.contains("drift_erf(") {
        out.push_str(match lang {
            Lang::Wgsl => ERF_WGSL,
            Lang::OpenclC => ERF_CL,
        });
    }
    if lang == Lang::OpenclC && src.contains("drift_texel(") {
        out.push_str(TEXEL_CL);
    }
    if src.contains("drift_q4_dot(") {
        out.push_str(match lang {
            Lang::Wgsl => Q4_DOT_WGSL,
            Lang::OpenclC => Q4_DOT_CL,
        });
    }
    if src.contains("drift_q4_at(") {
        out.push_str(match lang {
            Lang::Wgsl => Q4_AT_WGSL,
            Lang::OpenclC => Q4_AT_CL,
        });
    }
    if lang == Lang::Wgsl && src.contains("drift_i8x4(") {
        out.push_str(I8X4_WGSL);
    }
    if src.contains("drift_q4x4(") {
        out.push_str(match lang {
            Lang::Wgsl => Q4X4_WGSL,
            Lang::OpenclC => Q4X4_CL,
        });
    }
    if lang == Lang::OpenclC && src.contains("drift_h8(") {
        out.push_str(H8_CL);
    }
    if lang == Lang::OpenclC && src.contains("drift_pack_h8(") {
        out.push_str(PACK_H8_CL);
    }
    if lang == Lang::OpenclC && src.contains("drift_ld_stream(") {
        out.push_str(STREAM_CL);
    }
    if lang == Lang::OpenclC && src.contains("drift_lanes_sum(") {
        out.push_str(LANES_SUM_CL);
    }
    if lang == Lang::OpenclC && src.contains("drift_lanes_max(") {
        out.push_str(LANES_MAX_CL);
    }
    if lang == Lang::OpenclC && src.contains("drift_dp4a_ptx(") {
        out.push_str(DP4A_PTX_CL);
    }
    if lang == Lang::OpenclC && src.contains("drift_dp4a(") {
        out.push_str(DP4A_CL);
    }
    if src.contains("drift_pow(") {
        out.push_str(match lang {
            Lang::Wgsl => POW_WGSL,
            Lang::OpenclC => POW_CL,
        });
    }
    out
}
