// ===== row_stats_f16_0 =====
// language: metal2.4
#include <metal_stdlib>
#include <simd/simd.h>

using metal::uint;

struct _mslBufferSizes {
    uint size0;
    uint size1;
};

typedef half type_1[1];

struct main_Input {
};
[[max_total_threads_per_threadgroup(256)]] kernel void main_(
  metal::uint3 gid [[thread_position_in_grid]]
, device type_1 const& b_x [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    float mean = 0.0;
    uint j = 0u;
    float sq = 0.0;
    uint j_1 = 0u;
    uint i = gid.x + (gid.y * 256u);
    if (i >= 8u) {
        return;
    }
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e27 = j;
            j = _e27 + 1u;
        }
        loop_init = false;
        uint _e12 = j;
        if (_e12 < 256u) {
        } else {
            break;
        }
        {
            float _e15 = mean;
            uint _e20 = j;
            half _e24 = b_x[metal::min(unsigned((static_cast<uint>(i) * 256u) + static_cast<uint>(_e20)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            mean = _e15 + static_cast<float>(_e24);
        }
    }
    float _e30 = mean;
    mean = _e30 / 256.0;
    bool loop_init_1 = true;
    while(true) {
        if (!loop_init_1) {
            uint _e55 = j_1;
            j_1 = _e55 + 1u;
        }
        loop_init_1 = false;
        uint _e37 = j_1;
        if (_e37 < 256u) {
        } else {
            break;
        }
        {
            uint _e44 = j_1;
            half _e48 = b_x[metal::min(unsigned((static_cast<uint>(i) * 256u) + static_cast<uint>(_e44)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            float _e50 = mean;
            float d = static_cast<float>(_e48) - _e50;
            float _e52 = sq;
            sq = _e52 + (d * d);
        }
    }
    float _e65 = mean;
    b_y[metal::min(unsigned((static_cast<uint>(i) * 2u) + 0u), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(_e65);
    float _e74 = sq;
    b_y[metal::min(unsigned((static_cast<uint>(i) * 2u) + 1u), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(1.0 / metal::sqrt((_e74 / 256.0) + 0.00001));
    return;
}

// ===== conv2d_direct_f16_1 =====
// language: metal2.4
#include <metal_stdlib>
#include <simd/simd.h>

using metal::uint;

struct _mslBufferSizes {
    uint size0;
    uint size1;
    uint size2;
    uint size3;
    uint size4;
    uint size5;
    uint size6;
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
, device type_1 const& b_x [[user(fake0)]]
, device type_1 const& b_w [[user(fake0)]]
, device type_1 const& b_stats [[user(fake0)]]
, device type_1 const& b_gamma [[user(fake0)]]
, device type_1 const& b_beta [[user(fake0)]]
, device type_1 const& b_b [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    float v = {};
    uint ic = 0u;
    uint ky = {};
    bool local = {};
    uint kx = {};
    bool local_1 = {};
    uint i = gid.x + (gid.y * 2048u);
    if (i >= 2048u) {
        return;
    }
    uint n = naga_div(i, 2048u);
    uint oc = naga_mod(naga_div(i, 64u), 32u);
    uint oy = naga_mod(naga_div(i, 8u), 8u);
    uint ox = naga_mod(i, 8u);
    uint g = naga_div(oc, 32u);
    half _e25 = b_b[metal::min(unsigned(static_cast<uint>(oc)), (_buffer_sizes.size5 - 0 - 2) / 2)];
    v = static_cast<float>(_e25);
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e236 = ic;
            ic = _e236 + 1u;
        }
        loop_init = false;
        uint _e30 = ic;
        if (_e30 < 32u) {
        } else {
            break;
        }
        {
            uint _e35 = ic;
            uint c = (g * 32u) + _e35;
            ky = 0u;
            bool loop_init_1 = true;
            while(true) {
                if (!loop_init_1) {
                    uint _e233 = ky;
                    ky = _e233 + 1u;
                }
                loop_init_1 = false;
                uint _e39 = ky;
                if (_e39 < 3u) {
                } else {
                    break;
                }
                {
                    uint _e44 = ky;
                    int iy = as_type<int>(as_type<uint>(static_cast<int>((oy * 1u) + (_e44 * 1u))) - as_type<uint>(1));
                    if (!((iy < 0))) {
                        local = iy >= 8;
                    } else {
                        local = true;
                    }
                    bool _e59 = local;
                    if (_e59) {
                        continue;
                    }
                    kx = 0u;
                    bool loop_init_2 = true;
                    while(true) {
                        if (!loop_init_2) {
                            uint _e230 = kx;
                            kx = _e230 + 1u;
                        }
                        loop_init_2 = false;
                        uint _e62 = kx;
                        if (_e62 < 3u) {
                        } else {
                            break;
                        }
                        {
                            uint _e67 = kx;
                            int ix = as_type<int>(as_type<uint>(static_cast<int>((ox * 1u) + (_e67 * 1u))) - as_type<uint>(1));
                            if (!((ix < 0))) {
                                local_1 = ix >= 8;
                            } else {
                                local_1 = true;
                            }
                            bool _e82 = local_1;
                            if (_e82) {
                                continue;
                            }
                            float _e83 = v;
                            half _e99 = b_x[metal::min(unsigned((((((static_cast<uint>(n) * 32u) + static_cast<uint>(c)) * 8u) + static_cast<uint>(iy)) * 8u) + static_cast<uint>(ix)), (_buffer_sizes.size0 - 0 - 2) / 2)];
                            half _e113 = b_stats[metal::min(unsigned((static_cast<uint>((n * 8u) + naga_div(c, 4u)) * 2u) + 0u), (_buffer_sizes.size2 - 0 - 2) / 2)];
                            half _e128 = b_stats[metal::min(unsigned((static_cast<uint>((n * 8u) + naga_div(c, 4u)) * 2u) + 1u), (_buffer_sizes.size2 - 0 - 2) / 2)];
                            half _e134 = b_gamma[metal::min(unsigned(static_cast<uint>(c)), (_buffer_sizes.size3 - 0 - 2) / 2)];
                            half _e140 = b_beta[metal::min(unsigned(static_cast<uint>(c)), (_buffer_sizes.size4 - 0 - 2) / 2)];
                            half _e158 = b_x[metal::min(unsigned((((((static_cast<uint>(n) * 32u) + static_cast<uint>(c)) * 8u) + static_cast<uint>(iy)) * 8u) + static_cast<uint>(ix)), (_buffer_sizes.size0 - 0 - 2) / 2)];
                            half _e172 = b_stats[metal::min(unsigned((static_cast<uint>((n * 8u) + naga_div(c, 4u)) * 2u) + 0u), (_buffer_sizes.size2 - 0 - 2) / 2)];
                            half _e187 = b_stats[metal::min(unsigned((static_cast<uint>((n * 8u) + naga_div(c, 4u)) * 2u) + 1u), (_buffer_sizes.size2 - 0 - 2) / 2)];
                            half _e193 = b_gamma[metal::min(unsigned(static_cast<uint>(c)), (_buffer_sizes.size3 - 0 - 2) / 2)];
                            half _e199 = b_beta[metal::min(unsigned(static_cast<uint>(c)), (_buffer_sizes.size4 - 0 - 2) / 2)];
                            uint _e212 = ic;
                            uint _e217 = ky;
                            uint _e222 = kx;
                            half _e226 = b_w[metal::min(unsigned((((((static_cast<uint>(oc) * 32u) + static_cast<uint>(_e212)) * 3u) + static_cast<uint>(_e217)) * 3u) + static_cast<uint>(_e222)), (_buffer_sizes.size1 - 0 - 2) / 2)];
                            v = _e83 + ((((((static_cast<float>(_e99) - static_cast<float>(_e113)) * static_cast<float>(_e128)) * static_cast<float>(_e134)) + static_cast<float>(_e140)) / (1.0 + metal::exp(-1.0 * ((((static_cast<float>(_e158) - static_cast<float>(_e172)) * static_cast<float>(_e187)) * static_cast<float>(_e193)) + static_cast<float>(_e199))))) * static_cast<float>(_e226));
                        }
                    }
                }
            }
        }
    }
    float _e254 = v;
    b_y[metal::min(unsigned((((((static_cast<uint>(n) * 32u) + static_cast<uint>(oc)) * 8u) + static_cast<uint>(oy)) * 8u) + static_cast<uint>(ox)), (_buffer_sizes.size6 - 0 - 2) / 2)] = static_cast<half>(_e254);
    return;
}

// ===== conv2d_direct_f16_2 =====
// language: metal2.4
#include <metal_stdlib>
#include <simd/simd.h>

using metal::uint;

struct _mslBufferSizes {
    uint size0;
    uint size1;
    uint size2;
    uint size3;
    uint size4;
    uint size5;
    uint size6;
    uint size7;
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
, device type_1 const& b_x [[user(fake0)]]
, device type_1 const& b_w [[user(fake0)]]
, device type_1 const& b_stats [[user(fake0)]]
, device type_1 const& b_gamma [[user(fake0)]]
, device type_1 const& b_beta [[user(fake0)]]
, device type_1 const& b_b [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, device type_1 const& b_e0_1_ [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    float v = {};
    uint ic = 0u;
    uint ky = {};
    bool local = {};
    uint kx = {};
    bool local_1 = {};
    uint i = gid.x + (gid.y * 2048u);
    if (i >= 2048u) {
        return;
    }
    uint n = naga_div(i, 2048u);
    uint oc = naga_mod(naga_div(i, 64u), 32u);
    uint oy = naga_mod(naga_div(i, 8u), 8u);
    uint ox = naga_mod(i, 8u);
    uint g = naga_div(oc, 32u);
    half _e25 = b_b[metal::min(unsigned(static_cast<uint>(oc)), (_buffer_sizes.size5 - 0 - 2) / 2)];
    v = static_cast<float>(_e25);
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e236 = ic;
            ic = _e236 + 1u;
        }
        loop_init = false;
        uint _e30 = ic;
        if (_e30 < 32u) {
        } else {
            break;
        }
        {
            uint _e35 = ic;
            uint c = (g * 32u) + _e35;
            ky = 0u;
            bool loop_init_1 = true;
            while(true) {
                if (!loop_init_1) {
                    uint _e233 = ky;
                    ky = _e233 + 1u;
                }
                loop_init_1 = false;
                uint _e39 = ky;
                if (_e39 < 3u) {
                } else {
                    break;
                }
                {
                    uint _e44 = ky;
                    int iy = as_type<int>(as_type<uint>(static_cast<int>((oy * 1u) + (_e44 * 1u))) - as_type<uint>(1));
                    if (!((iy < 0))) {
                        local = iy >= 8;
                    } else {
                        local = true;
                    }
                    bool _e59 = local;
                    if (_e59) {
                        continue;
                    }
                    kx = 0u;
                    bool loop_init_2 = true;
                    while(true) {
                        if (!loop_init_2) {
                            uint _e230 = kx;
                            kx = _e230 + 1u;
                        }
                        loop_init_2 = false;
                        uint _e62 = kx;
                        if (_e62 < 3u) {
                        } else {
                            break;
                        }
                        {
                            uint _e67 = kx;
                            int ix = as_type<int>(as_type<uint>(static_cast<int>((ox * 1u) + (_e67 * 1u))) - as_type<uint>(1));
                            if (!((ix < 0))) {
                                local_1 = ix >= 8;
                            } else {
                                local_1 = true;
                            }
                            bool _e82 = local_1;
                            if (_e82) {
                                continue;
                            }
                            float _e83 = v;
                            half _e99 = b_x[metal::min(unsigned((((((static_cast<uint>(n) * 32u) + static_cast<uint>(c)) * 8u) + static_cast<uint>(iy)) * 8u) + static_cast<uint>(ix)), (_buffer_sizes.size0 - 0 - 2) / 2)];
                            half _e113 = b_stats[metal::min(unsigned((static_cast<uint>((n * 8u) + naga_div(c, 4u)) * 2u) + 0u), (_buffer_sizes.size2 - 0 - 2) / 2)];
                            half _e128 = b_stats[metal::min(unsigned((static_cast<uint>((n * 8u) + naga_div(c, 4u)) * 2u) + 1u), (_buffer_sizes.size2 - 0 - 2) / 2)];
                            half _e134 = b_gamma[metal::min(unsigned(static_cast<uint>(c)), (_buffer_sizes.size3 - 0 - 2) / 2)];
                            half _e140 = b_beta[metal::min(unsigned(static_cast<uint>(c)), (_buffer_sizes.size4 - 0 - 2) / 2)];
                            half _e158 = b_x[metal::min(unsigned((((((static_cast<uint>(n) * 32u) + static_cast<uint>(c)) * 8u) + static_cast<uint>(iy)) * 8u) + static_cast<uint>(ix)), (_buffer_sizes.size0 - 0 - 2) / 2)];
                            half _e172 = b_stats[metal::min(unsigned((static_cast<uint>((n * 8u) + naga_div(c, 4u)) * 2u) + 0u), (_buffer_sizes.size2 - 0 - 2) / 2)];
                            half _e187 = b_stats[metal::min(unsigned((static_cast<uint>((n * 8u) + naga_div(c, 4u)) * 2u) + 1u), (_buffer_sizes.size2 - 0 - 2) / 2)];
                            half _e193 = b_gamma[metal::min(unsigned(static_cast<uint>(c)), (_buffer_sizes.size3 - 0 - 2) / 2)];
                            half _e199 = b_beta[metal::min(unsigned(static_cast<uint>(c)), (_buffer_sizes.size4 - 0 - 2) / 2)];
                            uint _e212 = ic;
                            uint _e217 = ky;
                            uint _e222 = kx;
                            half _e226 = b_w[metal::min(unsigned((((((static_cast<uint>(oc) * 32u) + static_cast<uint>(_e212)) * 3u) + static_cast<uint>(_e217)) * 3u) + static_cast<uint>(_e222)), (_buffer_sizes.size1 - 0 - 2) / 2)];
                            v = _e83 + ((((((static_cast<float>(_e99) - static_cast<float>(_e113)) * static_cast<float>(_e128)) * static_cast<float>(_e134)) + static_cast<float>(_e140)) / (1.0 + metal::exp(-1.0 * ((((static_cast<float>(_e158) - static_cast<float>(_e172)) * static_cast<float>(_e187)) * static_cast<float>(_e193)) + static_cast<float>(_e199))))) * static_cast<float>(_e226));
                        }
                    }
                }
            }
        }
    }
    float _e239 = v;
    half _e253 = b_e0_1_[metal::min(unsigned(((((0u + static_cast<uint>(oc)) * 8u) + static_cast<uint>(oy)) * 8u) + static_cast<uint>(ox)), (_buffer_sizes.size7 - 0 - 2) / 2)];
    v = _e239 + static_cast<float>(_e253);
    float _e271 = v;
    b_y[metal::min(unsigned((((((static_cast<uint>(n) * 32u) + static_cast<uint>(oc)) * 8u) + static_cast<uint>(oy)) * 8u) + static_cast<uint>(ox)), (_buffer_sizes.size6 - 0 - 2) / 2)] = static_cast<half>(_e271);
    return;
}

// ===== copy_permute_f16_3 =====
// language: metal2.4
#include <metal_stdlib>
#include <simd/simd.h>

using metal::uint;

struct _mslBufferSizes {
    uint size0;
    uint size1;
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
, device type_1 const& b_x [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    uint i = gid.x + (gid.y * 2048u);
    if (i >= 2048u) {
        return;
    }
    uint o0_ = naga_div(i, 2048u);
    uint o1_ = naga_mod(naga_div(i, 32u), 64u);
    uint o2_ = naga_mod(i, 32u);
    half _e38 = b_x[metal::min(unsigned((((static_cast<uint>(o0_) * 32u) + static_cast<uint>(o2_)) * 64u) + static_cast<uint>(o1_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
    b_y[metal::min(unsigned((((static_cast<uint>(o0_) * 64u) + static_cast<uint>(o1_)) * 32u) + static_cast<uint>(o2_)), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(static_cast<float>(_e38));
    return;
}

// ===== row_norm_f16_4 =====
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

struct main_Input {
};
[[max_total_threads_per_threadgroup(256)]] kernel void main_(
  metal::uint3 gid [[thread_position_in_grid]]
, device type_1 const& b_x [[user(fake0)]]
, device type_1 const& b_scale [[user(fake0)]]
, device type_1 const& b_bias [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    float mean = 0.0;
    uint j = 0u;
    float sq = 0.0;
    uint j_1 = 0u;
    uint j_2 = 0u;
    float v = {};
    uint i = gid.x + (gid.y * 256u);
    if (i >= 64u) {
        return;
    }
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e27 = j;
            j = _e27 + 1u;
        }
        loop_init = false;
        uint _e12 = j;
        if (_e12 < 32u) {
        } else {
            break;
        }
        {
            float _e15 = mean;
            uint _e20 = j;
            half _e24 = b_x[metal::min(unsigned((static_cast<uint>(i) * 32u) + static_cast<uint>(_e20)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            mean = _e15 + static_cast<float>(_e24);
        }
    }
    float _e30 = mean;
    mean = _e30 / 32.0;
    bool loop_init_1 = true;
    while(true) {
        if (!loop_init_1) {
            uint _e55 = j_1;
            j_1 = _e55 + 1u;
        }
        loop_init_1 = false;
        uint _e37 = j_1;
        if (_e37 < 32u) {
        } else {
            break;
        }
        {
            uint _e44 = j_1;
            half _e48 = b_x[metal::min(unsigned((static_cast<uint>(i) * 32u) + static_cast<uint>(_e44)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            float _e50 = mean;
            float d = static_cast<float>(_e48) - _e50;
            float _e52 = sq;
            sq = _e52 + (d * d);
        }
    }
    float _e58 = sq;
    float inv = 1.0 / metal::sqrt((_e58 / 32.0) + 0.00001);
    bool loop_init_2 = true;
    while(true) {
        if (!loop_init_2) {
            uint _e111 = j_2;
            j_2 = _e111 + 1u;
        }
        loop_init_2 = false;
        uint _e68 = j_2;
        if (_e68 < 32u) {
        } else {
            break;
        }
        {
            uint _e75 = j_2;
            half _e79 = b_x[metal::min(unsigned((static_cast<uint>(i) * 32u) + static_cast<uint>(_e75)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            float _e81 = mean;
            v = (static_cast<float>(_e79) - _e81) * inv;
            float _e85 = v;
            uint _e87 = j_2;
            half _e90 = b_scale[metal::min(unsigned(static_cast<uint>(_e87)), (_buffer_sizes.size1 - 0 - 2) / 2)];
            v = _e85 * static_cast<float>(_e90);
            float _e93 = v;
            uint _e95 = j_2;
            half _e98 = b_bias[metal::min(unsigned(static_cast<uint>(_e95)), (_buffer_sizes.size2 - 0 - 2) / 2)];
            v = _e93 + static_cast<float>(_e98);
            uint _e105 = j_2;
            float _e109 = v;
            b_y[metal::min(unsigned((static_cast<uint>(i) * 32u) + static_cast<uint>(_e105)), (_buffer_sizes.size3 - 0 - 2) / 2)] = static_cast<half>(_e109);
        }
    }
    return;
}

// ===== matmul_f16_5 =====
// language: metal2.4
#include <metal_stdlib>
#include <simd/simd.h>

using metal::uint;

struct _mslBufferSizes {
    uint size0;
    uint size1;
    uint size2;
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
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    float acc = 0.0;
    uint p = 0u;
    float v = {};
    uint i = gid.x + (gid.y * 2048u);
    if (i >= 2048u) {
        return;
    }
    uint c0_ = naga_div(i, 2048u);
    uint c1_ = naga_mod(naga_div(i, 32u), 64u);
    uint c2_ = naga_mod(i, 32u);
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e50 = p;
            p = _e50 + 1u;
        }
        loop_init = false;
        uint _e20 = p;
        if (_e20 < 32u) {
        } else {
            break;
        }
        {
            uint _e29 = p;
            half _e33 = b_a[metal::min(unsigned(((0u + static_cast<uint>(c1_)) * 32u) + static_cast<uint>(_e29)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            float av = static_cast<float>(_e33);
            uint _e37 = p;
            half _e45 = b_b[metal::min(unsigned(((0u + static_cast<uint>(_e37)) * 32u) + static_cast<uint>(c2_)), (_buffer_sizes.size1 - 0 - 2) / 2)];
            float bv = static_cast<float>(_e45);
            float _e47 = acc;
            acc = _e47 + (av * bv);
        }
    }
    float _e53 = acc;
    v = 1.0 * _e53;
    float _e68 = v;
    b_y[metal::min(unsigned((((static_cast<uint>(c0_) * 64u) + static_cast<uint>(c1_)) * 32u) + static_cast<uint>(c2_)), (_buffer_sizes.size2 - 0 - 2) / 2)] = static_cast<half>(_e68);
    return;
}

// ===== copy_permute_f16_6 =====
// language: metal2.4
#include <metal_stdlib>
#include <simd/simd.h>

using metal::uint;

struct _mslBufferSizes {
    uint size0;
    uint size1;
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
, device type_1 const& b_x [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    uint i = gid.x + (gid.y * 2048u);
    if (i >= 2048u) {
        return;
    }
    uint o0_ = naga_div(i, 2048u);
    uint o1_ = naga_mod(naga_div(i, 1024u), 2u);
    uint o2_ = naga_mod(naga_div(i, 16u), 64u);
    uint o3_ = naga_mod(i, 16u);
    half _e50 = b_x[metal::min(unsigned((((((static_cast<uint>(o0_) * 64u) + static_cast<uint>(o2_)) * 2u) + static_cast<uint>(o1_)) * 16u) + static_cast<uint>(o3_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
    b_y[metal::min(unsigned((((((static_cast<uint>(o0_) * 64u) + static_cast<uint>(o2_)) * 16u) + static_cast<uint>(o3_)) * 4u) + static_cast<uint>(o1_)), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(static_cast<float>(_e50));
    return;
}

// ===== copy_permute_f16_7 =====
// language: metal2.4
#include <metal_stdlib>
#include <simd/simd.h>

using metal::uint;

struct _mslBufferSizes {
    uint size0;
    uint size1;
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
, device type_1 const& b_x [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    uint i = gid.x + (gid.y * 2048u);
    if (i >= 2048u) {
        return;
    }
    uint o0_ = naga_div(i, 2048u);
    uint o1_ = naga_mod(naga_div(i, 1024u), 2u);
    uint o2_ = naga_mod(naga_div(i, 64u), 16u);
    uint o3_ = naga_mod(i, 64u);
    half _e50 = b_x[metal::min(unsigned((((((static_cast<uint>(o0_) * 64u) + static_cast<uint>(o3_)) * 2u) + static_cast<uint>(o1_)) * 16u) + static_cast<uint>(o2_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
    b_y[metal::min(unsigned((((((static_cast<uint>(o0_) * 16u) + static_cast<uint>(o2_)) * 64u) + static_cast<uint>(o3_)) * 4u) + static_cast<uint>(o1_)), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(static_cast<float>(_e50));
    return;
}

// ===== attention_rows_f16_8 =====
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
struct type_5 {
    float inner[16];
};
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
, device type_1 const& b_q [[user(fake0)]]
, device type_1 const& b_kt [[user(fake0)]]
, device type_1 const& b_v [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    float mx = -340282350000000000000000000000000000000.0;
    float l = 0.0;
    type_5 acc = {};
    uint e = 0u;
    uint j = 0u;
    float s = {};
    uint dd = {};
    uint e_1 = {};
    uint e_2 = 0u;
    uint i = gid.x + (gid.y * 256u);
    if (i >= 128u) {
        return;
    }
    uint b0_ = naga_div(i, 128u);
    uint b1_ = naga_mod(naga_div(i, 64u), 2u);
    uint n = naga_mod(i, 64u);
    uint ch = naga_mod(i, 1u);
    uint e0_ = ch * 16u;
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e33 = e;
            e = _e33 + 1u;
        }
        loop_init = false;
        uint _e27 = e;
        if (_e27 < 16u) {
        } else {
            break;
        }
        {
            uint _e30 = e;
            acc.inner[metal::min(unsigned(_e30), 15u)] = 0.0;
        }
    }
    bool loop_init_1 = true;
    while(true) {
        if (!loop_init_1) {
            uint _e138 = j;
            j = _e138 + 1u;
        }
        loop_init_1 = false;
        uint _e38 = j;
        if (_e38 < 64u) {
        } else {
            break;
        }
        {
            s = 0.0;
            dd = 0u;
            bool loop_init_2 = true;
            while(true) {
                if (!loop_init_2) {
                    uint _e84 = dd;
                    dd = _e84 + 1u;
                }
                loop_init_2 = false;
                uint _e45 = dd;
                if (_e45 < 16u) {
                } else {
                    break;
                }
                {
                    float _e48 = s;
                    uint _e55 = dd;
                    half _e63 = b_q[metal::min(unsigned(((((0u + static_cast<uint>(n)) * 16u) + static_cast<uint>(_e55)) * 4u) + static_cast<uint>(b1_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
                    uint _e67 = dd;
                    uint _e72 = j;
                    half _e80 = b_kt[metal::min(unsigned(((((0u + static_cast<uint>(_e67)) * 64u) + static_cast<uint>(_e72)) * 4u) + static_cast<uint>(b1_)), (_buffer_sizes.size1 - 0 - 2) / 2)];
                    s = _e48 + (static_cast<float>(_e63) * static_cast<float>(_e80));
                }
            }
            float _e87 = s;
            s = _e87 * 0.25;
            float _e90 = mx;
            float _e91 = s;
            float m_new = metal::max(_e90, _e91);
            float _e93 = mx;
            float corr = metal::exp(_e93 - m_new);
            float _e96 = s;
            float p = metal::exp(_e96 - m_new);
            float _e99 = l;
            l = (_e99 * corr) + p;
            e_1 = 0u;
            bool loop_init_3 = true;
            while(true) {
                if (!loop_init_3) {
                    uint _e135 = e_1;
                    e_1 = _e135 + 1u;
                }
                loop_init_3 = false;
                uint _e104 = e_1;
                if (_e104 < 16u) {
                } else {
                    break;
                }
                {
                    uint _e107 = e_1;
                    uint col = metal::min(e0_ + _e107, 15u);
                    uint _e111 = e_1;
                    uint _e113 = e_1;
                    float _e115 = acc.inner[metal::min(unsigned(_e113), 15u)];
                    uint _e119 = j;
                    half _e131 = b_v[metal::min(unsigned(((((0u + static_cast<uint>(_e119)) * 16u) + static_cast<uint>(col)) * 4u) + static_cast<uint>(b1_)), (_buffer_sizes.size2 - 0 - 2) / 2)];
                    acc.inner[metal::min(unsigned(_e111), 15u)] = (_e115 * corr) + (p * static_cast<float>(_e131));
                }
            }
            mx = m_new;
        }
    }
    bool loop_init_4 = true;
    while(true) {
        if (!loop_init_4) {
            uint _e171 = e_2;
            e_2 = _e171 + 1u;
        }
        loop_init_4 = false;
        uint _e143 = e_2;
        if (_e143 < 16u) {
        } else {
            break;
        }
        {
            uint _e146 = e_2;
            uint col_1 = e0_ + _e146;
            if (col_1 < 16u) {
                uint _e150 = e_2;
                float _e152 = acc.inner[metal::min(unsigned(_e150), 15u)];
                float _e153 = l;
                float v = _e152 / _e153;
                b_y[metal::min(unsigned((((((static_cast<uint>(b0_) * 64u) + static_cast<uint>(n)) * 16u) + static_cast<uint>(col_1)) * 4u) + static_cast<uint>(b1_)), (_buffer_sizes.size3 - 0 - 2) / 2)] = static_cast<half>(v);
            }
        }
    }
    return;
}

// ===== copy_permute_f16_9 =====
// language: metal2.4
#include <metal_stdlib>
#include <simd/simd.h>

using metal::uint;

struct _mslBufferSizes {
    uint size0;
    uint size1;
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
, device type_1 const& b_x [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    uint i = gid.x + (gid.y * 2048u);
    if (i >= 2048u) {
        return;
    }
    uint o0_ = naga_div(i, 2048u);
    uint o1_ = naga_mod(naga_div(i, 32u), 64u);
    uint o2_ = naga_mod(naga_div(i, 16u), 2u);
    uint o3_ = naga_mod(i, 16u);
    half _e50 = b_x[metal::min(unsigned((((((static_cast<uint>(o0_) * 64u) + static_cast<uint>(o1_)) * 16u) + static_cast<uint>(o3_)) * 4u) + static_cast<uint>(o2_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
    b_y[metal::min(unsigned((((((static_cast<uint>(o0_) * 64u) + static_cast<uint>(o1_)) * 2u) + static_cast<uint>(o2_)) * 16u) + static_cast<uint>(o3_)), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(static_cast<float>(_e50));
    return;
}

// ===== matmul_f16_10 =====
// language: metal2.4
#include <metal_stdlib>
#include <simd/simd.h>

using metal::uint;

struct _mslBufferSizes {
    uint size0;
    uint size1;
    uint size2;
    uint size3;
    uint size4;
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
, device type_1 const& b_e0_0_ [[user(fake0)]]
, device type_1 const& b_e1_1_ [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    float acc = 0.0;
    uint p = 0u;
    float v = {};
    uint i = gid.x + (gid.y * 2048u);
    if (i >= 2048u) {
        return;
    }
    uint c0_ = naga_div(i, 2048u);
    uint c1_ = naga_mod(naga_div(i, 32u), 64u);
    uint c2_ = naga_mod(i, 32u);
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e50 = p;
            p = _e50 + 1u;
        }
        loop_init = false;
        uint _e20 = p;
        if (_e20 < 32u) {
        } else {
            break;
        }
        {
            uint _e29 = p;
            half _e33 = b_a[metal::min(unsigned(((0u + static_cast<uint>(c1_)) * 32u) + static_cast<uint>(_e29)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            float av = static_cast<float>(_e33);
            uint _e37 = p;
            half _e45 = b_b[metal::min(unsigned(((0u + static_cast<uint>(_e37)) * 32u) + static_cast<uint>(c2_)), (_buffer_sizes.size1 - 0 - 2) / 2)];
            float bv = static_cast<float>(_e45);
            float _e47 = acc;
            acc = _e47 + (av * bv);
        }
    }
    float _e53 = acc;
    v = 1.0 * _e53;
    half _e60 = b_e0_0_[metal::min(unsigned(static_cast<uint>(c2_)), (_buffer_sizes.size3 - 0 - 2) / 2)];
    float _e62 = v;
    v = static_cast<float>(_e60) + _e62;
    float _e64 = v;
    half _e74 = b_e1_1_[metal::min(unsigned(((0u + static_cast<uint>(c1_)) * 32u) + static_cast<uint>(c2_)), (_buffer_sizes.size4 - 0 - 2) / 2)];
    v = _e64 + static_cast<float>(_e74);
    float _e88 = v;
    b_y[metal::min(unsigned((((static_cast<uint>(c0_) * 64u) + static_cast<uint>(c1_)) * 32u) + static_cast<uint>(c2_)), (_buffer_sizes.size2 - 0 - 2) / 2)] = static_cast<half>(_e88);
    return;
}

// ===== matmul_f16_11 =====
// language: metal2.4
#include <metal_stdlib>
#include <simd/simd.h>

using metal::uint;

struct _mslBufferSizes {
    uint size0;
    uint size1;
    uint size2;
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
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    float acc = 0.0;
    uint p = 0u;
    float v = {};
    uint i = gid.x + (gid.y * 256u);
    if (i >= 224u) {
        return;
    }
    uint c0_ = naga_div(i, 224u);
    uint c1_ = naga_mod(naga_div(i, 32u), 7u);
    uint c2_ = naga_mod(i, 32u);
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e50 = p;
            p = _e50 + 1u;
        }
        loop_init = false;
        uint _e20 = p;
        if (_e20 < 24u) {
        } else {
            break;
        }
        {
            uint _e29 = p;
            half _e33 = b_a[metal::min(unsigned(((0u + static_cast<uint>(c1_)) * 24u) + static_cast<uint>(_e29)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            float av = static_cast<float>(_e33);
            uint _e37 = p;
            half _e45 = b_b[metal::min(unsigned(((0u + static_cast<uint>(_e37)) * 32u) + static_cast<uint>(c2_)), (_buffer_sizes.size1 - 0 - 2) / 2)];
            float bv = static_cast<float>(_e45);
            float _e47 = acc;
            acc = _e47 + (av * bv);
        }
    }
    float _e53 = acc;
    v = 1.0 * _e53;
    float _e68 = v;
    b_y[metal::min(unsigned((((static_cast<uint>(c0_) * 7u) + static_cast<uint>(c1_)) * 32u) + static_cast<uint>(c2_)), (_buffer_sizes.size2 - 0 - 2) / 2)] = static_cast<half>(_e68);
    return;
}

// ===== copy_permute_f16_12 =====
// language: metal2.4
#include <metal_stdlib>
#include <simd/simd.h>

using metal::uint;

struct _mslBufferSizes {
    uint size0;
    uint size1;
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
, device type_1 const& b_x [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    uint i = gid.x + (gid.y * 256u);
    if (i >= 224u) {
        return;
    }
    uint o0_ = naga_div(i, 224u);
    uint o1_ = naga_mod(naga_div(i, 112u), 2u);
    uint o2_ = naga_mod(naga_div(i, 16u), 7u);
    uint o3_ = naga_mod(i, 16u);
    half _e50 = b_x[metal::min(unsigned((((((static_cast<uint>(o0_) * 7u) + static_cast<uint>(o2_)) * 2u) + static_cast<uint>(o1_)) * 16u) + static_cast<uint>(o3_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
    b_y[metal::min(unsigned((((((static_cast<uint>(o0_) * 7u) + static_cast<uint>(o2_)) * 16u) + static_cast<uint>(o3_)) * 4u) + static_cast<uint>(o1_)), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(static_cast<float>(_e50));
    return;
}

// ===== copy_permute_f16_13 =====
// language: metal2.4
#include <metal_stdlib>
#include <simd/simd.h>

using metal::uint;

struct _mslBufferSizes {
    uint size0;
    uint size1;
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
, device type_1 const& b_x [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    uint i = gid.x + (gid.y * 256u);
    if (i >= 224u) {
        return;
    }
    uint o0_ = naga_div(i, 224u);
    uint o1_ = naga_mod(naga_div(i, 112u), 2u);
    uint o2_ = naga_mod(naga_div(i, 7u), 16u);
    uint o3_ = naga_mod(i, 7u);
    half _e50 = b_x[metal::min(unsigned((((((static_cast<uint>(o0_) * 7u) + static_cast<uint>(o3_)) * 2u) + static_cast<uint>(o1_)) * 16u) + static_cast<uint>(o2_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
    b_y[metal::min(unsigned((((((static_cast<uint>(o0_) * 16u) + static_cast<uint>(o2_)) * 7u) + static_cast<uint>(o3_)) * 4u) + static_cast<uint>(o1_)), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(static_cast<float>(_e50));
    return;
}

// ===== attention_rows_f16_14 =====
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
struct type_5 {
    float inner[16];
};
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
, device type_1 const& b_q [[user(fake0)]]
, device type_1 const& b_kt [[user(fake0)]]
, device type_1 const& b_v [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    float mx = -340282350000000000000000000000000000000.0;
    float l = 0.0;
    type_5 acc = {};
    uint e = 0u;
    uint j = 0u;
    float s = {};
    uint dd = {};
    uint e_1 = {};
    uint e_2 = 0u;
    uint i = gid.x + (gid.y * 256u);
    if (i >= 128u) {
        return;
    }
    uint b0_ = naga_div(i, 128u);
    uint b1_ = naga_mod(naga_div(i, 64u), 2u);
    uint n = naga_mod(i, 64u);
    uint ch = naga_mod(i, 1u);
    uint e0_ = ch * 16u;
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e33 = e;
            e = _e33 + 1u;
        }
        loop_init = false;
        uint _e27 = e;
        if (_e27 < 16u) {
        } else {
            break;
        }
        {
            uint _e30 = e;
            acc.inner[metal::min(unsigned(_e30), 15u)] = 0.0;
        }
    }
    bool loop_init_1 = true;
    while(true) {
        if (!loop_init_1) {
            uint _e138 = j;
            j = _e138 + 1u;
        }
        loop_init_1 = false;
        uint _e38 = j;
        if (_e38 < 7u) {
        } else {
            break;
        }
        {
            s = 0.0;
            dd = 0u;
            bool loop_init_2 = true;
            while(true) {
                if (!loop_init_2) {
                    uint _e84 = dd;
                    dd = _e84 + 1u;
                }
                loop_init_2 = false;
                uint _e45 = dd;
                if (_e45 < 16u) {
                } else {
                    break;
                }
                {
                    float _e48 = s;
                    uint _e55 = dd;
                    half _e63 = b_q[metal::min(unsigned(((((0u + static_cast<uint>(n)) * 16u) + static_cast<uint>(_e55)) * 4u) + static_cast<uint>(b1_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
                    uint _e67 = dd;
                    uint _e72 = j;
                    half _e80 = b_kt[metal::min(unsigned(((((0u + static_cast<uint>(_e67)) * 7u) + static_cast<uint>(_e72)) * 4u) + static_cast<uint>(b1_)), (_buffer_sizes.size1 - 0 - 2) / 2)];
                    s = _e48 + (static_cast<float>(_e63) * static_cast<float>(_e80));
                }
            }
            float _e87 = s;
            s = _e87 * 0.25;
            float _e90 = mx;
            float _e91 = s;
            float m_new = metal::max(_e90, _e91);
            float _e93 = mx;
            float corr = metal::exp(_e93 - m_new);
            float _e96 = s;
            float p = metal::exp(_e96 - m_new);
            float _e99 = l;
            l = (_e99 * corr) + p;
            e_1 = 0u;
            bool loop_init_3 = true;
            while(true) {
                if (!loop_init_3) {
                    uint _e135 = e_1;
                    e_1 = _e135 + 1u;
                }
                loop_init_3 = false;
                uint _e104 = e_1;
                if (_e104 < 16u) {
                } else {
                    break;
                }
                {
                    uint _e107 = e_1;
                    uint col = metal::min(e0_ + _e107, 15u);
                    uint _e111 = e_1;
                    uint _e113 = e_1;
                    float _e115 = acc.inner[metal::min(unsigned(_e113), 15u)];
                    uint _e119 = j;
                    half _e131 = b_v[metal::min(unsigned(((((0u + static_cast<uint>(_e119)) * 16u) + static_cast<uint>(col)) * 4u) + static_cast<uint>(b1_)), (_buffer_sizes.size2 - 0 - 2) / 2)];
                    acc.inner[metal::min(unsigned(_e111), 15u)] = (_e115 * corr) + (p * static_cast<float>(_e131));
                }
            }
            mx = m_new;
        }
    }
    bool loop_init_4 = true;
    while(true) {
        if (!loop_init_4) {
            uint _e171 = e_2;
            e_2 = _e171 + 1u;
        }
        loop_init_4 = false;
        uint _e143 = e_2;
        if (_e143 < 16u) {
        } else {
            break;
        }
        {
            uint _e146 = e_2;
            uint col_1 = e0_ + _e146;
            if (col_1 < 16u) {
                uint _e150 = e_2;
                float _e152 = acc.inner[metal::min(unsigned(_e150), 15u)];
                float _e153 = l;
                float v = _e152 / _e153;
                b_y[metal::min(unsigned((((((static_cast<uint>(b0_) * 64u) + static_cast<uint>(n)) * 16u) + static_cast<uint>(col_1)) * 4u) + static_cast<uint>(b1_)), (_buffer_sizes.size3 - 0 - 2) / 2)] = static_cast<half>(v);
            }
        }
    }
    return;
}

// ===== matmul_f16_15 =====
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

float drift_erf(
    float x
) {
    float t = 1.0 / (1.0 + (0.5 * metal::abs(x)));
    float y = 1.0 - (t * metal::exp(((-(x) * x) - 1.2655122) + (t * (1.0000237 + (t * (0.37409195 + (t * (0.09678418 + (t * (-0.18628806 + (t * (0.27886808 + (t * (-1.135204 + (t * (1.4885159 + (t * (-0.82215226 + (t * 0.17087276)))))))))))))))))));
    return (x >= 0.0) ? y : -(y);
}
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
, device type_1 const& b_e0_0_ [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    float acc = 0.0;
    uint p = 0u;
    float v = {};
    uint i = gid.x + (gid.y * 8192u);
    if (i >= 8192u) {
        return;
    }
    uint c0_ = naga_div(i, 8192u);
    uint c1_ = naga_mod(naga_div(i, 128u), 64u);
    uint c2_ = naga_mod(i, 128u);
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e50 = p;
            p = _e50 + 1u;
        }
        loop_init = false;
        uint _e20 = p;
        if (_e20 < 32u) {
        } else {
            break;
        }
        {
            uint _e29 = p;
            half _e33 = b_a[metal::min(unsigned(((0u + static_cast<uint>(c1_)) * 32u) + static_cast<uint>(_e29)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            float av = static_cast<float>(_e33);
            uint _e37 = p;
            half _e45 = b_b[metal::min(unsigned(((0u + static_cast<uint>(_e37)) * 128u) + static_cast<uint>(c2_)), (_buffer_sizes.size1 - 0 - 2) / 2)];
            float bv = static_cast<float>(_e45);
            float _e47 = acc;
            acc = _e47 + (av * bv);
        }
    }
    float _e53 = acc;
    v = 1.0 * _e53;
    half _e60 = b_e0_0_[metal::min(unsigned(static_cast<uint>(c2_)), (_buffer_sizes.size3 - 0 - 2) / 2)];
    float _e62 = v;
    v = static_cast<float>(_e60) + _e62;
    float _e64 = v;
    float _e67 = v;
    float _e70 = drift_erf(_e67 * 0.70710677);
    v = (0.5 * _e64) * (1.0 + _e70);
    float _e85 = v;
    b_y[metal::min(unsigned((((static_cast<uint>(c0_) * 64u) + static_cast<uint>(c1_)) * 128u) + static_cast<uint>(c2_)), (_buffer_sizes.size2 - 0 - 2) / 2)] = static_cast<half>(_e85);
    return;
}

// ===== matmul_f16_16 =====
// language: metal2.4
#include <metal_stdlib>
#include <simd/simd.h>

using metal::uint;

struct _mslBufferSizes {
    uint size0;
    uint size1;
    uint size2;
    uint size3;
    uint size4;
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
, device type_1 const& b_e0_0_ [[user(fake0)]]
, device type_1 const& b_e1_1_ [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    float acc = 0.0;
    uint p = 0u;
    float v = {};
    uint i = gid.x + (gid.y * 2048u);
    if (i >= 2048u) {
        return;
    }
    uint c0_ = naga_div(i, 2048u);
    uint c1_ = naga_mod(naga_div(i, 32u), 64u);
    uint c2_ = naga_mod(i, 32u);
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e50 = p;
            p = _e50 + 1u;
        }
        loop_init = false;
        uint _e20 = p;
        if (_e20 < 128u) {
        } else {
            break;
        }
        {
            uint _e29 = p;
            half _e33 = b_a[metal::min(unsigned(((0u + static_cast<uint>(c1_)) * 128u) + static_cast<uint>(_e29)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            float av = static_cast<float>(_e33);
            uint _e37 = p;
            half _e45 = b_b[metal::min(unsigned(((0u + static_cast<uint>(_e37)) * 32u) + static_cast<uint>(c2_)), (_buffer_sizes.size1 - 0 - 2) / 2)];
            float bv = static_cast<float>(_e45);
            float _e47 = acc;
            acc = _e47 + (av * bv);
        }
    }
    float _e53 = acc;
    v = 1.0 * _e53;
    half _e60 = b_e0_0_[metal::min(unsigned(static_cast<uint>(c2_)), (_buffer_sizes.size3 - 0 - 2) / 2)];
    float _e62 = v;
    v = static_cast<float>(_e60) + _e62;
    float _e64 = v;
    half _e74 = b_e1_1_[metal::min(unsigned(((0u + static_cast<uint>(c1_)) * 32u) + static_cast<uint>(c2_)), (_buffer_sizes.size4 - 0 - 2) / 2)];
    v = _e64 + static_cast<float>(_e74);
    float _e88 = v;
    b_y[metal::min(unsigned((((static_cast<uint>(c0_) * 64u) + static_cast<uint>(c1_)) * 32u) + static_cast<uint>(c2_)), (_buffer_sizes.size2 - 0 - 2) / 2)] = static_cast<half>(_e88);
    return;
}

// ===== copy_permute_f16_17 =====
// language: metal2.4
#include <metal_stdlib>
#include <simd/simd.h>

using metal::uint;

struct _mslBufferSizes {
    uint size0;
    uint size1;
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
, device type_1 const& b_x [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    uint i = gid.x + (gid.y * 2048u);
    if (i >= 2048u) {
        return;
    }
    uint o0_ = naga_div(i, 2048u);
    uint o1_ = naga_mod(naga_div(i, 64u), 32u);
    uint o2_ = naga_mod(i, 64u);
    half _e38 = b_x[metal::min(unsigned((((static_cast<uint>(o0_) * 64u) + static_cast<uint>(o2_)) * 32u) + static_cast<uint>(o1_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
    b_y[metal::min(unsigned((((static_cast<uint>(o0_) * 32u) + static_cast<uint>(o1_)) * 64u) + static_cast<uint>(o2_)), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(static_cast<float>(_e38));
    return;
}

