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

// ===== matmul_f16_1 =====
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
, device type_1 const& b_a [[user(fake0)]]
, device type_1 const& b_b [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, device type_1 const& b_e0_1_ [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    float acc = 0.0;
    uint p = 0u;
    float v = {};
    uint i = gid.x + (gid.y * 256u);
    if (i >= 10u) {
        return;
    }
    uint c0_ = naga_div(i, 10u);
    uint c1_ = naga_mod(i, 10u);
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e40 = p;
            p = _e40 + 1u;
        }
        loop_init = false;
        uint _e16 = p;
        if (_e16 < 96u) {
        } else {
            break;
        }
        {
            uint _e21 = p;
            half _e25 = b_a[metal::min(unsigned(0u + static_cast<uint>(_e21)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            float av = static_cast<float>(_e25);
            uint _e28 = p;
            half _e35 = b_b[metal::min(unsigned((static_cast<uint>(_e28) * 10u) + static_cast<uint>(c1_)), (_buffer_sizes.size1 - 0 - 2) / 2)];
            float bv = static_cast<float>(_e35);
            float _e37 = acc;
            acc = _e37 + (av * bv);
        }
    }
    float _e43 = acc;
    v = 1.0 * _e43;
    float _e47 = v;
    half _e51 = b_e0_1_[metal::min(unsigned(static_cast<uint>(c1_)), (_buffer_sizes.size3 - 0 - 2) / 2)];
    v = _e47 + static_cast<float>(_e51);
    float _e61 = v;
    b_y[metal::min(unsigned((static_cast<uint>(c0_) * 10u) + static_cast<uint>(c1_)), (_buffer_sizes.size2 - 0 - 2) / 2)] = static_cast<half>(_e61);
    return;
}

