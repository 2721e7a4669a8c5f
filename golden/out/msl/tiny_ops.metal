// ===== conv_transpose2d_f16_0 =====
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

int naga_mod(int lhs, int rhs) {
    int divisor = metal::select(rhs, 1, (lhs == (-2147483647 - 1) & rhs == -1) | (rhs == 0));
    return lhs - (lhs / divisor) * divisor;
}

int naga_div(int lhs, int rhs) {
    return lhs / metal::select(rhs, 1, (lhs == (-2147483647 - 1) & rhs == -1) | (rhs == 0));
}


struct main_Input {
};
[[max_total_threads_per_threadgroup(256)]] kernel void main_(
  metal::uint3 gid [[thread_position_in_grid]]
, device type_1 const& b_x [[user(fake0)]]
, device type_1 const& b_w [[user(fake0)]]
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
    uint i = gid.x + (gid.y * 1280u);
    if (i >= 1280u) {
        return;
    }
    uint n = naga_div(i, 1280u);
    uint oc = naga_mod(naga_div(i, 256u), 5u);
    uint oy = naga_mod(naga_div(i, 16u), 16u);
    uint ox = naga_mod(i, 16u);
    uint g = naga_div(oc, 5u);
    uint ocl = naga_mod(oc, 5u);
    half _e27 = b_b[metal::min(unsigned(static_cast<uint>(oc)), (_buffer_sizes.size2 - 0 - 2) / 2)];
    v = static_cast<float>(_e27);
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e140 = ic;
            ic = _e140 + 1u;
        }
        loop_init = false;
        uint _e32 = ic;
        if (_e32 < 3u) {
        } else {
            break;
        }
        {
            uint _e37 = ic;
            uint c = (g * 3u) + _e37;
            ky = 0u;
            bool loop_init_1 = true;
            while(true) {
                if (!loop_init_1) {
                    uint _e137 = ky;
                    ky = _e137 + 1u;
                }
                loop_init_1 = false;
                uint _e41 = ky;
                if (_e41 < 3u) {
                } else {
                    break;
                }
                {
                    uint _e47 = ky;
                    int ny = as_type<int>(as_type<uint>(as_type<int>(as_type<uint>(static_cast<int>(oy)) + as_type<uint>(1))) - as_type<uint>(static_cast<int>(_e47 * 1u)));
                    if (!((ny < 0))) {
                        local = naga_mod(ny, 2) != 0;
                    } else {
                        local = true;
                    }
                    bool _e62 = local;
                    if (_e62) {
                        continue;
                    }
                    int iy = naga_div(ny, 2);
                    if (iy >= 8) {
                        continue;
                    }
                    kx = 0u;
                    bool loop_init_2 = true;
                    while(true) {
                        if (!loop_init_2) {
                            uint _e134 = kx;
                            kx = _e134 + 1u;
                        }
                        loop_init_2 = false;
                        uint _e69 = kx;
                        if (_e69 < 3u) {
                        } else {
                            break;
                        }
                        {
                            uint _e75 = kx;
                            int nx = as_type<int>(as_type<uint>(as_type<int>(as_type<uint>(static_cast<int>(ox)) + as_type<uint>(1))) - as_type<uint>(static_cast<int>(_e75 * 1u)));
                            if (!((nx < 0))) {
                                local_1 = naga_mod(nx, 2) != 0;
                            } else {
                                local_1 = true;
                            }
                            bool _e90 = local_1;
                            if (_e90) {
                                continue;
                            }
                            int ix = naga_div(nx, 2);
                            if (ix >= 8) {
                                continue;
                            }
                            float _e95 = v;
                            half _e111 = b_x[metal::min(unsigned((((((static_cast<uint>(n) * 3u) + static_cast<uint>(c)) * 8u) + static_cast<uint>(iy)) * 8u) + static_cast<uint>(ix)), (_buffer_sizes.size0 - 0 - 2) / 2)];
                            uint _e121 = ky;
                            uint _e126 = kx;
                            half _e130 = b_w[metal::min(unsigned((((((static_cast<uint>(c) * 5u) + static_cast<uint>(ocl)) * 3u) + static_cast<uint>(_e121)) * 3u) + static_cast<uint>(_e126)), (_buffer_sizes.size1 - 0 - 2) / 2)];
                            v = _e95 + (static_cast<float>(_e111) * static_cast<float>(_e130));
                        }
                    }
                }
            }
        }
    }
    float _e143 = v;
    float _e144 = v;
    float _e147 = v;
    v = (_e147 < 0.0) ? (0.1 * _e144) : _e143;
    float _e166 = v;
    b_y[metal::min(unsigned((((((static_cast<uint>(n) * 16u) + static_cast<uint>(oy)) * 16u) + static_cast<uint>(ox)) * 8u) + static_cast<uint>(oc)), (_buffer_sizes.size3 - 0 - 2) / 2)] = static_cast<half>(_e166);
    return;
}

