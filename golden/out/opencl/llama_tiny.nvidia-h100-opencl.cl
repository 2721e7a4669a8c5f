// ===== gather_f16_0 =====
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void k_main(__global const half* restrict b_x, __global const int* restrict b_ind, __global half* restrict b_y, __global const int* restrict b_last_row) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 4096u;
    if (i >= 4096u) return;

    const uint o0 = (i / 4096u);
    const uint o1 = (i / 64u) % 64u;
    const uint o2 = i % 64u;

    if (o1 > (uint)(((float)(b_last_row[((uint)(0u))])))) {
        return;
    }
    int j = (int)(((float)(b_ind[(((uint)(o0)) * 64u + ((uint)(o1)))])));
    if (j < 0) j += 320;
    j = clamp(j, 0, 320 - 1);
    vstore_half(vload_half((((uint)(j)) * 64u + ((uint)(o2))), b_x), ((((uint)(o0)) * 64u + ((uint)(o1))) * 64u + ((uint)(o2))), b_y);
}

// ===== elementwise_i32_1 =====
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void k_main(__global const int* restrict b_a0, __global const int* restrict b_a1, __global int* restrict b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 256u;
    if (i >= 64u) return;

    const uint c0 = i;

    float v = (((float)(b_a0[((uint)(0))])) + ((float)(b_a1[((uint)(c0))])));

    b_y[((uint)(c0))] = (int)(v);
}

