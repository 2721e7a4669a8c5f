// ===== row_stats_f16_0 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_x, __write_only image2d_t b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 128u;
    if (i >= 8u) return;

    float mean = 0.0f;
    for (uint j = 0u; j < 256u; j++) {
        mean += vload_half((((uint)(i)) * 256u + ((uint)(j))), b_x);
    }
    mean /= 256.0f;
    float sq = 0.0f;
    for (uint j = 0u; j < 256u; j++) {
        const float d = vload_half((((uint)(i)) * 256u + ((uint)(j))), b_x) - mean;
        sq += d * d;
    }
    write_imagef(b_y, drift_texel((((uint)(i)) * 2u + ((uint)(0))), 2u, 8u), (float4)((float)(mean), 0.0f, 0.0f, 0.0f));
    write_imagef(b_y, drift_texel((((uint)(i)) * 2u + ((uint)(1))), 2u, 8u), (float4)((float)(1.0f / sqrt(sq / 256.0f + 1e-5f)), 0.0f, 0.0f, 0.0f));
}

// ===== matmul_f16_1 =====
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_a, __global const half* restrict b_b, __global half* restrict b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 256u;
    if (i >= 224u) return;

    const uint c0 = (i / 224u);
    const uint c1 = (i / 32u) % 7u;
    const uint c2 = i % 32u;

    float acc = 0.0f;
    for (uint p = 0u; p < 24u; p++) {
        const float av = vload_half(((((uint)(0)) * 7u + ((uint)(c1))) * 24u + ((uint)(p))), b_a);
        const float bv = vload_half(((((uint)(0)) * 24u + ((uint)(p))) * 32u + ((uint)(c2))), b_b);
        acc += av * bv;
    }
    float v = 1.0f * acc;

    vstore_half(v, ((((uint)(c0)) * 7u + ((uint)(c1))) * 32u + ((uint)(c2))), b_y);
}

// ===== copy_permute_f16_2 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_x, __write_only image2d_t b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 256u;
    if (i >= 224u) return;

    const uint o0 = (i / 224u);
    const uint o1 = (i / 112u) % 2u;
    const uint o2 = (i / 16u) % 7u;
    const uint o3 = i % 16u;

    write_imagef(b_y, drift_texel(((((((uint)(o0))) * 7u + ((uint)(o2))) * 16u + ((uint)(o3))) * 4u + ((uint)(o1))), 64u, 7u), (float4)((float)(vload_half((((((uint)(o0)) * 7u + ((uint)(o2))) * 2u + ((uint)(o1))) * 16u + ((uint)(o3))), b_x)), 0.0f, 0.0f, 0.0f));
}

// ===== copy_permute_f16_3 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_x, __write_only image2d_t b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 256u;
    if (i >= 224u) return;

    const uint o0 = (i / 224u);
    const uint o1 = (i / 112u) % 2u;
    const uint o2 = (i / 7u) % 16u;
    const uint o3 = i % 7u;

    write_imagef(b_y, drift_texel(((((((uint)(o0))) * 16u + ((uint)(o2))) * 7u + ((uint)(o3))) * 4u + ((uint)(o1))), 28u, 16u), (float4)((float)(vload_half((((((uint)(o0)) * 7u + ((uint)(o3))) * 2u + ((uint)(o1))) * 16u + ((uint)(o2))), b_x)), 0.0f, 0.0f, 0.0f));
}

