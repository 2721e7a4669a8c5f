// ===== conv2d_direct_f16_0 =====
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
    uint i = gid.x + (gid.y * 2048u);
    if (i >= 2048u) {
        return;
    }
    uint n = naga_div(i, 2048u);
    uint oc = naga_mod(naga_div(i, 256u), 8u);
    uint oy = naga_mod(naga_div(i, 16u), 16u);
    uint ox = naga_mod(i, 16u);
    uint g = naga_div(oc, 8u);
    half _e25 = b_b[metal::min(unsigned(static_cast<uint>(oc)), (_buffer_sizes.size2 - 0 - 2) / 2)];
    v = static_cast<float>(_e25);
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e129 = ic;
            ic = _e129 + 1u;
        }
        loop_init = false;
        uint _e30 = ic;
        if (_e30 < 3u) {
        } else {
            break;
        }
        {
            uint _e35 = ic;
            uint c = (g * 3u) + _e35;
            ky = 0u;
            bool loop_init_1 = true;
            while(true) {
                if (!loop_init_1) {
                    uint _e126 = ky;
                    ky = _e126 + 1u;
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
                        local = iy >= 16;
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
                            uint _e123 = kx;
                            kx = _e123 + 1u;
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
                                local_1 = ix >= 16;
                            } else {
                                local_1 = true;
                            }
                            bool _e82 = local_1;
                            if (_e82) {
                                continue;
                            }
                            float _e83 = v;
                            half _e99 = b_x[metal::min(unsigned((((((static_cast<uint>(n) * 3u) + static_cast<uint>(c)) * 16u) + static_cast<uint>(iy)) * 16u) + static_cast<uint>(ix)), (_buffer_sizes.size0 - 0 - 2) / 2)];
                            uint _e105 = ic;
                            uint _e110 = ky;
                            uint _e115 = kx;
                            half _e119 = b_w[metal::min(unsigned((((((static_cast<uint>(oc) * 3u) + static_cast<uint>(_e105)) * 3u) + static_cast<uint>(_e110)) * 3u) + static_cast<uint>(_e115)), (_buffer_sizes.size1 - 0 - 2) / 2)];
                            v = _e83 + (static_cast<float>(_e99) * static_cast<float>(_e119));
                        }
                    }
                }
            }
        }
    }
    float _e132 = v;
    v = metal::max(_e132, 0.0);
    float _e150 = v;
    b_y[metal::min(unsigned((((((static_cast<uint>(n) * 16u) + static_cast<uint>(oy)) * 16u) + static_cast<uint>(ox)) * 8u) + static_cast<uint>(oc)), (_buffer_sizes.size3 - 0 - 2) / 2)] = static_cast<half>(_e150);
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
    uint i = gid.x + (gid.y * 512u);
    if (i >= 512u) {
        return;
    }
    uint n = naga_div(i, 512u);
    uint oc = naga_mod(naga_div(i, 64u), 8u);
    uint oy = naga_mod(naga_div(i, 8u), 8u);
    uint ox = naga_mod(i, 8u);
    uint g = naga_div(oc, 1u);
    half _e25 = b_b[metal::min(unsigned(static_cast<uint>(oc)), (_buffer_sizes.size2 - 0 - 2) / 2)];
    v = static_cast<float>(_e25);
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e129 = ic;
            ic = _e129 + 1u;
        }
        loop_init = false;
        uint _e30 = ic;
        if (_e30 < 1u) {
        } else {
            break;
        }
        {
            uint _e35 = ic;
            uint c = (g * 1u) + _e35;
            ky = 0u;
            bool loop_init_1 = true;
            while(true) {
                if (!loop_init_1) {
                    uint _e126 = ky;
                    ky = _e126 + 1u;
                }
                loop_init_1 = false;
                uint _e39 = ky;
                if (_e39 < 3u) {
                } else {
                    break;
                }
                {
                    uint _e44 = ky;
                    int iy = as_type<int>(as_type<uint>(static_cast<int>((oy * 2u) + (_e44 * 1u))) - as_type<uint>(1));
                    if (!((iy < 0))) {
                        local = iy >= 16;
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
                            uint _e123 = kx;
                            kx = _e123 + 1u;
                        }
                        loop_init_2 = false;
                        uint _e62 = kx;
                        if (_e62 < 3u) {
                        } else {
                            break;
                        }
                        {
                            uint _e67 = kx;
                            int ix = as_type<int>(as_type<uint>(static_cast<int>((ox * 2u) + (_e67 * 1u))) - as_type<uint>(1));
                            if (!((ix < 0))) {
                                local_1 = ix >= 16;
                            } else {
                                local_1 = true;
                            }
                            bool _e82 = local_1;
                            if (_e82) {
                                continue;
                            }
                            float _e83 = v;
                            half _e99 = b_x[metal::min(unsigned((((((static_cast<uint>(n) * 16u) + static_cast<uint>(iy)) * 16u) + static_cast<uint>(ix)) * 8u) + static_cast<uint>(c)), (_buffer_sizes.size0 - 0 - 2) / 2)];
                            uint _e105 = ic;
                            uint _e110 = ky;
                            uint _e115 = kx;
                            half _e119 = b_w[metal::min(unsigned((((((static_cast<uint>(oc) * 1u) + static_cast<uint>(_e105)) * 3u) + static_cast<uint>(_e110)) * 3u) + static_cast<uint>(_e115)), (_buffer_sizes.size1 - 0 - 2) / 2)];
                            v = _e83 + (static_cast<float>(_e99) * static_cast<float>(_e119));
                        }
                    }
                }
            }
        }
    }
    float _e147 = v;
    b_y[metal::min(unsigned((((((static_cast<uint>(n) * 8u) + static_cast<uint>(oy)) * 8u) + static_cast<uint>(ox)) * 8u) + static_cast<uint>(oc)), (_buffer_sizes.size3 - 0 - 2) / 2)] = static_cast<half>(_e147);
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
    uint i = gid.x + (gid.y * 512u);
    if (i >= 512u) {
        return;
    }
    uint c0_ = naga_div(i, 512u);
    uint c1_ = naga_mod(naga_div(i, 64u), 8u);
    uint c2_ = naga_mod(naga_div(i, 8u), 8u);
    uint c3_ = naga_mod(i, 8u);
    half _e33 = b_a0_[metal::min(unsigned(((((0u + static_cast<uint>(c2_)) * 8u) + static_cast<uint>(c3_)) * 8u) + static_cast<uint>(c1_)), (_buffer_sizes.size0 - 0 - 2) / 2)];
    v = metal::min(metal::max(static_cast<float>(_e33), 0.0), 6.0);
    float _e55 = v;
    b_y[metal::min(unsigned((((((static_cast<uint>(c0_) * 8u) + static_cast<uint>(c2_)) * 8u) + static_cast<uint>(c3_)) * 8u) + static_cast<uint>(c1_)), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(_e55);
    return;
}

// ===== conv2d_direct_f16_3 =====
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
    uint i = gid.x + (gid.y * 512u);
    if (i >= 320u) {
        return;
    }
    uint n = naga_div(i, 320u);
    uint oc = naga_mod(naga_div(i, 64u), 5u);
    uint oy = naga_mod(naga_div(i, 8u), 8u);
    uint ox = naga_mod(i, 8u);
    uint g = naga_div(oc, 5u);
    half _e25 = b_b[metal::min(unsigned(static_cast<uint>(oc)), (_buffer_sizes.size2 - 0 - 2) / 2)];
    v = static_cast<float>(_e25);
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e129 = ic;
            ic = _e129 + 1u;
        }
        loop_init = false;
        uint _e30 = ic;
        if (_e30 < 8u) {
        } else {
            break;
        }
        {
            uint _e35 = ic;
            uint c = (g * 8u) + _e35;
            ky = 0u;
            bool loop_init_1 = true;
            while(true) {
                if (!loop_init_1) {
                    uint _e126 = ky;
                    ky = _e126 + 1u;
                }
                loop_init_1 = false;
                uint _e39 = ky;
                if (_e39 < 1u) {
                } else {
                    break;
                }
                {
                    uint _e44 = ky;
                    int iy = as_type<int>(as_type<uint>(static_cast<int>((oy * 1u) + (_e44 * 1u))) - as_type<uint>(0));
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
                            uint _e123 = kx;
                            kx = _e123 + 1u;
                        }
                        loop_init_2 = false;
                        uint _e62 = kx;
                        if (_e62 < 1u) {
                        } else {
                            break;
                        }
                        {
                            uint _e67 = kx;
                            int ix = as_type<int>(as_type<uint>(static_cast<int>((ox * 1u) + (_e67 * 1u))) - as_type<uint>(0));
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
                            half _e99 = b_x[metal::min(unsigned((((((static_cast<uint>(n) * 8u) + static_cast<uint>(iy)) * 8u) + static_cast<uint>(ix)) * 8u) + static_cast<uint>(c)), (_buffer_sizes.size0 - 0 - 2) / 2)];
                            uint _e105 = ic;
                            uint _e110 = ky;
                            uint _e115 = kx;
                            half _e119 = b_w[metal::min(unsigned((((((static_cast<uint>(oc) * 8u) + static_cast<uint>(_e105)) * 1u) + static_cast<uint>(_e110)) * 1u) + static_cast<uint>(_e115)), (_buffer_sizes.size1 - 0 - 2) / 2)];
                            v = _e83 + (static_cast<float>(_e99) * static_cast<float>(_e119));
                        }
                    }
                }
            }
        }
    }
    float _e147 = v;
    b_y[metal::min(unsigned((((((static_cast<uint>(n) * 8u) + static_cast<uint>(oy)) * 8u) + static_cast<uint>(ox)) * 8u) + static_cast<uint>(oc)), (_buffer_sizes.size3 - 0 - 2) / 2)] = static_cast<half>(_e147);
    return;
}

