// ===== elementwise_f16_0 =====
// language: metal2.4
#include <metal_stdlib>
#include <simd/simd.h>

using metal::uint;

struct _mslBufferSizes {
    uint size0;
    uint size1;
    uint size2;
    uint size3;
};

typedef half type_1[1];
uint naga_div(uint lhs, uint rhs) {
    return lhs / metal::select(rhs, 1u, rhs == 0u);
}

uint naga_mod(uint lhs, uint rhs) {
    return lhs % metal::select(rhs, 1u, rhs == 0u);
}


struct main_Input {
};
[[max_total_threads_per_threadgroup(256)]] kernel void main_(
  metal::uint3 gid [[thread_position_in_grid]]
, device type_1 const& b_a0_ [[user(fake0)]]
, device type_1 const& b_a1_ [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, device type_1 const& b_e0_1_ [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    float v = {};
    uint i = gid.x + (gid.y * 256u);
    if (i >= 96u) {
        return;
    }
    uint c0_ = naga_div(i, 96u);
    uint c1_ = naga_mod(i, 96u);
    half _e17 = b_a0_[metal::min(unsigned(0u + static_cast<uint>(c1_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
    half _e24 = b_a1_[metal::min(unsigned(0u + static_cast<uint>(c1_)), (_buffer_sizes.size1 - 0 - 2) / 2)];
    v = static_cast<float>(_e17) + static_cast<float>(_e24);
    float _e28 = v;
    half _e32 = b_e0_1_[metal::min(unsigned(static_cast<uint>(c1_)), (_buffer_sizes.size3 - 0 - 2) / 2)];
    v = _e28 * static_cast<float>(_e32);
    float _e42 = v;
    b_y[metal::min(unsigned((static_cast<uint>(c0_) * 96u) + static_cast<uint>(c1_)), (_buffer_sizes.size2 - 0 - 2) / 2)] = static_cast<half>(_e42);
    return;
}

// ===== matvec_f16_1 =====
// language: metal2.4
#include <metal_stdlib>
#include <simd/simd.h>

using metal::uint;

struct _mslBufferSizes {
    uint size0;
    uint size1;
    uint size2;
    uint size3;
};

typedef half type_1[1];
struct type_3 {
    float inner[256];
};
uint naga_mod(uint lhs, uint rhs) {
    return lhs % metal::select(rhs, 1u, rhs == 0u);
}

uint naga_div(uint lhs, uint rhs) {
    return lhs / metal::select(rhs, 1u, rhs == 0u);
}


struct main_Input {
};
[[max_total_threads_per_threadgroup(256)]] kernel void main_(
  metal::uint3 wid [[threadgroup_position_in_grid]]
, metal::uint3 lid [[thread_position_in_threadgroup]]
, device type_1 const& b_x [[user(fake0)]]
, device type_1 const& b_w [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, device type_1 const& b_e0_1_ [[user(fake0)]]
, threadgroup type_3& drift_shared
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    float a0_ = 0.0;
    float a1_ = 0.0;
    float a2_ = 0.0;
    float a3_ = 0.0;
    uint q = 0u;
    uint p = {};
    uint s = 8u;
    bool local = {};
    float v = {};
    uint group = metal::min(wid.x + (wid.y * 1u), 0u);
    uint lane = lid.x;
    uint col_in = naga_mod(lane, 16u);
    uint slice = naga_div(lane, 16u);
    uint col_raw = (group * 16u) + col_in;
    uint c1_ = metal::min(col_raw, 9u);
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e119 = q;
            q = _e119 + 1u;
        }
        loop_init = false;
        uint _e30 = q;
        if (_e30 < 1u) {
        } else {
            break;
        }
        {
            uint _e33 = q;
            uint p0_ = (_e33 * 64u) + slice;
            uint p1_ = p0_ + 16u;
            uint p2_ = p1_ + 16u;
            uint p3_ = p2_ + 16u;
            float _e43 = a0_;
            half _e49 = b_x[metal::min(unsigned(0u + static_cast<uint>(p0_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            half _e58 = b_w[metal::min(unsigned((static_cast<uint>(p0_) * 10u) + static_cast<uint>(c1_)), (_buffer_sizes.size1 - 0 - 2) / 2)];
            a0_ = _e43 + (static_cast<float>(_e49) * static_cast<float>(_e58));
            float _e62 = a1_;
            half _e68 = b_x[metal::min(unsigned(0u + static_cast<uint>(p1_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            half _e77 = b_w[metal::min(unsigned((static_cast<uint>(p1_) * 10u) + static_cast<uint>(c1_)), (_buffer_sizes.size1 - 0 - 2) / 2)];
            a1_ = _e62 + (static_cast<float>(_e68) * static_cast<float>(_e77));
            float _e81 = a2_;
            half _e87 = b_x[metal::min(unsigned(0u + static_cast<uint>(p2_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            half _e96 = b_w[metal::min(unsigned((static_cast<uint>(p2_) * 10u) + static_cast<uint>(c1_)), (_buffer_sizes.size1 - 0 - 2) / 2)];
            a2_ = _e81 + (static_cast<float>(_e87) * static_cast<float>(_e96));
            float _e100 = a3_;
            half _e106 = b_x[metal::min(unsigned(0u + static_cast<uint>(p3_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            half _e115 = b_w[metal::min(unsigned((static_cast<uint>(p3_) * 10u) + static_cast<uint>(c1_)), (_buffer_sizes.size1 - 0 - 2) / 2)];
            a3_ = _e100 + (static_cast<float>(_e106) * static_cast<float>(_e115));
        }
    }
    p = 64u + slice;
    bool loop_init_1 = true;
    while(true) {
        if (!loop_init_1) {
            uint _e149 = p;
            p = _e149 + 16u;
        }
        loop_init_1 = false;
        uint _e125 = p;
        if (_e125 < 96u) {
        } else {
            break;
        }
        {
            float _e128 = a0_;
            uint _e131 = p;
            half _e135 = b_x[metal::min(unsigned(0u + static_cast<uint>(_e131)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            uint _e138 = p;
            half _e145 = b_w[metal::min(unsigned((static_cast<uint>(_e138) * 10u) + static_cast<uint>(c1_)), (_buffer_sizes.size1 - 0 - 2) / 2)];
            a0_ = _e128 + (static_cast<float>(_e135) * static_cast<float>(_e145));
        }
    }
    float _e154 = a0_;
    float _e155 = a1_;
    float _e157 = a2_;
    float _e158 = a3_;
    drift_shared.inner[metal::min(unsigned(lane), 255u)] = (_e154 + _e155) + (_e157 + _e158);
    metal::threadgroup_barrier(metal::mem_flags::mem_threadgroup);
    bool loop_init_2 = true;
    while(true) {
        if (!loop_init_2) {
            uint _e181 = s;
            s = naga_div(_e181, 2u);
        }
        loop_init_2 = false;
        uint _e163 = s;
        if (_e163 > 0u) {
        } else {
            break;
        }
        {
            uint _e166 = s;
            if (slice < _e166) {
                float _e172 = drift_shared.inner[metal::min(unsigned(lane), 255u)];
                uint _e174 = s;
                float _e179 = drift_shared.inner[metal::min(unsigned(lane + (_e174 * 16u)), 255u)];
                drift_shared.inner[metal::min(unsigned(lane), 255u)] = _e172 + _e179;
            }
            metal::threadgroup_barrier(metal::mem_flags::mem_threadgroup);
        }
    }
    if (slice == 0u) {
        local = col_raw < 10u;
    } else {
        local = false;
    }
    bool _e191 = local;
    if (_e191) {
        float _e194 = drift_shared.inner[metal::min(unsigned(col_in), 255u)];
        v = _e194;
        float _e196 = v;
        half _e200 = b_e0_1_[metal::min(unsigned(static_cast<uint>(c1_)), (_buffer_sizes.size3 - 0 - 2) / 2)];
        v = _e196 + static_cast<float>(_e200);
        float _e210 = v;
        b_y[metal::min(unsigned((static_cast<uint>(0u) * 10u) + static_cast<uint>(c1_)), (_buffer_sizes.size2 - 0 - 2) / 2)] = static_cast<half>(_e210);
        return;
    } else {
        return;
    }
}

