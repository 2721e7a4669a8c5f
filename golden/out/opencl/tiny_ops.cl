// ===== conv_transpose2d_f16_0 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_x, __global const half* restrict b_w, __global const half* restrict b_b, __write_only image2d_t b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 1280u;
    if (i >= 1280u) return;

    const uint n = (i / 1280u);
    const uint oc = (i / 256u) % 5u;
    const uint oy = (i / 16u) % 16u;
    const uint ox = i % 16u;

    const uint g = oc / 5u;
    const uint ocl = oc % 5u;
    float v = vload_half(((uint)(oc)), b_b);
    for (uint ic = 0u; ic < 3u; ic++) {
        const uint c = g * 3u + ic;
        for (uint ky = 0u; ky < 3u; ky++) {
            const int ny = (int)oy + (1) - (int)(ky * 1u);
            if (ny < 0 || ny % 2 != 0) continue;
            const int iy = ny / 2;
            if (iy >= 8) continue;
            for (uint kx = 0u; kx < 3u; kx++) {
                const int nx = (int)ox + (1) - (int)(kx * 1u);
                if (nx < 0 || nx % 2 != 0) continue;
                const int ix = nx / 2;
                if (ix >= 8) continue;
                v += vload_half((((((uint)(n)) * 3u + ((uint)(c))) * 8u + ((uint)(iy))) * 8u + ((uint)(ix))), b_x) * vload_half((((((uint)(c)) * 5u + ((uint)(ocl))) * 3u + ((uint)(ky))) * 3u + ((uint)(kx))), b_w);
            }
        }
    }
    v = ((v < 0.0f) ? (0.1f * v) : (v));

    write_imagef(b_y, drift_texel(((((((uint)(n))) * 16u + ((uint)(oy))) * 16u + ((uint)(ox))) * 8u + ((uint)(oc))), 128u, 16u), (float4)((float)(v), 0.0f, 0.0f, 0.0f));
}

// ===== pool2d_f16_1 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_x, __write_only image2d_t b_y, __global const half* restrict b_e0_1) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 384u;
    if (i >= 320u) return;

    const uint n = (i / 320u);
    const uint c = (i / 64u) % 5u;
    const uint oy = (i / 8u) % 8u;
    const uint ox = i % 8u;

    float v = 0.0f;
    uint count = 0u;
    for (uint ky = 0u; ky < 3u; ky++) {
        const int iy = (int)(oy * 2u + ky * 1u) - 1;
        if (iy >= 17) continue;
        for (uint kx = 0u; kx < 3u; kx++) {
            const int ix = (int)(ox * 2u + kx * 1u) - 1;
            if (ix >= 17) continue;
            if (iy < 0 || iy >= 16 || ix < 0 || ix >= 16) {
                continue;
            }
            const float xv = read_imagef(b_x, drift_texel(((((((uint)(n))) * 16u + ((uint)(iy))) * 16u + ((uint)(ix))) * 8u + ((uint)(c))), 128u, 16u)).x;
            v += xv;
            count++;
        }
    }
    v = v / (float)max(count, 1u);
    v = (v * vload_half((((((uint)(0)) * 5u + ((uint)(c))) * 8u + ((uint)(oy))) * 8u + ((uint)(ox))), b_e0_1));
    v = (1.0f / (1.0f + exp(-v)));

    write_imagef(b_y, drift_texel(((((((uint)(n))) * 8u + ((uint)(oy))) * 8u + ((uint)(ox))) * 8u + ((uint)(c))), 64u, 8u), (float4)((float)(v), 0.0f, 0.0f, 0.0f));
}

// ===== elementwise_f16_2 =====
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_a0, __global half* restrict b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 256u;
    if (i >= 192u) return;

    const uint c0 = (i / 192u);
    const uint c1 = (i / 64u) % 3u;
    const uint c2 = (i / 8u) % 8u;
    const uint c3 = i % 8u;

    float v = tanh(vload_half((((((uint)(0)) * 3u + ((uint)(c1))) * 8u + ((uint)(c2))) * 8u + ((uint)(c3))), b_a0));

    vstore_half(v, (((((uint)(c0)) * 3u + ((uint)(c1))) * 8u + ((uint)(c2))) * 8u + ((uint)(c3))), b_y);
}

