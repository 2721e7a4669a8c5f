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
            uint _e133 = q;
            q = _e133 + 1u;
        }
        loop_init = false;
        uint _e30 = q;
        if (_e30 < 1u) {
        } else {
            break;
        }
        {
            uint _e33 = q;
            uint p0_ = ((_e33 * 64u) + slice) + 0u;
            uint _e39 = q;
            uint p1_ = ((_e39 * 64u) + slice) + 16u;
            uint _e45 = q;
            uint p2_ = ((_e45 * 64u) + slice) + 32u;
            uint _e51 = q;
            uint p3_ = ((_e51 * 64u) + slice) + 48u;
            float _e57 = a0_;
            half _e63 = b_x[metal::min(unsigned(0u + static_cast<uint>(p0_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            half _e72 = b_w[metal::min(unsigned((static_cast<uint>(p0_) * 10u) + static_cast<uint>(c1_)), (_buffer_sizes.size1 - 0 - 2) / 2)];
            a0_ = _e57 + (static_cast<float>(_e63) * static_cast<float>(_e72));
            float _e76 = a1_;
            half _e82 = b_x[metal::min(unsigned(0u + static_cast<uint>(p1_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            half _e91 = b_w[metal::min(unsigned((static_cast<uint>(p1_) * 10u) + static_cast<uint>(c1_)), (_buffer_sizes.size1 - 0 - 2) / 2)];
            a1_ = _e76 + (static_cast<float>(_e82) * static_cast<float>(_e91));
            float _e95 = a2_;
            half _e101 = b_x[metal::min(unsigned(0u + static_cast<uint>(p2_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            half _e110 = b_w[metal::min(unsigned((static_cast<uint>(p2_) * 10u) + static_cast<uint>(c1_)), (_buffer_sizes.size1 - 0 - 2) / 2)];
            a2_ = _e95 + (static_cast<float>(_e101) * static_cast<float>(_e110));
            float _e114 = a3_;
            half _e120 = b_x[metal::min(unsigned(0u + static_cast<uint>(p3_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            half _e129 = b_w[metal::min(unsigned((static_cast<uint>(p3_) * 10u) + static_cast<uint>(c1_)), (_buffer_sizes.size1 - 0 - 2) / 2)];
            a3_ = _e114 + (static_cast<float>(_e120) * static_cast<float>(_e129));
        }
    }
    p = 64u + slice;
    bool loop_init_1 = true;
    while(true) {
        if (!loop_init_1) {
            uint _e163 = p;
            p = _e163 + 16u;
        }
        loop_init_1 = false;
        uint _e139 = p;
        if (_e139 < 96u) {
        } else {
            break;
        }
        {
            float _e142 = a0_;
            uint _e145 = p;
            half _e149 = b_x[metal::min(unsigned(0u + static_cast<uint>(_e145)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            uint _e152 = p;
            half _e159 = b_w[metal::min(unsigned((static_cast<uint>(_e152) * 10u) + static_cast<uint>(c1_)), (_buffer_sizes.size1 - 0 - 2) / 2)];
            a0_ = _e142 + (static_cast<float>(_e149) * static_cast<float>(_e159));
        }
    }
    float _e168 = a0_;
    float _e169 = a1_;
    float _e171 = a2_;
    float _e173 = a3_;
    drift_shared.inner[metal::min(unsigned(lane), 255u)] = ((_e168 + _e169) + _e171) + _e173;
    metal::threadgroup_barrier(metal::mem_flags::mem_threadgroup);
    bool loop_init_2 = true;
    while(true) {
        if (!loop_init_2) {
            uint _e195 = s;
            s = naga_div(_e195, 2u);
        }
        loop_init_2 = false;
        uint _e177 = s;
        if (_e177 > 0u) {
        } else {
            break;
        }
        {
            uint _e180 = s;
            if (slice < _e180) {
                float _e186 = drift_shared.inner[metal::min(unsigned(lane), 255u)];
                uint _e188 = s;
                float _e193 = drift_shared.inner[metal::min(unsigned(lane + (_e188 * 16u)), 255u)];
                drift_shared.inner[metal::min(unsigned(lane), 255u)] = _e186 + _e193;
            }
            metal::threadgroup_barrier(metal::mem_flags::mem_threadgroup);
        }
    }
    if (slice == 0u) {
        local = col_raw < 10u;
    } else {
        local = false;
    }
    bool _e205 = local;
    if (_e205) {
        float _e208 = drift_shared.inner[metal::min(unsigned(col_in), 255u)];
        v = _e208;
        float _e210 = v;
        half _e214 = b_e0_1_[metal::min(unsigned(static_cast<uint>(c1_)), (_buffer_sizes.size3 - 0 - 2) / 2)];
        v = _e210 + static_cast<float>(_e214);
        float _e224 = v;
        b_y[metal::min(unsigned((static_cast<uint>(0u) * 10u) + static_cast<uint>(c1_)), (_buffer_sizes.size2 - 0 - 2) / 2)] = static_cast<half>(_e224);
        return;
    } else {
        return;
    }
}