// ===== rms_norm_f16_2 =====
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void k_main(__global const half* restrict b_x, __global const half* restrict b_scale, __global half* restrict b_y, __global const int* restrict b_last_row) {
    __local float drift_shared[256];
    const uint group = min((uint)get_group_id(0) + (uint)get_group_id(1) * 64u, 63u);
    const uint lane = (uint)get_local_id(0);

    const uint c0 = (group / 64u);
    const uint c1 = group % 64u;

    if (c1 > (uint)(((float)(b_last_row[((uint)(0u))])))) {
        return;
    }
    float sq = 0.0f;
    for (uint j = lane; j < 64u; j += 256u) {
    const uint c2 = j;

        const float xv = vload_half(((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_x);
        sq += xv * xv;
    }
    drift_shared[lane] = sq;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint s = 128u; s > 0u; s /= 2u) {
        if (lane < s) {
            drift_shared[lane] += drift_shared[lane + s];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float inv = 1.0f / sqrt(drift_shared[0] / 64.0f + 1e-6f);
    for (uint j = lane; j < 64u; j += 256u) {
    const uint c2 = j;

        float v = vload_half(((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_x) * inv * vload_half(((uint)(c2)), b_scale);

        vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
    }
}

// ===== linear_mma_f16_3 =====
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_x, __global const half* restrict b_w, __global half* restrict b_y, __global const int* restrict b_last_row) {
    __local uint4 drift_mma[1280];
    const uint group = min((uint)get_group_id(0) + (uint)get_group_id(1) * 1u, 0u);
    const uint lane = (uint)get_local_id(0);


#define DRIFT_SMEM_BASE ((uint)(size_t)(&drift_mma[0]))
#define DRIFT_CP_ASYNC(s, g) __asm__ __volatile__("cp.async.cg.shared.global [%0], [%1], 16;" :: "r"(s), "l"(g) : "memory")
#define DRIFT_CP_COMMIT() __asm__ __volatile__("cp.async.commit_group;" ::: "memory")
#define DRIFT_CP_WAIT_ALL_BUT_ONE() __asm__ __volatile__("cp.async.wait_group 1;" ::: "memory")
#define DRIFT_CP_WAIT_ALL() __asm__ __volatile__("cp.async.wait_group 0;" ::: "memory")
#define DRIFT_LDSM_X4(r0, r1, r2, r3, s) __asm__ __volatile__("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];" : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(s) : "memory")
#define DRIFT_MMA(c0, c1, c2, c3, a0, a1, a2, a3, b0, b1) __asm__("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};" : "+f"(c0), "+f"(c1), "+f"(c2), "+f"(c3) : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1))
#define DRIFT_CP_ASYNC_Z(s, g, n) __asm__ __volatile__("cp.async.cg.shared.global [%0], [%1], 16, %2;" :: "r"(s), "l"(g), "r"(n) : "memory")
#define DRIFT_LDSM_X4_T(r0, r1, r2, r3, s) __asm__ __volatile__("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];" : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(s) : "memory")
#define DRIFT_SHFL_XOR(d, v, m) { \
        uint drift_sv; \
        __asm__ __volatile__("shfl.sync.bfly.b32 %0, %1, %2, 31, 0xffffffff;" : "=r"(drift_sv) : "r"(as_uint(v)), "r"(m)); \
        d = as_float(drift_sv); \
    }
#define DRIFT_PACK(d, lo, hi) __asm__("cvt.rn.f16x2.f32 %0, %1, %2;" : "=r"(d) : "f"(hi), "f"(lo))
#define DRIFT_I8X2_F16X2(d, v) { \
        const uint drift_i2 = (uint)(v); \
        const uint drift_b2 = (((drift_i2 & 0xffu) | ((drift_i2 & 0xff00u) << 8)) ^ 0x00800080u) | 0x64006400u; \
        __asm__("sub.f16x2 %0, %1, %2;" : "=r"(d) : "r"(drift_b2), "r"(0x64806480u)); \
    }

    // Row tiles first: the workgroups running together share weight tiles, so each weight
    // byte comes from memory about once (the rows are the smaller operand).
    const uint tile_m = group % 1u;
    const uint tile_n = group / 1u;
    // Rows past last_row (a padded chunk's) need no output: a tile of only those returns.
    if (tile_m * 64u > (uint)(((float)(b_last_row[((uint)(0u))])))) {
        return;
    }
    const uint warp = lane / 32u;
    const uint wl = lane % 32u;
    const uint wm = (warp / 2u) * 32u;
    const uint wn = (warp % 2u) * 32u;
    // The stages' address in the local (shared) window, as cp.async and ldmatrix take it.
    const uint smem = DRIFT_SMEM_BASE;
    __global const uchar* xb = (__global const uchar*)(b_x) + (size_t)(tile_m * 64u) * 128u;
    __global const uchar* wb = (__global const uchar*)(b_w) + (size_t)(tile_n * 64u) * 128u;
    float c0_0_0 = 0.0f, c0_0_1 = 0.0f, c0_0_2 = 0.0f, c0_0_3 = 0.0f;
    float c0_1_0 = 0.0f, c0_1_1 = 0.0f, c0_1_2 = 0.0f, c0_1_3 = 0.0f;
    float c0_2_0 = 0.0f, c0_2_1 = 0.0f, c0_2_2 = 0.0f, c0_2_3 = 0.0f;
    float c0_3_0 = 0.0f, c0_3_1 = 0.0f, c0_3_2 = 0.0f, c0_3_3 = 0.0f;
    float c1_0_0 = 0.0f, c1_0_1 = 0.0f, c1_0_2 = 0.0f, c1_0_3 = 0.0f;
    float c1_1_0 = 0.0f, c1_1_1 = 0.0f, c1_1_2 = 0.0f, c1_1_3 = 0.0f;
    float c1_2_0 = 0.0f, c1_2_1 = 0.0f, c1_2_2 = 0.0f, c1_2_3 = 0.0f;
    float c1_3_0 = 0.0f, c1_3_1 = 0.0f, c1_3_2 = 0.0f, c1_3_3 = 0.0f;
    // One step's copies (inputs kbytes / 2 on) into the stage at st: 2 units of 16
    // bytes per lane and operand, unit q of row r at chunk q.
#define DRIFT_SW(r) 0u
#define DRIFT_STAGE(st, step) { \
        const uint r0 = (lane + 0u) / 4u, q0 = (lane + 0u) % 4u; \
        DRIFT_CP_ASYNC((st) + r0 * 80u + (q0 ^ DRIFT_SW(r0)) * 16u, (ulong)(xb + (size_t)r0 * 128u + (step) * 64u + q0 * 16u)); \
        DRIFT_CP_ASYNC((st) + 5120u + r0 * 80u + (q0 ^ DRIFT_SW(r0)) * 16u, (ulong)(wb + (size_t)r0 * 128u + (step) * 64u + q0 * 16u)); \
        const uint r1 = (lane + 128u) / 4u, q1 = (lane + 128u) % 4u; \
        DRIFT_CP_ASYNC((st) + r1 * 80u + (q1 ^ DRIFT_SW(r1)) * 16u, (ulong)(xb + (size_t)r1 * 128u + (step) * 64u + q1 * 16u)); \
        DRIFT_CP_ASYNC((st) + 5120u + r1 * 80u + (q1 ^ DRIFT_SW(r1)) * 16u, (ulong)(wb + (size_t)r1 * 128u + (step) * 64u + q1 * 16u)); \
    }
    // Step 0 into stage 0; step kt + 1 into the other stage before waiting for step kt.
    DRIFT_STAGE(smem, 0u);
    DRIFT_CP_COMMIT();
    for (uint kt = 0u; kt < 2u; kt++) {
        const uint cur = smem + (kt % 2u) * 10240u;
        if (kt + 1u < 2u) {
            // (Its last readers passed the barrier that closed the previous step.)
            DRIFT_STAGE(smem + ((kt + 1u) % 2u) * 10240u, kt + 1u);
            DRIFT_CP_COMMIT();
            DRIFT_CP_WAIT_ALL_BUT_ONE();
        } else {
            DRIFT_CP_WAIT_ALL();
        }
        barrier(CLK_LOCAL_MEM_FENCE);
#pragma unroll
        for (uint kk = 0u; kk < 32u; kk += 16u) {
            uint a0_0, a0_1, a0_2, a0_3;
            {
                const uint r = wm + 0u + wl % 16u;
                DRIFT_LDSM_X4(a0_0, a0_1, a0_2, a0_3, cur + r * 80u + ((kk / 8u + wl / 16u) ^ DRIFT_SW(r)) * 16u);
            }
            uint a1_0, a1_1, a1_2, a1_3;
            {
                const uint r = wm + 16u + wl % 16u;
                DRIFT_LDSM_X4(a1_0, a1_1, a1_2, a1_3, cur + r * 80u + ((kk / 8u + wl / 16u) ^ DRIFT_SW(r)) * 16u);
            }
            uint b0_0, b0_1, b1_0, b1_1;
            {
                const uint r = wn + 0u + wl % 8u + (wl / 16u) * 8u;
                DRIFT_LDSM_X4(b0_0, b0_1, b1_0, b1_1, cur + 5120u + r * 80u + ((kk / 8u + (wl / 8u) % 2u) ^ DRIFT_SW(r)) * 16u);
            }
            uint b2_0, b2_1, b3_0, b3_1;
            {
                const uint r = wn + 16u + wl % 8u + (wl / 16u) * 8u;
                DRIFT_LDSM_X4(b2_0, b2_1, b3_0, b3_1, cur + 5120u + r * 80u + ((kk / 8u + (wl / 8u) % 2u) ^ DRIFT_SW(r)) * 16u);
            }
            DRIFT_MMA(c0_0_0, c0_0_1, c0_0_2, c0_0_3, a0_0, a0_1, a0_2, a0_3, b0_0, b0_1);
            DRIFT_MMA(c0_1_0, c0_1_1, c0_1_2, c0_1_3, a0_0, a0_1, a0_2, a0_3, b1_0, b1_1);
            DRIFT_MMA(c0_2_0, c0_2_1, c0_2_2, c0_2_3, a0_0, a0_1, a0_2, a0_3, b2_0, b2_1);
            DRIFT_MMA(c0_3_0, c0_3_1, c0_3_2, c0_3_3, a0_0, a0_1, a0_2, a0_3, b3_0, b3_1);
            DRIFT_MMA(c1_0_0, c1_0_1, c1_0_2, c1_0_3, a1_0, a1_1, a1_2, a1_3, b0_0, b0_1);
            DRIFT_MMA(c1_1_0, c1_1_1, c1_1_2, c1_1_3, a1_0, a1_1, a1_2, a1_3, b1_0, b1_1);
            DRIFT_MMA(c1_2_0, c1_2_1, c1_2_2, c1_2_3, a1_0, a1_1, a1_2, a1_3, b2_0, b2_1);
            DRIFT_MMA(c1_3_0, c1_3_1, c1_3_2, c1_3_3, a1_0, a1_1, a1_2, a1_3, b3_0, b3_1);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 0u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_0_0;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 1u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_0_1;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 0u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_0_2;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 1u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_0_3;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 8u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_1_0;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 9u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_1_1;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 8u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_1_2;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 9u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_1_3;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 16u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_2_0;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 17u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_2_1;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 16u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_2_2;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 17u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_2_3;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 24u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_3_0;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 25u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_3_1;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 24u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_3_2;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 25u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_3_3;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 0u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_0_0;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 1u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_0_1;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 0u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_0_2;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 1u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_0_3;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 8u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_1_0;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 9u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_1_1;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 8u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_1_2;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 9u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_1_3;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 16u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_2_0;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 17u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_2_1;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 16u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_2_2;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 17u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_2_3;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 24u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_3_0;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 25u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_3_1;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 24u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_3_2;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 25u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_3_3;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
}

// ===== linear_tiled_f16_4 =====
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void k_main(__global const half* restrict b_x, __global const half* restrict b_w, __global half* restrict b_y, __global const int* restrict b_last_row) {
    __local float drift_shared[1280];
    const uint group = min((uint)get_group_id(0) + (uint)get_group_id(1) * 2u, 1u);
    const uint lane = (uint)get_local_id(0);

    const uint tile_m = group / 1u;
    const uint tile_n = group % 1u;
    // Rows past last_row (a padded chunk's) need no output: a tile of only those returns.
    if (tile_m * 32u > (uint)(((float)(b_last_row[((uint)(0u))])))) {
        return;
    }
    const uint tx = lane % 16u;
    const uint ty = lane / 16u;
    float a0_0 = 0.0f;
    float a0_1 = 0.0f;
    float a1_0 = 0.0f;
    float a1_1 = 0.0f;
    for (uint k0 = 0u; k0 < 64u; k0 += 16u) {
        {
            const uint flat = lane + 0u;
            const uint r = flat / 16u;
            const uint kk = flat % 16u;
            const uint m = tile_m * 32u + r;
            const uint kx = k0 + kk;
            const uint mc = min(m, 63u);
            const uint kc = min(kx, 63u);
            drift_shared[kk * 33u + r] = (m < 64u && kx < 64u) ? vload_half((((uint)(mc)) * 64u + ((uint)(kc))), b_x) : 0.0f;
        }
        {
            const uint flat = lane + 256u;
            const uint r = flat / 16u;
            const uint kk = flat % 16u;
            const uint m = tile_m * 32u + r;
            const uint kx = k0 + kk;
            const uint mc = min(m, 63u);
            const uint kc = min(kx, 63u);
            drift_shared[kk * 33u + r] = (m < 64u && kx < 64u) ? vload_half((((uint)(mc)) * 64u + ((uint)(kc))), b_x) : 0.0f;
        }
        {
            const uint flat = lane + 0u;
            const uint r = flat / 16u;
            const uint kk = flat % 16u;
            const uint n = tile_n * 32u + r;
            const uint kx = k0 + kk;
            const uint nc = min(n, 31u);
            const uint kc = min(kx, 63u);
            const float wv = vload_half((((uint)(nc)) * 64u + ((uint)(kc))), b_w);
            drift_shared[528u + kk * 33u + r] = (n < 32u && kx < 64u) ? wv : 0.0f;
        }
        {
            const uint flat = lane + 256u;
            const uint r = flat / 16u;
            const uint kk = flat % 16u;
            const uint n = tile_n * 32u + r;
            const uint kx = k0 + kk;
            const uint nc = min(n, 31u);
            const uint kc = min(kx, 63u);
            const float wv = vload_half((((uint)(nc)) * 64u + ((uint)(kc))), b_w);
            drift_shared[528u + kk * 33u + r] = (n < 32u && kx < 64u) ? wv : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (uint kk = 0u; kk < 16u; kk++) {
            const float x0 = drift_shared[kk * 33u + ty * 2u + 0u];
            const float x1 = drift_shared[kk * 33u + ty * 2u + 1u];
            const float w0 = drift_shared[528u + kk * 33u + tx * 2u + 0u];
            const float w1 = drift_shared[528u + kk * 33u + tx * 2u + 1u];
            a0_0 += x0 * w0;
            a0_1 += x0 * w1;
            a1_0 += x1 * w0;
            a1_1 += x1 * w1;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    {
        const uint m = tile_m * 32u + ty * 2u + 0u;
        const uint c2 = tile_n * 32u + tx * 2u + 0u;
        if (m < 64u && c2 < 32u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = a0_0;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 32u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 32u + ty * 2u + 0u;
        const uint c2 = tile_n * 32u + tx * 2u + 1u;
        if (m < 64u && c2 < 32u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = a0_1;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 32u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 32u + ty * 2u + 1u;
        const uint c2 = tile_n * 32u + tx * 2u + 0u;
        if (m < 64u && c2 < 32u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = a1_0;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 32u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 32u + ty * 2u + 1u;
        const uint c2 = tile_n * 32u + tx * 2u + 1u;
        if (m < 64u && c2 < 32u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = a1_1;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 32u + ((uint)(c2))), b_y);
        }
    }
}

// ===== rotary_f16_5 =====
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void k_main(__global const half* restrict b_x, __global half* restrict b_y, __global const half* restrict b_cos, __global const half* restrict b_sin, __global const int* restrict b_pos, __global const int* restrict b_last_row) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 4096u;
    if (i >= 4096u) return;

    const uint cb = (i / 4096u);
    const uint cs = (i / 64u) % 64u;
    const uint ch = (i / 16u) % 4u;
    const uint cd = i % 16u;

    if (cs > (uint)(((float)(b_last_row[((uint)(0u))])))) {
        return;
    }
    float v = vload_half((((((uint)(cb)) * 64u + ((uint)(cs))) * 4u + ((uint)(ch))) * 16u + ((uint)(cd))), b_x);
    if (cd < 16u) {
        const uint ii = cd % 8u;
        const bool first = cd < 8u;
        const uint i1 = ii;
        const uint i2 = ii + 8u;
        const uint p = (uint)(clamp(((float)(b_pos[(((uint)(cb)) * 64u + ((uint)(cs)))])), 0.0f, 63.0f));
        const float c = vload_half((((uint)(p)) * 8u + ((uint)(ii))), b_cos);
        const float sn = vload_half((((uint)(p)) * 8u + ((uint)(ii))), b_sin);
        const float x1 = vload_half((((((uint)(cb)) * 64u + ((uint)(cs))) * 4u + ((uint)(ch))) * 16u + ((uint)(i1))), b_x);
        const float x2 = vload_half((((((uint)(cb)) * 64u + ((uint)(cs))) * 4u + ((uint)(ch))) * 16u + ((uint)(i2))), b_x);
        v = first ? (x1 * c - x2 * sn) : (x1 * sn + x2 * c);
    }
    vstore_half(v, (((((uint)(cb)) * 64u + ((uint)(cs))) * 4u + ((uint)(ch))) * 16u + ((uint)(cd))), b_y);
}

// ===== rotary_f16_6 =====
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void k_main(__global const half* restrict b_x, __global half* restrict b_y, __global const half* restrict b_cos, __global const half* restrict b_sin, __global const int* restrict b_pos, __global const int* restrict b_last_row) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 2048u;
    if (i >= 2048u) return;

    const uint cb = (i / 2048u);
    const uint cs = (i / 32u) % 64u;
    const uint ch = (i / 16u) % 2u;
    const uint cd = i % 16u;

    if (cs > (uint)(((float)(b_last_row[((uint)(0u))])))) {
        return;
    }
    float v = vload_half((((((uint)(cb)) * 64u + ((uint)(cs))) * 2u + ((uint)(ch))) * 16u + ((uint)(cd))), b_x);
    if (cd < 16u) {
        const uint ii = cd % 8u;
        const bool first = cd < 8u;
        const uint i1 = ii;
        const uint i2 = ii + 8u;
        const uint p = (uint)(clamp(((float)(b_pos[(((uint)(cb)) * 64u + ((uint)(cs)))])), 0.0f, 63.0f));
        const float c = vload_half((((uint)(p)) * 8u + ((uint)(ii))), b_cos);
        const float sn = vload_half((((uint)(p)) * 8u + ((uint)(ii))), b_sin);
        const float x1 = vload_half((((((uint)(cb)) * 64u + ((uint)(cs))) * 2u + ((uint)(ch))) * 16u + ((uint)(i1))), b_x);
        const float x2 = vload_half((((((uint)(cb)) * 64u + ((uint)(cs))) * 2u + ((uint)(ch))) * 16u + ((uint)(i2))), b_x);
        v = first ? (x1 * c - x2 * sn) : (x1 * sn + x2 * c);
    }
    vstore_half(v, (((((uint)(cb)) * 64u + ((uint)(cs))) * 2u + ((uint)(ch))) * 16u + ((uint)(cd))), b_y);
}

// ===== kv_cache_write_f16_7 =====
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void k_main(__global const half* restrict b_rows, __global const int* restrict b_position, __global half* restrict b_y, __global const int* restrict b_last_row) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 2048u;
    if (i >= 2048u) return;

    const uint b = (i / 2048u);
    const uint t = (i / 32u) % 64u;
    const uint h = (i / 16u) % 2u;
    const uint e = i % 16u;

    const uint at = (uint)(((float)(b_position[((uint)(0u))]))) + t;
    // Rows past last_row (a padded chunk's) are not written.
    if (at < 64u && t <= (uint)(((float)(b_last_row[((uint)(0u))])))) {
        vstore_half(vload_half((((((uint)(b)) * 64u + ((uint)(t))) * 2u + ((uint)(h))) * 16u + ((uint)(e))), b_rows), (((((uint)(b)) * 2u + ((uint)(h))) * 64u + ((uint)(at))) * 16u + ((uint)(e))), b_y);
    }
}

// ===== cached_attention_tiled_f16_8 =====
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void k_main(__global const half* restrict b_q, __global const half* restrict b_k, __global const half* restrict b_v, __global const int* restrict b_position, __global half* restrict b_y, __global const int* restrict b_last_row) {
    __local float drift_shared[4096];
    const uint group = min((uint)get_group_id(0) + (uint)get_group_id(1) * 4u, 3u);
    const uint lane = (uint)get_local_id(0);

    const uint qb = group % 1u;
    const uint h = group / 1u;
    const uint kh = h / 2u;
    const uint pos = (uint)(((float)(b_position[((uint)(0u))])));
    const uint t0 = qb * 64u;
    const uint first_p = pos + t0;
    // The chunk's last needed query (padding past it): blocks of only padding return, and
    // no key past it is read (its cache rows were not written: they may hold anything).
    const uint last_t = min((uint)(((float)(b_last_row[((uint)(0u))]))), 63u);
    if (t0 > last_t) {
        return;
    }
    const uint hi_all = min(pos + min(t0 + 63u, last_t), 63u);
    uint lo_all = 0u;
    {
        const uint flat = lane + 0u;
        const uint r = flat / 16u;
        const uint c = flat % 16u;
        const uint t = min(t0 + r, 63u);
        drift_shared[r * 17u + c] = vload_half((((((uint)(0u)) * 64u + ((uint)(t))) * 4u + ((uint)(h))) * 16u + ((uint)(c))), b_q);
    }
    {
        const uint flat = lane + 256u;
        const uint r = flat / 16u;
        const uint c = flat % 16u;
        const uint t = min(t0 + r, 63u);
        drift_shared[r * 17u + c] = vload_half((((((uint)(0u)) * 64u + ((uint)(t))) * 4u + ((uint)(h))) * 16u + ((uint)(c))), b_q);
    }
    {
        const uint flat = lane + 512u;
        const uint r = flat / 16u;
        const uint c = flat % 16u;
        const uint t = min(t0 + r, 63u);
        drift_shared[r * 17u + c] = vload_half((((((uint)(0u)) * 64u + ((uint)(t))) * 4u + ((uint)(h))) * 16u + ((uint)(c))), b_q);
    }
    {
        const uint flat = lane + 768u;
        const uint r = flat / 16u;
        const uint c = flat % 16u;
        const uint t = min(t0 + r, 63u);
        drift_shared[r * 17u + c] = vload_half((((((uint)(0u)) * 64u + ((uint)(t))) * 4u + ((uint)(h))) * 16u + ((uint)(c))), b_q);
    }
    const uint ty = lane / 16u;
    const uint tx = lane % 16u;
    const uint rg = lane / 8u;
    const uint cg = lane % 8u;
    /* Query lane's own keys (lanes < 64). */
    const uint my_p = first_p + lane;
    const uint my_hi = min(my_p, 63u);
    uint my_lo = 0u;
    float m_row = -3.4028235e38f;
    float l_row = 0.0f;
    float o0_0 = 0.0f;
    float o0_1 = 0.0f;
    float o1_0 = 0.0f;
    float o1_1 = 0.0f;
    for (uint kb0 = lo_all; kb0 <= hi_all; kb0 = kb0 + 32u) {
        {
            const uint flat = lane + 0u;
            const uint r = flat / 16u;
            const uint c = flat % 16u;
            const uint j = min(kb0 + r, 63u);
            drift_shared[1088u + r * 17u + c] = (kb0 + r <= hi_all) ? vload_half((((((uint)(0u)) * 2u + ((uint)(kh))) * 64u + ((uint)(j))) * 16u + ((uint)(c))), b_k) : 0.0f;
        }
        {
            const uint flat = lane + 256u;
            const uint r = flat / 16u;
            const uint c = flat % 16u;
            const uint j = min(kb0 + r, 63u);
            drift_shared[1088u + r * 17u + c] = (kb0 + r <= hi_all) ? vload_half((((((uint)(0u)) * 2u + ((uint)(kh))) * 64u + ((uint)(j))) * 16u + ((uint)(c))), b_k) : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        float s0_0 = 0.0f;
        float s0_1 = 0.0f;
        float s1_0 = 0.0f;
        float s1_1 = 0.0f;
        float s2_0 = 0.0f;
        float s2_1 = 0.0f;
        float s3_0 = 0.0f;
        float s3_1 = 0.0f;
        for (uint dd = 0u; dd < 16u; dd = dd + 1u) {
            const float q0 = drift_shared[(ty + 0u) * 17u + dd];
            const float q1 = drift_shared[(ty + 16u) * 17u + dd];
            const float q2 = drift_shared[(ty + 32u) * 17u + dd];
            const float q3 = drift_shared[(ty + 48u) * 17u + dd];
            const float k0 = drift_shared[1088u + (tx + 0u) * 17u + dd];
            const float k1 = drift_shared[1088u + (tx + 16u) * 17u + dd];
            s0_0 = s0_0 + q0 * k0;
            s0_1 = s0_1 + q0 * k1;
            s1_0 = s1_0 + q1 * k0;
            s1_1 = s1_1 + q1 * k1;
            s2_0 = s2_0 + q2 * k0;
            s2_1 = s2_1 + q2 * k1;
            s3_0 = s3_0 + q3 * k0;
            s3_1 = s3_1 + q3 * k1;
        }
        {
            float s = s0_0 * 0.25f;
            drift_shared[1632u + (ty + 0u) * 33u + tx + 0u] = s;
        }
        {
            float s = s0_1 * 0.25f;
            drift_shared[1632u + (ty + 0u) * 33u + tx + 16u] = s;
        }
        {
            float s = s1_0 * 0.25f;
            drift_shared[1632u + (ty + 16u) * 33u + tx + 0u] = s;
        }
        {
            float s = s1_1 * 0.25f;
            drift_shared[1632u + (ty + 16u) * 33u + tx + 16u] = s;
        }
        {
            float s = s2_0 * 0.25f;
            drift_shared[1632u + (ty + 32u) * 33u + tx + 0u] = s;
        }
        {
            float s = s2_1 * 0.25f;
            drift_shared[1632u + (ty + 32u) * 33u + tx + 16u] = s;
        }
        {
            float s = s3_0 * 0.25f;
            drift_shared[1632u + (ty + 48u) * 33u + tx + 0u] = s;
        }
        {
            float s = s3_1 * 0.25f;
            drift_shared[1632u + (ty + 48u) * 33u + tx + 16u] = s;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        {
            const uint flat = lane + 0u;
            const uint r = flat / 16u;
            const uint c = flat % 16u;
            const uint j = min(kb0 + r, 63u);
            drift_shared[1088u + r * 17u + c] = (kb0 + r <= hi_all) ? vload_half((((((uint)(0u)) * 2u + ((uint)(kh))) * 64u + ((uint)(j))) * 16u + ((uint)(c))), b_v) : 0.0f;
        }
        {
            const uint flat = lane + 256u;
            const uint r = flat / 16u;
            const uint c = flat % 16u;
            const uint j = min(kb0 + r, 63u);
            drift_shared[1088u + r * 17u + c] = (kb0 + r <= hi_all) ? vload_half((((((uint)(0u)) * 2u + ((uint)(kh))) * 64u + ((uint)(j))) * 16u + ((uint)(c))), b_v) : 0.0f;
        }
        if (lane < 64u) {
            const uint row = 1632u + lane * 33u;
            float block_max = -3.4028235e38f;
            for (uint j = 0u; j < 32u; j = j + 1u) {
                const uint key = kb0 + j;
                if (key >= my_lo && key <= my_hi) { block_max = max(block_max, drift_shared[row + j]); }
            }
            const float m_new = max(m_row, block_max);
            const float alpha = exp(m_row - m_new);
            float sum = 0.0f;
            for (uint j = 0u; j < 32u; j = j + 1u) {
                const uint key = kb0 + j;
                const float p = (key >= my_lo && key <= my_hi) ? exp(drift_shared[row + j] - m_new) : 0.0f;
                drift_shared[row + j] = p;
                sum = sum + p;
            }
            l_row = l_row * alpha + sum;
            m_row = m_new;
            drift_shared[3744u + lane] = alpha;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        {
            const float alpha = drift_shared[3744u + rg + 0u];
            o0_0 = o0_0 * alpha;
            o0_1 = o0_1 * alpha;
        }
        {
            const float alpha = drift_shared[3744u + rg + 32u];
            o1_0 = o1_0 * alpha;
            o1_1 = o1_1 * alpha;
        }
        for (uint j = 0u; j < 32u; j = j + 1u) {
            const float p0 = drift_shared[1632u + (rg + 0u) * 33u + j];
            const float p1 = drift_shared[1632u + (rg + 32u) * 33u + j];
            const float v0 = drift_shared[1088u + j * 17u + cg + 0u];
            const float v1 = drift_shared[1088u + j * 17u + cg + 8u];
            o0_0 = o0_0 + p0 * v0;
            o0_1 = o0_1 + p0 * v1;
            o1_0 = o1_0 + p1 * v0;
            o1_1 = o1_1 + p1 * v1;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lane < 64u) { drift_shared[3808u + lane] = l_row; }
    barrier(CLK_LOCAL_MEM_FENCE);
    {
        const uint i = rg + 0u;
        const uint t = t0 + i;
        const float inv = 1.0f / drift_shared[3808u + i];
        if (t < 64u) {
            {
                const uint c = cg + 0u;
                const float val = o0_0 * inv;
                vstore_half(val, (((((uint)(0u)) * 64u + ((uint)(t))) * 4u + ((uint)(h))) * 16u + ((uint)(c))), b_y);
            }
            {
                const uint c = cg + 8u;
                const float val = o0_1 * inv;
                vstore_half(val, (((((uint)(0u)) * 64u + ((uint)(t))) * 4u + ((uint)(h))) * 16u + ((uint)(c))), b_y);
            }
        }
    }
    {
        const uint i = rg + 32u;
        const uint t = t0 + i;
        const float inv = 1.0f / drift_shared[3808u + i];
        if (t < 64u) {
            {
                const uint c = cg + 0u;
                const float val = o1_0 * inv;
                vstore_half(val, (((((uint)(0u)) * 64u + ((uint)(t))) * 4u + ((uint)(h))) * 16u + ((uint)(c))), b_y);
            }
            {
                const uint c = cg + 8u;
                const float val = o1_1 * inv;
                vstore_half(val, (((((uint)(0u)) * 64u + ((uint)(t))) * 4u + ((uint)(h))) * 16u + ((uint)(c))), b_y);
            }
        }
    }
}

// ===== linear_mma_f16_9 =====
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_x, __global const half* restrict b_w, __global half* restrict b_y, __global const int* restrict b_last_row, __global const half* restrict b_e0_0) {
    __local uint4 drift_mma[1280];
    const uint group = min((uint)get_group_id(0) + (uint)get_group_id(1) * 1u, 0u);
    const uint lane = (uint)get_local_id(0);


#define DRIFT_SMEM_BASE ((uint)(size_t)(&drift_mma[0]))
#define DRIFT_CP_ASYNC(s, g) __asm__ __volatile__("cp.async.cg.shared.global [%0], [%1], 16;" :: "r"(s), "l"(g) : "memory")
#define DRIFT_CP_COMMIT() __asm__ __volatile__("cp.async.commit_group;" ::: "memory")
#define DRIFT_CP_WAIT_ALL_BUT_ONE() __asm__ __volatile__("cp.async.wait_group 1;" ::: "memory")
#define DRIFT_CP_WAIT_ALL() __asm__ __volatile__("cp.async.wait_group 0;" ::: "memory")
#define DRIFT_LDSM_X4(r0, r1, r2, r3, s) __asm__ __volatile__("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];" : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(s) : "memory")
#define DRIFT_MMA(c0, c1, c2, c3, a0, a1, a2, a3, b0, b1) __asm__("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};" : "+f"(c0), "+f"(c1), "+f"(c2), "+f"(c3) : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1))
#define DRIFT_CP_ASYNC_Z(s, g, n) __asm__ __volatile__("cp.async.cg.shared.global [%0], [%1], 16, %2;" :: "r"(s), "l"(g), "r"(n) : "memory")
#define DRIFT_LDSM_X4_T(r0, r1, r2, r3, s) __asm__ __volatile__("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];" : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(s) : "memory")
#define DRIFT_SHFL_XOR(d, v, m) { \
        uint drift_sv; \
        __asm__ __volatile__("shfl.sync.bfly.b32 %0, %1, %2, 31, 0xffffffff;" : "=r"(drift_sv) : "r"(as_uint(v)), "r"(m)); \
        d = as_float(drift_sv); \
    }
#define DRIFT_PACK(d, lo, hi) __asm__("cvt.rn.f16x2.f32 %0, %1, %2;" : "=r"(d) : "f"(hi), "f"(lo))
#define DRIFT_I8X2_F16X2(d, v) { \
        const uint drift_i2 = (uint)(v); \
        const uint drift_b2 = (((drift_i2 & 0xffu) | ((drift_i2 & 0xff00u) << 8)) ^ 0x00800080u) | 0x64006400u; \
        __asm__("sub.f16x2 %0, %1, %2;" : "=r"(d) : "r"(drift_b2), "r"(0x64806480u)); \
    }

    // Row tiles first: the workgroups running together share weight tiles, so each weight
    // byte comes from memory about once (the rows are the smaller operand).
    const uint tile_m = group % 1u;
    const uint tile_n = group / 1u;
    // Rows past last_row (a padded chunk's) need no output: a tile of only those returns.
    if (tile_m * 64u > (uint)(((float)(b_last_row[((uint)(0u))])))) {
        return;
    }
    const uint warp = lane / 32u;
    const uint wl = lane % 32u;
    const uint wm = (warp / 2u) * 32u;
    const uint wn = (warp % 2u) * 32u;
    // The stages' address in the local (shared) window, as cp.async and ldmatrix take it.
    const uint smem = DRIFT_SMEM_BASE;
    __global const uchar* xb = (__global const uchar*)(b_x) + (size_t)(tile_m * 64u) * 128u;
    __global const uchar* wb = (__global const uchar*)(b_w) + (size_t)(tile_n * 64u) * 128u;
    float c0_0_0 = 0.0f, c0_0_1 = 0.0f, c0_0_2 = 0.0f, c0_0_3 = 0.0f;
    float c0_1_0 = 0.0f, c0_1_1 = 0.0f, c0_1_2 = 0.0f, c0_1_3 = 0.0f;
    float c0_2_0 = 0.0f, c0_2_1 = 0.0f, c0_2_2 = 0.0f, c0_2_3 = 0.0f;
    float c0_3_0 = 0.0f, c0_3_1 = 0.0f, c0_3_2 = 0.0f, c0_3_3 = 0.0f;
    float c1_0_0 = 0.0f, c1_0_1 = 0.0f, c1_0_2 = 0.0f, c1_0_3 = 0.0f;
    float c1_1_0 = 0.0f, c1_1_1 = 0.0f, c1_1_2 = 0.0f, c1_1_3 = 0.0f;
    float c1_2_0 = 0.0f, c1_2_1 = 0.0f, c1_2_2 = 0.0f, c1_2_3 = 0.0f;
    float c1_3_0 = 0.0f, c1_3_1 = 0.0f, c1_3_2 = 0.0f, c1_3_3 = 0.0f;
    // One step's copies (inputs kbytes / 2 on) into the stage at st: 2 units of 16
    // bytes per lane and operand, unit q of row r at chunk q.
#define DRIFT_SW(r) 0u
#define DRIFT_STAGE(st, step) { \
        const uint r0 = (lane + 0u) / 4u, q0 = (lane + 0u) % 4u; \
        DRIFT_CP_ASYNC((st) + r0 * 80u + (q0 ^ DRIFT_SW(r0)) * 16u, (ulong)(xb + (size_t)r0 * 128u + (step) * 64u + q0 * 16u)); \
        DRIFT_CP_ASYNC((st) + 5120u + r0 * 80u + (q0 ^ DRIFT_SW(r0)) * 16u, (ulong)(wb + (size_t)r0 * 128u + (step) * 64u + q0 * 16u)); \
        const uint r1 = (lane + 128u) / 4u, q1 = (lane + 128u) % 4u; \
        DRIFT_CP_ASYNC((st) + r1 * 80u + (q1 ^ DRIFT_SW(r1)) * 16u, (ulong)(xb + (size_t)r1 * 128u + (step) * 64u + q1 * 16u)); \
        DRIFT_CP_ASYNC((st) + 5120u + r1 * 80u + (q1 ^ DRIFT_SW(r1)) * 16u, (ulong)(wb + (size_t)r1 * 128u + (step) * 64u + q1 * 16u)); \
    }
    // Step 0 into stage 0; step kt + 1 into the other stage before waiting for step kt.
    DRIFT_STAGE(smem, 0u);
    DRIFT_CP_COMMIT();
    for (uint kt = 0u; kt < 2u; kt++) {
        const uint cur = smem + (kt % 2u) * 10240u;
        if (kt + 1u < 2u) {
            // (Its last readers passed the barrier that closed the previous step.)
            DRIFT_STAGE(smem + ((kt + 1u) % 2u) * 10240u, kt + 1u);
            DRIFT_CP_COMMIT();
            DRIFT_CP_WAIT_ALL_BUT_ONE();
        } else {
            DRIFT_CP_WAIT_ALL();
        }
        barrier(CLK_LOCAL_MEM_FENCE);
#pragma unroll
        for (uint kk = 0u; kk < 32u; kk += 16u) {
            uint a0_0, a0_1, a0_2, a0_3;
            {
                const uint r = wm + 0u + wl % 16u;
                DRIFT_LDSM_X4(a0_0, a0_1, a0_2, a0_3, cur + r * 80u + ((kk / 8u + wl / 16u) ^ DRIFT_SW(r)) * 16u);
            }
            uint a1_0, a1_1, a1_2, a1_3;
            {
                const uint r = wm + 16u + wl % 16u;
                DRIFT_LDSM_X4(a1_0, a1_1, a1_2, a1_3, cur + r * 80u + ((kk / 8u + wl / 16u) ^ DRIFT_SW(r)) * 16u);
            }
            uint b0_0, b0_1, b1_0, b1_1;
            {
                const uint r = wn + 0u + wl % 8u + (wl / 16u) * 8u;
                DRIFT_LDSM_X4(b0_0, b0_1, b1_0, b1_1, cur + 5120u + r * 80u + ((kk / 8u + (wl / 8u) % 2u) ^ DRIFT_SW(r)) * 16u);
            }
            uint b2_0, b2_1, b3_0, b3_1;
            {
                const uint r = wn + 16u + wl % 8u + (wl / 16u) * 8u;
                DRIFT_LDSM_X4(b2_0, b2_1, b3_0, b3_1, cur + 5120u + r * 80u + ((kk / 8u + (wl / 8u) % 2u) ^ DRIFT_SW(r)) * 16u);
            }
            DRIFT_MMA(c0_0_0, c0_0_1, c0_0_2, c0_0_3, a0_0, a0_1, a0_2, a0_3, b0_0, b0_1);
            DRIFT_MMA(c0_1_0, c0_1_1, c0_1_2, c0_1_3, a0_0, a0_1, a0_2, a0_3, b1_0, b1_1);
            DRIFT_MMA(c0_2_0, c0_2_1, c0_2_2, c0_2_3, a0_0, a0_1, a0_2, a0_3, b2_0, b2_1);
            DRIFT_MMA(c0_3_0, c0_3_1, c0_3_2, c0_3_3, a0_0, a0_1, a0_2, a0_3, b3_0, b3_1);
            DRIFT_MMA(c1_0_0, c1_0_1, c1_0_2, c1_0_3, a1_0, a1_1, a1_2, a1_3, b0_0, b0_1);
            DRIFT_MMA(c1_1_0, c1_1_1, c1_1_2, c1_1_3, a1_0, a1_1, a1_2, a1_3, b1_0, b1_1);
            DRIFT_MMA(c1_2_0, c1_2_1, c1_2_2, c1_2_3, a1_0, a1_1, a1_2, a1_3, b2_0, b2_1);
            DRIFT_MMA(c1_3_0, c1_3_1, c1_3_2, c1_3_3, a1_0, a1_1, a1_2, a1_3, b3_0, b3_1);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 0u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_0_0;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 1u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_0_1;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 0u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_0_2;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 1u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_0_3;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 8u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_1_0;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 9u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_1_1;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 8u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_1_2;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 9u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_1_3;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 16u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_2_0;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 17u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_2_1;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 16u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_2_2;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 17u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_2_3;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 24u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_3_0;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 25u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_3_1;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 24u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_3_2;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 25u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_3_3;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 0u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_0_0;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 1u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_0_1;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 0u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_0_2;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 1u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_0_3;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 8u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_1_0;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 9u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_1_1;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 8u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_1_2;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 9u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_1_3;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 16u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_2_0;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 17u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_2_1;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 16u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_2_2;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 17u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_2_3;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 24u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_3_0;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 25u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_3_1;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 24u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_3_2;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 25u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_3_3;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
}

// ===== linear_tiled_f16_10 =====
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void k_main(__global const half* restrict b_x, __global const half* restrict b_w, __global half* restrict b_y, __global const int* restrict b_last_row) {
    __local float drift_shared[1280];
    const uint group = min((uint)get_group_id(0) + (uint)get_group_id(1) * 10u, 9u);
    const uint lane = (uint)get_local_id(0);

    const uint tile_m = group / 5u;
    const uint tile_n = group % 5u;
    // Rows past last_row (a padded chunk's) need no output: a tile of only those returns.
    if (tile_m * 32u > (uint)(((float)(b_last_row[((uint)(0u))])))) {
        return;
    }
    const uint tx = lane % 16u;
    const uint ty = lane / 16u;
    float a0_0 = 0.0f;
    float a0_1 = 0.0f;
    float a1_0 = 0.0f;
    float a1_1 = 0.0f;
    for (uint k0 = 0u; k0 < 64u; k0 += 16u) {
        {
            const uint flat = lane + 0u;
            const uint r = flat / 16u;
            const uint kk = flat % 16u;
            const uint m = tile_m * 32u + r;
            const uint kx = k0 + kk;
            const uint mc = min(m, 63u);
            const uint kc = min(kx, 63u);
            drift_shared[kk * 33u + r] = (m < 64u && kx < 64u) ? vload_half((((uint)(mc)) * 64u + ((uint)(kc))), b_x) : 0.0f;
        }
        {
            const uint flat = lane + 256u;
            const uint r = flat / 16u;
            const uint kk = flat % 16u;
            const uint m = tile_m * 32u + r;
            const uint kx = k0 + kk;
            const uint mc = min(m, 63u);
            const uint kc = min(kx, 63u);
            drift_shared[kk * 33u + r] = (m < 64u && kx < 64u) ? vload_half((((uint)(mc)) * 64u + ((uint)(kc))), b_x) : 0.0f;
        }
        {
            const uint flat = lane + 0u;
            const uint r = flat / 16u;
            const uint kk = flat % 16u;
            const uint n = tile_n * 32u + r;
            const uint kx = k0 + kk;
            const uint nc = min(n, 159u);
            const uint kc = min(kx, 63u);
            const float wv = vload_half((((uint)(nc)) * 64u + ((uint)(kc))), b_w);
            drift_shared[528u + kk * 33u + r] = (n < 160u && kx < 64u) ? wv : 0.0f;
        }
        {
            const uint flat = lane + 256u;
            const uint r = flat / 16u;
            const uint kk = flat % 16u;
            const uint n = tile_n * 32u + r;
            const uint kx = k0 + kk;
            const uint nc = min(n, 159u);
            const uint kc = min(kx, 63u);
            const float wv = vload_half((((uint)(nc)) * 64u + ((uint)(kc))), b_w);
            drift_shared[528u + kk * 33u + r] = (n < 160u && kx < 64u) ? wv : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (uint kk = 0u; kk < 16u; kk++) {
            const float x0 = drift_shared[kk * 33u + ty * 2u + 0u];
            const float x1 = drift_shared[kk * 33u + ty * 2u + 1u];
            const float w0 = drift_shared[528u + kk * 33u + tx * 2u + 0u];
            const float w1 = drift_shared[528u + kk * 33u + tx * 2u + 1u];
            a0_0 += x0 * w0;
            a0_1 += x0 * w1;
            a1_0 += x1 * w0;
            a1_1 += x1 * w1;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    {
        const uint m = tile_m * 32u + ty * 2u + 0u;
        const uint c2 = tile_n * 32u + tx * 2u + 0u;
        if (m < 64u && c2 < 160u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = a0_0;
    v = (v / (1.0f + exp(-1.0f * v)));

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 160u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 32u + ty * 2u + 0u;
        const uint c2 = tile_n * 32u + tx * 2u + 1u;
        if (m < 64u && c2 < 160u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = a0_1;
    v = (v / (1.0f + exp(-1.0f * v)));

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 160u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 32u + ty * 2u + 1u;
        const uint c2 = tile_n * 32u + tx * 2u + 0u;
        if (m < 64u && c2 < 160u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = a1_0;
    v = (v / (1.0f + exp(-1.0f * v)));

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 160u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 32u + ty * 2u + 1u;
        const uint c2 = tile_n * 32u + tx * 2u + 1u;
        if (m < 64u && c2 < 160u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = a1_1;
    v = (v / (1.0f + exp(-1.0f * v)));

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 160u + ((uint)(c2))), b_y);
        }
    }
}

// ===== linear_tiled_f16_11 =====
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void k_main(__global const half* restrict b_x, __global const half* restrict b_w, __global half* restrict b_y, __global const int* restrict b_last_row, __global const half* restrict b_e0_0) {
    __local float drift_shared[1280];
    const uint group = min((uint)get_group_id(0) + (uint)get_group_id(1) * 10u, 9u);
    const uint lane = (uint)get_local_id(0);

    const uint tile_m = group / 5u;
    const uint tile_n = group % 5u;
    // Rows past last_row (a padded chunk's) need no output: a tile of only those returns.
    if (tile_m * 32u > (uint)(((float)(b_last_row[((uint)(0u))])))) {
        return;
    }
    const uint tx = lane % 16u;
    const uint ty = lane / 16u;
    float a0_0 = 0.0f;
    float a0_1 = 0.0f;
    float a1_0 = 0.0f;
    float a1_1 = 0.0f;
    for (uint k0 = 0u; k0 < 64u; k0 += 16u) {
        {
            const uint flat = lane + 0u;
            const uint r = flat / 16u;
            const uint kk = flat % 16u;
            const uint m = tile_m * 32u + r;
            const uint kx = k0 + kk;
            const uint mc = min(m, 63u);
            const uint kc = min(kx, 63u);
            drift_shared[kk * 33u + r] = (m < 64u && kx < 64u) ? vload_half((((uint)(mc)) * 64u + ((uint)(kc))), b_x) : 0.0f;
        }
        {
            const uint flat = lane + 256u;
            const uint r = flat / 16u;
            const uint kk = flat % 16u;
            const uint m = tile_m * 32u + r;
            const uint kx = k0 + kk;
            const uint mc = min(m, 63u);
            const uint kc = min(kx, 63u);
            drift_shared[kk * 33u + r] = (m < 64u && kx < 64u) ? vload_half((((uint)(mc)) * 64u + ((uint)(kc))), b_x) : 0.0f;
        }
        {
            const uint flat = lane + 0u;
            const uint r = flat / 16u;
            const uint kk = flat % 16u;
            const uint n = tile_n * 32u + r;
            const uint kx = k0 + kk;
            const uint nc = min(n, 159u);
            const uint kc = min(kx, 63u);
            const float wv = vload_half((((uint)(nc)) * 64u + ((uint)(kc))), b_w);
            drift_shared[528u + kk * 33u + r] = (n < 160u && kx < 64u) ? wv : 0.0f;
        }
        {
            const uint flat = lane + 256u;
            const uint r = flat / 16u;
            const uint kk = flat % 16u;
            const uint n = tile_n * 32u + r;
            const uint kx = k0 + kk;
            const uint nc = min(n, 159u);
            const uint kc = min(kx, 63u);
            const float wv = vload_half((((uint)(nc)) * 64u + ((uint)(kc))), b_w);
            drift_shared[528u + kk * 33u + r] = (n < 160u && kx < 64u) ? wv : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (uint kk = 0u; kk < 16u; kk++) {
            const float x0 = drift_shared[kk * 33u + ty * 2u + 0u];
            const float x1 = drift_shared[kk * 33u + ty * 2u + 1u];
            const float w0 = drift_shared[528u + kk * 33u + tx * 2u + 0u];
            const float w1 = drift_shared[528u + kk * 33u + tx * 2u + 1u];
            a0_0 += x0 * w0;
            a0_1 += x0 * w1;
            a1_0 += x1 * w0;
            a1_1 += x1 * w1;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    {
        const uint m = tile_m * 32u + ty * 2u + 0u;
        const uint c2 = tile_n * 32u + tx * 2u + 0u;
        if (m < 64u && c2 < 160u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = a0_0;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 160u + ((uint)(c2))), b_e0_0) * v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 160u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 32u + ty * 2u + 0u;
        const uint c2 = tile_n * 32u + tx * 2u + 1u;
        if (m < 64u && c2 < 160u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = a0_1;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 160u + ((uint)(c2))), b_e0_0) * v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 160u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 32u + ty * 2u + 1u;
        const uint c2 = tile_n * 32u + tx * 2u + 0u;
        if (m < 64u && c2 < 160u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = a1_0;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 160u + ((uint)(c2))), b_e0_0) * v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 160u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 32u + ty * 2u + 1u;
        const uint c2 = tile_n * 32u + tx * 2u + 1u;
        if (m < 64u && c2 < 160u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = a1_1;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 160u + ((uint)(c2))), b_e0_0) * v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 160u + ((uint)(c2))), b_y);
        }
    }
}

// ===== linear_mma_f16_12 =====
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_x, __global const half* restrict b_w, __global half* restrict b_y, __global const int* restrict b_last_row, __global const half* restrict b_e0_0) {
    __local uint4 drift_mma[1280];
    const uint group = min((uint)get_group_id(0) + (uint)get_group_id(1) * 1u, 0u);
    const uint lane = (uint)get_local_id(0);


#define DRIFT_SMEM_BASE ((uint)(size_t)(&drift_mma[0]))
#define DRIFT_CP_ASYNC(s, g) __asm__ __volatile__("cp.async.cg.shared.global [%0], [%1], 16;" :: "r"(s), "l"(g) : "memory")
#define DRIFT_CP_COMMIT() __asm__ __volatile__("cp.async.commit_group;" ::: "memory")
#define DRIFT_CP_WAIT_ALL_BUT_ONE() __asm__ __volatile__("cp.async.wait_group 1;" ::: "memory")
#define DRIFT_CP_WAIT_ALL() __asm__ __volatile__("cp.async.wait_group 0;" ::: "memory")
#define DRIFT_LDSM_X4(r0, r1, r2, r3, s) __asm__ __volatile__("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];" : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(s) : "memory")
#define DRIFT_MMA(c0, c1, c2, c3, a0, a1, a2, a3, b0, b1) __asm__("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};" : "+f"(c0), "+f"(c1), "+f"(c2), "+f"(c3) : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1))
#define DRIFT_CP_ASYNC_Z(s, g, n) __asm__ __volatile__("cp.async.cg.shared.global [%0], [%1], 16, %2;" :: "r"(s), "l"(g), "r"(n) : "memory")
#define DRIFT_LDSM_X4_T(r0, r1, r2, r3, s) __asm__ __volatile__("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];" : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(s) : "memory")
#define DRIFT_SHFL_XOR(d, v, m) { \
        uint drift_sv; \
        __asm__ __volatile__("shfl.sync.bfly.b32 %0, %1, %2, 31, 0xffffffff;" : "=r"(drift_sv) : "r"(as_uint(v)), "r"(m)); \
        d = as_float(drift_sv); \
    }
#define DRIFT_PACK(d, lo, hi) __asm__("cvt.rn.f16x2.f32 %0, %1, %2;" : "=r"(d) : "f"(hi), "f"(lo))
#define DRIFT_I8X2_F16X2(d, v) { \
        const uint drift_i2 = (uint)(v); \
        const uint drift_b2 = (((drift_i2 & 0xffu) | ((drift_i2 & 0xff00u) << 8)) ^ 0x00800080u) | 0x64006400u; \
        __asm__("sub.f16x2 %0, %1, %2;" : "=r"(d) : "r"(drift_b2), "r"(0x64806480u)); \
    }

    // Row tiles first: the workgroups running together share weight tiles, so each weight
    // byte comes from memory about once (the rows are the smaller operand).
    const uint tile_m = group % 1u;
    const uint tile_n = group / 1u;
    // Rows past last_row (a padded chunk's) need no output: a tile of only those returns.
    if (tile_m * 64u > (uint)(((float)(b_last_row[((uint)(0u))])))) {
        return;
    }
    const uint warp = lane / 32u;
    const uint wl = lane % 32u;
    const uint wm = (warp / 2u) * 32u;
    const uint wn = (warp % 2u) * 32u;
    // The stages' address in the local (shared) window, as cp.async and ldmatrix take it.
    const uint smem = DRIFT_SMEM_BASE;
    __global const uchar* xb = (__global const uchar*)(b_x) + (size_t)(tile_m * 64u) * 320u;
    __global const uchar* wb = (__global const uchar*)(b_w) + (size_t)(tile_n * 64u) * 320u;
    float c0_0_0 = 0.0f, c0_0_1 = 0.0f, c0_0_2 = 0.0f, c0_0_3 = 0.0f;
    float c0_1_0 = 0.0f, c0_1_1 = 0.0f, c0_1_2 = 0.0f, c0_1_3 = 0.0f;
    float c0_2_0 = 0.0f, c0_2_1 = 0.0f, c0_2_2 = 0.0f, c0_2_3 = 0.0f;
    float c0_3_0 = 0.0f, c0_3_1 = 0.0f, c0_3_2 = 0.0f, c0_3_3 = 0.0f;
    float c1_0_0 = 0.0f, c1_0_1 = 0.0f, c1_0_2 = 0.0f, c1_0_3 = 0.0f;
    float c1_1_0 = 0.0f, c1_1_1 = 0.0f, c1_1_2 = 0.0f, c1_1_3 = 0.0f;
    float c1_2_0 = 0.0f, c1_2_1 = 0.0f, c1_2_2 = 0.0f, c1_2_3 = 0.0f;
    float c1_3_0 = 0.0f, c1_3_1 = 0.0f, c1_3_2 = 0.0f, c1_3_3 = 0.0f;
    // One step's copies (inputs kbytes / 2 on) into the stage at st: 2 units of 16
    // bytes per lane and operand, unit q of row r at chunk q.
#define DRIFT_SW(r) 0u
#define DRIFT_STAGE(st, step) { \
        const uint r0 = (lane + 0u) / 4u, q0 = (lane + 0u) % 4u; \
        DRIFT_CP_ASYNC((st) + r0 * 80u + (q0 ^ DRIFT_SW(r0)) * 16u, (ulong)(xb + (size_t)r0 * 320u + (step) * 64u + q0 * 16u)); \
        DRIFT_CP_ASYNC((st) + 5120u + r0 * 80u + (q0 ^ DRIFT_SW(r0)) * 16u, (ulong)(wb + (size_t)r0 * 320u + (step) * 64u + q0 * 16u)); \
        const uint r1 = (lane + 128u) / 4u, q1 = (lane + 128u) % 4u; \
        DRIFT_CP_ASYNC((st) + r1 * 80u + (q1 ^ DRIFT_SW(r1)) * 16u, (ulong)(xb + (size_t)r1 * 320u + (step) * 64u + q1 * 16u)); \
        DRIFT_CP_ASYNC((st) + 5120u + r1 * 80u + (q1 ^ DRIFT_SW(r1)) * 16u, (ulong)(wb + (size_t)r1 * 320u + (step) * 64u + q1 * 16u)); \
    }
    // Step 0 into stage 0; step kt + 1 into the other stage before waiting for step kt.
    DRIFT_STAGE(smem, 0u);
    DRIFT_CP_COMMIT();
    for (uint kt = 0u; kt < 5u; kt++) {
        const uint cur = smem + (kt % 2u) * 10240u;
        if (kt + 1u < 5u) {
            // (Its last readers passed the barrier that closed the previous step.)
            DRIFT_STAGE(smem + ((kt + 1u) % 2u) * 10240u, kt + 1u);
            DRIFT_CP_COMMIT();
            DRIFT_CP_WAIT_ALL_BUT_ONE();
        } else {
            DRIFT_CP_WAIT_ALL();
        }
        barrier(CLK_LOCAL_MEM_FENCE);
#pragma unroll
        for (uint kk = 0u; kk < 32u; kk += 16u) {
            uint a0_0, a0_1, a0_2, a0_3;
            {
                const uint r = wm + 0u + wl % 16u;
                DRIFT_LDSM_X4(a0_0, a0_1, a0_2, a0_3, cur + r * 80u + ((kk / 8u + wl / 16u) ^ DRIFT_SW(r)) * 16u);
            }
            uint a1_0, a1_1, a1_2, a1_3;
            {
                const uint r = wm + 16u + wl % 16u;
                DRIFT_LDSM_X4(a1_0, a1_1, a1_2, a1_3, cur + r * 80u + ((kk / 8u + wl / 16u) ^ DRIFT_SW(r)) * 16u);
            }
            uint b0_0, b0_1, b1_0, b1_1;
            {
                const uint r = wn + 0u + wl % 8u + (wl / 16u) * 8u;
                DRIFT_LDSM_X4(b0_0, b0_1, b1_0, b1_1, cur + 5120u + r * 80u + ((kk / 8u + (wl / 8u) % 2u) ^ DRIFT_SW(r)) * 16u);
            }
            uint b2_0, b2_1, b3_0, b3_1;
            {
                const uint r = wn + 16u + wl % 8u + (wl / 16u) * 8u;
                DRIFT_LDSM_X4(b2_0, b2_1, b3_0, b3_1, cur + 5120u + r * 80u + ((kk / 8u + (wl / 8u) % 2u) ^ DRIFT_SW(r)) * 16u);
            }
            DRIFT_MMA(c0_0_0, c0_0_1, c0_0_2, c0_0_3, a0_0, a0_1, a0_2, a0_3, b0_0, b0_1);
            DRIFT_MMA(c0_1_0, c0_1_1, c0_1_2, c0_1_3, a0_0, a0_1, a0_2, a0_3, b1_0, b1_1);
            DRIFT_MMA(c0_2_0, c0_2_1, c0_2_2, c0_2_3, a0_0, a0_1, a0_2, a0_3, b2_0, b2_1);
            DRIFT_MMA(c0_3_0, c0_3_1, c0_3_2, c0_3_3, a0_0, a0_1, a0_2, a0_3, b3_0, b3_1);
            DRIFT_MMA(c1_0_0, c1_0_1, c1_0_2, c1_0_3, a1_0, a1_1, a1_2, a1_3, b0_0, b0_1);
            DRIFT_MMA(c1_1_0, c1_1_1, c1_1_2, c1_1_3, a1_0, a1_1, a1_2, a1_3, b1_0, b1_1);
            DRIFT_MMA(c1_2_0, c1_2_1, c1_2_2, c1_2_3, a1_0, a1_1, a1_2, a1_3, b2_0, b2_1);
            DRIFT_MMA(c1_3_0, c1_3_1, c1_3_2, c1_3_3, a1_0, a1_1, a1_2, a1_3, b3_0, b3_1);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 0u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_0_0;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 1u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_0_1;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 0u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_0_2;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 1u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_0_3;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 8u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_1_0;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 9u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_1_1;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 8u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_1_2;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 9u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_1_3;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 16u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_2_0;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 17u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_2_1;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 16u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_2_2;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 17u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_2_3;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 24u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_3_0;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 25u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_3_1;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 24u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_3_2;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 25u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_3_3;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 0u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_0_0;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 1u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_0_1;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 0u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_0_2;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 1u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_0_3;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 8u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_1_0;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 9u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_1_1;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 8u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_1_2;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 9u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_1_3;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 16u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_2_0;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 17u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_2_1;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 16u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_2_2;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 17u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_2_3;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 24u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_3_0;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 25u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_3_1;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 24u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_3_2;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 25u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 64u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_3_3;
    v = (vload_half(((((uint)(0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_e0_0) + v);

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
        }
    }
}

// ===== linear_mma_f16_13 =====
__kernel __attribute__((reqd_work_group_size(128, 1, 1)))
void k_main(__global const half* restrict b_x, __global const half* restrict b_w, __global half* restrict b_y, __global const int* restrict b_last_row) {
    __local uint4 drift_mma[1280];
    const uint group = min((uint)get_group_id(0) + (uint)get_group_id(1) * 5u, 4u);
    const uint lane = (uint)get_local_id(0);


#define DRIFT_SMEM_BASE ((uint)(size_t)(&drift_mma[0]))
#define DRIFT_CP_ASYNC(s, g) __asm__ __volatile__("cp.async.cg.shared.global [%0], [%1], 16;" :: "r"(s), "l"(g) : "memory")
#define DRIFT_CP_COMMIT() __asm__ __volatile__("cp.async.commit_group;" ::: "memory")
#define DRIFT_CP_WAIT_ALL_BUT_ONE() __asm__ __volatile__("cp.async.wait_group 1;" ::: "memory")
#define DRIFT_CP_WAIT_ALL() __asm__ __volatile__("cp.async.wait_group 0;" ::: "memory")
#define DRIFT_LDSM_X4(r0, r1, r2, r3, s) __asm__ __volatile__("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];" : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(s) : "memory")
#define DRIFT_MMA(c0, c1, c2, c3, a0, a1, a2, a3, b0, b1) __asm__("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};" : "+f"(c0), "+f"(c1), "+f"(c2), "+f"(c3) : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1))
#define DRIFT_CP_ASYNC_Z(s, g, n) __asm__ __volatile__("cp.async.cg.shared.global [%0], [%1], 16, %2;" :: "r"(s), "l"(g), "r"(n) : "memory")
#define DRIFT_LDSM_X4_T(r0, r1, r2, r3, s) __asm__ __volatile__("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];" : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(s) : "memory")
#define DRIFT_SHFL_XOR(d, v, m) { \
        uint drift_sv; \
        __asm__ __volatile__("shfl.sync.bfly.b32 %0, %1, %2, 31, 0xffffffff;" : "=r"(drift_sv) : "r"(as_uint(v)), "r"(m)); \
        d = as_float(drift_sv); \
    }
#define DRIFT_PACK(d, lo, hi) __asm__("cvt.rn.f16x2.f32 %0, %1, %2;" : "=r"(d) : "f"(hi), "f"(lo))
#define DRIFT_I8X2_F16X2(d, v) { \
        const uint drift_i2 = (uint)(v); \
        const uint drift_b2 = (((drift_i2 & 0xffu) | ((drift_i2 & 0xff00u) << 8)) ^ 0x00800080u) | 0x64006400u; \
        __asm__("sub.f16x2 %0, %1, %2;" : "=r"(d) : "r"(drift_b2), "r"(0x64806480u)); \
    }

    // Row tiles first: the workgroups running together share weight tiles, so each weight
    // byte comes from memory about once (the rows are the smaller operand).
    const uint tile_m = group % 1u;
    const uint tile_n = group / 1u;
    // Rows past last_row (a padded chunk's) need no output: a tile of only those returns.
    if (tile_m * 64u > (uint)(((float)(b_last_row[((uint)(0u))])))) {
        return;
    }
    const uint warp = lane / 32u;
    const uint wl = lane % 32u;
    const uint wm = (warp / 2u) * 32u;
    const uint wn = (warp % 2u) * 32u;
    // The stages' address in the local (shared) window, as cp.async and ldmatrix take it.
    const uint smem = DRIFT_SMEM_BASE;
    __global const uchar* xb = (__global const uchar*)(b_x) + (size_t)(tile_m * 64u) * 128u;
    __global const uchar* wb = (__global const uchar*)(b_w) + (size_t)(tile_n * 64u) * 128u;
    float c0_0_0 = 0.0f, c0_0_1 = 0.0f, c0_0_2 = 0.0f, c0_0_3 = 0.0f;
    float c0_1_0 = 0.0f, c0_1_1 = 0.0f, c0_1_2 = 0.0f, c0_1_3 = 0.0f;
    float c0_2_0 = 0.0f, c0_2_1 = 0.0f, c0_2_2 = 0.0f, c0_2_3 = 0.0f;
    float c0_3_0 = 0.0f, c0_3_1 = 0.0f, c0_3_2 = 0.0f, c0_3_3 = 0.0f;
    float c1_0_0 = 0.0f, c1_0_1 = 0.0f, c1_0_2 = 0.0f, c1_0_3 = 0.0f;
    float c1_1_0 = 0.0f, c1_1_1 = 0.0f, c1_1_2 = 0.0f, c1_1_3 = 0.0f;
    float c1_2_0 = 0.0f, c1_2_1 = 0.0f, c1_2_2 = 0.0f, c1_2_3 = 0.0f;
    float c1_3_0 = 0.0f, c1_3_1 = 0.0f, c1_3_2 = 0.0f, c1_3_3 = 0.0f;
    // One step's copies (inputs kbytes / 2 on) into the stage at st: 2 units of 16
    // bytes per lane and operand, unit q of row r at chunk q.
#define DRIFT_SW(r) 0u
#define DRIFT_STAGE(st, step) { \
        const uint r0 = (lane + 0u) / 4u, q0 = (lane + 0u) % 4u; \
        DRIFT_CP_ASYNC((st) + r0 * 80u + (q0 ^ DRIFT_SW(r0)) * 16u, (ulong)(xb + (size_t)r0 * 128u + (step) * 64u + q0 * 16u)); \
        DRIFT_CP_ASYNC((st) + 5120u + r0 * 80u + (q0 ^ DRIFT_SW(r0)) * 16u, (ulong)(wb + (size_t)r0 * 128u + (step) * 64u + q0 * 16u)); \
        const uint r1 = (lane + 128u) / 4u, q1 = (lane + 128u) % 4u; \
        DRIFT_CP_ASYNC((st) + r1 * 80u + (q1 ^ DRIFT_SW(r1)) * 16u, (ulong)(xb + (size_t)r1 * 128u + (step) * 64u + q1 * 16u)); \
        DRIFT_CP_ASYNC((st) + 5120u + r1 * 80u + (q1 ^ DRIFT_SW(r1)) * 16u, (ulong)(wb + (size_t)r1 * 128u + (step) * 64u + q1 * 16u)); \
    }
    // Step 0 into stage 0; step kt + 1 into the other stage before waiting for step kt.
    DRIFT_STAGE(smem, 0u);
    DRIFT_CP_COMMIT();
    for (uint kt = 0u; kt < 2u; kt++) {
        const uint cur = smem + (kt % 2u) * 10240u;
        if (kt + 1u < 2u) {
            // (Its last readers passed the barrier that closed the previous step.)
            DRIFT_STAGE(smem + ((kt + 1u) % 2u) * 10240u, kt + 1u);
            DRIFT_CP_COMMIT();
            DRIFT_CP_WAIT_ALL_BUT_ONE();
        } else {
            DRIFT_CP_WAIT_ALL();
        }
        barrier(CLK_LOCAL_MEM_FENCE);
#pragma unroll
        for (uint kk = 0u; kk < 32u; kk += 16u) {
            uint a0_0, a0_1, a0_2, a0_3;
            {
                const uint r = wm + 0u + wl % 16u;
                DRIFT_LDSM_X4(a0_0, a0_1, a0_2, a0_3, cur + r * 80u + ((kk / 8u + wl / 16u) ^ DRIFT_SW(r)) * 16u);
            }
            uint a1_0, a1_1, a1_2, a1_3;
            {
                const uint r = wm + 16u + wl % 16u;
                DRIFT_LDSM_X4(a1_0, a1_1, a1_2, a1_3, cur + r * 80u + ((kk / 8u + wl / 16u) ^ DRIFT_SW(r)) * 16u);
            }
            uint b0_0, b0_1, b1_0, b1_1;
            {
                const uint r = wn + 0u + wl % 8u + (wl / 16u) * 8u;
                DRIFT_LDSM_X4(b0_0, b0_1, b1_0, b1_1, cur + 5120u + r * 80u + ((kk / 8u + (wl / 8u) % 2u) ^ DRIFT_SW(r)) * 16u);
            }
            uint b2_0, b2_1, b3_0, b3_1;
            {
                const uint r = wn + 16u + wl % 8u + (wl / 16u) * 8u;
                DRIFT_LDSM_X4(b2_0, b2_1, b3_0, b3_1, cur + 5120u + r * 80u + ((kk / 8u + (wl / 8u) % 2u) ^ DRIFT_SW(r)) * 16u);
            }
            DRIFT_MMA(c0_0_0, c0_0_1, c0_0_2, c0_0_3, a0_0, a0_1, a0_2, a0_3, b0_0, b0_1);
            DRIFT_MMA(c0_1_0, c0_1_1, c0_1_2, c0_1_3, a0_0, a0_1, a0_2, a0_3, b1_0, b1_1);
            DRIFT_MMA(c0_2_0, c0_2_1, c0_2_2, c0_2_3, a0_0, a0_1, a0_2, a0_3, b2_0, b2_1);
            DRIFT_MMA(c0_3_0, c0_3_1, c0_3_2, c0_3_3, a0_0, a0_1, a0_2, a0_3, b3_0, b3_1);
            DRIFT_MMA(c1_0_0, c1_0_1, c1_0_2, c1_0_3, a1_0, a1_1, a1_2, a1_3, b0_0, b0_1);
            DRIFT_MMA(c1_1_0, c1_1_1, c1_1_2, c1_1_3, a1_0, a1_1, a1_2, a1_3, b1_0, b1_1);
            DRIFT_MMA(c1_2_0, c1_2_1, c1_2_2, c1_2_3, a1_0, a1_1, a1_2, a1_3, b2_0, b2_1);
            DRIFT_MMA(c1_3_0, c1_3_1, c1_3_2, c1_3_3, a1_0, a1_1, a1_2, a1_3, b3_0, b3_1);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 0u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_0_0;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 1u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_0_1;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 0u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_0_2;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 1u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_0_3;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 8u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_1_0;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 9u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_1_1;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 8u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_1_2;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 9u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_1_3;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 16u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_2_0;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 17u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_2_1;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 16u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_2_2;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 17u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_2_3;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 24u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_3_0;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 0u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 25u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_3_1;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 24u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_3_2;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 8u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 25u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c0_3_3;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 0u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_0_0;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 1u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_0_1;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 0u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_0_2;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 1u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_0_3;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 8u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_1_0;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 9u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_1_1;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 8u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_1_2;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 9u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_1_3;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 16u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_2_0;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 17u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_2_1;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 16u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_2_2;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 17u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_2_3;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 24u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_3_0;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 16u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 25u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_3_1;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 24u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_3_2;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
    {
        const uint m = tile_m * 64u + wm + 24u + wl / 4u;
        const uint c2 = tile_n * 64u + wn + 25u + (wl % 4u) * 2u;
        if (m < 64u && c2 < 320u) {
    const uint c0 = (m / 64u);
    const uint c1 = m % 64u;

            float v = c1_3_3;

            vstore_half(v, ((((uint)(c0)) * 64u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
        }
    }
}

// ===== gather_f16_14 =====
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void k_main(__global const half* restrict b_x, __global const int* restrict b_ind, __global half* restrict b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 256u;
    if (i >= 64u) return;

    const uint o0 = (i / 64u);
    const uint o1 = (i / 64u) % 1u;
    const uint o2 = i % 64u;

    int j = (int)(((float)(b_ind[((uint)(o1))])));
    if (j < 0) j += 64;
    j = clamp(j, 0, 64 - 1);
    vstore_half(vload_half(((((uint)(o0)) * 64u + ((uint)(j))) * 64u + ((uint)(o2))), b_x), ((((uint)(o0)) * 1u + ((uint)(o1))) * 64u + ((uint)(o2))), b_y);
}

// ===== linear_matvec_f16_15 =====
float8 drift_half8(__global const half* p, uint j) {
    const uint4 u = ((__global const uint4*)p)[j];
    return vload_half8(0, (const __private half*)&u);
}
uint4 drift_ld_stream(__global const uint4* p, uint j) {
    uint a, b, c, d;
    __asm__("ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0,%1,%2,%3}, [%4];" : "=r"(a), "=r"(b), "=r"(c), "=r"(d) : "l"((ulong)(p + j)));
    return (uint4)(a, b, c, d);
}
float8 drift_half8_stream(__global const half* p, uint j) {
    const uint4 u = drift_ld_stream((__global const uint4*)p, j);
    return vload_half8(0, (const __private half*)&u);
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
void k_main(__global const half* restrict b_x, __global const half* restrict b_w, __global const half* restrict b_g, __global half* restrict b_y) {
    __local float4 drift_shared4[16];
    __local float drift_shared[256];
    const uint group = min((uint)get_group_id(0) + (uint)get_group_id(1) * 10u, 9u);
    const uint lane = (uint)get_local_id(0);
const uint sub = lane % 8u;
    const uint row_raw = group * 32u + lane / 8u;
    const uint row = min(row_raw, 319u);
    const uint c0 = 0u;
    const uint c1 = 0u;
    float acc = 0.0f;
    float ss = 0.0f;
    float ssl = 0.0f;
    for (uint i = lane; i < 8u; i += 256u) {
        const float4 xa0 = drift_half8(b_x, i).lo;
        ssl += dot(xa0, xa0);
        const float4 xa1 = drift_half8(b_x, i).hi;
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
        drift_shared4[i * 2u + 0u] = drift_half8(b_x, i).lo * inv * drift_half8(b_g, i).lo;
        drift_shared4[i * 2u + 1u] = drift_half8(b_x, i).hi * inv * drift_half8(b_g, i).hi;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    const uint base = row * 8u;
    for (uint q = 0u; q < 1u; ++q) {
        const uint j0 = q * 8u + sub + 0u;
        const float8 w0 = drift_half8_stream(b_w, base + j0);
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
        const float8 wj = drift_half8_stream(b_w, base + j);
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

        vstore_half(v, ((((uint)(c0)) * 1u + ((uint)(c1))) * 320u + ((uint)(c2))), b_y);
    }
}

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

// ===== elementwise_i32_17 =====
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void k_main(__global const int* restrict b_a0, __global const int* restrict b_a1, __global int* restrict b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 256u;
    if (i >= 1u) return;

    const uint c0 = i;

    float v = (((float)(b_a0[((uint)(0))])) + ((float)(b_a1[((uint)(0))])));

    b_y[((uint)(c0))] = (int)(v);
}

// ===== linear_matvec_f16_18 =====
float8 drift_half8(__global const half* p, uint j) {
    const uint4 u = ((__global const uint4*)p)[j];
    return vload_half8(0, (const __private half*)&u);
}
uint4 drift_ld_stream(__global const uint4* p, uint j) {
    uint a, b, c, d;
    __asm__("ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0,%1,%2,%3}, [%4];" : "=r"(a), "=r"(b), "=r"(c), "=r"(d) : "l"((ulong)(p + j)));
    return (uint4)(a, b, c, d);
}
float8 drift_half8_stream(__global const half* p, uint j) {
    const uint4 u = drift_ld_stream((__global const uint4*)p, j);
    return vload_half8(0, (const __private half*)&u);
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
void k_main(__global const half* restrict b_x, __global const half* restrict b_w, __global const half* restrict b_g, __global half* restrict b_y, __global const half* restrict b_cos, __global const half* restrict b_sin, __global const int* restrict b_pos) {
    __local float4 drift_shared4[16];
    __local float drift_shared[256];
    const uint group = min((uint)get_group_id(0) + (uint)get_group_id(1) * 2u, 1u);
    const uint lane = (uint)get_local_id(0);
const uint sub = lane % 8u;
    const uint slot = group * 32u + lane / 8u;
    const uint pair = slot / 2u;
    const uint which = slot % 2u;
    const uint row_raw = (pair / 8u) * 16u + pair % 8u + which * 8u;
    const uint row = min(row_raw, 63u);
    const uint c0 = 0u;
    const uint c1 = 0u;
    float acc = 0.0f;
    float ss = 0.0f;
    float ssl = 0.0f;
    for (uint i = lane; i < 8u; i += 256u) {
        const float4 xa0 = drift_half8(b_x, i).lo;
        ssl += dot(xa0, xa0);
        const float4 xa1 = drift_half8(b_x, i).hi;
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
        drift_shared4[i * 2u + 0u] = drift_half8(b_x, i).lo * inv * drift_half8(b_g, i).lo;
        drift_shared4[i * 2u + 1u] = drift_half8(b_x, i).hi * inv * drift_half8(b_g, i).hi;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    const uint base = row * 8u;
    for (uint q = 0u; q < 1u; ++q) {
        const uint j0 = q * 8u + sub + 0u;
        const float8 w0 = drift_half8_stream(b_w, base + j0);
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
        const float8 wj = drift_half8_stream(b_w, base + j);
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
        const uint p = (uint)(((float)(b_pos[(((uint)(0u)) * 1u + ((uint)(0u)))])));
        const float c = vload_half((((uint)(p)) * 8u + ((uint)(pair % 8u))), b_cos);
        const float s = vload_half((((uint)(p)) * 8u + ((uint)(pair % 8u))), b_sin);
        float v = which == 1u ? other * s + own * c : own * c - other * s;

        vstore_half(v, ((((uint)(c0)) * 1u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
    }
}

// ===== linear_matvec_f16_19 =====
float8 drift_half8(__global const half* p, uint j) {
    const uint4 u = ((__global const uint4*)p)[j];
    return vload_half8(0, (const __private half*)&u);
}
uint4 drift_ld_stream(__global const uint4* p, uint j) {
    uint a, b, c, d;
    __asm__("ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0,%1,%2,%3}, [%4];" : "=r"(a), "=r"(b), "=r"(c), "=r"(d) : "l"((ulong)(p + j)));
    return (uint4)(a, b, c, d);
}
float8 drift_half8_stream(__global const half* p, uint j) {
    const uint4 u = drift_ld_stream((__global const uint4*)p, j);
    return vload_half8(0, (const __private half*)&u);
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
void k_main(__global const half* restrict b_x, __global const half* restrict b_w, __global const half* restrict b_g, __global half* restrict b_y, __global const int* restrict b_kvpos, __global const half* restrict b_cos, __global const half* restrict b_sin, __global const int* restrict b_pos) {
    __local float4 drift_shared4[16];
    __local float drift_shared[256];
    const uint group = min((uint)get_group_id(0) + (uint)get_group_id(1) * 1u, 0u);
    const uint lane = (uint)get_local_id(0);
const uint sub = lane % 8u;
    const uint slot = group * 32u + lane / 8u;
    const uint pair = slot / 2u;
    const uint which = slot % 2u;
    const uint row_raw = (pair / 8u) * 16u + pair % 8u + which * 8u;
    const uint row = min(row_raw, 31u);
    float acc = 0.0f;
    float ss = 0.0f;
    float ssl = 0.0f;
    for (uint i = lane; i < 8u; i += 256u) {
        const float4 xa0 = drift_half8(b_x, i).lo;
        ssl += dot(xa0, xa0);
        const float4 xa1 = drift_half8(b_x, i).hi;
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
        drift_shared4[i * 2u + 0u] = drift_half8(b_x, i).lo * inv * drift_half8(b_g, i).lo;
        drift_shared4[i * 2u + 1u] = drift_half8(b_x, i).hi * inv * drift_half8(b_g, i).hi;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    const uint base = row * 8u;
    for (uint q = 0u; q < 1u; ++q) {
        const uint j0 = q * 8u + sub + 0u;
        const float8 w0 = drift_half8_stream(b_w, base + j0);
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
        const float8 wj = drift_half8_stream(b_w, base + j);
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
        const uint c2 = (uint)(((float)(b_kvpos[((uint)(0u))])));
        const uint c3 = row % 16u;
        const float other = drift_shared[which == 1u ? lane - 8u : lane + 8u];
        const uint p = (uint)(((float)(b_pos[(((uint)(0u)) * 1u + ((uint)(0u)))])));
        const float c = vload_half((((uint)(p)) * 8u + ((uint)(pair % 8u))), b_cos);
        const float s = vload_half((((uint)(p)) * 8u + ((uint)(pair % 8u))), b_sin);
        float v = which == 1u ? other * s + own * c : own * c - other * s;

        if (c2 < 64u) {
            vstore_half(v, (((((uint)(c0)) * 2u + ((uint)(c1))) * 64u + ((uint)(c2))) * 16u + ((uint)(c3))), b_y);
        }
    }
}

// ===== linear_matvec_f16_20 =====
float8 drift_half8(__global const half* p, uint j) {
    const uint4 u = ((__global const uint4*)p)[j];
    return vload_half8(0, (const __private half*)&u);
}
uint4 drift_ld_stream(__global const uint4* p, uint j) {
    uint a, b, c, d;
    __asm__("ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0,%1,%2,%3}, [%4];" : "=r"(a), "=r"(b), "=r"(c), "=r"(d) : "l"((ulong)(p + j)));
    return (uint4)(a, b, c, d);
}
float8 drift_half8_stream(__global const half* p, uint j) {
    const uint4 u = drift_ld_stream((__global const uint4*)p, j);
    return vload_half8(0, (const __private half*)&u);
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
void k_main(__global const half* restrict b_x, __global const half* restrict b_w, __global const half* restrict b_g, __global half* restrict b_y, __global const int* restrict b_kvpos) {
    __local float4 drift_shared4[16];
    __local float drift_shared[256];
    const uint group = min((uint)get_group_id(0) + (uint)get_group_id(1) * 1u, 0u);
    const uint lane = (uint)get_local_id(0);
const uint sub = lane % 8u;
    const uint row_raw = group * 32u + lane / 8u;
    const uint row = min(row_raw, 31u);
    float acc = 0.0f;
    float ss = 0.0f;
    float ssl = 0.0f;
    for (uint i = lane; i < 8u; i += 256u) {
        const float4 xa0 = drift_half8(b_x, i).lo;
        ssl += dot(xa0, xa0);
        const float4 xa1 = drift_half8(b_x, i).hi;
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
        drift_shared4[i * 2u + 0u] = drift_half8(b_x, i).lo * inv * drift_half8(b_g, i).lo;
        drift_shared4[i * 2u + 1u] = drift_half8(b_x, i).hi * inv * drift_half8(b_g, i).hi;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    const uint base = row * 8u;
    for (uint q = 0u; q < 1u; ++q) {
        const uint j0 = q * 8u + sub + 0u;
        const float8 w0 = drift_half8_stream(b_w, base + j0);
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
        const float8 wj = drift_half8_stream(b_w, base + j);
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
        const uint c2 = (uint)(((float)(b_kvpos[((uint)(0u))])));
        const uint c3 = row % 16u;
        float v = drift_shared[lane];

        if (c2 < 64u) {
            vstore_half(v, (((((uint)(c0)) * 2u + ((uint)(c1))) * 64u + ((uint)(c2))) * 16u + ((uint)(c3))), b_y);
        }
    }
}

// ===== cached_attention_wg_f16_21 =====
float8 drift_half8(__global const half* p, uint j) {
    const uint4 u = ((__global const uint4*)p)[j];
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
                qk += dot(drift_half8(b_q, qw + w).lo, drift_half8(b_k, kw + w).lo);
                qk += dot(drift_half8(b_q, qw + w).hi, drift_half8(b_k, kw + w).hi);
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

// ===== linear_matvec_f16_22 =====
float8 drift_half8(__global const half* p, uint j) {
    const uint4 u = ((__global const uint4*)p)[j];
    return vload_half8(0, (const __private half*)&u);
}
uint4 drift_ld_stream(__global const uint4* p, uint j) {
    uint a, b, c, d;
    __asm__("ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0,%1,%2,%3}, [%4];" : "=r"(a), "=r"(b), "=r"(c), "=r"(d) : "l"((ulong)(p + j)));
    return (uint4)(a, b, c, d);
}
float8 drift_half8_stream(__global const half* p, uint j) {
    const uint4 u = drift_ld_stream((__global const uint4*)p, j);
    return vload_half8(0, (const __private half*)&u);
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
void k_main(__global const half* restrict b_x, __global const half* restrict b_w, __global half* restrict b_y, __global const half* restrict b_e0_0) {
    __local float drift_shared[256];
    const uint group = min((uint)get_group_id(0) + (uint)get_group_id(1) * 2u, 1u);
    const uint lane = (uint)get_local_id(0);
const uint sub = lane % 8u;
    const uint row_raw = group * 32u + lane / 8u;
    const uint row = min(row_raw, 63u);
    const uint c0 = 0u;
    const uint c1 = 0u;
    float acc = 0.0f;
    float ss = 0.0f;
    const uint base = row * 8u;
    for (uint q = 0u; q < 1u; ++q) {
        const uint j0 = q * 8u + sub + 0u;
        const float8 w0 = drift_half8_stream(b_w, base + j0);
        {
            float part = 0.0f;
            const float4 x0 = drift_half8(b_x, (j0) * 1u + 0u).lo;
            part += dot(w0.lo, x0);
            const float4 x1 = drift_half8(b_x, (j0) * 1u + 0u).hi;
            part += dot(w0.hi, x1);
            acc += part;
        }
    }
    for (uint j = 8u + sub; j < 8u; j += 8u) {
        const float8 wj = drift_half8_stream(b_w, base + j);
        float part = 0.0f;
            const float4 x0 = drift_half8(b_x, (j) * 1u + 0u).lo;
            part += dot(wj.lo, x0);
            const float4 x1 = drift_half8(b_x, (j) * 1u + 0u).hi;
            part += dot(wj.hi, x1);
        acc += part;
    }
    // Every lane of a row ends with the row's sums (shuffles within its aligned lanes).
    drift_shared[lane] = drift_lanes_sum(acc, 8u);
    barrier(CLK_LOCAL_MEM_FENCE);
    if (sub == 0u && row_raw < 64u) {
        const uint c2 = row;
        float v = drift_shared[lane];
    v = (vload_half(((((uint)(0)) * 1u + ((uint)(0))) * 64u + ((uint)(c2))), b_e0_0) + v);

        vstore_half(v, ((((uint)(c0)) * 1u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
    }
}

// ===== linear_matvec_f16_23 =====
float8 drift_half8(__global const half* p, uint j) {
    const uint4 u = ((__global const uint4*)p)[j];
    return vload_half8(0, (const __private half*)&u);
}
uint4 drift_ld_stream(__global const uint4* p, uint j) {
    uint a, b, c, d;
    __asm__("ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0,%1,%2,%3}, [%4];" : "=r"(a), "=r"(b), "=r"(c), "=r"(d) : "l"((ulong)(p + j)));
    return (uint4)(a, b, c, d);
}
float8 drift_half8_stream(__global const half* p, uint j) {
    const uint4 u = drift_ld_stream((__global const uint4*)p, j);
    return vload_half8(0, (const __private half*)&u);
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
void k_main(__global const half* restrict b_x, __global const half* restrict b_w, __global const half* restrict b_g, __global half* restrict b_y) {
    __local float4 drift_shared4[16];
    __local float drift_shared[256];
    const uint group = min((uint)get_group_id(0) + (uint)get_group_id(1) * 5u, 4u);
    const uint lane = (uint)get_local_id(0);
const uint sub = lane % 8u;
    const uint row_raw = group * 32u + lane / 8u;
    const uint row = min(row_raw, 159u);
    const uint c0 = 0u;
    const uint c1 = 0u;
    float acc = 0.0f;
    float ss = 0.0f;
    float ssl = 0.0f;
    for (uint i = lane; i < 8u; i += 256u) {
        const float4 xa0 = drift_half8(b_x, i).lo;
        ssl += dot(xa0, xa0);
        const float4 xa1 = drift_half8(b_x, i).hi;
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
        drift_shared4[i * 2u + 0u] = drift_half8(b_x, i).lo * inv * drift_half8(b_g, i).lo;
        drift_shared4[i * 2u + 1u] = drift_half8(b_x, i).hi * inv * drift_half8(b_g, i).hi;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    const uint base = row * 8u;
    for (uint q = 0u; q < 1u; ++q) {
        const uint j0 = q * 8u + sub + 0u;
        const float8 w0 = drift_half8_stream(b_w, base + j0);
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
        const float8 wj = drift_half8_stream(b_w, base + j);
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
    if (sub == 0u && row_raw < 160u) {
        const uint c2 = row;
        float v = drift_shared[lane];
    v = (v / (1.0f + exp(-1.0f * v)));

        vstore_half(v, ((((uint)(c0)) * 1u + ((uint)(c1))) * 160u + ((uint)(c2))), b_y);
    }
}

// ===== linear_matvec_f16_24 =====
float8 drift_half8(__global const half* p, uint j) {
    const uint4 u = ((__global const uint4*)p)[j];
    return vload_half8(0, (const __private half*)&u);
}
uint4 drift_ld_stream(__global const uint4* p, uint j) {
    uint a, b, c, d;
    __asm__("ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0,%1,%2,%3}, [%4];" : "=r"(a), "=r"(b), "=r"(c), "=r"(d) : "l"((ulong)(p + j)));
    return (uint4)(a, b, c, d);
}
float8 drift_half8_stream(__global const half* p, uint j) {
    const uint4 u = drift_ld_stream((__global const uint4*)p, j);
    return vload_half8(0, (const __private half*)&u);
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
void k_main(__global const half* restrict b_x, __global const half* restrict b_w, __global const half* restrict b_g, __global half* restrict b_y, __global const half* restrict b_e0_0) {
    __local float4 drift_shared4[16];
    __local float drift_shared[256];
    const uint group = min((uint)get_group_id(0) + (uint)get_group_id(1) * 5u, 4u);
    const uint lane = (uint)get_local_id(0);
const uint sub = lane % 8u;
    const uint row_raw = group * 32u + lane / 8u;
    const uint row = min(row_raw, 159u);
    const uint c0 = 0u;
    const uint c1 = 0u;
    float acc = 0.0f;
    float ss = 0.0f;
    float ssl = 0.0f;
    for (uint i = lane; i < 8u; i += 256u) {
        const float4 xa0 = drift_half8(b_x, i).lo;
        ssl += dot(xa0, xa0);
        const float4 xa1 = drift_half8(b_x, i).hi;
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
        drift_shared4[i * 2u + 0u] = drift_half8(b_x, i).lo * inv * drift_half8(b_g, i).lo;
        drift_shared4[i * 2u + 1u] = drift_half8(b_x, i).hi * inv * drift_half8(b_g, i).hi;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    const uint base = row * 8u;
    for (uint q = 0u; q < 1u; ++q) {
        const uint j0 = q * 8u + sub + 0u;
        const float8 w0 = drift_half8_stream(b_w, base + j0);
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
        const float8 wj = drift_half8_stream(b_w, base + j);
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
    if (sub == 0u && row_raw < 160u) {
        const uint c2 = row;
        float v = drift_shared[lane];
    v = (vload_half(((((uint)(0)) * 1u + ((uint)(0))) * 160u + ((uint)(c2))), b_e0_0) * v);

        vstore_half(v, ((((uint)(c0)) * 1u + ((uint)(c1))) * 160u + ((uint)(c2))), b_y);
    }
}

// ===== linear_matvec_f16_25 =====
float8 drift_half8(__global const half* p, uint j) {
    const uint4 u = ((__global const uint4*)p)[j];
    return vload_half8(0, (const __private half*)&u);
}
uint4 drift_ld_stream(__global const uint4* p, uint j) {
    uint a, b, c, d;
    __asm__("ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0,%1,%2,%3}, [%4];" : "=r"(a), "=r"(b), "=r"(c), "=r"(d) : "l"((ulong)(p + j)));
    return (uint4)(a, b, c, d);
}
float8 drift_half8_stream(__global const half* p, uint j) {
    const uint4 u = drift_ld_stream((__global const uint4*)p, j);
    return vload_half8(0, (const __private half*)&u);
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
void k_main(__global const half* restrict b_x, __global const half* restrict b_w, __global half* restrict b_y, __global const half* restrict b_e0_0) {
    __local float drift_shared[256];
    const uint group = min((uint)get_group_id(0) + (uint)get_group_id(1) * 4u, 3u);
    const uint lane = (uint)get_local_id(0);
const uint sub = lane % 16u;
    const uint row_raw = group * 16u + lane / 16u;
    const uint row = min(row_raw, 63u);
    const uint c0 = 0u;
    const uint c1 = 0u;
    float acc = 0.0f;
    float ss = 0.0f;
    const uint base = row * 20u;
    for (uint q = 0u; q < 1u; ++q) {
        const uint j0 = q * 16u + sub + 0u;
        const float8 w0 = drift_half8_stream(b_w, base + j0);
        {
            float part = 0.0f;
            const float4 x0 = drift_half8(b_x, (j0) * 1u + 0u).lo;
            part += dot(w0.lo, x0);
            const float4 x1 = drift_half8(b_x, (j0) * 1u + 0u).hi;
            part += dot(w0.hi, x1);
            acc += part;
        }
    }
    for (uint j = 16u + sub; j < 20u; j += 16u) {
        const float8 wj = drift_half8_stream(b_w, base + j);
        float part = 0.0f;
            const float4 x0 = drift_half8(b_x, (j) * 1u + 0u).lo;
            part += dot(wj.lo, x0);
            const float4 x1 = drift_half8(b_x, (j) * 1u + 0u).hi;
            part += dot(wj.hi, x1);
        acc += part;
    }
    // Every lane of a row ends with the row's sums (shuffles within its aligned lanes).
    drift_shared[lane] = drift_lanes_sum(acc, 16u);
    barrier(CLK_LOCAL_MEM_FENCE);
    if (sub == 0u && row_raw < 64u) {
        const uint c2 = row;
        float v = drift_shared[lane];
    v = (vload_half(((((uint)(0)) * 1u + ((uint)(0))) * 64u + ((uint)(c2))), b_e0_0) + v);

        vstore_half(v, ((((uint)(c0)) * 1u + ((uint)(c1))) * 64u + ((uint)(c2))), b_y);
    }
}

// ===== arg_reduce_i32_26 =====
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