// ===== conv2d_direct_f16_4 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_x, __global const half* restrict b_w, __read_only image2d_t b_stats, __global const half* restrict b_gamma, __global const half* restrict b_beta, __global const half* restrict b_b, __write_only image2d_t b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 2048u;
    if (i >= 2048u) return;

    const uint n = (i / 2048u);
    const uint oc = (i / 64u) % 32u;
    const uint oy = (i / 8u) % 8u;
    const uint ox = i % 8u;

    const uint g = oc / 32u;
    float v = vload_half(((uint)(oc)), b_b);
    for (uint ic = 0u; ic < 32u; ic++) {
        const uint c = g * 32u + ic;
        for (uint ky = 0u; ky < 3u; ky++) {
            const int iy = (int)(oy * 1u + ky * 1u) - 1;
            if (iy < 0 || iy >= 8) continue;
            for (uint kx = 0u; kx < 3u; kx++) {
                const int ix = (int)(ox * 1u + kx * 1u) - 1;
                if (ix < 0 || ix >= 8) continue;
                v += (((((vload_half((((((uint)(n)) * 32u + ((uint)(c))) * 8u + ((uint)(iy))) * 8u + ((uint)(ix))), b_x) - read_imagef(b_stats, drift_texel((((uint)((n * 8u + c / 4u))) * 2u + ((uint)(0))), 2u, 8u)).x) * read_imagef(b_stats, drift_texel((((uint)((n * 8u + c / 4u))) * 2u + ((uint)(1))), 2u, 8u)).x) * vload_half(((uint)(c)), b_gamma)) + vload_half(((uint)(c)), b_beta)) / (1.0f + exp(-1.0f * ((((vload_half((((((uint)(n)) * 32u + ((uint)(c))) * 8u + ((uint)(iy))) * 8u + ((uint)(ix))), b_x) - read_imagef(b_stats, drift_texel((((uint)((n * 8u + c / 4u))) * 2u + ((uint)(0))), 2u, 8u)).x) * read_imagef(b_stats, drift_texel((((uint)((n * 8u + c / 4u))) * 2u + ((uint)(1))), 2u, 8u)).x) * vload_half(((uint)(c)), b_gamma)) + vload_half(((uint)(c)), b_beta))))) * vload_half((((((uint)(oc)) * 32u + ((uint)(ic))) * 3u + ((uint)(ky))) * 3u + ((uint)(kx))), b_w);
            }
        }
    }

    write_imagef(b_y, drift_texel((((((uint)(n)) * 32u + ((uint)(oc))) * 8u + ((uint)(oy))) * 8u + ((uint)(ox))), 8u, 256u), (float4)((float)(v), 0.0f, 0.0f, 0.0f));
}

// ===== row_stats_f16_5 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_x, __write_only image2d_t b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 128u;
    if (i >= 8u) return;

    float mean = 0.0f;
    for (uint j = 0u; j < 256u; j++) {
        mean += read_imagef(b_x, drift_texel((((uint)(i)) * 256u + ((uint)(j))), 8u, 256u)).x;
    }
    mean /= 256.0f;
    float sq = 0.0f;
    for (uint j = 0u; j < 256u; j++) {
        const float d = read_imagef(b_x, drift_texel((((uint)(i)) * 256u + ((uint)(j))), 8u, 256u)).x - mean;
        sq += d * d;
    }
    write_imagef(b_y, drift_texel((((uint)(i)) * 2u + ((uint)(0))), 2u, 8u), (float4)((float)(mean), 0.0f, 0.0f, 0.0f));
    write_imagef(b_y, drift_texel((((uint)(i)) * 2u + ((uint)(1))), 2u, 8u), (float4)((float)(1.0f / sqrt(sq / 256.0f + 1e-5f)), 0.0f, 0.0f, 0.0f));
}

