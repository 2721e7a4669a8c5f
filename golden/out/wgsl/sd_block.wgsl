// ===== row_stats_f32_0 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 64u;
    if (i >= 8u) { return; }

    var mean: f32 = 0.0;
    for (var j: u32 = 0u; j < 256u; j = j + 1u) {
        mean = mean + b_x[(u32(i) * 256u + u32(j))];
    }
    mean = mean / 256.0;
    var sq: f32 = 0.0;
    for (var j: u32 = 0u; j < 256u; j = j + 1u) {
        let d: f32 = b_x[(u32(i) * 256u + u32(j))] - mean;
        sq = sq + d * d;
    }
    b_y[(u32(i) * 2u + u32(0))] = mean;
    b_y[(u32(i) * 2u + u32(1))] = 1.0 / sqrt(sq / 256.0 + 1e-5);
}

// ===== conv2d_direct_f32_1 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read> b_w: array<f32>;
@group(0) @binding(2) var<storage, read> b_stats: array<f32>;
@group(0) @binding(3) var<storage, read> b_gamma: array<f32>;
@group(0) @binding(4) var<storage, read> b_beta: array<f32>;
@group(0) @binding(5) var<storage, read> b_b: array<f32>;
@group(0) @binding(6) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 2048u;
    if (i >= 2048u) { return; }

    let n: u32 = (i / 2048u);
    let oc: u32 = (i / 64u) % 32u;
    let oy: u32 = (i / 8u) % 8u;
    let ox: u32 = i % 8u;

    let g: u32 = oc / 32u;
    var v: f32 = b_b[u32(oc)];
    for (var ic: u32 = 0u; ic < 32u; ic = ic + 1u) {
        let c: u32 = g * 32u + ic;
        for (var ky: u32 = 0u; ky < 3u; ky = ky + 1u) {
            let iy: i32 = i32(oy * 1u + ky * 1u) - 1;
            if (iy < 0 || iy >= 8) { continue; }
            for (var kx: u32 = 0u; kx < 3u; kx = kx + 1u) {
                let ix: i32 = i32(ox * 1u + kx * 1u) - 1;
                if (ix < 0 || ix >= 8) { continue; }
                v = v + (((((b_x[(((u32(n) * 32u + u32(c)) * 8u + u32(iy)) * 8u + u32(ix))] - b_stats[(u32((n * 8u + c / 4u)) * 2u + u32(0))]) * b_stats[(u32((n * 8u + c / 4u)) * 2u + u32(1))]) * b_gamma[u32(c)]) + b_beta[u32(c)]) / (1.0 + exp(-1.0 * ((((b_x[(((u32(n) * 32u + u32(c)) * 8u + u32(iy)) * 8u + u32(ix))] - b_stats[(u32((n * 8u + c / 4u)) * 2u + u32(0))]) * b_stats[(u32((n * 8u + c / 4u)) * 2u + u32(1))]) * b_gamma[u32(c)]) + b_beta[u32(c)])))) * b_w[(((u32(oc) * 32u + u32(ic)) * 3u + u32(ky)) * 3u + u32(kx))];
            }
        }
    }

    b_y[(((u32(n) * 32u + u32(oc)) * 8u + u32(oy)) * 8u + u32(ox))] = v;
}

