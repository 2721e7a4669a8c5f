// ===== elementwise_f16_0 =====
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_a0, __global const half* restrict b_a1, __global half* restrict b_y, __global const half* restrict b_e0_1) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 128u;
    if (i >= 96u) return;

    const uint c0 = (i / 96u);
    const uint c1 = i % 96u;

    float v = (vload_half((((uint)(0)) * 96u + ((uint)(c1))), b_a0) + vload_half((((uint)(0)) * 96u + ((uint)(c1))), b_a1));
    v = (v * vload_half(((uint)(c1)), b_e0_1));

    vstore_half(v, (((uint)(c0)) * 96u + ((uint)(c1))), b_y);
}

// ===== matmul_f16_1 =====
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_a, __global const half* restrict b_b, __global half* restrict b_y, __global const half* restrict b_e0_1) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 128u;
    if (i >= 10u) return;

    const uint c0 = (i / 10u);
    const uint c1 = i % 10u;

    float acc = 0.0f;
    for (uint p = 0u; p < 96u; p++) {
        const float av = vload_half((((uint)(0)) * 96u + ((uint)(p))), b_a);
        const float bv = vload_half((((uint)(p)) * 10u + ((uint)(c1))), b_b);
        acc += av * bv;
    }
    float v = 1.0f * acc;
    v = (v + vload_half(((uint)(c1)), b_e0_1));

    vstore_half(v, (((uint)(c0)) * 10u + ((uint)(c1))), b_y);
}