// ===== conv2d_direct_f16_6 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_x, __global const half* restrict b_w, __read_only image2d_t b_stats, __global const half* restrict b_gamma, __global const half* restrict b_beta, __global const half* restrict b_b, __global half* restrict b_y, __global const half* restrict b_e0_1) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 2048u;
    if (i >= 2048u) return;

    const uint n = (i / 2048u);
    const uint oc = (i / 64u) % 32u;
    const uint oy = (i / 8u) % 8u;
    const uint ox = i % 8u;

    const uint g = oc / 32u;
    float v = vload_half(((uint)(oc)), b_b);
    for (uint ic = 0u; ic < 32u; ic++) {
        const uint c = g * 32u + ic;
        for (uint ky = 0u; ky < 3u; ky++) {
            const int iy = (int)(oy * 1u + ky * 1u) - 1;
            if (iy < 0 || iy >= 8) continue;
            for (uint kx = 0u; kx < 3u; kx++) {
                const int ix = (int)(ox * 1u + kx * 1u) - 1;
                if (ix < 0 || ix >= 8) continue;
                v += (((((read_imagef(b_x, drift_texel((((((uint)(n)) * 32u + ((uint)(c))) * 8u + ((uint)(iy))) * 8u + ((uint)(ix))), 8u, 256u)).x - read_imagef(b_stats, drift_texel((((uint)((n * 8u + c / 4u))) * 2u + ((uint)(0))), 2u, 8u)).x) * read_imagef(b_stats, drift_texel((((uint)((n * 8u + c / 4u))) * 2u + ((uint)(1))), 2u, 8u)).x) * vload_half(((uint)(c)), b_gamma)) + vload_half(((uint)(c)), b_beta)) / (1.0f + exp(-1.0f * ((((read_imagef(b_x, drift_texel((((((uint)(n)) * 32u + ((uint)(c))) * 8u + ((uint)(iy))) * 8u + ((uint)(ix))), 8u, 256u)).x - read_imagef(b_stats, drift_texel((((uint)((n * 8u + c / 4u))) * 2u + ((uint)(0))), 2u, 8u)).x) * read_imagef(b_stats, drift_texel((((uint)((n * 8u + c / 4u))) * 2u + ((uint)(1))), 2u, 8u)).x) * vload_half(((uint)(c)), b_gamma)) + vload_half(((uint)(c)), b_beta))))) * vload_half((((((uint)(oc)) * 32u + ((uint)(ic))) * 3u + ((uint)(ky))) * 3u + ((uint)(kx))), b_w);
            }
        }
    }
    v = (v + vload_half((((((uint)(0)) * 32u + ((uint)(oc))) * 8u + ((uint)(oy))) * 8u + ((uint)(ox))), b_e0_1));

    vstore_half(v, (((((uint)(n)) * 32u + ((uint)(oc))) * 8u + ((uint)(oy))) * 8u + ((uint)(ox))), b_y);
}

// ===== copy_permute_f16_7 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_x, __write_only image2d_t b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 2048u;
    if (i >= 2048u) return;

    const uint o0 = (i / 2048u);
    const uint o1 = (i / 32u) % 64u;
    const uint o2 = i % 32u;

    write_imagef(b_y, drift_texel(((((uint)(o0)) * 64u + ((uint)(o1))) * 32u + ((uint)(o2))), 32u, 64u), (float4)((float)(vload_half(((((uint)(o0)) * 32u + ((uint)(o2))) * 64u + ((uint)(o1))), b_x)), 0.0f, 0.0f, 0.0f));
}

// ===== row_norm_f16_8 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_x, __global const half* restrict b_scale, __global const half* restrict b_bias, __write_only image2d_t b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 128u;
    if (i >= 64u) return;

    float mean = 0.0f;
    for (uint j = 0u; j < 32u; j++) {
        mean += read_imagef(b_x, drift_texel((((uint)(i)) * 32u + ((uint)(j))), 32u, 64u)).x;
    }
    mean /= 32.0f;
    float sq = 0.0f;
    for (uint j = 0u; j < 32u; j++) {
        const float d = read_imagef(b_x, drift_texel((((uint)(i)) * 32u + ((uint)(j))), 32u, 64u)).x - mean;
        sq += d * d;
    }
    const float inv = 1.0f / sqrt(sq / 32.0f + 1e-5f);
    for (uint j = 0u; j < 32u; j++) {
        float v = (read_imagef(b_x, drift_texel((((uint)(i)) * 32u + ((uint)(j))), 32u, 64u)).x - mean) * inv;
        v = v * vload_half(((uint)(j)), b_scale);
        v = v + vload_half(((uint)(j)), b_bias);

        write_imagef(b_y, drift_texel((((uint)(i)) * 32u + ((uint)(j))), 32u, 64u), (float4)((float)(v), 0.0f, 0.0f, 0.0f));
    }
}