// ===== conv2d_direct_f32_2 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read> b_w: array<f32>;
@group(0) @binding(2) var<storage, read> b_stats: array<f32>;
@group(0) @binding(3) var<storage, read> b_gamma: array<f32>;
@group(0) @binding(4) var<storage, read> b_beta: array<f32>;
@group(0) @binding(5) var<storage, read> b_b: array<f32>;
@group(0) @binding(6) var<storage, read_write> b_y: array<f32>;
@group(0) @binding(7) var<storage, read> b_e0_1: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 2048u;
    if (i >= 2048u) { return; }

    let n: u32 = (i / 2048u);
    let oc: u32 = (i / 64u) % 32u;
    let oy: u32 = (i / 8u) % 8u;
    let ox: u32 = i % 8u;

    let g: u32 = oc / 32u;
    var v: f32 = b_b[u32(oc)];
    for (var ic: u32 = 0u; ic < 32u; ic = ic + 1u) {
        let c: u32 = g * 32u + ic;
        for (var ky: u32 = 0u; ky < 3u; ky = ky + 1u) {
            let iy: i32 = i32(oy * 1u + ky * 1u) - 1;
            if (iy < 0 || iy >= 8) { continue; }
            for (var kx: u32 = 0u; kx < 3u; kx = kx + 1u) {
                let ix: i32 = i32(ox * 1u + kx * 1u) - 1;
                if (ix < 0 || ix >= 8) { continue; }
                v = v + (((((b_x[(((u32(n) * 32u + u32(c)) * 8u + u32(iy)) * 8u + u32(ix))] - b_stats[(u32((n * 8u + c / 4u)) * 2u + u32(0))]) * b_stats[(u32((n * 8u + c / 4u)) * 2u + u32(1))]) * b_gamma[u32(c)]) + b_beta[u32(c)]) / (1.0 + exp(-1.0 * ((((b_x[(((u32(n) * 32u + u32(c)) * 8u + u32(iy)) * 8u + u32(ix))] - b_stats[(u32((n * 8u + c / 4u)) * 2u + u32(0))]) * b_stats[(u32((n * 8u + c / 4u)) * 2u + u32(1))]) * b_gamma[u32(c)]) + b_beta[u32(c)])))) * b_w[(((u32(oc) * 32u + u32(ic)) * 3u + u32(ky)) * 3u + u32(kx))];
            }
        }
    }
    v = (v + b_e0_1[(((u32(0) * 32u + u32(oc)) * 8u + u32(oy)) * 8u + u32(ox))]);

    b_y[(((u32(n) * 32u + u32(oc)) * 8u + u32(oy)) * 8u + u32(ox))] = v;
}

// ===== copy_permute_f32_3 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 2048u;
    if (i >= 2048u) { return; }

    let o0: u32 = (i / 2048u);
    let o1: u32 = (i / 32u) % 64u;
    let o2: u32 = i % 32u;

    b_y[((u32(o0) * 64u + u32(o1)) * 32u + u32(o2))] = b_x[((u32(o0) * 32u + u32(o2)) * 64u + u32(o1))];
}

// ===== row_norm_f32_4 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read> b_scale: array<f32>;
@group(0) @binding(2) var<storage, read> b_bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 64u;
    if (i >= 64u) { return; }

    var mean: f32 = 0.0;
    for (var j: u32 = 0u; j < 32u; j = j + 1u) {
        mean = mean + b_x[(u32(i) * 32u + u32(j))];
    }
    mean = mean / 32.0;
    var sq: f32 = 0.0;
    for (var j: u32 = 0u; j < 32u; j = j + 1u) {
        let d: f32 = b_x[(u32(i) * 32u + u32(j))] - mean;
        sq = sq + d * d;
    }
    let inv: f32 = 1.0 / sqrt(sq / 32.0 + 1e-5);
    for (var j: u32 = 0u; j < 32u; j = j + 1u) {
        var v: f32 = (b_x[(u32(i) * 32u + u32(j))] - mean) * inv;
        v = v * b_scale[u32(j)];
        v = v + b_bias[u32(j)];

        b_y[(u32(i) * 32u + u32(j))] = v;
    }
}

// ===== matmul_f32_5 =====
@group(0) @binding(0) var<storage, read> b_a: array<f32>;
@group(0) @binding(1) var<storage, read> b_b: array<f32>;
@group(0) @binding(2) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 2048u;
    if (i >= 2048u) { return; }

    let c0: u32 = (i / 2048u);
    let c1: u32 = (i / 32u) % 64u;
    let c2: u32 = i % 32u;

    var acc: f32 = 0.0;
    for (var p: u32 = 0u; p < 32u; p = p + 1u) {
        let av: f32 = b_a[((u32(0) * 64u + u32(c1)) * 32u + u32(p))];
        let bv: f32 = b_b[((u32(0) * 32u + u32(p)) * 32u + u32(c2))];
        acc = acc + av * bv;
    }
    var v: f32 = 1.0 * acc;

    b_y[((u32(c0) * 64u + u32(c1)) * 32u + u32(c2))] = v;
}

