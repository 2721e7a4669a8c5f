// ===== gather_f16_16 =====
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void k_main(__global const half* restrict b_x, __global const int* restrict b_ind, __global half* restrict b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 256u;
    if (i >= 64u) return;

    const uint o0 = (i / 64u);
    const uint o1 = (i / 64u) % 1u;
    const uint o2 = i % 64u;

    int j = (int)(((float)(b_ind[(((uint)(o0)) * 1u + ((uint)(o1)))])));
    if (j < 0) j += 320;
    j = clamp(j, 0, 320 - 1);
    vstore_half(vload_half((((uint)(j)) * 64u + ((uint)(o2))), b_x), ((((uint)(o0)) * 1u + ((uint)(o1))) * 64u + ((uint)(o2))), b_y);
}

// ===== linear_matvec_x3_f16_17 =====
float8 drift_h8(uint4 u) {
    return vload_half8(0, (const __private half*)&u);
}
uint4 drift_ld_stream(__global const uint4* p, uint j) {
    uint a, b, c, d;
    __asm__("ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0,%1,%2,%3}, [%4];" : "=r"(a), "=r"(b), "=r"(c), "=r"(d) : "l"((ulong)(p + j)));
    return (uint4)(a, b, c, d);
}
float drift_lanes_sum(float v, uint width) {
    for (uint m = width / 2u; m > 0u; m /= 2u) {
        uint o;
        __asm__ __volatile__("shfl.sync.bfly.b32 %0, %1, %2, 31, 0xffffffff;" : "=r"(o) : "r"(as_uint(v)), "r"(m));
        v += as_float(o);
    }
    return v;
}
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void k_main(__global const half* restrict b0_x, __global const half* restrict b0_w, __global const half* restrict b0_g, __global half* restrict b0_y, __global const half* restrict b0_cos, __global const half* restrict b0_sin, __global const int* restrict b0_pos, __global const half* restrict b1_x, __global const half* restrict b1_w, __global const half* restrict b1_g, __global half* restrict b1_y, __global const int* restrict b1_kvpos, __global const half* restrict b1_cos, __global const half* restrict b1_sin, __global const int* restrict b1_pos, __global const half* restrict b2_x, __global const half* restrict b2_w, __global const half* restrict b2_g, __global half* restrict b2_y, __global const int* restrict b2_kvpos) {
    __local float4 drift_shared4[16];
    __local float drift_shared[256];
    const uint drift_member_group = (uint)get_group_id(0);
    const uint lane = (uint)get_local_id(0);
    if (drift_member_group < 2u) {
    const uint group = min(drift_member_group - 0u, 1u);
const uint sub = lane % 8u;
    const uint c0 = 0u;
    const uint c1 = 0u;
    // Round 0's weight words, loaded before the row is staged (their memory latency passes
    // under the staging; round 0 below sums them).
    const uint slot_e = group * 32u + lane / 8u;
    const uint pair_e = slot_e / 2u;
    const uint which_e = slot_e % 2u;
    const uint row_raw_e = (pair_e / 8u) * 16u + pair_e % 8u + which_e * 8u;
    const uint row_e = min(row_raw_e, 63u);
    const uint base_e = row_e * 8u;
    const uint4 ew0 = drift_ld_stream((__global const uint4*)(b0_w), base_e + sub + 0u);
    // drift: early loads issued
    float ssl = 0.0f;
    for (uint i = lane; i < 8u; i += 256u) {
        const float4 xa0 = drift_h8(((__global const uint4*)(b0_x))[i]).lo;
        ssl += dot(xa0, xa0);
        const float4 xa1 = drift_h8(((__global const uint4*)(b0_x))[i]).hi;
        ssl += dot(xa1, xa1);
    }
    drift_shared[lane] = ssl;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint s = 128u; s > 0u; s /= 2u) {
        if (lane < s) {
            drift_shared[lane] += drift_shared[lane + s];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float inv = rsqrt(drift_shared[0] / 64.0f + 1e-6f);
    for (uint i = lane; i < 8u; i += 256u) {
        drift_shared4[i * 2u + 0u] = drift_h8(((__global const uint4*)(b0_x))[i]).lo * inv * drift_h8(((__global const uint4*)(b0_g))[i]).lo;
        drift_shared4[i * 2u + 1u] = drift_h8(((__global const uint4*)(b0_x))[i]).hi * inv * drift_h8(((__global const uint4*)(b0_g))[i]).hi;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    {
    const uint rgroup = group;
    const uint slot = rgroup * 32u + lane / 8u;
    const uint pair = slot / 2u;
    const uint which = slot % 2u;
    const uint row_raw = (pair / 8u) * 16u + pair % 8u + which * 8u;
    const uint row = min(row_raw, 63u);
    float acc = 0.0f;
    float ss = 0.0f;
    const uint base = row * 8u;
    {
        const uint j0 = sub + 0u;
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(drift_h8(ew0).lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(drift_h8(ew0).hi, x1);
            acc += part;
        }
    }
    for (uint q = 1u; q < 1u; ++q) {
        const uint j0 = q * 8u + sub + 0u;
        const float8 w0 = drift_h8(drift_ld_stream((__global const uint4*)(b0_w), base + j0));
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(w0.lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(w0.hi, x1);
            acc += part;
        }
    }
    for (uint j = 8u + sub; j < 8u; j += 8u) {
        const float8 wj = drift_h8(drift_ld_stream((__global const uint4*)(b0_w), base + j));
        float part = 0.0f;
            const float4 x0 = drift_shared4[(j) * 2u + 0u];
            part += dot(wj.lo, x0);
            const float4 x1 = drift_shared4[(j) * 2u + 1u];
            part += dot(wj.hi, x1);
        acc += part;
    }
    // Every lane of a row ends with the row's sums (shuffles within its aligned lanes).
    drift_shared[lane] = drift_lanes_sum(acc, 8u);
    barrier(CLK_LOCAL_MEM_FENCE);
    const float own = drift_shared[lane];
    barrier(CLK_LOCAL_MEM_FENCE);
    drift_shared[lane] = own;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (sub == 0u && row_raw < 64u) {
        const uint c2 = row;
        const float other = drift_shared[which == 1u ? lane - 8u : lane + 8u];
        const uint p = (uint)(((float)(b0_pos[(((uint)(0u)) * 1u + ((uint)(0u)))])));
        const float c = vload_half((((uint)(p)) * 8u + ((uint)(pair % 8u))), b0_cos);
        const float s = vload_half((((uint)(p)) * 8u + ((uint)(pair % 8u))), b0_sin);
        float v = which == 1u ? other * s + own * c : own * c - other * s;

        vstore_half(v, ((((uint)(c0)) * 1u + ((uint)(c1))) * 64u + ((uint)(c2))), b0_y);
    }
    }
    } else if (drift_member_group < 3u) {
    const uint group = min(drift_member_group - 2u, 0u);
const uint sub = lane % 8u;
    // Round 0's weight words, loaded before the row is staged (their memory latency passes
    // under the staging; round 0 below sums them).
    const uint slot_e = group * 32u + lane / 8u;
    const uint pair_e = slot_e / 2u;
    const uint which_e = slot_e % 2u;
    const uint row_raw_e = (pair_e / 8u) * 16u + pair_e % 8u + which_e * 8u;
    const uint row_e = min(row_raw_e, 31u);
    const uint base_e = row_e * 8u;
    const uint4 ew0 = drift_ld_stream((__global const uint4*)(b1_w), base_e + sub + 0u);
    // drift: early loads issued
    float ssl = 0.0f;
    for (uint i = lane; i < 8u; i += 256u) {
        const float4 xa0 = drift_h8(((__global const uint4*)(b1_x))[i]).lo;
        ssl += dot(xa0, xa0);
        const float4 xa1 = drift_h8(((__global const uint4*)(b1_x))[i]).hi;
        ssl += dot(xa1, xa1);
    }
    drift_shared[lane] = ssl;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint s = 128u; s > 0u; s /= 2u) {
        if (lane < s) {
            drift_shared[lane] += drift_shared[lane + s];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float inv = rsqrt(drift_shared[0] / 64.0f + 1e-6f);
    for (uint i = lane; i < 8u; i += 256u) {
        drift_shared4[i * 2u + 0u] = drift_h8(((__global const uint4*)(b1_x))[i]).lo * inv * drift_h8(((__global const uint4*)(b1_g))[i]).lo;
        drift_shared4[i * 2u + 1u] = drift_h8(((__global const uint4*)(b1_x))[i]).hi * inv * drift_h8(((__global const uint4*)(b1_g))[i]).hi;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    {
    const uint rgroup = group;
    const uint slot = rgroup * 32u + lane / 8u;
    const uint pair = slot / 2u;
    const uint which = slot % 2u;
    const uint row_raw = (pair / 8u) * 16u + pair % 8u + which * 8u;
    const uint row = min(row_raw, 31u);
    float acc = 0.0f;
    float ss = 0.0f;
    const uint base = row * 8u;
    {
        const uint j0 = sub + 0u;
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(drift_h8(ew0).lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(drift_h8(ew0).hi, x1);
            acc += part;
        }
    }
    for (uint q = 1u; q < 1u; ++q) {
        const uint j0 = q * 8u + sub + 0u;
        const float8 w0 = drift_h8(drift_ld_stream((__global const uint4*)(b1_w), base + j0));
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(w0.lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(w0.hi, x1);
            acc += part;
        }
    }
    for (uint j = 8u + sub; j < 8u; j += 8u) {
        const float8 wj = drift_h8(drift_ld_stream((__global const uint4*)(b1_w), base + j));
        float part = 0.0f;
            const float4 x0 = drift_shared4[(j) * 2u + 0u];
            part += dot(wj.lo, x0);
            const float4 x1 = drift_shared4[(j) * 2u + 1u];
            part += dot(wj.hi, x1);
        acc += part;
    }
    // Every lane of a row ends with the row's sums (shuffles within its aligned lanes).
    drift_shared[lane] = drift_lanes_sum(acc, 8u);
    barrier(CLK_LOCAL_MEM_FENCE);
    const float own = drift_shared[lane];
    barrier(CLK_LOCAL_MEM_FENCE);
    drift_shared[lane] = own;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (sub == 0u && row_raw < 32u) {
        const uint c0 = 0u;
        const uint c1 = row / 16u;
        const uint c2 = (uint)(((float)(b1_kvpos[((uint)(0u))])));
        const uint c3 = row % 16u;
        const float other = drift_shared[which == 1u ? lane - 8u : lane + 8u];
        const uint p = (uint)(((float)(b1_pos[(((uint)(0u)) * 1u + ((uint)(0u)))])));
        const float c = vload_half((((uint)(p)) * 8u + ((uint)(pair % 8u))), b1_cos);
        const float s = vload_half((((uint)(p)) * 8u + ((uint)(pair % 8u))), b1_sin);
        float v = which == 1u ? other * s + own * c : own * c - other * s;

        if (c2 < 64u) {
            vstore_half(v, (((((uint)(c0)) * 2u + ((uint)(c1))) * 64u + ((uint)(c2))) * 16u + ((uint)(c3))), b1_y);
        }
    }
    }
    } else {
    const uint group = min(drift_member_group - 3u, 0u);
const uint sub = lane % 8u;
    // Round 0's weight words, loaded before the row is staged (their memory latency passes
    // under the staging; round 0 below sums them).
    const uint row_raw_e = group * 32u + lane / 8u;
    const uint row_e = min(row_raw_e, 31u);
    const uint base_e = row_e * 8u;
    const uint4 ew0 = drift_ld_stream((__global const uint4*)(b2_w), base_e + sub + 0u);
    // drift: early loads issued
    float ssl = 0.0f;
    for (uint i = lane; i < 8u; i += 256u) {
        const float4 xa0 = drift_h8(((__global const uint4*)(b2_x))[i]).lo;
        ssl += dot(xa0, xa0);
        const float4 xa1 = drift_h8(((__global const uint4*)(b2_x))[i]).hi;
        ssl += dot(xa1, xa1);
    }
    drift_shared[lane] = ssl;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint s = 128u; s > 0u; s /= 2u) {
        if (lane < s) {
            drift_shared[lane] += drift_shared[lane + s];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float inv = rsqrt(drift_shared[0] / 64.0f + 1e-6f);
    for (uint i = lane; i < 8u; i += 256u) {
        drift_shared4[i * 2u + 0u] = drift_h8(((__global const uint4*)(b2_x))[i]).lo * inv * drift_h8(((__global const uint4*)(b2_g))[i]).lo;
        drift_shared4[i * 2u + 1u] = drift_h8(((__global const uint4*)(b2_x))[i]).hi * inv * drift_h8(((__global const uint4*)(b2_g))[i]).hi;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    {
    const uint rgroup = group;
    const uint row_raw = rgroup * 32u + lane / 8u;
    const uint row = min(row_raw, 31u);
    float acc = 0.0f;
    float ss = 0.0f;
    const uint base = row * 8u;
    {
        const uint j0 = sub + 0u;
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(drift_h8(ew0).lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(drift_h8(ew0).hi, x1);
            acc += part;
        }
    }
    for (uint q = 1u; q < 1u; ++q) {
        const uint j0 = q * 8u + sub + 0u;
        const float8 w0 = drift_h8(drift_ld_stream((__global const uint4*)(b2_w), base + j0));
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(w0.lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(w0.hi, x1);
            acc += part;
        }
    }
    for (uint j = 8u + sub; j < 8u; j += 8u) {
        const float8 wj = drift_h8(drift_ld_stream((__global const uint4*)(b2_w), base + j));
        float part = 0.0f;
            const float4 x0 = drift_shared4[(j) * 2u + 0u];
            part += dot(wj.lo, x0);
            const float4 x1 = drift_shared4[(j) * 2u + 1u];
            part += dot(wj.hi, x1);
        acc += part;
    }
    // Every lane of a row ends with the row's sums (shuffles within its aligned lanes).
    drift_shared[lane] = drift_lanes_sum(acc, 8u);
    barrier(CLK_LOCAL_MEM_FENCE);
    if (sub == 0u && row_raw < 32u) {
        const uint c0 = 0u;
        const uint c1 = row / 16u;
        const uint c2 = (uint)(((float)(b2_kvpos[((uint)(0u))])));
        const uint c3 = row % 16u;
        float v = drift_shared[lane];

        if (c2 < 64u) {
            vstore_half(v, (((((uint)(c0)) * 2u + ((uint)(c1))) * 64u + ((uint)(c2))) * 16u + ((uint)(c3))), b2_y);
        }
    }
    }
    }
}

// ===== cached_attention_wg_f16_18 =====
float8 drift_h8(uint4 u) {
    return vload_half8(0, (const __private half*)&u);
}
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void k_main(__global const half* restrict b_q, __global const half* restrict b_k, __global const half* restrict b_v, __global const int* restrict b_position, __global half* restrict b_y) {
    __local float drift_shared[512];
    const uint group = min((uint)get_group_id(0) + (uint)get_group_id(1) * 4u, 3u);
    const uint lane = (uint)get_local_id(0);

    const uint s_ix = group % 1u;
    const uint h = group / (1u * 1u);
    const uint t = (group / 1u) % 1u;
    const uint qp = (uint)(((float)(b_position[((uint)(0u))]))) + t;
    const uint kh = h / 2u;
    const uint hi = min(qp, 64u - 1u);
    uint lo = 0u;
    const uint col = lane % 16u;
    const uint kg = lane / 16u;
    const uint per = (hi - lo + 1u) / 1u;
    const uint b0 = lo + s_ix * per;
    const uint b1 = min(hi, b0 + per - 1u);
    float mx = -3.4028235e38f;
    float l = 0.0f;
    float acc = 0.0f;
    for (uint base = b0; base <= b1; base += 256u) {
        const uint j = base + lane;
        float s = -3.4028235e38f;
        if (j <= b1) {
            float qk = 0.0f;
            const uint qw = (((((((uint)(0u)) * 4u + ((uint)(h))) * 1u + ((uint)(t))) * 16u + ((uint)(0u)))) / 8u);
            const uint kw = (((((((uint)(0u)) * 2u + ((uint)(kh))) * 64u + ((uint)(j))) * 16u + ((uint)(0u)))) / 8u);
            for (uint w = 0u; w < 2u; w++) {
                qk += dot(drift_h8(((__global const uint4*)(b_q))[qw + w]).lo, drift_h8(((__global const uint4*)(b_k))[kw + w]).lo);
                qk += dot(drift_h8(((__global const uint4*)(b_q))[qw + w]).hi, drift_h8(((__global const uint4*)(b_k))[kw + w]).hi);
            }
            s = qk * 0.25f;
        }
        drift_shared[256u + lane] = s;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (uint r = 128u; r > 0u; r /= 2u) {
            if (lane < r) {
                drift_shared[256u + lane] = fmax(drift_shared[256u + lane], drift_shared[256u + lane + r]);
            }
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        const float m_new = fmax(mx, drift_shared[256u]);
        const float corr = exp(mx - m_new);
        const float p = j <= b1 ? exp(s - m_new) : 0.0f;
        barrier(CLK_LOCAL_MEM_FENCE);
        drift_shared[lane] = p;
        drift_shared[256u + lane] = p;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (uint r = 128u; r > 0u; r /= 2u) {
            if (lane < r) {
                drift_shared[256u + lane] += drift_shared[256u + lane + r];
            }
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        l = l * corr + drift_shared[256u];
        acc *= corr;
        const uint n = min(b1 - base + 1u, 256u);
        for (uint i = kg; i < n; i += 16u) {
            const uint jj = base + i;
            acc += drift_shared[i] * vload_half((((((uint)(0u)) * 2u + ((uint)(kh))) * 64u + ((uint)(jj))) * 16u + ((uint)(col))), b_v);
        }
        mx = m_new;
        barrier(CLK_LOCAL_MEM_FENCE);
        if (b1 - base < 256u) break;
    }
    drift_shared[lane] = acc;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (kg == 0u) {
        float total = 0.0f;
        for (uint g = 0u; g < 16u; g++) {
            total += drift_shared[g * 16u + col];
        }
        const float val = total / l;
        vstore_half(val, (((((uint)(0u)) * 4u + ((uint)(h))) * 1u + ((uint)(t))) * 16u + ((uint)(col))), b_y);
    }
}

// ===== linear_matvec_x6_f16_19 =====
float8 drift_h8(uint4 u) {
    return vload_half8(0, (const __private half*)&u);
}
uint4 drift_ld_stream(__global const uint4* p, uint j) {
    uint a, b, c, d;
    __asm__("ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0,%1,%2,%3}, [%4];" : "=r"(a), "=r"(b), "=r"(c), "=r"(d) : "l"((ulong)(p + j)));
    return (uint4)(a, b, c, d);
}
float drift_lanes_sum(float v, uint width) {
    for (uint m = width / 2u; m > 0u; m /= 2u) {
        uint o;
        __asm__ __volatile__("shfl.sync.bfly.b32 %0, %1, %2, 31, 0xffffffff;" : "=r"(o) : "r"(as_uint(v)), "r"(m));
        v += as_float(o);
    }
    return v;
}
uint drift_sync_ticket(__global uint* c) {
    uint v;
    __asm__ __volatile__("atom.relaxed.gpu.global.add.u32 %0, [%1], 1;" : "=r"(v) : "l"((ulong)c) : "memory");
    return v;
}
uint drift_sync_load(__global uint* c) {
    uint v;
    __asm__ __volatile__("ld.acquire.gpu.global.u32 %0, [%1];" : "=r"(v) : "l"((ulong)c) : "memory");
    return v;
}
void drift_sync_wait(__global uint* c, uint target, uint lane) {
    if (lane == 0u) {
        for (uint spins = 0u; spins < 1048576u && drift_sync_load(c) < target; spins++) {
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    (void)drift_sync_load(c);
}
void drift_sync_done(__global uint* c, uint lane) {
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    if (lane == 0u) {
        __asm__ __volatile__("red.release.gpu.global.add.u32 [%0], 1;" :: "l"((ulong)c) : "memory");
    }
}
void drift_sync_done_n(__global uint* c, uint lane, uint n) {
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    if (lane == 0u) {
        __asm__ __volatile__("red.release.gpu.global.add.u32 [%0], %1;" :: "l"((ulong)c), "r"(n) : "memory");
    }
}
uint drift_sync_leave(__global uint* c) {
    uint v;
    __asm__ __volatile__("atom.acq_rel.gpu.global.add.u32 %0, [%1], 1;" : "=r"(v) : "l"((ulong)c) : "memory");
    return v;
}
void drift_sync_exit(__global uint* s, __global uint* exited, uint lane, uint groups, uint words) {
    // (Acquire-release: a workgroup's signals land before its exit is counted, so the last
    // one out zeroes counters no signal adds to later.)
    if (lane == 0u && drift_sync_leave(exited) == groups - 1u) {
        __asm__ __volatile__("fence.acq_rel.gpu;" ::: "memory");
        for (uint i = 0u; i < words; i++) {
            __asm__ __volatile__("st.relaxed.gpu.global.u32 [%0], 0;" :: "l"((ulong)(s + i)) : "memory");
        }
    }
}
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void k_main(__global const half* b0_x, __global const half* restrict b0_w, __global half* b0_y, __global const half* b0_e0_0, __global const half* b1_x, __global const half* restrict b1_w, __global const half* restrict b1_g, __global half* b1_y, __global const half* restrict b1_w2, __global const half* b2_x, __global const half* restrict b2_w, __global half* b2_y, __global const half* b2_e0_0, __global const half* b3_x, __global const half* restrict b3_w, __global const half* restrict b3_g, __global half* b3_y, __global const half* restrict b3_cos, __global const half* restrict b3_sin, __global const int* b3_pos, __global const half* b4_x, __global const half* restrict b4_w, __global const half* restrict b4_g, __global half* b4_y, __global const int* b4_kvpos, __global const half* restrict b4_cos, __global const half* restrict b4_sin, __global const int* b4_pos, __global const half* b5_x, __global const half* restrict b5_w, __global const half* restrict b5_g, __global half* b5_y, __global const int* b5_kvpos, __global uint* drift_sync) {
    __local float4 drift_shared4[16];
    __local float drift_shared[512];
    const uint lane = (uint)get_local_id(0);
    const uint drift_wid = (uint)get_group_id(0);
    const uint drift_launched = (uint)get_num_groups(0);
    // member 0: linear_matvec, 2 workgroups' shares
    if (drift_wid < 2u) {
    for (uint drift_share = drift_wid; drift_share < 2u; drift_share += drift_launched) {
    const uint group = drift_share;
const uint sub = lane % 8u;
    const uint c0 = 0u;
    const uint c1 = 0u;
    {
    const uint rgroup = group;
    const uint row_raw = rgroup * 32u + lane / 8u;
    const uint row = min(row_raw, 63u);
    float acc = 0.0f;
    float ss = 0.0f;
    const uint base = row * 8u;
    for (uint q = 0u; q < 1u; ++q) {
        const uint j0 = q * 8u + sub + 0u;
        const float8 w0 = drift_h8(drift_ld_stream((__global const uint4*)(b0_w), base + j0));
        {
            float part = 0.0f;
            const float4 x0 = drift_h8(((__global const uint4*)(b0_x))[(j0) * 1u + 0u]).lo;
            part += dot(w0.lo, x0);
            const float4 x1 = drift_h8(((__global const uint4*)(b0_x))[(j0) * 1u + 0u]).hi;
            part += dot(w0.hi, x1);
            acc += part;
        }
    }
    for (uint j = 8u + sub; j < 8u; j += 8u) {
        const float8 wj = drift_h8(drift_ld_stream((__global const uint4*)(b0_w), base + j));
        float part = 0.0f;
            const float4 x0 = drift_h8(((__global const uint4*)(b0_x))[(j) * 1u + 0u]).lo;
            part += dot(wj.lo, x0);
            const float4 x1 = drift_h8(((__global const uint4*)(b0_x))[(j) * 1u + 0u]).hi;
            part += dot(wj.hi, x1);
        acc += part;
    }
    // Every lane of a row ends with the row's sums (shuffles within its aligned lanes).
    drift_shared[lane] = drift_lanes_sum(acc, 8u);
    barrier(CLK_LOCAL_MEM_FENCE);
    if (sub == 0u && row_raw < 64u) {
        const uint c2 = row;
        float v = drift_shared[lane];
    v = (vload_half(((((uint)(0)) * 1u + ((uint)(0))) * 64u + ((uint)(c2))), b0_e0_0) + v);

        vstore_half(v, ((((uint)(c0)) * 1u + ((uint)(c1))) * 64u + ((uint)(c2))), b0_y);
    }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    }
    drift_sync_done_n(drift_sync + 2u, lane, (2u - drift_wid + drift_launched - 1u) / drift_launched);
    }
    // member 1: linear_matvec, 5 workgroups' shares
    if (drift_wid < 5u) {
    for (uint drift_share = drift_wid; drift_share < 5u; drift_share += drift_launched) {
    const uint group = drift_share;
const uint sub = lane % 8u;
    const uint c0 = 0u;
    const uint c1 = 0u;
    // Round 0's weight words, loaded before the row is staged (their memory latency passes
    // under the staging; round 0 below sums them).
    const uint row_raw_e = group * 32u + lane / 8u;
    const uint row_e = min(row_raw_e, 159u);
    const uint base_e = row_e * 8u;
    const uint4 ew0 = drift_ld_stream((__global const uint4*)(b1_w), base_e + sub + 0u);
    const uint4 egw0 = drift_ld_stream((__global const uint4*)(b1_w2), base_e + sub + 0u);
    if (drift_share == drift_wid) {
    drift_sync_wait(drift_sync + 2u, 2u, lane);
    }
    float ssl = 0.0f;
    for (uint i = lane; i < 8u; i += 256u) {
        const float4 xa0 = drift_h8(((__global const uint4*)(b1_x))[i]).lo;
        ssl += dot(xa0, xa0);
        const float4 xa1 = drift_h8(((__global const uint4*)(b1_x))[i]).hi;
        ssl += dot(xa1, xa1);
    }
    drift_shared[lane] = ssl;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint s = 128u; s > 0u; s /= 2u) {
        if (lane < s) {
            drift_shared[lane] += drift_shared[lane + s];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float inv = rsqrt(drift_shared[0] / 64.0f + 1e-6f);
    for (uint i = lane; i < 8u; i += 256u) {
        drift_shared4[i * 2u + 0u] = drift_h8(((__global const uint4*)(b1_x))[i]).lo * inv * drift_h8(((__global const uint4*)(b1_g))[i]).lo;
        drift_shared4[i * 2u + 1u] = drift_h8(((__global const uint4*)(b1_x))[i]).hi * inv * drift_h8(((__global const uint4*)(b1_g))[i]).hi;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    {
    const uint rgroup = group;
    const uint row_raw = rgroup * 32u + lane / 8u;
    const uint row = min(row_raw, 159u);
    float acc = 0.0f;
    float ss = 0.0f;
    float acc_g = 0.0f;
    const uint base = row * 8u;
    {
        const uint j0 = sub + 0u;
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(drift_h8(ew0).lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(drift_h8(ew0).hi, x1);
            acc += part;
        }
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(drift_h8(egw0).lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(drift_h8(egw0).hi, x1);
            acc_g += part;
        }
    }
    for (uint q = 1u; q < 1u; ++q) {
        const uint j0 = q * 8u + sub + 0u;
        const float8 w0 = drift_h8(drift_ld_stream((__global const uint4*)(b1_w), base + j0));
        const float8 gw0 = drift_h8(drift_ld_stream((__global const uint4*)(b1_w2), base + j0));
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(w0.lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(w0.hi, x1);
            acc += part;
        }
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(gw0.lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(gw0.hi, x1);
            acc_g += part;
        }
    }
    for (uint j = 8u + sub; j < 8u; j += 8u) {
        const float8 wj = drift_h8(drift_ld_stream((__global const uint4*)(b1_w), base + j));
        float part = 0.0f;
            const float4 x0 = drift_shared4[(j) * 2u + 0u];
            part += dot(wj.lo, x0);
            const float4 x1 = drift_shared4[(j) * 2u + 1u];
            part += dot(wj.hi, x1);
        acc += part;
        {
            const float8 gwj = drift_h8(drift_ld_stream((__global const uint4*)(b1_w2), base + j));
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j) * 2u + 0u];
            part += dot(gwj.lo, x0);
            const float4 x1 = drift_shared4[(j) * 2u + 1u];
            part += dot(gwj.hi, x1);
            acc_g += part;
        }
    }
    // Every lane of a row ends with the row's sums (shuffles within its aligned lanes).
    drift_shared[lane] = drift_lanes_sum(acc, 8u);
    drift_shared[256u + lane] = drift_lanes_sum(acc_g, 8u);
    barrier(CLK_LOCAL_MEM_FENCE);
    if (sub == 0u && row_raw < 160u) {
        const uint c2 = row;
        float v = drift_shared[lane];
        // The gate's sum (normalized alike), scaled, through its activation, times the row's.
        const float gv = drift_shared[256u + lane];
        v = v * (gv / (1.0f + exp(-1.0f * gv)));

        vstore_half(v, ((((uint)(c0)) * 1u + ((uint)(c1))) * 160u + ((uint)(c2))), b1_y);
    }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    }
    drift_sync_done_n(drift_sync + 3u, lane, (5u - drift_wid + drift_launched - 1u) / drift_launched);
    }
    // member 2: linear_matvec, 4 workgroups' shares
    if (drift_wid < 4u) {
    drift_sync_wait(drift_sync + 3u, 5u, lane);
    for (uint drift_share = drift_wid; drift_share < 4u; drift_share += drift_launched) {
    const uint group = drift_share;
const uint sub = lane % 16u;
    const uint c0 = 0u;
    const uint c1 = 0u;
    {
    const uint rgroup = group;
    const uint row_raw = rgroup * 16u + lane / 16u;
    const uint row = min(row_raw, 63u);
    float acc = 0.0f;
    float ss = 0.0f;
    const uint base = row * 20u;
    for (uint q = 0u; q < 1u; ++q) {
        const uint j0 = q * 16u + sub + 0u;
        const float8 w0 = drift_h8(drift_ld_stream((__global const uint4*)(b2_w), base + j0));
        {
            float part = 0.0f;
            const float4 x0 = drift_h8(((__global const uint4*)(b2_x))[(j0) * 1u + 0u]).lo;
            part += dot(w0.lo, x0);
            const float4 x1 = drift_h8(((__global const uint4*)(b2_x))[(j0) * 1u + 0u]).hi;
            part += dot(w0.hi, x1);
            acc += part;
        }
    }
    for (uint j = 16u + sub; j < 20u; j += 16u) {
        const float8 wj = drift_h8(drift_ld_stream((__global const uint4*)(b2_w), base + j));
        float part = 0.0f;
            const float4 x0 = drift_h8(((__global const uint4*)(b2_x))[(j) * 1u + 0u]).lo;
            part += dot(wj.lo, x0);
            const float4 x1 = drift_h8(((__global const uint4*)(b2_x))[(j) * 1u + 0u]).hi;
            part += dot(wj.hi, x1);
        acc += part;
    }
    // Every lane of a row ends with the row's sums (shuffles within its aligned lanes).
    drift_shared[lane] = drift_lanes_sum(acc, 16u);
    barrier(CLK_LOCAL_MEM_FENCE);
    if (sub == 0u && row_raw < 64u) {
        const uint c2 = row;
        float v = drift_shared[lane];
    v = (vload_half(((((uint)(0)) * 1u + ((uint)(0))) * 64u + ((uint)(c2))), b2_e0_0) + v);

        vstore_half(v, ((((uint)(c0)) * 1u + ((uint)(c1))) * 64u + ((uint)(c2))), b2_y);
    }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    }
    drift_sync_done_n(drift_sync + 4u, lane, (4u - drift_wid + drift_launched - 1u) / drift_launched);
    }
    // member 3: linear_matvec, 2 workgroups' shares
    if (drift_wid < 2u) {
    for (uint drift_share = drift_wid; drift_share < 2u; drift_share += drift_launched) {
    const uint group = drift_share;
const uint sub = lane % 8u;
    const uint c0 = 0u;
    const uint c1 = 0u;
    // Round 0's weight words, loaded before the row is staged (their memory latency passes
    // under the staging; round 0 below sums them).
    const uint slot_e = group * 32u + lane / 8u;
    const uint pair_e = slot_e / 2u;
    const uint which_e = slot_e % 2u;
    const uint row_raw_e = (pair_e / 8u) * 16u + pair_e % 8u + which_e * 8u;
    const uint row_e = min(row_raw_e, 63u);
    const uint base_e = row_e * 8u;
    const uint4 ew0 = drift_ld_stream((__global const uint4*)(b3_w), base_e + sub + 0u);
    if (drift_share == drift_wid) {
    drift_sync_wait(drift_sync + 4u, 4u, lane);
    }
    float ssl = 0.0f;
    for (uint i = lane; i < 8u; i += 256u) {
        const float4 xa0 = drift_h8(((__global const uint4*)(b3_x))[i]).lo;
        ssl += dot(xa0, xa0);
        const float4 xa1 = drift_h8(((__global const uint4*)(b3_x))[i]).hi;
        ssl += dot(xa1, xa1);
    }
    drift_shared[lane] = ssl;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint s = 128u; s > 0u; s /= 2u) {
        if (lane < s) {
            drift_shared[lane] += drift_shared[lane + s];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float inv = rsqrt(drift_shared[0] / 64.0f + 1e-6f);
    for (uint i = lane; i < 8u; i += 256u) {
        drift_shared4[i * 2u + 0u] = drift_h8(((__global const uint4*)(b3_x))[i]).lo * inv * drift_h8(((__global const uint4*)(b3_g))[i]).lo;
        drift_shared4[i * 2u + 1u] = drift_h8(((__global const uint4*)(b3_x))[i]).hi * inv * drift_h8(((__global const uint4*)(b3_g))[i]).hi;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    {
    const uint rgroup = group;
    const uint slot = rgroup * 32u + lane / 8u;
    const uint pair = slot / 2u;
    const uint which = slot % 2u;
    const uint row_raw = (pair / 8u) * 16u + pair % 8u + which * 8u;
    const uint row = min(row_raw, 63u);
    float acc = 0.0f;
    float ss = 0.0f;
    const uint base = row * 8u;
    {
        const uint j0 = sub + 0u;
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(drift_h8(ew0).lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(drift_h8(ew0).hi, x1);
            acc += part;
        }
    }
    for (uint q = 1u; q < 1u; ++q) {
        const uint j0 = q * 8u + sub + 0u;
        const float8 w0 = drift_h8(drift_ld_stream((__global const uint4*)(b3_w), base + j0));
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(w0.lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(w0.hi, x1);
            acc += part;
        }
    }
    for (uint j = 8u + sub; j < 8u; j += 8u) {
        const float8 wj = drift_h8(drift_ld_stream((__global const uint4*)(b3_w), base + j));
        float part = 0.0f;
            const float4 x0 = drift_shared4[(j) * 2u + 0u];
            part += dot(wj.lo, x0);
            const float4 x1 = drift_shared4[(j) * 2u + 1u];
            part += dot(wj.hi, x1);
        acc += part;
    }
    // Every lane of a row ends with the row's sums (shuffles within its aligned lanes).
    drift_shared[lane] = drift_lanes_sum(acc, 8u);
    barrier(CLK_LOCAL_MEM_FENCE);
    const float own = drift_shared[lane];
    barrier(CLK_LOCAL_MEM_FENCE);
    drift_shared[lane] = own;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (sub == 0u && row_raw < 64u) {
        const uint c2 = row;
        const float other = drift_shared[which == 1u ? lane - 8u : lane + 8u];
        const uint p = (uint)(((float)(b3_pos[(((uint)(0u)) * 1u + ((uint)(0u)))])));
        const float c = vload_half((((uint)(p)) * 8u + ((uint)(pair % 8u))), b3_cos);
        const float s = vload_half((((uint)(p)) * 8u + ((uint)(pair % 8u))), b3_sin);
        float v = which == 1u ? other * s + own * c : own * c - other * s;

        vstore_half(v, ((((uint)(c0)) * 1u + ((uint)(c1))) * 64u + ((uint)(c2))), b3_y);
    }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    }
    }
    // member 4: linear_matvec, 1 workgroups' shares
    if (drift_wid < 1u) {
    for (uint drift_share = drift_wid; drift_share < 1u; drift_share += drift_launched) {
    const uint group = drift_share;
const uint sub = lane % 8u;
    // Round 0's weight words, loaded before the row is staged (their memory latency passes
    // under the staging; round 0 below sums them).
    const uint slot_e = group * 32u + lane / 8u;
    const uint pair_e = slot_e / 2u;
    const uint which_e = slot_e % 2u;
    const uint row_raw_e = (pair_e / 8u) * 16u + pair_e % 8u + which_e * 8u;
    const uint row_e = min(row_raw_e, 31u);
    const uint base_e = row_e * 8u;
    const uint4 ew0 = drift_ld_stream((__global const uint4*)(b4_w), base_e + sub + 0u);
    if (drift_share == drift_wid) {
    drift_sync_wait(drift_sync + 4u, 4u, lane);
    }
    float ssl = 0.0f;
    for (uint i = lane; i < 8u; i += 256u) {
        const float4 xa0 = drift_h8(((__global const uint4*)(b4_x))[i]).lo;
        ssl += dot(xa0, xa0);
        const float4 xa1 = drift_h8(((__global const uint4*)(b4_x))[i]).hi;
        ssl += dot(xa1, xa1);
    }
    drift_shared[lane] = ssl;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint s = 128u; s > 0u; s /= 2u) {
        if (lane < s) {
            drift_shared[lane] += drift_shared[lane + s];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float inv = rsqrt(drift_shared[0] / 64.0f + 1e-6f);
    for (uint i = lane; i < 8u; i += 256u) {
        drift_shared4[i * 2u + 0u] = drift_h8(((__global const uint4*)(b4_x))[i]).lo * inv * drift_h8(((__global const uint4*)(b4_g))[i]).lo;
        drift_shared4[i * 2u + 1u] = drift_h8(((__global const uint4*)(b4_x))[i]).hi * inv * drift_h8(((__global const uint4*)(b4_g))[i]).hi;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    {
    const uint rgroup = group;
    const uint slot = rgroup * 32u + lane / 8u;
    const uint pair = slot / 2u;
    const uint which = slot % 2u;
    const uint row_raw = (pair / 8u) * 16u + pair % 8u + which * 8u;
    const uint row = min(row_raw, 31u);
    float acc = 0.0f;
    float ss = 0.0f;
    const uint base = row * 8u;
    {
        const uint j0 = sub + 0u;
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(drift_h8(ew0).lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(drift_h8(ew0).hi, x1);
            acc += part;
        }
    }
    for (uint q = 1u; q < 1u; ++q) {
        const uint j0 = q * 8u + sub + 0u;
        const float8 w0 = drift_h8(drift_ld_stream((__global const uint4*)(b4_w), base + j0));
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(w0.lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(w0.hi, x1);
            acc += part;
        }
    }
    for (uint j = 8u + sub; j < 8u; j += 8u) {
        const float8 wj = drift_h8(drift_ld_stream((__global const uint4*)(b4_w), base + j));
        float part = 0.0f;
            const float4 x0 = drift_shared4[(j) * 2u + 0u];
            part += dot(wj.lo, x0);
            const float4 x1 = drift_shared4[(j) * 2u + 1u];
            part += dot(wj.hi, x1);
        acc += part;
    }
    // Every lane of a row ends with the row's sums (shuffles within its aligned lanes).
    drift_shared[lane] = drift_lanes_sum(acc, 8u);
    barrier(CLK_LOCAL_MEM_FENCE);
    const float own = drift_shared[lane];
    barrier(CLK_LOCAL_MEM_FENCE);
    drift_shared[lane] = own;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (sub == 0u && row_raw < 32u) {
        const uint c0 = 0u;
        const uint c1 = row / 16u;
        const uint c2 = (uint)(((float)(b4_kvpos[((uint)(0u))])));
        const uint c3 = row % 16u;
        const float other = drift_shared[which == 1u ? lane - 8u : lane + 8u];
        const uint p = (uint)(((float)(b4_pos[(((uint)(0u)) * 1u + ((uint)(0u)))])));
        const float c = vload_half((((uint)(p)) * 8u + ((uint)(pair % 8u))), b4_cos);
        const float s = vload_half((((uint)(p)) * 8u + ((uint)(pair % 8u))), b4_sin);
        float v = which == 1u ? other * s + own * c : own * c - other * s;

        if (c2 < 64u) {
            vstore_half(v, (((((uint)(c0)) * 2u + ((uint)(c1))) * 64u + ((uint)(c2))) * 16u + ((uint)(c3))), b4_y);
        }
    }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    }
    }
    // member 5: linear_matvec, 1 workgroups' shares
    if (drift_wid < 1u) {
    for (uint drift_share = drift_wid; drift_share < 1u; drift_share += drift_launched) {
    const uint group = drift_share;
const uint sub = lane % 8u;
    // Round 0's weight words, loaded before the row is staged (their memory latency passes
    // under the staging; round 0 below sums them).
    const uint row_raw_e = group * 32u + lane / 8u;
    const uint row_e = min(row_raw_e, 31u);
    const uint base_e = row_e * 8u;
    const uint4 ew0 = drift_ld_stream((__global const uint4*)(b5_w), base_e + sub + 0u);
    if (drift_share == drift_wid) {
    drift_sync_wait(drift_sync + 4u, 4u, lane);
    }
    float ssl = 0.0f;
    for (uint i = lane; i < 8u; i += 256u) {
        const float4 xa0 = drift_h8(((__global const uint4*)(b5_x))[i]).lo;
        ssl += dot(xa0, xa0);
        const float4 xa1 = drift_h8(((__global const uint4*)(b5_x))[i]).hi;
        ssl += dot(xa1, xa1);
    }
    drift_shared[lane] = ssl;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint s = 128u; s > 0u; s /= 2u) {
        if (lane < s) {
            drift_shared[lane] += drift_shared[lane + s];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float inv = rsqrt(drift_shared[0] / 64.0f + 1e-6f);
    for (uint i = lane; i < 8u; i += 256u) {
        drift_shared4[i * 2u + 0u] = drift_h8(((__global const uint4*)(b5_x))[i]).lo * inv * drift_h8(((__global const uint4*)(b5_g))[i]).lo;
        drift_shared4[i * 2u + 1u] = drift_h8(((__global const uint4*)(b5_x))[i]).hi * inv * drift_h8(((__global const uint4*)(b5_g))[i]).hi;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    {
    const uint rgroup = group;
    const uint row_raw = rgroup * 32u + lane / 8u;
    const uint row = min(row_raw, 31u);
    float acc = 0.0f;
    float ss = 0.0f;
    const uint base = row * 8u;
    {
        const uint j0 = sub + 0u;
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(drift_h8(ew0).lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(drift_h8(ew0).hi, x1);
            acc += part;
        }
    }
    for (uint q = 1u; q < 1u; ++q) {
        const uint j0 = q * 8u + sub + 0u;
        const float8 w0 = drift_h8(drift_ld_stream((__global const uint4*)(b5_w), base + j0));
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(w0.lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(w0.hi, x1);
            acc += part;
        }
    }
    for (uint j = 8u + sub; j < 8u; j += 8u) {
        const float8 wj = drift_h8(drift_ld_stream((__global const uint4*)(b5_w), base + j));
        float part = 0.0f;
            const float4 x0 = drift_shared4[(j) * 2u + 0u];
            part += dot(wj.lo, x0);
            const float4 x1 = drift_shared4[(j) * 2u + 1u];
            part += dot(wj.hi, x1);
        acc += part;
    }
    // Every lane of a row ends with the row's sums (shuffles within its aligned lanes).
    drift_shared[lane] = drift_lanes_sum(acc, 8u);
    barrier(CLK_LOCAL_MEM_FENCE);
    if (sub == 0u && row_raw < 32u) {
        const uint c0 = 0u;
        const uint c1 = row / 16u;
        const uint c2 = (uint)(((float)(b5_kvpos[((uint)(0u))])));
        const uint c3 = row % 16u;
        float v = drift_shared[lane];

        if (c2 < 64u) {
            vstore_half(v, (((((uint)(c0)) * 2u + ((uint)(c1))) * 64u + ((uint)(c2))) * 16u + ((uint)(c3))), b5_y);
        }
    }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    }
    }
    drift_sync_exit(drift_sync, drift_sync + 1u, lane, drift_launched, 8u);
}

// ===== linear_matvec_x4_f16_20 =====
float8 drift_h8(uint4 u) {
    return vload_half8(0, (const __private half*)&u);
}
uint4 drift_ld_stream(__global const uint4* p, uint j) {
    uint a, b, c, d;
    __asm__("ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0,%1,%2,%3}, [%4];" : "=r"(a), "=r"(b), "=r"(c), "=r"(d) : "l"((ulong)(p + j)));
    return (uint4)(a, b, c, d);
}
float drift_lanes_sum(float v, uint width) {
    for (uint m = width / 2u; m > 0u; m /= 2u) {
        uint o;
        __asm__ __volatile__("shfl.sync.bfly.b32 %0, %1, %2, 31, 0xffffffff;" : "=r"(o) : "r"(as_uint(v)), "r"(m));
        v += as_float(o);
    }
    return v;
}
uint drift_sync_ticket(__global uint* c) {
    uint v;
    __asm__ __volatile__("atom.relaxed.gpu.global.add.u32 %0, [%1], 1;" : "=r"(v) : "l"((ulong)c) : "memory");
    return v;
}
uint drift_sync_load(__global uint* c) {
    uint v;
    __asm__ __volatile__("ld.acquire.gpu.global.u32 %0, [%1];" : "=r"(v) : "l"((ulong)c) : "memory");
    return v;
}
void drift_sync_wait(__global uint* c, uint target, uint lane) {
    if (lane == 0u) {
        for (uint spins = 0u; spins < 1048576u && drift_sync_load(c) < target; spins++) {
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    (void)drift_sync_load(c);
}
void drift_sync_done(__global uint* c, uint lane) {
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    if (lane == 0u) {
        __asm__ __volatile__("red.release.gpu.global.add.u32 [%0], 1;" :: "l"((ulong)c) : "memory");
    }
}
void drift_sync_done_n(__global uint* c, uint lane, uint n) {
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    if (lane == 0u) {
        __asm__ __volatile__("red.release.gpu.global.add.u32 [%0], %1;" :: "l"((ulong)c), "r"(n) : "memory");
    }
}
uint drift_sync_leave(__global uint* c) {
    uint v;
    __asm__ __volatile__("atom.acq_rel.gpu.global.add.u32 %0, [%1], 1;" : "=r"(v) : "l"((ulong)c) : "memory");
    return v;
}
void drift_sync_exit(__global uint* s, __global uint* exited, uint lane, uint groups, uint words) {
    // (Acquire-release: a workgroup's signals land before its exit is counted, so the last
    // one out zeroes counters no signal adds to later.)
    if (lane == 0u && drift_sync_leave(exited) == groups - 1u) {
        __asm__ __volatile__("fence.acq_rel.gpu;" ::: "memory");
        for (uint i = 0u; i < words; i++) {
            __asm__ __volatile__("st.relaxed.gpu.global.u32 [%0], 0;" :: "l"((ulong)(s + i)) : "memory");
        }
    }
}
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void k_main(__global const half* b0_x, __global const half* restrict b0_w, __global half* b0_y, __global const half* b0_e0_0, __global const half* b1_x, __global const half* restrict b1_w, __global const half* restrict b1_g, __global half* b1_y, __global const half* restrict b1_w2, __global const half* b2_x, __global const half* restrict b2_w, __global half* b2_y, __global const half* b2_e0_0, __global const half* b3_x, __global const half* restrict b3_w, __global const half* restrict b3_g, __global half* b3_y, __global uint* drift_sync) {
    __local float4 drift_shared4[16];
    __local float drift_shared[512];
    const uint lane = (uint)get_local_id(0);
    const uint drift_wid = (uint)get_group_id(0);
    const uint drift_launched = (uint)get_num_groups(0);
    // member 0: linear_matvec, 2 workgroups' shares
    if (drift_wid < 2u) {
    for (uint drift_share = drift_wid; drift_share < 2u; drift_share += drift_launched) {
    const uint group = drift_share;
const uint sub = lane % 8u;
    const uint c0 = 0u;
    const uint c1 = 0u;
    {
    const uint rgroup = group;
    const uint row_raw = rgroup * 32u + lane / 8u;
    const uint row = min(row_raw, 63u);
    float acc = 0.0f;
    float ss = 0.0f;
    const uint base = row * 8u;
    for (uint q = 0u; q < 1u; ++q) {
        const uint j0 = q * 8u + sub + 0u;
        const float8 w0 = drift_h8(drift_ld_stream((__global const uint4*)(b0_w), base + j0));
        {
            float part = 0.0f;
            const float4 x0 = drift_h8(((__global const uint4*)(b0_x))[(j0) * 1u + 0u]).lo;
            part += dot(w0.lo, x0);
            const float4 x1 = drift_h8(((__global const uint4*)(b0_x))[(j0) * 1u + 0u]).hi;
            part += dot(w0.hi, x1);
            acc += part;
        }
    }
    for (uint j = 8u + sub; j < 8u; j += 8u) {
        const float8 wj = drift_h8(drift_ld_stream((__global const uint4*)(b0_w), base + j));
        float part = 0.0f;
            const float4 x0 = drift_h8(((__global const uint4*)(b0_x))[(j) * 1u + 0u]).lo;
            part += dot(wj.lo, x0);
            const float4 x1 = drift_h8(((__global const uint4*)(b0_x))[(j) * 1u + 0u]).hi;
            part += dot(wj.hi, x1);
        acc += part;
    }
    // Every lane of a row ends with the row's sums (shuffles within its aligned lanes).
    drift_shared[lane] = drift_lanes_sum(acc, 8u);
    barrier(CLK_LOCAL_MEM_FENCE);
    if (sub == 0u && row_raw < 64u) {
        const uint c2 = row;
        float v = drift_shared[lane];
    v = (vload_half(((((uint)(0)) * 1u + ((uint)(0))) * 64u + ((uint)(c2))), b0_e0_0) + v);

        vstore_half(v, ((((uint)(c0)) * 1u + ((uint)(c1))) * 64u + ((uint)(c2))), b0_y);
    }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    }
    drift_sync_done_n(drift_sync + 2u, lane, (2u - drift_wid + drift_launched - 1u) / drift_launched);
    }
    // member 1: linear_matvec, 5 workgroups' shares
    if (drift_wid < 5u) {
    for (uint drift_share = drift_wid; drift_share < 5u; drift_share += drift_launched) {
    const uint group = drift_share;
const uint sub = lane % 8u;
    const uint c0 = 0u;
    const uint c1 = 0u;
    // Round 0's weight words, loaded before the row is staged (their memory latency passes
    // under the staging; round 0 below sums them).
    const uint row_raw_e = group * 32u + lane / 8u;
    const uint row_e = min(row_raw_e, 159u);
    const uint base_e = row_e * 8u;
    const uint4 ew0 = drift_ld_stream((__global const uint4*)(b1_w), base_e + sub + 0u);
    const uint4 egw0 = drift_ld_stream((__global const uint4*)(b1_w2), base_e + sub + 0u);
    if (drift_share == drift_wid) {
    drift_sync_wait(drift_sync + 2u, 2u, lane);
    }
    float ssl = 0.0f;
    for (uint i = lane; i < 8u; i += 256u) {
        const float4 xa0 = drift_h8(((__global const uint4*)(b1_x))[i]).lo;
        ssl += dot(xa0, xa0);
        const float4 xa1 = drift_h8(((__global const uint4*)(b1_x))[i]).hi;
        ssl += dot(xa1, xa1);
    }
    drift_shared[lane] = ssl;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint s = 128u; s > 0u; s /= 2u) {
        if (lane < s) {
            drift_shared[lane] += drift_shared[lane + s];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float inv = rsqrt(drift_shared[0] / 64.0f + 1e-6f);
    for (uint i = lane; i < 8u; i += 256u) {
        drift_shared4[i * 2u + 0u] = drift_h8(((__global const uint4*)(b1_x))[i]).lo * inv * drift_h8(((__global const uint4*)(b1_g))[i]).lo;
        drift_shared4[i * 2u + 1u] = drift_h8(((__global const uint4*)(b1_x))[i]).hi * inv * drift_h8(((__global const uint4*)(b1_g))[i]).hi;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    {
    const uint rgroup = group;
    const uint row_raw = rgroup * 32u + lane / 8u;
    const uint row = min(row_raw, 159u);
    float acc = 0.0f;
    float ss = 0.0f;
    float acc_g = 0.0f;
    const uint base = row * 8u;
    {
        const uint j0 = sub + 0u;
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(drift_h8(ew0).lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(drift_h8(ew0).hi, x1);
            acc += part;
        }
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(drift_h8(egw0).lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(drift_h8(egw0).hi, x1);
            acc_g += part;
        }
    }
    for (uint q = 1u; q < 1u; ++q) {
        const uint j0 = q * 8u + sub + 0u;
        const float8 w0 = drift_h8(drift_ld_stream((__global const uint4*)(b1_w), base + j0));
        const float8 gw0 = drift_h8(drift_ld_stream((__global const uint4*)(b1_w2), base + j0));
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(w0.lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(w0.hi, x1);
            acc += part;
        }
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(gw0.lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(gw0.hi, x1);
            acc_g += part;
        }
    }
    for (uint j = 8u + sub; j < 8u; j += 8u) {
        const float8 wj = drift_h8(drift_ld_stream((__global const uint4*)(b1_w), base + j));
        float part = 0.0f;
            const float4 x0 = drift_shared4[(j) * 2u + 0u];
            part += dot(wj.lo, x0);
            const float4 x1 = drift_shared4[(j) * 2u + 1u];
            part += dot(wj.hi, x1);
        acc += part;
        {
            const float8 gwj = drift_h8(drift_ld_stream((__global const uint4*)(b1_w2), base + j));
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j) * 2u + 0u];
            part += dot(gwj.lo, x0);
            const float4 x1 = drift_shared4[(j) * 2u + 1u];
            part += dot(gwj.hi, x1);
            acc_g += part;
        }
    }
    // Every lane of a row ends with the row's sums (shuffles within its aligned lanes).
    drift_shared[lane] = drift_lanes_sum(acc, 8u);
    drift_shared[256u + lane] = drift_lanes_sum(acc_g, 8u);
    barrier(CLK_LOCAL_MEM_FENCE);
    if (sub == 0u && row_raw < 160u) {
        const uint c2 = row;
        float v = drift_shared[lane];
        // The gate's sum (normalized alike), scaled, through its activation, times the row's.
        const float gv = drift_shared[256u + lane];
        v = v * (gv / (1.0f + exp(-1.0f * gv)));

        vstore_half(v, ((((uint)(c0)) * 1u + ((uint)(c1))) * 160u + ((uint)(c2))), b1_y);
    }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    }
    drift_sync_done_n(drift_sync + 3u, lane, (5u - drift_wid + drift_launched - 1u) / drift_launched);
    }
    // member 2: linear_matvec, 4 workgroups' shares
    if (drift_wid < 4u) {
    drift_sync_wait(drift_sync + 3u, 5u, lane);
    for (uint drift_share = drift_wid; drift_share < 4u; drift_share += drift_launched) {
    const uint group = drift_share;
const uint sub = lane % 16u;
    const uint c0 = 0u;
    const uint c1 = 0u;
    {
    const uint rgroup = group;
    const uint row_raw = rgroup * 16u + lane / 16u;
    const uint row = min(row_raw, 63u);
    float acc = 0.0f;
    float ss = 0.0f;
    const uint base = row * 20u;
    for (uint q = 0u; q < 1u; ++q) {
        const uint j0 = q * 16u + sub + 0u;
        const float8 w0 = drift_h8(drift_ld_stream((__global const uint4*)(b2_w), base + j0));
        {
            float part = 0.0f;
            const float4 x0 = drift_h8(((__global const uint4*)(b2_x))[(j0) * 1u + 0u]).lo;
            part += dot(w0.lo, x0);
            const float4 x1 = drift_h8(((__global const uint4*)(b2_x))[(j0) * 1u + 0u]).hi;
            part += dot(w0.hi, x1);
            acc += part;
        }
    }
    for (uint j = 16u + sub; j < 20u; j += 16u) {
        const float8 wj = drift_h8(drift_ld_stream((__global const uint4*)(b2_w), base + j));
        float part = 0.0f;
            const float4 x0 = drift_h8(((__global const uint4*)(b2_x))[(j) * 1u + 0u]).lo;
            part += dot(wj.lo, x0);
            const float4 x1 = drift_h8(((__global const uint4*)(b2_x))[(j) * 1u + 0u]).hi;
            part += dot(wj.hi, x1);
        acc += part;
    }
    // Every lane of a row ends with the row's sums (shuffles within its aligned lanes).
    drift_shared[lane] = drift_lanes_sum(acc, 16u);
    barrier(CLK_LOCAL_MEM_FENCE);
    if (sub == 0u && row_raw < 64u) {
        const uint c2 = row;
        float v = drift_shared[lane];
    v = (vload_half(((((uint)(0)) * 1u + ((uint)(0))) * 64u + ((uint)(c2))), b2_e0_0) + v);

        vstore_half(v, ((((uint)(c0)) * 1u + ((uint)(c1))) * 64u + ((uint)(c2))), b2_y);
    }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    }
    drift_sync_done_n(drift_sync + 4u, lane, (4u - drift_wid + drift_launched - 1u) / drift_launched);
    }
    // member 3: linear_matvec, 10 workgroups' shares
    if (drift_wid < 10u) {
    for (uint drift_share = drift_wid; drift_share < 10u; drift_share += drift_launched) {
    const uint group = drift_share;
const uint sub = lane % 8u;
    const uint c0 = 0u;
    const uint c1 = 0u;
    // Round 0's weight words, loaded before the row is staged (their memory latency passes
    // under the staging; round 0 below sums them).
    const uint row_raw_e = group * 32u + lane / 8u;
    const uint row_e = min(row_raw_e, 319u);
    const uint base_e = row_e * 8u;
    const uint4 ew0 = drift_ld_stream((__global const uint4*)(b3_w), base_e + sub + 0u);
    if (drift_share == drift_wid) {
    drift_sync_wait(drift_sync + 4u, 4u, lane);
    }
    float ssl = 0.0f;
    for (uint i = lane; i < 8u; i += 256u) {
        const float4 xa0 = drift_h8(((__global const uint4*)(b3_x))[i]).lo;
        ssl += dot(xa0, xa0);
        const float4 xa1 = drift_h8(((__global const uint4*)(b3_x))[i]).hi;
        ssl += dot(xa1, xa1);
    }
    drift_shared[lane] = ssl;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint s = 128u; s > 0u; s /= 2u) {
        if (lane < s) {
            drift_shared[lane] += drift_shared[lane + s];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float inv = rsqrt(drift_shared[0] / 64.0f + 1e-6f);
    for (uint i = lane; i < 8u; i += 256u) {
        drift_shared4[i * 2u + 0u] = drift_h8(((__global const uint4*)(b3_x))[i]).lo * inv * drift_h8(((__global const uint4*)(b3_g))[i]).lo;
        drift_shared4[i * 2u + 1u] = drift_h8(((__global const uint4*)(b3_x))[i]).hi * inv * drift_h8(((__global const uint4*)(b3_g))[i]).hi;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    {
    const uint rgroup = group;
    const uint row_raw = rgroup * 32u + lane / 8u;
    const uint row = min(row_raw, 319u);
    float acc = 0.0f;
    float ss = 0.0f;
    const uint base = row * 8u;
    {
        const uint j0 = sub + 0u;
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(drift_h8(ew0).lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(drift_h8(ew0).hi, x1);
            acc += part;
        }
    }
    for (uint q = 1u; q < 1u; ++q) {
        const uint j0 = q * 8u + sub + 0u;
        const float8 w0 = drift_h8(drift_ld_stream((__global const uint4*)(b3_w), base + j0));
        {
            float part = 0.0f;
            const float4 x0 = drift_shared4[(j0) * 2u + 0u];
            part += dot(w0.lo, x0);
            const float4 x1 = drift_shared4[(j0) * 2u + 1u];
            part += dot(w0.hi, x1);
            acc += part;
        }
    }
    for (uint j = 8u + sub; j < 8u; j += 8u) {
        const float8 wj = drift_h8(drift_ld_stream((__global const uint4*)(b3_w), base + j));
        float part = 0.0f;
            const float4 x0 = drift_shared4[(j) * 2u + 0u];
            part += dot(wj.lo, x0);
            const float4 x1 = drift_shared4[(j) * 2u + 1u];
            part += dot(wj.hi, x1);
        acc += part;
    }
    // Every lane of a row ends with the row's sums (shuffles within its aligned lanes).
    drift_shared[lane] = drift_lanes_sum(acc, 8u);
    barrier(CLK_LOCAL_MEM_FENCE);
    if (sub == 0u && row_raw < 320u) {
        const uint c2 = row;
        float v = drift_shared[lane];

        vstore_half(v, ((((uint)(c0)) * 1u + ((uint)(c1))) * 320u + ((uint)(c2))), b3_y);
    }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    }
    }
    drift_sync_exit(drift_sync, drift_sync + 1u, lane, drift_launched, 6u);
}

// ===== arg_reduce_i32_21 =====
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void k_main(__global const half* restrict b_x, __global int* restrict b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 256u;
    if (i >= 1u) return;

    const uint o0 = i;
    const uint o1 = i % 1u;
    const uint o2 = i % 1u;

    float best = 0.0f;
    uint at = 4294967295u;
    for (uint j = 0u; j < 320u; j++) {
        const float xv = vload_half(((((uint)(o0)) * 1u + ((uint)(o1))) * 320u + ((uint)(j))), b_x);
        if (!isnan(xv) && (at == 4294967295u || xv > best)) {
            best = xv;
            at = j;
        }
    }
    b_y[((((uint)(o0)) * 1u + ((uint)(o1))) * 1u + ((uint)(o2)))] = (int)((at == 4294967295u ? 0.0f : (float)(at)));
}

