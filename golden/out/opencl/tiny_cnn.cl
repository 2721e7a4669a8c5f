// ===== conv2d_direct_f16_0 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_x, __global const half* restrict b_w, __global const half* restrict b_b, __write_only image2d_t b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 2048u;
    if (i >= 2048u) return;

    const uint n = (i / 2048u);
    const uint oc = (i / 256u) % 8u;
    const uint oy = (i / 16u) % 16u;
    const uint ox = i % 16u;

    const uint g = oc / 8u;
    float v = vload_half(((uint)(oc)), b_b);
    for (uint ic = 0u; ic < 3u; ic++) {
        const uint c = g * 3u + ic;
        for (uint ky = 0u; ky < 3u; ky++) {
            const int iy = (int)(oy * 1u + ky * 1u) - 1;
            if (iy < 0 || iy >= 16) continue;
            for (uint kx = 0u; kx < 3u; kx++) {
                const int ix = (int)(ox * 1u + kx * 1u) - 1;
                if (ix < 0 || ix >= 16) continue;
                v += vload_half((((((uint)(n)) * 3u + ((uint)(c))) * 16u + ((uint)(iy))) * 16u + ((uint)(ix))), b_x) * vload_half((((((uint)(oc)) * 3u + ((uint)(ic))) * 3u + ((uint)(ky))) * 3u + ((uint)(kx))), b_w);
            }
        }
    }
    v = max(v, 0.0f);

    write_imagef(b_y, drift_texel(((((((uint)(n))) * 16u + ((uint)(oy))) * 16u + ((uint)(ox))) * 8u + ((uint)(oc))), 128u, 16u), (float4)((float)(v), 0.0f, 0.0f, 0.0f));
}

// ===== conv2d_direct_f16_1 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_x, __global const half* restrict b_w, __global const half* restrict b_b, __write_only image2d_t b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 512u;
    if (i >= 512u) return;

    const uint n = (i / 512u);
    const uint oc = (i / 64u) % 8u;
    const uint oy = (i / 8u) % 8u;
    const uint ox = i % 8u;

    const uint g = oc / 1u;
    float v = vload_half(((uint)(oc)), b_b);
    for (uint ic = 0u; ic < 1u; ic++) {
        const uint c = g * 1u + ic;
        for (uint ky = 0u; ky < 3u; ky++) {
            const int iy = (int)(oy * 2u + ky * 1u) - 1;
            if (iy < 0 || iy >= 16) continue;
            for (uint kx = 0u; kx < 3u; kx++) {
                const int ix = (int)(ox * 2u + kx * 1u) - 1;
                if (ix < 0 || ix >= 16) continue;
                v += read_imagef(b_x, drift_texel(((((((uint)(n))) * 16u + ((uint)(iy))) * 16u + ((uint)(ix))) * 8u + ((uint)(c))), 128u, 16u)).x * vload_half((((((uint)(oc)) * 1u + ((uint)(ic))) * 3u + ((uint)(ky))) * 3u + ((uint)(kx))), b_w);
            }
        }
    }

    write_imagef(b_y, drift_texel(((((((uint)(n))) * 8u + ((uint)(oy))) * 8u + ((uint)(ox))) * 8u + ((uint)(oc))), 64u, 8u), (float4)((float)(v), 0.0f, 0.0f, 0.0f));
}

// ===== elementwise_f16_2 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_a0, __write_only image2d_t b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 512u;
    if (i >= 512u) return;

    const uint c0 = (i / 512u);
    const uint c1 = (i / 64u) % 8u;
    const uint c2 = (i / 8u) % 8u;
    const uint c3 = i % 8u;

    float v = min(max(read_imagef(b_a0, drift_texel(((((((uint)(0))) * 8u + ((uint)(c2))) * 8u + ((uint)(c3))) * 8u + ((uint)(c1))), 64u, 8u)).x, 0.0f), 6.0f);

    write_imagef(b_y, drift_texel(((((((uint)(c0))) * 8u + ((uint)(c2))) * 8u + ((uint)(c3))) * 8u + ((uint)(c1))), 64u, 8u), (float4)((float)(v), 0.0f, 0.0f, 0.0f));
}