// ===== slice_copy_f16_3 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_x, __global half* restrict b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 384u;
    if (i >= 320u) return;

    const uint r0 = (i / 320u);
    const uint r1 = (i / 64u) % 5u;
    const uint r2 = (i / 8u) % 8u;
    const uint r3 = i % 8u;

    const int s0 = 0 + (int)(r0) * 1;
    const int t0 = 0 + (int)(r0) * 1;
    const int s1 = 0 + (int)(r1) * 1;
    const int t1 = 0 + (int)(r1) * 1;
    const int s2 = 0 + (int)(r2) * 1;
    const int t2 = 0 + (int)(r2) * 1;
    const int s3 = 0 + (int)(r3) * 1;
    const int t3 = 0 + (int)(r3) * 1;
    vstore_half(read_imagef(b_x, drift_texel(((((((uint)(s0))) * 8u + ((uint)(s2))) * 8u + ((uint)(s3))) * 8u + ((uint)(s1))), 64u, 8u)).x, (((((uint)(t0)) * 8u + ((uint)(t1))) * 8u + ((uint)(t2))) * 8u + ((uint)(t3))), b_y);
}

// ===== slice_copy_f16_4 =====
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_x, __global half* restrict b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 256u;
    if (i >= 192u) return;

    const uint r0 = (i / 192u);
    const uint r1 = (i / 64u) % 3u;
    const uint r2 = (i / 8u) % 8u;
    const uint r3 = i % 8u;

    const int s0 = 0 + (int)(r0) * 1;
    const int t0 = 0 + (int)(r0) * 1;
    const int s1 = 0 + (int)(r1) * 1;
    const int t1 = 5 + (int)(r1) * 1;
    const int s2 = 0 + (int)(r2) * 1;
    const int t2 = 0 + (int)(r2) * 1;
    const int s3 = 0 + (int)(r3) * 1;
    const int t3 = 0 + (int)(r3) * 1;
    vstore_half(vload_half((((((uint)(s0)) * 3u + ((uint)(s1))) * 8u + ((uint)(s2))) * 8u + ((uint)(s3))), b_x), (((((uint)(t0)) * 8u + ((uint)(t1))) * 8u + ((uint)(t2))) * 8u + ((uint)(t3))), b_y);
}

// ===== elementwise_f16_5 =====
float drift_pow(float x, float y) {
    return pow(x, y);
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_a0, __global const half* restrict b_a1, __global half* restrict b_y, __global const half* restrict b_e0_1, __global const half* restrict b_e1_1, __global const half* restrict b_e2_1) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 512u;
    if (i >= 512u) return;

    const uint c0 = (i / 512u);
    const uint c1 = (i / 64u) % 8u;
    const uint c2 = (i / 8u) % 8u;
    const uint c3 = i % 8u;

    float v = (vload_half((((((uint)(0)) * 8u + ((uint)(c1))) * 8u + ((uint)(c2))) * 8u + ((uint)(c3))), b_a0) - vload_half(((((uint)(c1)) * 1u + ((uint)(0))) * 1u + ((uint)(0))), b_a1));
    v = (v * vload_half((((((uint)(0)) * 1u + ((uint)(0))) * 1u + ((uint)(0))) * 8u + ((uint)(c3))), b_e0_1));
    v = (v / vload_half((((((uint)(0)) * 8u + ((uint)(c1))) * 1u + ((uint)(0))) * 1u + ((uint)(0))), b_e1_1));
    v = drift_pow(v, vload_half(0u, b_e2_1));

    vstore_half(v, (((((uint)(c0)) * 8u + ((uint)(c1))) * 8u + ((uint)(c2))) * 8u + ((uint)(c3))), b_y);
}

// ===== elementwise_f16_6 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
float drift_pow(float x, float y) {
    return pow(x, y);
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_a0, __global const half* restrict b_a1, __global half* restrict b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 384u;
    if (i >= 320u) return;

    const uint c0 = (i / 320u);
    const uint c1 = (i / 64u) % 5u;
    const uint c2 = (i / 8u) % 8u;
    const uint c3 = i % 8u;

    float v = drift_pow(read_imagef(b_a0, drift_texel(((((((uint)(0))) * 8u + ((uint)(c2))) * 8u + ((uint)(c3))) * 8u + ((uint)(c1))), 64u, 8u)).x, vload_half(0u, b_a1));

    vstore_half(v, (((((uint)(c0)) * 5u + ((uint)(c1))) * 8u + ((uint)(c2))) * 8u + ((uint)(c3))), b_y);
}