// ===== matmul_f16_9 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_a, __global const half* restrict b_b, __global half* restrict b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 2048u;
    if (i >= 2048u) return;

    const uint c0 = (i / 2048u);
    const uint c1 = (i / 32u) % 64u;
    const uint c2 = i % 32u;

    float acc = 0.0f;
    for (uint p = 0u; p < 32u; p++) {
        const float av = read_imagef(b_a, drift_texel(((((uint)(0)) * 64u + ((uint)(c1))) * 32u + ((uint)(p))), 32u, 64u)).x;
        const float bv = vload_half(((((uint)(0)) * 32u + ((uint)(p))) * 32u + ((uint)(c2))), b_b);
        acc += av * bv;
    }
    float v = 1.0f * acc;

    vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 32u + ((uint)(c2))), b_y);
}

// ===== copy_permute_f16_10 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_x, __write_only image2d_t b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 2048u;
    if (i >= 2048u) return;

    const uint o0 = (i / 2048u);
    const uint o1 = (i / 1024u) % 2u;
    const uint o2 = (i / 16u) % 64u;
    const uint o3 = i % 16u;

    write_imagef(b_y, drift_texel(((((((uint)(o0))) * 64u + ((uint)(o2))) * 16u + ((uint)(o3))) * 4u + ((uint)(o1))), 64u, 64u), (float4)((float)(vload_half((((((uint)(o0)) * 64u + ((uint)(o2))) * 2u + ((uint)(o1))) * 16u + ((uint)(o3))), b_x)), 0.0f, 0.0f, 0.0f));
}

// ===== copy_permute_f16_11 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_x, __write_only image2d_t b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 2048u;
    if (i >= 2048u) return;

    const uint o0 = (i / 2048u);
    const uint o1 = (i / 1024u) % 2u;
    const uint o2 = (i / 64u) % 16u;
    const uint o3 = i % 64u;

    write_imagef(b_y, drift_texel(((((((uint)(o0))) * 16u + ((uint)(o2))) * 64u + ((uint)(o3))) * 4u + ((uint)(o1))), 256u, 16u), (float4)((float)(vload_half((((((uint)(o0)) * 64u + ((uint)(o3))) * 2u + ((uint)(o1))) * 16u + ((uint)(o2))), b_x)), 0.0f, 0.0f, 0.0f));
}

// ===== attention_rows_f16_12 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_q, __read_only image2d_t b_kt, __read_only image2d_t b_v, __write_only image2d_t b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 128u;
    if (i >= 128u) return;

    const uint b0 = (i / 128u);
    const uint b1 = (i / 64u) % 2u;
    const uint n = i % 64u;
    const uint ch = i % 1u;

    const uint e0 = ch * 16u;
    float mx = -3.4028235e38f;
    float l = 0.0f;
    float acc[16];
    for (uint e = 0u; e < 16u; e++) acc[e] = 0.0f;
    for (uint j = 0u; j < 64u; j++) {
        float s = 0.0f;
        for (uint dd = 0u; dd < 16u; dd++) {
            s += read_imagef(b_q, drift_texel(((((((uint)(0))) * 64u + ((uint)(n))) * 16u + ((uint)(dd))) * 4u + ((uint)(b1))), 64u, 64u)).x * read_imagef(b_kt, drift_texel(((((((uint)(0))) * 16u + ((uint)(dd))) * 64u + ((uint)(j))) * 4u + ((uint)(b1))), 256u, 16u)).x;
        }
        s *= 0.25f;
        const float m_new = fmax(mx, s);
        const float corr = exp(mx - m_new);
        const float p = exp(s - m_new);
        l = l * corr + p;
        for (uint e = 0u; e < 16u; e++) {
            const uint col = min(e0 + e, 16u - 1u);
            acc[e] = acc[e] * corr + p * read_imagef(b_v, drift_texel(((((((uint)(0))) * 64u + ((uint)(j))) * 16u + ((uint)(col))) * 4u + ((uint)(b1))), 64u, 64u)).x;
        }
        mx = m_new;
    }
    for (uint e = 0u; e < 16u; e++) {
        const uint col = e0 + e;
        if (col < 16u) {
            const float v = acc[e] / l;
            write_imagef(b_y, drift_texel(((((((uint)(b0))) * 64u + ((uint)(n))) * 16u + ((uint)(col))) * 4u + ((uint)(b1))), 64u, 64u), (float4)((float)(v), 0.0f, 0.0f, 0.0f));
        }
    }
}