// ===== conv2d_direct_f16_3 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_x, __global const half* restrict b_w, __global const half* restrict b_b, __write_only image2d_t b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 384u;
    if (i >= 320u) return;

    const uint n = (i / 320u);
    const uint oc = (i / 64u) % 5u;
    const uint oy = (i / 8u) % 8u;
    const uint ox = i % 8u;

    const uint g = oc / 5u;
    float v = vload_half(((uint)(oc)), b_b);
    for (uint ic = 0u; ic < 8u; ic++) {
        const uint c = g * 8u + ic;
        for (uint ky = 0u; ky < 1u; ky++) {
            const int iy = (int)(oy * 1u + ky * 1u) - 0;
            if (iy < 0 || iy >= 8) continue;
            for (uint kx = 0u; kx < 1u; kx++) {
                const int ix = (int)(ox * 1u + kx * 1u) - 0;
                if (ix < 0 || ix >= 8) continue;
                v += read_imagef(b_x, drift_texel(((((((uint)(n))) * 8u + ((uint)(iy))) * 8u + ((uint)(ix))) * 8u + ((uint)(c))), 64u, 8u)).x * vload_half((((((uint)(oc)) * 8u + ((uint)(ic))) * 1u + ((uint)(ky))) * 1u + ((uint)(kx))), b_w);
            }
        }
    }

    write_imagef(b_y, drift_texel(((((((uint)(n))) * 8u + ((uint)(oy))) * 8u + ((uint)(ox))) * 8u + ((uint)(oc))), 64u, 8u), (float4)((float)(v), 0.0f, 0.0f, 0.0f));
}

// ===== conv2d_direct_f16_4 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_x, __global const half* restrict b_w, __write_only image2d_t b_y, __read_only image2d_t b_e0_0) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 384u;
    if (i >= 320u) return;

    const uint n = (i / 320u);
    const uint oc = (i / 64u) % 5u;
    const uint oy = (i / 8u) % 8u;
    const uint ox = i % 8u;

    const uint g = oc / 5u;
    float v = 0.0f;
    for (uint ic = 0u; ic < 8u; ic++) {
        const uint c = g * 8u + ic;
        for (uint ky = 0u; ky < 1u; ky++) {
            const int iy = (int)(oy * 1u + ky * 1u) - 0;
            if (iy < 0 || iy >= 8) continue;
            for (uint kx = 0u; kx < 1u; kx++) {
                const int ix = (int)(ox * 1u + kx * 1u) - 0;
                if (ix < 0 || ix >= 8) continue;
                v += read_imagef(b_x, drift_texel(((((((uint)(n))) * 8u + ((uint)(iy))) * 8u + ((uint)(ix))) * 8u + ((uint)(c))), 64u, 8u)).x * vload_half((((((uint)(oc)) * 8u + ((uint)(ic))) * 1u + ((uint)(ky))) * 1u + ((uint)(kx))), b_w);
            }
        }
    }
    v = (read_imagef(b_e0_0, drift_texel(((((((uint)(0))) * 8u + ((uint)(oy))) * 8u + ((uint)(ox))) * 8u + ((uint)(oc))), 64u, 8u)).x + v);
    v = (v * clamp(v / 6.0f + 0.5f, 0.0f, 1.0f));

    write_imagef(b_y, drift_texel(((((((uint)(n))) * 8u + ((uint)(oy))) * 8u + ((uint)(ox))) * 8u + ((uint)(oc))), 64u, 8u), (float4)((float)(v), 0.0f, 0.0f, 0.0f));
}