// ===== copy_permute_f16_7 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_x, __write_only image2d_t b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 512u;
    if (i >= 512u) return;

    const uint o0 = (i / 128u);
    const uint o1 = (i / 8u) % 16u;
    const uint o2 = i % 8u;

    write_imagef(b_y, drift_texel(((((uint)(o0)) * 16u + ((uint)(o1))) * 8u + ((uint)(o2))), 8u, 64u), (float4)((float)(vload_half(((((uint)(o0)) * 8u + ((uint)(o2))) * 16u + ((uint)(o1))), b_x)), 0.0f, 0.0f, 0.0f));
}

// ===== matmul_f16_8 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_a, __global const half* restrict b_b, __global half* restrict b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 384u;
    if (i >= 320u) return;

    const uint c0 = (i / 80u);
    const uint c1 = (i / 5u) % 16u;
    const uint c2 = i % 5u;

    float acc = 0.0f;
    for (uint p = 0u; p < 8u; p++) {
        const float av = read_imagef(b_a, drift_texel(((((uint)(c0)) * 16u + ((uint)(c1))) * 8u + ((uint)(p))), 8u, 64u)).x;
        const float bv = vload_half(((((uint)(0)) * 8u + ((uint)(p))) * 5u + ((uint)(c2))), b_b);
        acc += av * bv;
    }
    float v = 1.0f * acc;

    vstore_half(v, ((((uint)(c0)) * 16u + ((uint)(c1))) * 5u + ((uint)(c2))), b_y);
}

// ===== matmul_f16_9 =====
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_a, __global const half* restrict b_b, __global half* restrict b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 128u;
    if (i >= 120u) return;

    const uint c0 = (i / 40u);
    const uint c1 = (i / 5u) % 8u;
    const uint c2 = i % 5u;

    float acc = 0.0f;
    for (uint p = 0u; p < 8u; p++) {
        const float av = vload_half(((((uint)(c0)) * 8u + ((uint)(c1))) * 8u + ((uint)(p))), b_a);
        const float bv = vload_half(((((uint)(0)) * 8u + ((uint)(p))) * 5u + ((uint)(c2))), b_b);
        acc += av * bv;
    }
    float v = 1.0f * acc;

    vstore_half(v, ((((uint)(c0)) * 8u + ((uint)(c1))) * 5u + ((uint)(c2))), b_y);
}

// ===== pad_f16_10 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_x, __write_only image2d_t b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 384u;
    if (i >= 363u) return;

    const uint o0 = (i / 363u);
    const uint o1 = (i / 121u) % 3u;
    const uint o2 = (i / 11u) % 11u;
    const uint o3 = i % 11u;

    bool inside = true;
    const int s0 = (int)o0 - (0);
    if (s0 < 0 || s0 >= 1) inside = false;
    const int s1 = (int)o1 - (0);
    if (s1 < 0 || s1 >= 3) inside = false;
    const int s2 = (int)o2 - (1);
    if (s2 < 0 || s2 >= 8) inside = false;
    const int s3 = (int)o3 - (2);
    if (s3 < 0 || s3 >= 8) inside = false;
    float v = 0.5f;
    if (inside) v = vload_half((((((uint)(s0)) * 3u + ((uint)(s1))) * 8u + ((uint)(s2))) * 8u + ((uint)(s3))), b_x);
    write_imagef(b_y, drift_texel(((((((uint)(o0))) * 11u + ((uint)(o2))) * 11u + ((uint)(o3))) * 4u + ((uint)(o1))), 44u, 11u), (float4)((float)(v), 0.0f, 0.0f, 0.0f));
}