// ===== copy_permute_f16_13 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_x, __global half* restrict b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 2048u;
    if (i >= 2048u) return;

    const uint o0 = (i / 2048u);
    const uint o1 = (i / 32u) % 64u;
    const uint o2 = (i / 16u) % 2u;
    const uint o3 = i % 16u;

    vstore_half(read_imagef(b_x, drift_texel(((((((uint)(o0))) * 64u + ((uint)(o1))) * 16u + ((uint)(o3))) * 4u + ((uint)(o2))), 64u, 64u)).x, (((((uint)(o0)) * 64u + ((uint)(o1))) * 2u + ((uint)(o2))) * 16u + ((uint)(o3))), b_y);
}

// ===== matmul_f16_14 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_a, __global const half* restrict b_b, __write_only image2d_t b_y, __global const half* restrict b_e0_0, __read_only image2d_t b_e1_1) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 2048u;
    if (i >= 2048u) return;

    const uint c0 = (i / 2048u);
    const uint c1 = (i / 32u) % 64u;
    const uint c2 = i % 32u;

    float acc = 0.0f;
    for (uint p = 0u; p < 32u; p++) {
        const float av = vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 32u + ((uint)(p))), b_a);
        const float bv = vload_half(((((uint)(0)) * 32u + ((uint)(p))) * 32u + ((uint)(c2))), b_b);
        acc += av * bv;
    }
    float v = 1.0f * acc;
    v = (vload_half(((uint)(c2)), b_e0_0) + v);
    v = (v + read_imagef(b_e1_1, drift_texel(((((uint)(0)) * 64u + ((uint)(c1))) * 32u + ((uint)(c2))), 32u, 64u)).x);

    write_imagef(b_y, drift_texel(((((uint)(c0)) * 64u + ((uint)(c1))) * 32u + ((uint)(c2))), 32u, 64u), (float4)((float)(v), 0.0f, 0.0f, 0.0f));
}

// ===== attention_rows_f16_15 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_q, __read_only image2d_t b_kt, __read_only image2d_t b_v, __write_only image2d_t b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 128u;
    if (i >= 128u) return;

    const uint b0 = (i / 128u);
    const uint b1 = (i / 64u) % 2u;
    const uint n = i % 64u;
    const uint ch = i % 1u;

    const uint e0 = ch * 16u;
    float mx = -3.4028235e38f;
    float l = 0.0f;
    float acc[16];
    for (uint e = 0u; e < 16u; e++) acc[e] = 0.0f;
    for (uint j = 0u; j < 7u; j++) {
        float s = 0.0f;
        for (uint dd = 0u; dd < 16u; dd++) {
            s += read_imagef(b_q, drift_texel(((((((uint)(0))) * 64u + ((uint)(n))) * 16u + ((uint)(dd))) * 4u + ((uint)(b1))), 64u, 64u)).x * read_imagef(b_kt, drift_texel(((((((uint)(0))) * 16u + ((uint)(dd))) * 7u + ((uint)(j))) * 4u + ((uint)(b1))), 28u, 16u)).x;
        }
        s *= 0.25f;
        const float m_new = fmax(mx, s);
        const float corr = exp(mx - m_new);
        const float p = exp(s - m_new);
        l = l * corr + p;
        for (uint e = 0u; e < 16u; e++) {
            const uint col = min(e0 + e, 16u - 1u);
            acc[e] = acc[e] * corr + p * read_imagef(b_v, drift_texel(((((((uint)(0))) * 7u + ((uint)(j))) * 16u + ((uint)(col))) * 4u + ((uint)(b1))), 64u, 7u)).x;
        }
        mx = m_new;
    }
    for (uint e = 0u; e < 16u; e++) {
        const uint col = e0 + e;
        if (col < 16u) {
            const float v = acc[e] / l;
            write_imagef(b_y, drift_texel(((((((uint)(b0))) * 64u + ((uint)(n))) * 16u + ((uint)(col))) * 4u + ((uint)(b1))), 64u, 64u), (float4)((float)(v), 0.0f, 0.0f, 0.0f));
        }
    }
}