// ===== pool2d_f16_1 =====
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
, device type_1 const& b_x [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, device type_1 const& b_e0_1_ [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    float v = 0.0;
    uint count = 0u;
    uint ky = 0u;
    uint kx = {};
    bool local = {};
    bool local_1 = {};
    bool local_2 = {};
    uint i = gid.x + (gid.y * 512u);
    if (i >= 320u) {
        return;
    }
    uint n = naga_div(i, 320u);
    uint c = naga_mod(naga_div(i, 64u), 5u);
    uint oy = naga_mod(naga_div(i, 8u), 8u);
    uint ox = naga_mod(i, 8u);
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e104 = ky;
            ky = _e104 + 1u;
        }
        loop_init = false;
        uint _e26 = ky;
        if (_e26 < 3u) {
        } else {
            break;
        }
        {
            uint _e31 = ky;
            int iy = as_type<int>(as_type<uint>(static_cast<int>((oy * 2u) + (_e31 * 1u))) - as_type<uint>(1));
            if (iy >= 17) {
                continue;
            }
            kx = 0u;
            bool loop_init_1 = true;
            while(true) {
                if (!loop_init_1) {
                    uint _e101 = kx;
                    kx = _e101 + 1u;
                }
                loop_init_1 = false;
                uint _e42 = kx;
                if (_e42 < 3u) {
                } else {
                    break;
                }
                {
                    uint _e47 = kx;
                    int ix = as_type<int>(as_type<uint>(static_cast<int>((ox * 2u) + (_e47 * 1u))) - as_type<uint>(1));
                    if (ix >= 17) {
                        continue;
                    }
                    if (!((iy < 0))) {
                        local = iy >= 16;
                    } else {
                        local = true;
                    }
                    bool _e64 = local;
                    if (!(_e64)) {
                        local_1 = ix < 0;
                    } else {
                        local_1 = true;
                    }
                    bool _e71 = local_1;
                    if (!(_e71)) {
                        local_2 = ix >= 16;
                    } else {
                        local_2 = true;
                    }
                    bool _e78 = local_2;
                    if (_e78) {
                        continue;
                    }
                    half _e94 = b_x[metal::min(unsigned((((((static_cast<uint>(n) * 16u) + static_cast<uint>(iy)) * 16u) + static_cast<uint>(ix)) * 8u) + static_cast<uint>(c)), (_buffer_sizes.size0 - 0 - 2) / 2)];
                    float xv = static_cast<float>(_e94);
                    float _e96 = v;
                    v = _e96 + xv;
                    uint _e98 = count;
                    count = _e98 + 1u;
                }
            }
        }
    }
    float _e107 = v;
    uint _e108 = count;
    v = _e107 / static_cast<float>(metal::max(_e108, 1u));
    float _e113 = v;
    half _e127 = b_e0_1_[metal::min(unsigned(((((0u + static_cast<uint>(c)) * 8u) + static_cast<uint>(oy)) * 8u) + static_cast<uint>(ox)), (_buffer_sizes.size2 - 0 - 2) / 2)];
    v = _e113 * static_cast<float>(_e127);
    float _e130 = v;
    v = 1.0 / (1.0 + metal::exp(-(_e130)));
    float _e152 = v;
    b_y[metal::min(unsigned((((((static_cast<uint>(n) * 8u) + static_cast<uint>(oy)) * 8u) + static_cast<uint>(ox)) * 8u) + static_cast<uint>(c)), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(_e152);
    return;
}

// ===== elementwise_f16_2 =====
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
, device type_1 const& b_a0_ [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    float v = {};
    uint i = gid.x + (gid.y * 256u);
    if (i >= 192u) {
        return;
    }
    uint c0_ = naga_div(i, 192u);
    uint c1_ = naga_mod(naga_div(i, 64u), 3u);
    uint c2_ = naga_mod(naga_div(i, 8u), 8u);
    uint c3_ = naga_mod(i, 8u);
    half _e33 = b_a0_[metal::min(unsigned(((((0u + static_cast<uint>(c1_)) * 8u) + static_cast<uint>(c2_)) * 8u) + static_cast<uint>(c3_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
    v = metal::tanh(static_cast<float>(_e33));
    float _e52 = v;
    b_y[metal::min(unsigned((((((static_cast<uint>(c0_) * 3u) + static_cast<uint>(c1_)) * 8u) + static_cast<uint>(c2_)) * 8u) + static_cast<uint>(c3_)), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(_e52);
    return;
}

// ===== slice_copy_f16_3 =====
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
    uint i = gid.x + (gid.y * 512u);
    if (i >= 320u) {
        return;
    }
    uint r0_ = naga_div(i, 320u);
    uint r1_ = naga_mod(naga_div(i, 64u), 5u);
    uint r2_ = naga_mod(naga_div(i, 8u), 8u);
    uint r3_ = naga_mod(i, 8u);
    int s0_ = as_type<int>(as_type<uint>(0) + as_type<uint>(as_type<int>(as_type<uint>(static_cast<int>(r0_)) * as_type<uint>(1))));
    int t0_ = as_type<int>(as_type<uint>(0) + as_type<uint>(as_type<int>(as_type<uint>(static_cast<int>(r0_)) * as_type<uint>(1))));
    int s1_ = as_type<int>(as_type<uint>(0) + as_type<uint>(as_type<int>(as_type<uint>(static_cast<int>(r1_)) * as_type<uint>(1))));
    int t1_ = as_type<int>(as_type<uint>(0) + as_type<uint>(as_type<int>(as_type<uint>(static_cast<int>(r1_)) * as_type<uint>(1))));
    int s2_ = as_type<int>(as_type<uint>(0) + as_type<uint>(as_type<int>(as_type<uint>(static_cast<int>(r2_)) * as_type<uint>(1))));
    int t2_ = as_type<int>(as_type<uint>(0) + as_type<uint>(as_type<int>(as_type<uint>(static_cast<int>(r2_)) * as_type<uint>(1))));
    int s3_ = as_type<int>(as_type<uint>(0) + as_type<uint>(as_type<int>(as_type<uint>(static_cast<int>(r3_)) * as_type<uint>(1))));
    int t3_ = as_type<int>(as_type<uint>(0) + as_type<uint>(as_type<int>(as_type<uint>(static_cast<int>(r3_)) * as_type<uint>(1))));
    half _e90 = b_x[metal::min(unsigned((((((static_cast<uint>(s0_) * 8u) + static_cast<uint>(s2_)) * 8u) + static_cast<uint>(s3_)) * 8u) + static_cast<uint>(s1_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
    b_y[metal::min(unsigned((((((static_cast<uint>(t0_) * 8u) + static_cast<uint>(t1_)) * 8u) + static_cast<uint>(t2_)) * 8u) + static_cast<uint>(t3_)), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(static_cast<float>(_e90));
    return;
}

// ===== slice_copy_f16_4 =====
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
    if (i >= 192u) {
        return;
    }
    uint r0_ = naga_div(i, 192u);
    uint r1_ = naga_mod(naga_div(i, 64u), 3u);
    uint r2_ = naga_mod(naga_div(i, 8u), 8u);
    uint r3_ = naga_mod(i, 8u);
    int s0_ = as_type<int>(as_type<uint>(0) + as_type<uint>(as_type<int>(as_type<uint>(static_cast<int>(r0_)) * as_type<uint>(1))));
    int t0_ = as_type<int>(as_type<uint>(0) + as_type<uint>(as_type<int>(as_type<uint>(static_cast<int>(r0_)) * as_type<uint>(1))));
    int s1_ = as_type<int>(as_type<uint>(0) + as_type<uint>(as_type<int>(as_type<uint>(static_cast<int>(r1_)) * as_type<uint>(1))));
    int t1_ = as_type<int>(as_type<uint>(5) + as_type<uint>(as_type<int>(as_type<uint>(static_cast<int>(r1_)) * as_type<uint>(1))));
    int s2_ = as_type<int>(as_type<uint>(0) + as_type<uint>(as_type<int>(as_type<uint>(static_cast<int>(r2_)) * as_type<uint>(1))));
    int t2_ = as_type<int>(as_type<uint>(0) + as_type<uint>(as_type<int>(as_type<uint>(static_cast<int>(r2_)) * as_type<uint>(1))));
    int s3_ = as_type<int>(as_type<uint>(0) + as_type<uint>(as_type<int>(as_type<uint>(static_cast<int>(r3_)) * as_type<uint>(1))));
    int t3_ = as_type<int>(as_type<uint>(0) + as_type<uint>(as_type<int>(as_type<uint>(static_cast<int>(r3_)) * as_type<uint>(1))));
    half _e90 = b_x[metal::min(unsigned((((((static_cast<uint>(s0_) * 3u) + static_cast<uint>(s1_)) * 8u) + static_cast<uint>(s2_)) * 8u) + static_cast<uint>(s3_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
    b_y[metal::min(unsigned((((((static_cast<uint>(t0_) * 8u) + static_cast<uint>(t1_)) * 8u) + static_cast<uint>(t2_)) * 8u) + static_cast<uint>(t3_)), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(static_cast<float>(_e90));
    return;
}

// ===== elementwise_f16_5 =====
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
};

typedef half type_1[1];

float drift_pow(
    float x,
    float y
) {
    bool local = {};
    if (y == 0.0) {
        return 1.0;
    }
    if (x < 0.0) {
        local = y == metal::floor(y);
    } else {
        local = false;
    }
    bool _e12 = local;
    if (_e12) {
        float r = metal::pow(-(x), y);
        return ((y * 0.5) != metal::floor(y * 0.5)) ? -(r) : r;
    }
    return metal::pow(x, y);
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
, device type_1 const& b_a0_ [[user(fake0)]]
, device type_1 const& b_a1_ [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, device type_1 const& b_e0_1_ [[user(fake0)]]
, device type_1 const& b_e1_1_ [[user(fake0)]]
, device type_1 const& b_e2_1_ [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    float v = {};
    uint i = gid.x + (gid.y * 512u);
    if (i >= 512u) {
        return;
    }
    uint c0_ = naga_div(i, 512u);
    uint c1_ = naga_mod(naga_div(i, 64u), 8u);
    uint c2_ = naga_mod(naga_div(i, 8u), 8u);
    uint c3_ = naga_mod(i, 8u);
    half _e33 = b_a0_[metal::min(unsigned(((((0u + static_cast<uint>(c1_)) * 8u) + static_cast<uint>(c2_)) * 8u) + static_cast<uint>(c3_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
    half _e46 = b_a1_[metal::min(unsigned((((static_cast<uint>(c1_) * 1u) + 0u) * 1u) + 0u), (_buffer_sizes.size1 - 0 - 2) / 2)];
    v = static_cast<float>(_e33) - static_cast<float>(_e46);
    float _e50 = v;
    half _e56 = b_e0_1_[metal::min(unsigned(0u + static_cast<uint>(c3_)), (_buffer_sizes.size3 - 0 - 2) / 2)];
    v = _e50 * static_cast<float>(_e56);
    float _e59 = v;
    half _e73 = b_e1_1_[metal::min(unsigned(((((0u + static_cast<uint>(c1_)) * 1u) + 0u) * 1u) + 0u), (_buffer_sizes.size4 - 0 - 2) / 2)];
    v = _e59 / static_cast<float>(_e73);
    float _e76 = v;
    half _e79 = b_e2_1_[metal::min(unsigned(0), (_buffer_sizes.size5 - 0 - 2) / 2)];
    float _e81 = drift_pow(_e76, static_cast<float>(_e79));
    v = _e81;
    float _e97 = v;
    b_y[metal::min(unsigned((((((static_cast<uint>(c0_) * 8u) + static_cast<uint>(c1_)) * 8u) + static_cast<uint>(c2_)) * 8u) + static_cast<uint>(c3_)), (_buffer_sizes.size2 - 0 - 2) / 2)] = static_cast<half>(_e97);
    return;
}

// ===== elementwise_f16_6 =====
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

float drift_pow(
    float x,
    float y
) {
    bool local = {};
    if (y == 0.0) {
        return 1.0;
    }
    if (x < 0.0) {
        local = y == metal::floor(y);
    } else {
        local = false;
    }
    bool _e12 = local;
    if (_e12) {
        float r = metal::pow(-(x), y);
        return ((y * 0.5) != metal::floor(y * 0.5)) ? -(r) : r;
    }
    return metal::pow(x, y);
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
, device type_1 const& b_a0_ [[user(fake0)]]
, device type_1 const& b_a1_ [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    float v = {};
    uint i = gid.x + (gid.y * 512u);
    if (i >= 320u) {
        return;
    }
    uint c0_ = naga_div(i, 320u);
    uint c1_ = naga_mod(naga_div(i, 64u), 5u);
    uint c2_ = naga_mod(naga_div(i, 8u), 8u);
    uint c3_ = naga_mod(i, 8u);
    half _e33 = b_a0_[metal::min(unsigned(((((0u + static_cast<uint>(c2_)) * 8u) + static_cast<uint>(c3_)) * 8u) + static_cast<uint>(c1_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
    half _e37 = b_a1_[metal::min(unsigned(0), (_buffer_sizes.size1 - 0 - 2) / 2)];
    float _e39 = drift_pow(static_cast<float>(_e33), static_cast<float>(_e37));
    v = _e39;
    float _e56 = v;
    b_y[metal::min(unsigned((((((static_cast<uint>(c0_) * 5u) + static_cast<uint>(c1_)) * 8u) + static_cast<uint>(c2_)) * 8u) + static_cast<uint>(c3_)), (_buffer_sizes.size2 - 0 - 2) / 2)] = static_cast<half>(_e56);
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
    uint i = gid.x + (gid.y * 512u);
    if (i >= 512u) {
        return;
    }
    uint o0_ = naga_div(i, 128u);
    uint o1_ = naga_mod(naga_div(i, 8u), 16u);
    uint o2_ = naga_mod(i, 8u);
    half _e38 = b_x[metal::min(unsigned((((static_cast<uint>(o0_) * 8u) + static_cast<uint>(o2_)) * 16u) + static_cast<uint>(o1_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
    b_y[metal::min(unsigned((((static_cast<uint>(o0_) * 16u) + static_cast<uint>(o1_)) * 8u) + static_cast<uint>(o2_)), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(static_cast<float>(_e38));
    return;
}

// ===== matmul_f16_8 =====
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
    uint i = gid.x + (gid.y * 512u);
    if (i >= 320u) {
        return;
    }
    uint c0_ = naga_div(i, 80u);
    uint c1_ = naga_mod(naga_div(i, 5u), 16u);
    uint c2_ = naga_mod(i, 5u);
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e52 = p;
            p = _e52 + 1u;
        }
        loop_init = false;
        uint _e20 = p;
        if (_e20 < 8u) {
        } else {
            break;
        }
        {
            uint _e31 = p;
            half _e35 = b_a[metal::min(unsigned((((static_cast<uint>(c0_) * 16u) + static_cast<uint>(c1_)) * 8u) + static_cast<uint>(_e31)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            float av = static_cast<float>(_e35);
            uint _e39 = p;
            half _e47 = b_b[metal::min(unsigned(((0u + static_cast<uint>(_e39)) * 5u) + static_cast<uint>(c2_)), (_buffer_sizes.size1 - 0 - 2) / 2)];
            float bv = static_cast<float>(_e47);
            float _e49 = acc;
            acc = _e49 + (av * bv);
        }
    }
    float _e55 = acc;
    v = 1.0 * _e55;
    float _e70 = v;
    b_y[metal::min(unsigned((((static_cast<uint>(c0_) * 16u) + static_cast<uint>(c1_)) * 5u) + static_cast<uint>(c2_)), (_buffer_sizes.size2 - 0 - 2) / 2)] = static_cast<half>(_e70);
    return;
}

// ===== matmul_f16_9 =====
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
    if (i >= 120u) {
        return;
    }
    uint c0_ = naga_div(i, 40u);
    uint c1_ = naga_mod(naga_div(i, 5u), 8u);
    uint c2_ = naga_mod(i, 5u);
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e52 = p;
            p = _e52 + 1u;
        }
        loop_init = false;
        uint _e20 = p;
        if (_e20 < 8u) {
        } else {
            break;
        }
        {
            uint _e31 = p;
            half _e35 = b_a[metal::min(unsigned((((static_cast<uint>(c0_) * 8u) + static_cast<uint>(c1_)) * 8u) + static_cast<uint>(_e31)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            float av = static_cast<float>(_e35);
            uint _e39 = p;
            half _e47 = b_b[metal::min(unsigned(((0u + static_cast<uint>(_e39)) * 5u) + static_cast<uint>(c2_)), (_buffer_sizes.size1 - 0 - 2) / 2)];
            float bv = static_cast<float>(_e47);
            float _e49 = acc;
            acc = _e49 + (av * bv);
        }
    }
    float _e55 = acc;
    v = 1.0 * _e55;
    float _e70 = v;
    b_y[metal::min(unsigned((((static_cast<uint>(c0_) * 8u) + static_cast<uint>(c1_)) * 5u) + static_cast<uint>(c2_)), (_buffer_sizes.size2 - 0 - 2) / 2)] = static_cast<half>(_e70);
    return;
}

// ===== pad_f16_10 =====
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
    bool inside = true;
    bool local = {};
    bool local_1 = {};
    bool local_2 = {};
    bool local_3 = {};
    float v = 0.5;
    uint i = gid.x + (gid.y * 512u);
    if (i >= 363u) {
        return;
    }
    uint o0_ = naga_div(i, 363u);
    uint o1_ = naga_mod(naga_div(i, 121u), 3u);
    uint o2_ = naga_mod(naga_div(i, 11u), 11u);
    uint o3_ = naga_mod(i, 11u);
    int s0_ = as_type<int>(as_type<uint>(static_cast<int>(o0_)) - as_type<uint>(0));
    if (!((s0_ < 0))) {
        local = s0_ >= 1;
    } else {
        local = true;
    }
    bool _e33 = local;
    if (_e33) {
        inside = false;
    }
    int s1_ = as_type<int>(as_type<uint>(static_cast<int>(o1_)) - as_type<uint>(0));
    if (!((s1_ < 0))) {
        local_1 = s1_ >= 3;
    } else {
        local_1 = true;
    }
    bool _e46 = local_1;
    if (_e46) {
        inside = false;
    }
    int s2_ = as_type<int>(as_type<uint>(static_cast<int>(o2_)) - as_type<uint>(1));
    if (!((s2_ < 0))) {
        local_2 = s2_ >= 8;
    } else {
        local_2 = true;
    }
    bool _e59 = local_2;
    if (_e59) {
        inside = false;
    }
    int s3_ = as_type<int>(as_type<uint>(static_cast<int>(o3_)) - as_type<uint>(2));
    if (!((s3_ < 0))) {
        local_3 = s3_ >= 8;
    } else {
        local_3 = true;
    }
    bool _e72 = local_3;
    if (_e72) {
        inside = false;
    }
    bool _e76 = inside;
    if (_e76) {
        half _e92 = b_x[metal::min(unsigned((((((static_cast<uint>(s0_) * 3u) + static_cast<uint>(s1_)) * 8u) + static_cast<uint>(s2_)) * 8u) + static_cast<uint>(s3_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
        v = static_cast<float>(_e92);
    }
    float _e109 = v;
    b_y[metal::min(unsigned((((((static_cast<uint>(o0_) * 11u) + static_cast<uint>(o2_)) * 11u) + static_cast<uint>(o3_)) * 4u) + static_cast<uint>(o1_)), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(_e109);
    return;
}

// ===== resize_f16_11 =====
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

int naga_f2i32(float value) {
    return static_cast<int>(metal::clamp(value, -2147483600.0, 2147483500.0));
}


struct main_Input {
};
[[max_total_threads_per_threadgroup(256)]] kernel void main_(
  metal::uint3 gid [[thread_position_in_grid]]
, device type_1 const& b_x [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    uint i = gid.x + (gid.y * 1536u);
    if (i >= 1452u) {
        return;
    }
    uint o0_ = naga_div(i, 1452u);
    uint o1_ = naga_mod(naga_div(i, 484u), 3u);
    uint o2_ = naga_mod(naga_div(i, 22u), 22u);
    uint o3_ = naga_mod(i, 22u);
    float f0_ = static_cast<float>(o0_);
    int s0_ = metal::clamp(naga_f2i32((f0_ == (metal::floor(f0_) + 0.5)) ? metal::floor(f0_) : metal::rint(f0_)), 0, 0);
    float f1_ = static_cast<float>(o1_);
    int s1_ = metal::clamp(naga_f2i32((f1_ == (metal::floor(f1_) + 0.5)) ? metal::floor(f1_) : metal::rint(f1_)), 0, 2);
    float f2_ = ((static_cast<float>(o2_) + 0.5) / 2.0) - 0.5;
    int s2_ = metal::clamp(naga_f2i32((f2_ == (metal::floor(f2_) + 0.5)) ? metal::floor(f2_) : metal::rint(f2_)), 0, 10);
    float f3_ = ((static_cast<float>(o3_) + 0.5) / 2.0) - 0.5;
    int s3_ = metal::clamp(naga_f2i32((f3_ == (metal::floor(f3_) + 0.5)) ? metal::floor(f3_) : metal::rint(f3_)), 0, 10);
    half _e95 = b_x[metal::min(unsigned((((((static_cast<uint>(s0_) * 11u) + static_cast<uint>(s2_)) * 11u) + static_cast<uint>(s3_)) * 4u) + static_cast<uint>(s1_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
    float v = static_cast<float>(_e95);
    b_y[metal::min(unsigned((((((static_cast<uint>(o0_) * 3u) + static_cast<uint>(o1_)) * 22u) + static_cast<uint>(o2_)) * 22u) + static_cast<uint>(o3_)), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(v);
    return;
}

// ===== pad_f16_12 =====
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

int naga_mod(int lhs, int rhs) {
    int divisor = metal::select(rhs, 1, (lhs == (-2147483647 - 1) & rhs == -1) | (rhs == 0));
    return lhs - (lhs / divisor) * divisor;
}


struct main_Input {
};
[[max_total_threads_per_threadgroup(256)]] kernel void main_(
  metal::uint3 gid [[thread_position_in_grid]]
, device type_1 const& b_x [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    uint i = gid.x + (gid.y * 512u);
    if (i >= 432u) {
        return;
    }
    uint o0_ = naga_div(i, 432u);
    uint o1_ = naga_mod(naga_div(i, 144u), 3u);
    uint o2_ = naga_mod(naga_div(i, 12u), 12u);
    uint o3_ = naga_mod(i, 12u);
    int s1m = naga_mod(as_type<int>(as_type<uint>(naga_mod(as_type<int>(as_type<uint>(static_cast<int>(o1_)) - as_type<uint>(0)), 4)) + as_type<uint>(4)), 4);
    int s1_ = (s1m >= 3) ? as_type<int>(as_type<uint>(4) - as_type<uint>(s1m)) : s1m;
    int s2m = naga_mod(as_type<int>(as_type<uint>(naga_mod(as_type<int>(as_type<uint>(static_cast<int>(o2_)) - as_type<uint>(2)), 14)) + as_type<uint>(14)), 14);
    int s2_ = (s2m >= 8) ? as_type<int>(as_type<uint>(14) - as_type<uint>(s2m)) : s2m;
    int s3m = naga_mod(as_type<int>(as_type<uint>(naga_mod(as_type<int>(as_type<uint>(static_cast<int>(o3_)) - as_type<uint>(2)), 14)) + as_type<uint>(14)), 14);
    int s3_ = (s3m >= 8) ? as_type<int>(as_type<uint>(14) - as_type<uint>(s3m)) : s3m;
    half _e78 = b_x[metal::min(unsigned((((((static_cast<uint>(0) * 3u) + static_cast<uint>(s1_)) * 8u) + static_cast<uint>(s2_)) * 8u) + static_cast<uint>(s3_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
    float v = static_cast<float>(_e78);
    b_y[metal::min(unsigned((((((static_cast<uint>(o0_) * 12u) + static_cast<uint>(o2_)) * 12u) + static_cast<uint>(o3_)) * 4u) + static_cast<uint>(o1_)), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(v);
    return;
}

// ===== resize_f16_13 =====
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

int naga_f2i32(float value) {
    return static_cast<int>(metal::clamp(value, -2147483600.0, 2147483500.0));
}


struct main_Input {
};
[[max_total_threads_per_threadgroup(256)]] kernel void main_(
  metal::uint3 gid [[thread_position_in_grid]]
, device type_1 const& b_x [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    uint i = gid.x + (gid.y * 1280u);
    if (i >= 1200u) {
        return;
    }
    uint o0_ = naga_div(i, 1200u);
    uint o1_ = naga_mod(naga_div(i, 400u), 3u);
    uint o2_ = naga_mod(naga_div(i, 20u), 20u);
    uint o3_ = naga_mod(i, 20u);
    float fy = metal::clamp(((static_cast<float>(o2_) + 0.5) / 1.6666666) - 0.5, 0.0, 11.0);
    float fx = metal::clamp(((static_cast<float>(o3_) + 0.5) / 1.6666666) - 0.5, 0.0, 11.0);
    int y0_ = naga_f2i32(fy);
    int x0_ = naga_f2i32(fx);
    int y1_ = metal::min(as_type<int>(as_type<uint>(y0_) + as_type<uint>(1)), 11);
    int x1_ = metal::min(as_type<int>(as_type<uint>(x0_) + as_type<uint>(1)), 11);
    float ly = fy - static_cast<float>(y0_);
    float lx = fx - static_cast<float>(x0_);
    half _e71 = b_x[metal::min(unsigned((((((static_cast<uint>(o0_) * 12u) + static_cast<uint>(y0_)) * 12u) + static_cast<uint>(x0_)) * 4u) + static_cast<uint>(o1_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
    half _e89 = b_x[metal::min(unsigned((((((static_cast<uint>(o0_) * 12u) + static_cast<uint>(y0_)) * 12u) + static_cast<uint>(x1_)) * 4u) + static_cast<uint>(o1_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
    float top = ((1.0 - lx) * static_cast<float>(_e71)) + (lx * static_cast<float>(_e89));
    half _e110 = b_x[metal::min(unsigned((((((static_cast<uint>(o0_) * 12u) + static_cast<uint>(y1_)) * 12u) + static_cast<uint>(x0_)) * 4u) + static_cast<uint>(o1_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
    half _e128 = b_x[metal::min(unsigned((((((static_cast<uint>(o0_) * 12u) + static_cast<uint>(y1_)) * 12u) + static_cast<uint>(x1_)) * 4u) + static_cast<uint>(o1_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
    float bottom = ((1.0 - lx) * static_cast<float>(_e110)) + (lx * static_cast<float>(_e128));
    float v = ((1.0 - ly) * top) + (ly * bottom);
    b_y[metal::min(unsigned((((((static_cast<uint>(o0_) * 3u) + static_cast<uint>(o1_)) * 20u) + static_cast<uint>(o2_)) * 20u) + static_cast<uint>(o3_)), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(v);
    return;
}