// ===== copy_permute_f32_6 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 2048u;
    if (i >= 2048u) { return; }

    let o0: u32 = (i / 2048u);
    let o1: u32 = (i / 1024u) % 2u;
    let o2: u32 = (i / 16u) % 64u;
    let o3: u32 = i % 16u;

    b_y[(((u32(o0) * 2u + u32(o1)) * 64u + u32(o2)) * 16u + u32(o3))] = b_x[(((u32(o0) * 64u + u32(o2)) * 2u + u32(o1)) * 16u + u32(o3))];
}

// ===== copy_permute_f32_7 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 2048u;
    if (i >= 2048u) { return; }

    let o0: u32 = (i / 2048u);
    let o1: u32 = (i / 1024u) % 2u;
    let o2: u32 = (i / 64u) % 16u;
    let o3: u32 = i % 64u;

    b_y[(((u32(o0) * 2u + u32(o1)) * 16u + u32(o2)) * 64u + u32(o3))] = b_x[(((u32(o0) * 64u + u32(o3)) * 2u + u32(o1)) * 16u + u32(o2))];
}

// ===== attention_rows_f32_8 =====
@group(0) @binding(0) var<storage, read> b_q: array<f32>;
@group(0) @binding(1) var<storage, read> b_kt: array<f32>;
@group(0) @binding(2) var<storage, read> b_v: array<f32>;
@group(0) @binding(3) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 128u;
    if (i >= 128u) { return; }

    let b0: u32 = (i / 128u);
    let b1: u32 = (i / 64u) % 2u;
    let n: u32 = i % 64u;
    let ch: u32 = i % 1u;

    let e0: u32 = ch * 16u;
    var mx: f32 = -3.4028235e38;
    var l: f32 = 0.0;
    var acc: array<f32, 16>;
    for (var e: u32 = 0u; e < 16u; e = e + 1u) { acc[e] = 0.0; }
    for (var j: u32 = 0u; j < 64u; j = j + 1u) {
        var s: f32 = 0.0;
        for (var dd: u32 = 0u; dd < 16u; dd = dd + 1u) {
            s = s + b_q[(((u32(0) * 2u + u32(b1)) * 64u + u32(n)) * 16u + u32(dd))] * b_kt[(((u32(0) * 2u + u32(b1)) * 16u + u32(dd)) * 64u + u32(j))];
        }
        s = s * 0.25;
        let m_new: f32 = max(mx, s);
        let corr: f32 = exp(mx - m_new);
        let p: f32 = exp(s - m_new);
        l = l * corr + p;
        for (var e: u32 = 0u; e < 16u; e = e + 1u) {
            let col: u32 = min(e0 + e, 16u - 1u);
            acc[e] = acc[e] * corr + p * b_v[(((u32(0) * 2u + u32(b1)) * 64u + u32(j)) * 16u + u32(col))];
        }
        mx = m_new;
    }
    for (var e: u32 = 0u; e < 16u; e = e + 1u) {
        let col: u32 = e0 + e;
        if (col < 16u) {
            let v: f32 = acc[e] / l;
            b_y[(((u32(b0) * 2u + u32(b1)) * 64u + u32(n)) * 16u + u32(col))] = v;
        }
    }
}

// ===== copy_permute_f32_9 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 2048u;
    if (i >= 2048u) { return; }

    let o0: u32 = (i / 2048u);
    let o1: u32 = (i / 32u) % 64u;
    let o2: u32 = (i / 16u) % 2u;
    let o3: u32 = i % 16u;

    b_y[(((u32(o0) * 64u + u32(o1)) * 2u + u32(o2)) * 16u + u32(o3))] = b_x[(((u32(o0) * 2u + u32(o2)) * 64u + u32(o1)) * 16u + u32(o3))];
}