// ===== matmul_f16_16 =====
float drift_erf(float x) {
    const float t = 1.0f / (1.0f + 0.5f * fabs(x));
    const float y = 1.0f - t * exp(-x * x - 1.26551223f + t * (1.00002368f + t * (0.37409196f + t * (0.09678418f + t * (-0.18628806f + t * (0.27886807f + t * (-1.13520398f + t * (1.48851587f + t * (-0.82215223f + t * 0.17087277f)))))))));
    return x >= 0.0f ? y : -y;
}
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_a, __global const half* restrict b_b, __write_only image2d_t b_y, __global const half* restrict b_e0_0) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 8192u;
    if (i >= 8192u) return;

    const uint c0 = (i / 8192u);
    const uint c1 = (i / 128u) % 64u;
    const uint c2 = i % 128u;

    float acc = 0.0f;
    for (uint p = 0u; p < 32u; p++) {
        const float av = read_imagef(b_a, drift_texel(((((uint)(0)) * 64u + ((uint)(c1))) * 32u + ((uint)(p))), 32u, 64u)).x;
        const float bv = vload_half(((((uint)(0)) * 32u + ((uint)(p))) * 128u + ((uint)(c2))), b_b);
        acc += av * bv;
    }
    float v = 1.0f * acc;
    v = (vload_half(((uint)(c2)), b_e0_0) + v);
    v = (0.5f * v * (1.0f + drift_erf(v * 0.70710677f)));

    write_imagef(b_y, drift_texel(((((uint)(c0)) * 64u + ((uint)(c1))) * 128u + ((uint)(c2))), 128u, 64u), (float4)((float)(v), 0.0f, 0.0f, 0.0f));
}

// ===== matmul_f16_17 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_a, __global const half* restrict b_b, __write_only image2d_t b_y, __global const half* restrict b_e0_0, __read_only image2d_t b_e1_1) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 2048u;
    if (i >= 2048u) return;

    const uint c0 = (i / 2048u);
    const uint c1 = (i / 32u) % 64u;
    const uint c2 = i % 32u;

    float acc = 0.0f;
    for (uint p = 0u; p < 128u; p++) {
        const float av = read_imagef(b_a, drift_texel(((((uint)(0)) * 64u + ((uint)(c1))) * 128u + ((uint)(p))), 128u, 64u)).x;
        const float bv = vload_half(((((uint)(0)) * 128u + ((uint)(p))) * 32u + ((uint)(c2))), b_b);
        acc += av * bv;
    }
    float v = 1.0f * acc;
    v = (vload_half(((uint)(c2)), b_e0_0) + v);
    v = (v + read_imagef(b_e1_1, drift_texel(((((uint)(0)) * 64u + ((uint)(c1))) * 32u + ((uint)(c2))), 32u, 64u)).x);

    write_imagef(b_y, drift_texel(((((uint)(c0)) * 64u + ((uint)(c1))) * 32u + ((uint)(c2))), 32u, 64u), (float4)((float)(v), 0.0f, 0.0f, 0.0f));
}

// ===== copy_permute_f16_18 =====
int2 drift_texel(uint o, uint w, uint h) {
    return (int2)((int)(o % w), (int)min(o / w, h - 1u));
}
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__read_only image2d_t b_x, __global half* restrict b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 2048u;
    if (i >= 2048u) return;

    const uint o0 = (i / 2048u);
    const uint o1 = (i / 64u) % 32u;
    const uint o2 = i % 64u;

    vstore_half(read_imagef(b_x, drift_texel(((((uint)(o0)) * 64u + ((uint)(o2))) * 32u + ((uint)(o1))), 32u, 64u)).x, ((((uint)(o0)) * 32u + ((uint)(o1))) * 64u + ((uint)(o2))), b_y);
}