// ===== conv2d_direct_f16_4 =====
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
, device type_1 const& b_x [[user(fake0)]]
, device type_1 const& b_w [[user(fake0)]]
, device type_1& b_y [[user(fake0)]]
, device type_1 const& b_e0_0_ [[user(fake0)]]
, constant _mslBufferSizes& _buffer_sizes [[user(fake0)]]
) {
    float v = 0.0;
    uint ic = 0u;
    uint ky = {};
    bool local = {};
    uint kx = {};
    bool local_1 = {};
    uint i = gid.x + (gid.y * 512u);
    if (i >= 320u) {
        return;
    }
    uint n = naga_div(i, 320u);
    uint oc = naga_mod(naga_div(i, 64u), 5u);
    uint oy = naga_mod(naga_div(i, 8u), 8u);
    uint ox = naga_mod(i, 8u);
    uint g = naga_div(oc, 5u);
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e125 = ic;
            ic = _e125 + 1u;
        }
        loop_init = false;
        uint _e26 = ic;
        if (_e26 < 8u) {
        } else {
            break;
        }
        {
            uint _e31 = ic;
            uint c = (g * 8u) + _e31;
            ky = 0u;
            bool loop_init_1 = true;
            while(true) {
                if (!loop_init_1) {
                    uint _e122 = ky;
                    ky = _e122 + 1u;
                }
                loop_init_1 = false;
                uint _e35 = ky;
                if (_e35 < 1u) {
                } else {
                    break;
                }
                {
                    uint _e40 = ky;
                    int iy = as_type<int>(as_type<uint>(static_cast<int>((oy * 1u) + (_e40 * 1u))) - as_type<uint>(0));
                    if (!((iy < 0))) {
                        local = iy >= 8;
                    } else {
                        local = true;
                    }
                    bool _e55 = local;
                    if (_e55) {
                        continue;
                    }
                    kx = 0u;
                    bool loop_init_2 = true;
                    while(true) {
                        if (!loop_init_2) {
                            uint _e119 = kx;
                            kx = _e119 + 1u;
                        }
                        loop_init_2 = false;
                        uint _e58 = kx;
                        if (_e58 < 1u) {
                        } else {
                            break;
                        }
                        {
                            uint _e63 = kx;
                            int ix = as_type<int>(as_type<uint>(static_cast<int>((ox * 1u) + (_e63 * 1u))) - as_type<uint>(0));
                            if (!((ix < 0))) {
                                local_1 = ix >= 8;
                            } else {
                                local_1 = true;
                            }
                            bool _e78 = local_1;
                            if (_e78) {
                                continue;
                            }
                            float _e79 = v;
                            half _e95 = b_x[metal::min(unsigned((((((static_cast<uint>(n) * 8u) + static_cast<uint>(iy)) * 8u) + static_cast<uint>(ix)) * 8u) + static_cast<uint>(c)), (_buffer_sizes.size0 - 0 - 2) / 2)];
                            uint _e101 = ic;
                            uint _e106 = ky;
                            uint _e111 = kx;
                            half _e115 = b_w[metal::min(unsigned((((((static_cast<uint>(oc) * 8u) + static_cast<uint>(_e101)) * 1u) + static_cast<uint>(_e106)) * 1u) + static_cast<uint>(_e111)), (_buffer_sizes.size1 - 0 - 2) / 2)];
                            v = _e79 + (static_cast<float>(_e95) * static_cast<float>(_e115));
                        }
                    }
                }
            }
        }
    }
    half _e141 = b_e0_0_[metal::min(unsigned(((((0u + static_cast<uint>(oy)) * 8u) + static_cast<uint>(ox)) * 8u) + static_cast<uint>(oc)), (_buffer_sizes.size3 - 0 - 2) / 2)];
    float _e143 = v;
    v = static_cast<float>(_e141) + _e143;
    float _e145 = v;
    float _e146 = v;
    v = _e145 * metal::clamp((_e146 / 6.0) + 0.5, 0.0, 1.0);
    float _e170 = v;
    b_y[metal::min(unsigned((((((static_cast<uint>(n) * 8u) + static_cast<uint>(oy)) * 8u) + static_cast<uint>(ox)) * 8u) + static_cast<uint>(oc)), (_buffer_sizes.size2 - 0 - 2) / 2)] = static_cast<half>(_e170);
    return;
}