// ===== matmul_f32_10 =====
@group(0) @binding(0) var<storage, read> b_a: array<f32>;
@group(0) @binding(1) var<storage, read> b_b: array<f32>;
@group(0) @binding(2) var<storage, read_write> b_y: array<f32>;
@group(0) @binding(3) var<storage, read> b_e0_0: array<f32>;
@group(0) @binding(4) var<storage, read> b_e1_1: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 2048u;
    if (i >= 2048u) { return; }

    let c0: u32 = (i / 2048u);
    let c1: u32 = (i / 32u) % 64u;
    let c2: u32 = i % 32u;

    var acc: f32 = 0.0;
    for (var p: u32 = 0u; p < 32u; p = p + 1u) {
        let av: f32 = b_a[((u32(0) * 64u + u32(c1)) * 32u + u32(p))];
        let bv: f32 = b_b[((u32(0) * 32u + u32(p)) * 32u + u32(c2))];
        acc = acc + av * bv;
    }
    var v: f32 = 1.0 * acc;
    v = (b_e0_0[u32(c2)] + v);
    v = (v + b_e1_1[((u32(0) * 64u + u32(c1)) * 32u + u32(c2))]);

    b_y[((u32(c0) * 64u + u32(c1)) * 32u + u32(c2))] = v;
}

// ===== matmul_f32_11 =====
@group(0) @binding(0) var<storage, read> b_a: array<f32>;
@group(0) @binding(1) var<storage, read> b_b: array<f32>;
@group(0) @binding(2) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 256u;
    if (i >= 224u) { return; }

    let c0: u32 = (i / 224u);
    let c1: u32 = (i / 32u) % 7u;
    let c2: u32 = i % 32u;

    var acc: f32 = 0.0;
    for (var p: u32 = 0u; p < 24u; p = p + 1u) {
        let av: f32 = b_a[((u32(0) * 7u + u32(c1)) * 24u + u32(p))];
        let bv: f32 = b_b[((u32(0) * 24u + u32(p)) * 32u + u32(c2))];
        acc = acc + av * bv;
    }
    var v: f32 = 1.0 * acc;

    b_y[((u32(c0) * 7u + u32(c1)) * 32u + u32(c2))] = v;
}

// ===== copy_permute_f32_12 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 256u;
    if (i >= 224u) { return; }

    let o0: u32 = (i / 224u);
    let o1: u32 = (i / 112u) % 2u;
    let o2: u32 = (i / 16u) % 7u;
    let o3: u32 = i % 16u;

    b_y[(((u32(o0) * 2u + u32(o1)) * 7u + u32(o2)) * 16u + u32(o3))] = b_x[(((u32(o0) * 7u + u32(o2)) * 2u + u32(o1)) * 16u + u32(o3))];
}

// ===== copy_permute_f32_13 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 256u;
    if (i >= 224u) { return; }

    let o0: u32 = (i / 224u);
    let o1: u32 = (i / 112u) % 2u;
    let o2: u32 = (i / 7u) % 16u;
    let o3: u32 = i % 7u;

    b_y[(((u32(o0) * 2u + u32(o1)) * 16u + u32(o2)) * 7u + u32(o3))] = b_x[(((u32(o0) * 7u + u32(o3)) * 2u + u32(o1)) * 16u + u32(o2))];
}

// ===== attention_rows_f32_14 =====
@group(0) @binding(0) var<storage, read> b_q: array<f32>;
@group(0) @binding(1) var<storage, read> b_kt: array<f32>;
@group(0) @binding(2) var<storage, read> b_v: array<f32>;
@group(0) @binding(3) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 128u;
    if (i >= 128u) { return; }

    let b0: u32 = (i / 128u);
    let b1: u32 = (i / 64u) % 2u;
    let n: u32 = i % 64u;
    let ch: u32 = i % 1u;

    let e0: u32 = ch * 16u;
    var mx: f32 = -3.4028235e38;
    var l: f32 = 0.0;
    var acc: array<f32, 16>;
    for (var e: u32 = 0u; e < 16u; e = e + 1u) { acc[e] = 0.0; }
    for (var j: u32 = 0u; j < 7u; j = j + 1u) {
        var s: f32 = 0.0;
        for (var dd: u32 = 0u; dd < 16u; dd = dd + 1u) {
            s = s + b_q[(((u32(0) * 2u + u32(b1)) * 64u + u32(n)) * 16u + u32(dd))] * b_kt[(((u32(0) * 2u + u32(b1)) * 16u + u32(dd)) * 7u + u32(j))];
        }
        s = s * 0.25;
        let m_new: f32 = max(mx, s);
        let corr: f32 = exp(mx - m_new);
        let p: f32 = exp(s - m_new);
        l = l * corr + p;
        for (var e: u32 = 0u; e < 16u; e = e + 1u) {
            let col: u32 = min(e0 + e, 16u - 1u);
            acc[e] = acc[e] * corr + p * b_v[(((u32(0) * 2u + u32(b1)) * 7u + u32(j)) * 16u + u32(col))];
        }
        mx = m_new;
    }
    for (var e: u32 = 0u; e < 16u; e = e + 1u) {
        let col: u32 = e0 + e;
        if (col < 16u) {
            let v: f32 = acc[e] / l;
            b_y[(((u32(b0) * 2u + u32(b1)) * 64u + u32(n)) * 16u + u32(col))] = v;
        }
    }
}