// ===== pool2d_f16_5 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_x, __write_only image2d_t b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 128u;
    if (i >= 80u) return;

    const uint n = (i / 80u);
    const uint c = (i / 16u) % 5u;
    const uint oy = (i / 4u) % 4u;
    const uint ox = i % 4u;

    float v = -3.4028235e38f;
    uint count = 0u;
    for (uint ky = 0u; ky < 3u; ky++) {
        const int iy = (int)(oy * 2u + ky * 1u) - 0;
        if (iy >= 8) continue;
        for (uint kx = 0u; kx < 3u; kx++) {
            const int ix = (int)(ox * 2u + kx * 1u) - 0;
            if (ix >= 8) continue;
            if (iy < 0 || iy >= 8 || ix < 0 || ix >= 8) {
                continue;
            }
            const float xv = read_imagef(b_x, drift_texel(((((((uint)(n))) * 8u + ((uint)(iy))) * 8u + ((uint)(ix))) * 8u + ((uint)(c))), 64u, 8u)).x;
            if (xv > v) v = xv;
        }
    }

    write_imagef(b_y, drift_texel(((((((uint)(n))) * 4u + ((uint)(oy))) * 4u + ((uint)(ox))) * 8u + ((uint)(c))), 32u, 4u), (float4)((float)(v), 0.0f, 0.0f, 0.0f));
}

// ===== global_pool_f16_6 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_x, __global half* restrict b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 128u;
    if (i >= 5u) return;

    const uint n = (i / 5u);
    const uint c = i % 5u;
    const uint s0 = i % 1u;
    const uint s1 = i % 1u;

    float v = 0.0f;
    for (uint hh = 0u; hh < 4u; hh++) {
        for (uint ww = 0u; ww < 4u; ww++) {
            const float xv = read_imagef(b_x, drift_texel(((((((uint)(n))) * 4u + ((uint)(hh))) * 4u + ((uint)(ww))) * 8u + ((uint)(c))), 32u, 4u)).x;
            v += xv;
        }
    }
    v = v / 16.0f;

    vstore_half(v, (((((uint)(n)) * 5u + ((uint)(c))) * 1u + ((uint)(s0))) * 1u + ((uint)(s1))), b_y);
}

// ===== matmul_f16_7 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_a, __global const half* restrict b_b, __write_only image2d_t b_y, __global const half* restrict b_c) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 128u;
    if (i >= 10u) return;

    const uint c0 = (i / 10u);
    const uint c1 = i % 10u;

    float acc = 0.0f;
    for (uint p = 0u; p < 5u; p++) {
        const float av = vload_half((((uint)(0)) * 5u + ((uint)(p))), b_a);
        const float bv = vload_half((((uint)(c1)) * 5u + ((uint)(p))), b_b);
        acc += av * bv;
    }
    float v = 1.0f * acc;
    v += 1.0f * vload_half(((uint)(c1)), b_c);

    write_imagef(b_y, drift_texel((((uint)(c0)) * 10u + ((uint)(c1))), 10u, 1u), (float4)((float)(v), 0.0f, 0.0f, 0.0f));
}

// ===== softmax_f16_8 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_x, __global half* restrict b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 128u;
    if (i >= 1u) return;

    const uint c0 = i;

    float m = 0.0f;
    for (uint j = 0u; j < 10u; j++) {
        const float xv = read_imagef(b_x, drift_texel((((uint)(c0)) * 10u + ((uint)(j))), 10u, 1u)).x;
        if (j == 0u || xv > m) m = xv;
    }
    float s = 0.0f;
    for (uint j = 0u; j < 10u; j++) {
        s += exp(read_imagef(b_x, drift_texel((((uint)(c0)) * 10u + ((uint)(j))), 10u, 1u)).x - m);
    }
    for (uint j = 0u; j < 10u; j++) {
        const float xv = read_imagef(b_x, drift_texel((((uint)(c0)) * 10u + ((uint)(j))), 10u, 1u)).x;
        const float v = exp(xv - m) / s;
        vstore_half(v, (((uint)(c0)) * 10u + ((uint)(j))), b_y);
    }
}