// ===== pool2d_f16_5 =====
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
    float v = -340282350000000000000000000000000000000.0;
    uint count = 0u;
    uint ky = 0u;
    uint kx = {};
    bool local = {};
    bool local_1 = {};
    bool local_2 = {};
    uint i = gid.x + (gid.y * 256u);
    if (i >= 80u) {
        return;
    }
    uint n = naga_div(i, 80u);
    uint c = naga_mod(naga_div(i, 16u), 5u);
    uint oy = naga_mod(naga_div(i, 4u), 4u);
    uint ox = naga_mod(i, 4u);
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e100 = ky;
            ky = _e100 + 1u;
        }
        loop_init = false;
        uint _e25 = ky;
        if (_e25 < 3u) {
        } else {
            break;
        }
        {
            uint _e30 = ky;
            int iy = as_type<int>(as_type<uint>(static_cast<int>((oy * 2u) + (_e30 * 1u))) - as_type<uint>(0));
            if (iy >= 8) {
                continue;
            }
            kx = 0u;
            bool loop_init_1 = true;
            while(true) {
                if (!loop_init_1) {
                    uint _e97 = kx;
                    kx = _e97 + 1u;
                }
                loop_init_1 = false;
                uint _e41 = kx;
                if (_e41 < 3u) {
                } else {
                    break;
                }
                {
                    uint _e46 = kx;
                    int ix = as_type<int>(as_type<uint>(static_cast<int>((ox * 2u) + (_e46 * 1u))) - as_type<uint>(0));
                    if (ix >= 8) {
                        continue;
                    }
                    if (!((iy < 0))) {
                        local = iy >= 8;
                    } else {
                        local = true;
                    }
                    bool _e63 = local;
                    if (!(_e63)) {
                        local_1 = ix < 0;
                    } else {
                        local_1 = true;
                    }
                    bool _e70 = local_1;
                    if (!(_e70)) {
                        local_2 = ix >= 8;
                    } else {
                        local_2 = true;
                    }
                    bool _e77 = local_2;
                    if (_e77) {
                        continue;
                    }
                    half _e93 = b_x[metal::min(unsigned((((((static_cast<uint>(n) * 8u) + static_cast<uint>(iy)) * 8u) + static_cast<uint>(ix)) * 8u) + static_cast<uint>(c)), (_buffer_sizes.size0 - 0 - 2) / 2)];
                    float xv = static_cast<float>(_e93);
                    float _e95 = v;
                    if (xv > _e95) {
                        v = xv;
                    }
                }
            }
        }
    }
    float _e118 = v;
    b_y[metal::min(unsigned((((((static_cast<uint>(n) * 4u) + static_cast<uint>(oy)) * 4u) + static_cast<uint>(ox)) * 8u) + static_cast<uint>(c)), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(_e118);
    return;
}

// ===== global_pool_f16_6 =====
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
    float v = 0.0;
    uint hh = 0u;
    uint ww = {};
    uint i = gid.x + (gid.y * 256u);
    if (i >= 5u) {
        return;
    }
    uint n = naga_div(i, 5u);
    uint c = naga_mod(i, 5u);
    uint s0_ = naga_mod(i, 1u);
    uint s1_ = naga_mod(i, 1u);
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e52 = hh;
            hh = _e52 + 1u;
        }
        loop_init = false;
        uint _e20 = hh;
        if (_e20 < 4u) {
        } else {
            break;
        }
        {
            ww = 0u;
            bool loop_init_1 = true;
            while(true) {
                if (!loop_init_1) {
                    uint _e49 = ww;
                    ww = _e49 + 1u;
                }
                loop_init_1 = false;
                uint _e25 = ww;
                if (_e25 < 4u) {
                } else {
                    break;
                }
                {
                    uint _e32 = hh;
                    uint _e37 = ww;
                    half _e45 = b_x[metal::min(unsigned((((((static_cast<uint>(n) * 4u) + static_cast<uint>(_e32)) * 4u) + static_cast<uint>(_e37)) * 8u) + static_cast<uint>(c)), (_buffer_sizes.size0 - 0 - 2) / 2)];
                    float xv = static_cast<float>(_e45);
                    float _e47 = v;
                    v = _e47 + xv;
                }
            }
        }
    }
    float _e55 = v;
    v = _e55 / 16.0;
    float _e73 = v;
    b_y[metal::min(unsigned((((((static_cast<uint>(n) * 5u) + static_cast<uint>(c)) * 1u) + static_cast<uint>(s0_)) * 1u) + static_cast<uint>(s1_)), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(_e73);
    return;
}

// ===== matmul_f16_7 =====
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
, device type_1 const& b_c [[user(fake0)]]
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
        if (_e16 < 5u) {
        } else {
            break;
        }
        {
            uint _e21 = p;
            half _e25 = b_a[metal::min(unsigned(0u + static_cast<uint>(_e21)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            float av = static_cast<float>(_e25);
            uint _e31 = p;
            half _e35 = b_b[metal::min(unsigned((static_cast<uint>(c1_) * 5u) + static_cast<uint>(_e31)), (_buffer_sizes.size1 - 0 - 2) / 2)];
            float bv = static_cast<float>(_e35);
            float _e37 = acc;
            acc = _e37 + (av * bv);
        }
    }
    float _e43 = acc;
    v = 1.0 * _e43;
    float _e47 = v;
    half _e51 = b_c[metal::min(unsigned(static_cast<uint>(c1_)), (_buffer_sizes.size3 - 0 - 2) / 2)];
    v = _e47 + (1.0 * static_cast<float>(_e51));
    float _e63 = v;
    b_y[metal::min(unsigned((static_cast<uint>(c0_) * 10u) + static_cast<uint>(c1_)), (_buffer_sizes.size2 - 0 - 2) / 2)] = static_cast<half>(_e63);
    return;
}

// ===== softmax_f16_8 =====
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
    float m = 0.0;
    uint j = 0u;
    bool local = {};
    float s = 0.0;
    uint j_1 = 0u;
    uint j_2 = 0u;
    uint c0_ = gid.x + (gid.y * 256u);
    if (c0_ >= 1u) {
        return;
    }
    bool loop_init = true;
    while(true) {
        if (!loop_init) {
            uint _e35 = j;
            j = _e35 + 1u;
        }
        loop_init = false;
        uint _e12 = j;
        if (_e12 < 10u) {
        } else {
            break;
        }
        {
            uint _e19 = j;
            half _e23 = b_x[metal::min(unsigned((static_cast<uint>(c0_) * 10u) + static_cast<uint>(_e19)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            float xv = static_cast<float>(_e23);
            uint _e25 = j;
            if (!((_e25 == 0u))) {
                float _e31 = m;
                local = xv > _e31;
            } else {
                local = true;
            }
            bool _e34 = local;
            if (_e34) {
                m = xv;
            }
        }
    }
    bool loop_init_1 = true;
    while(true) {
        if (!loop_init_1) {
            uint _e60 = j_1;
            j_1 = _e60 + 1u;
        }
        loop_init_1 = false;
        uint _e42 = j_1;
        if (_e42 < 10u) {
        } else {
            break;
        }
        {
            float _e45 = s;
            uint _e50 = j_1;
            half _e54 = b_x[metal::min(unsigned((static_cast<uint>(c0_) * 10u) + static_cast<uint>(_e50)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            float _e56 = m;
            s = _e45 + metal::exp(static_cast<float>(_e54) - _e56);
        }
    }
    bool loop_init_2 = true;
    while(true) {
        if (!loop_init_2) {
            uint _e92 = j_2;
            j_2 = _e92 + 1u;
        }
        loop_init_2 = false;
        uint _e65 = j_2;
        if (_e65 < 10u) {
        } else {
            break;
        }
        {
            uint _e72 = j_2;
            half _e76 = b_x[metal::min(unsigned((static_cast<uint>(c0_) * 10u) + static_cast<uint>(_e72)), (_buffer_sizes.size0 - 0 - 2) / 2)];
            float xv_1 = static_cast<float>(_e76);
            float _e78 = m;
            float _e81 = s;
            float v = metal::exp(xv_1 - _e78) / _e81;
            uint _e87 = j_2;
            b_y[metal::min(unsigned((static_cast<uint>(c0_) * 10u) + static_cast<uint>(_e87)), (_buffer_sizes.size1 - 0 - 2) / 2)] = static_cast<half>(v);
        }
    }
    return;
}