// ===== matmul_f32_15 =====
@group(0) @binding(0) var<storage, read> b_a: array<f32>;
@group(0) @binding(1) var<storage, read> b_b: array<f32>;
@group(0) @binding(2) var<storage, read_write> b_y: array<f32>;
@group(0) @binding(3) var<storage, read> b_e0_0: array<f32>;
fn drift_erf(x: f32) -> f32 {
    let t = 1.0 / (1.0 + 0.5 * abs(x));
    let y = 1.0 - t * exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    return select(-y, y, x >= 0.0);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 8192u;
    if (i >= 8192u) { return; }

    let c0: u32 = (i / 8192u);
    let c1: u32 = (i / 128u) % 64u;
    let c2: u32 = i % 128u;

    var acc: f32 = 0.0;
    for (var p: u32 = 0u; p < 32u; p = p + 1u) {
        let av: f32 = b_a[((u32(0) * 64u + u32(c1)) * 32u + u32(p))];
        let bv: f32 = b_b[((u32(0) * 32u + u32(p)) * 128u + u32(c2))];
        acc = acc + av * bv;
    }
    var v: f32 = 1.0 * acc;
    v = (b_e0_0[u32(c2)] + v);
    v = (0.5 * v * (1.0 + drift_erf(v * 0.70710677)));

    b_y[((u32(c0) * 64u + u32(c1)) * 128u + u32(c2))] = v;
}

// ===== matmul_f32_16 =====
@group(0) @binding(0) var<storage, read> b_a: array<f32>;
@group(0) @binding(1) var<storage, read> b_b: array<f32>;
@group(0) @binding(2) var<storage, read_write> b_y: array<f32>;
@group(0) @binding(3) var<storage, read> b_e0_0: array<f32>;
@group(0) @binding(4) var<storage, read> b_e1_1: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 2048u;
    if (i >= 2048u) { return; }

    let c0: u32 = (i / 2048u);
    let c1: u32 = (i / 32u) % 64u;
    let c2: u32 = i % 32u;

    var acc: f32 = 0.0;
    for (var p: u32 = 0u; p < 128u; p = p + 1u) {
        let av: f32 = b_a[((u32(0) * 64u + u32(c1)) * 128u + u32(p))];
        let bv: f32 = b_b[((u32(0) * 128u + u32(p)) * 32u + u32(c2))];
        acc = acc + av * bv;
    }
    var v: f32 = 1.0 * acc;
    v = (b_e0_0[u32(c2)] + v);
    v = (v + b_e1_1[((u32(0) * 64u + u32(c1)) * 32u + u32(c2))]);

    b_y[((u32(c0) * 64u + u32(c1)) * 32u + u32(c2))] = v;
}

// ===== copy_permute_f32_17 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 2048u;
    if (i >= 2048u) { return; }

    let o0: u32 = (i / 2048u);
    let o1: u32 = (i / 64u) % 32u;
    let o2: u32 = i % 64u;

    b_y[((u32(o0) * 32u + u32(o1)) * 64u + u32(o2))] = b_x[((u32(o0) * 64u + u32(o2)) * 32u + u32(o1))];
}