// ===== resize_f16_11 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_x, __global half* restrict b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 1536u;
    if (i >= 1452u) return;

    const uint o0 = (i / 1452u);
    const uint o1 = (i / 484u) % 3u;
    const uint o2 = (i / 22u) % 22u;
    const uint o3 = i % 22u;

    const float f0 = (float)(o0);
    const int s0 = clamp((int)(((f0 == floor(f0) + 0.5f) ? (floor(f0)) : (round(f0)))), 0, 0);
    const float f1 = (float)(o1);
    const int s1 = clamp((int)(((f1 == floor(f1) + 0.5f) ? (floor(f1)) : (round(f1)))), 0, 2);
    const float f2 = (((float)(o2) + 0.5f) / 2.0f - 0.5f);
    const int s2 = clamp((int)(((f2 == floor(f2) + 0.5f) ? (floor(f2)) : (round(f2)))), 0, 10);
    const float f3 = (((float)(o3) + 0.5f) / 2.0f - 0.5f);
    const int s3 = clamp((int)(((f3 == floor(f3) + 0.5f) ? (floor(f3)) : (round(f3)))), 0, 10);
    const float v = read_imagef(b_x, drift_texel(((((((uint)(s0))) * 11u + ((uint)(s2))) * 11u + ((uint)(s3))) * 4u + ((uint)(s1))), 44u, 11u)).x;
    vstore_half(v, (((((uint)(o0)) * 3u + ((uint)(o1))) * 22u + ((uint)(o2))) * 22u + ((uint)(o3))), b_y);
}

// ===== pad_f16_12 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_x, __write_only image2d_t b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 512u;
    if (i >= 432u) return;

    const uint o0 = (i / 432u);
    const uint o1 = (i / 144u) % 3u;
    const uint o2 = (i / 12u) % 12u;
    const uint o3 = i % 12u;

    const int s0 = 0;
    const int s1m = (((int)o1 - (0)) % 4 + 4) % 4;
    const int s1 = s1m >= 3 ? 4 - s1m : s1m;
    const int s2m = (((int)o2 - (2)) % 14 + 14) % 14;
    const int s2 = s2m >= 8 ? 14 - s2m : s2m;
    const int s3m = (((int)o3 - (2)) % 14 + 14) % 14;
    const int s3 = s3m >= 8 ? 14 - s3m : s3m;
    const float v = vload_half((((((uint)(s0)) * 3u + ((uint)(s1))) * 8u + ((uint)(s2))) * 8u + ((uint)(s3))), b_x);
    write_imagef(b_y, drift_texel(((((((uint)(o0))) * 12u + ((uint)(o2))) * 12u + ((uint)(o3))) * 4u + ((uint)(o1))), 48u, 12u), (float4)((float)(v), 0.0f, 0.0f, 0.0f));
}

// ===== resize_f16_13 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_x, __global half* restrict b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 1280u;
    if (i >= 1200u) return;

    const uint o0 = (i / 1200u);
    const uint o1 = (i / 400u) % 3u;
    const uint o2 = (i / 20u) % 20u;
    const uint o3 = i % 20u;

    const float fy = clamp((((float)(o2) + 0.5f) / 1.6666666f - 0.5f), 0.0f, 11.0f);
    const float fx = clamp((((float)(o3) + 0.5f) / 1.6666666f - 0.5f), 0.0f, 11.0f);
    const int y0 = (int)fy;
    const int x0 = (int)fx;
    const int y1 = min(y0 + 1, 11);
    const int x1 = min(x0 + 1, 11);
    const float ly = fy - (float)y0;
    const float lx = fx - (float)x0;
    const float top = (1.0f - lx) * read_imagef(b_x, drift_texel(((((((uint)(o0))) * 12u + ((uint)(y0))) * 12u + ((uint)(x0))) * 4u + ((uint)(o1))), 48u, 12u)).x + lx * read_imagef(b_x, drift_texel(((((((uint)(o0))) * 12u + ((uint)(y0))) * 12u + ((uint)(x1))) * 4u + ((uint)(o1))), 48u, 12u)).x;
    const float bottom = (1.0f - lx) * read_imagef(b_x, drift_texel(((((((uint)(o0))) * 12u + ((uint)(y1))) * 12u + ((uint)(x0))) * 4u + ((uint)(o1))), 48u, 12u)).x + lx * read_imagef(b_x, drift_texel(((((((uint)(o0))) * 12u + ((uint)(y1))) * 12u + ((uint)(x1))) * 4u + ((uint)(o1))), 48u, 12u)).x;
    const float v = (1.0f - ly) * top + ly * bottom;
    vstore_half(v, (((((uint)(o0)) * 3u + ((uint)(o1))) * 20u + ((uint)(o2))) * 20u + ((uint)(o3))), b_y);
}

