// ===== elementwise_f16_0 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_a0, __global const half* restrict b_a1, __write_only image2d_t b_y, __global const half* restrict b_e0_1) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 128u;
    if (i >= 96u) return;

    const uint c0 = (i / 96u);
    const uint c1 = i % 96u;

    float v = (vload_half((((uint)(0)) * 96u + ((uint)(c1))), b_a0) + vload_half((((uint)(0)) * 96u + ((uint)(c1))), b_a1));
    v = (v * vload_half(((uint)(c1)), b_e0_1));

    write_imagef(b_y, drift_texel((((uint)(c0)) * 96u + ((uint)(c1))), 96u, 1u), (float4)((float)(v), 0.0f, 0.0f, 0.0f));
}

// ===== matmul_f16_1 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_a, __global const half* restrict b_b, __global half* restrict b_y, __global const half* restrict b_e0_1) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 128u;
    if (i >= 10u) return;

    const uint c0 = (i / 10u);
    const uint c1 = i % 10u;

    float acc = 0.0f;
    for (uint p = 0u; p < 96u; p++) {
        const float av = read_imagef(b_a, drift_texel((((uint)(0)) * 96u + ((uint)(p))), 96u, 1u)).x;
        const float bv = vload_half((((uint)(p)) * 10u + ((uint)(c1))), b_b);
        acc += av * bv;
    }
    float v = 1.0f * acc;
    v = (v + vload_half(((uint)(c1)), b_e0_1));

    vstore_half(v, (((uint)(c0)) * 10u + ((uint)(c1))), b_y);
}

