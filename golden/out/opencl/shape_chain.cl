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

// ===== matvec_f16_1 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void k_main(__read_only image2d_t b_x, __global const half* restrict b_w, __global half* restrict b_y, __global const half* restrict b_e0_1) {
    __local float drift_shared[256];
    const uint group = min((uint)get_group_id(0) + (uint)get_group_id(1) * 1u, 0u);
    const uint lane = (uint)get_local_id(0);

    const uint col_in = lane % 16u;
    const uint slice = lane / 16u;
    const uint col_raw = group * 16u + col_in;
    const uint col = min(col_raw, 9u);
    const uint c0 = 0u;
    float a0 = 0.0f;
    float a1 = 0.0f;
    float a2 = 0.0f;
    float a3 = 0.0f;
    for (uint q = 0u; q < 1u; ++q) {
        const uint p0 = q * 64u + slice + 0u;
        const uint p1 = q * 64u + slice + 16u;
        const uint p2 = q * 64u + slice + 32u;
        const uint p3 = q * 64u + slice + 48u;
        a0 += read_imagef(b_x, drift_texel((((uint)(0u)) * 96u + ((uint)(p0))), 96u, 1u)).x * vload_half((((uint)(p0)) * 10u + ((uint)(col))), b_w);
        a1 += read_imagef(b_x, drift_texel((((uint)(0u)) * 96u + ((uint)(p1))), 96u, 1u)).x * vload_half((((uint)(p1)) * 10u + ((uint)(col))), b_w);
        a2 += read_imagef(b_x, drift_texel((((uint)(0u)) * 96u + ((uint)(p2))), 96u, 1u)).x * vload_half((((uint)(p2)) * 10u + ((uint)(col))), b_w);
        a3 += read_imagef(b_x, drift_texel((((uint)(0u)) * 96u + ((uint)(p3))), 96u, 1u)).x * vload_half((((uint)(p3)) * 10u + ((uint)(col))), b_w);
    }
    for (uint p = 64u + slice; p < 96u; p += 16u) {
        a0 += read_imagef(b_x, drift_texel((((uint)(0u)) * 96u + ((uint)(p))), 96u, 1u)).x * vload_half((((uint)(p)) * 10u + ((uint)(col))), b_w);
    }
    drift_shared[lane] = a0 + a1 + a2 + a3;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint s = 8u; s > 0u; s /= 2u) {
        if (slice < s) {
            drift_shared[lane] += drift_shared[lane + s * 16u];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (slice == 0u && col_raw < 10u) {
        const uint c1 = col;
        float v = drift_shared[col_in];
    v = (v + vload_half(((uint)(c1)), b_e0_1));

        vstore_half(v, (((uint)(c0)) * 10u + ((uint)(c1))), b_y);
    }
}

