// ===== conv2d_direct_f32_0 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read> b_w: array<f32>;
@group(0) @binding(2) var<storage, read> b_b: array<f32>;
@group(0) @binding(3) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 2048u;
    if (i >= 2048u) { return; }

    let n: u32 = (i / 2048u);
    let oc: u32 = (i / 256u) % 8u;
    let oy: u32 = (i / 16u) % 16u;
    let ox: u32 = i % 16u;

    let g: u32 = oc / 8u;
    var v: f32 = b_b[u32(oc)];
    for (var ic: u32 = 0u; ic < 3u; ic = ic + 1u) {
        let c: u32 = g * 3u + ic;
        for (var ky: u32 = 0u; ky < 3u; ky = ky + 1u) {
            let iy: i32 = i32(oy * 1u + ky * 1u) - 1;
            if (iy < 0 || iy >= 16) { continue; }
            for (var kx: u32 = 0u; kx < 3u; kx = kx + 1u) {
                let ix: i32 = i32(ox * 1u + kx * 1u) - 1;
                if (ix < 0 || ix >= 16) { continue; }
                v = v + b_x[(((u32(n) * 3u + u32(c)) * 16u + u32(iy)) * 16u + u32(ix))] * b_w[(((u32(oc) * 3u + u32(ic)) * 3u + u32(ky)) * 3u + u32(kx))];
            }
        }
    }
    v = max(v, 0.0);

    b_y[(((u32(n) * 8u + u32(oc)) * 16u + u32(oy)) * 16u + u32(ox))] = v;
}

// ===== conv2d_direct_f32_1 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read> b_w: array<f32>;
@group(0) @binding(2) var<storage, read> b_b: array<f32>;
@group(0) @binding(3) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 512u;
    if (i >= 512u) { return; }

    let n: u32 = (i / 512u);
    let oc: u32 = (i / 64u) % 8u;
    let oy: u32 = (i / 8u) % 8u;
    let ox: u32 = i % 8u;

    let g: u32 = oc / 1u;
    var v: f32 = b_b[u32(oc)];
    for (var ic: u32 = 0u; ic < 1u; ic = ic + 1u) {
        let c: u32 = g * 1u + ic;
        for (var ky: u32 = 0u; ky < 3u; ky = ky + 1u) {
            let iy: i32 = i32(oy * 2u + ky * 1u) - 1;
            if (iy < 0 || iy >= 16) { continue; }
            for (var kx: u32 = 0u; kx < 3u; kx = kx + 1u) {
                let ix: i32 = i32(ox * 2u + kx * 1u) - 1;
                if (ix < 0 || ix >= 16) { continue; }
                v = v + b_x[(((u32(n) * 8u + u32(c)) * 16u + u32(iy)) * 16u + u32(ix))] * b_w[(((u32(oc) * 1u + u32(ic)) * 3u + u32(ky)) * 3u + u32(kx))];
            }
        }
    }

    b_y[(((u32(n) * 8u + u32(oc)) * 8u + u32(oy)) * 8u + u32(ox))] = v;
}

// ===== elementwise_f32_2 =====
@group(0) @binding(0) var<storage, read> b_a0: array<f32>;
@group(0) @binding(1) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 512u;
    if (i >= 512u) { return; }

    let c0: u32 = (i / 512u);
    let c1: u32 = (i / 64u) % 8u;
    let c2: u32 = (i / 8u) % 8u;
    let c3: u32 = i % 8u;

    var v: f32 = min(max(b_a0[(((u32(0) * 8u + u32(c1)) * 8u + u32(c2)) * 8u + u32(c3))], 0.0), 6.0);

    b_y[(((u32(c0) * 8u + u32(c1)) * 8u + u32(c2)) * 8u + u32(c3))] = v;
}

// ===== conv2d_direct_f32_3 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read> b_w: array<f32>;
@group(0) @binding(2) var<storage, read> b_b: array<f32>;
@group(0) @binding(3) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 320u;
    if (i >= 320u) { return; }

    let n: u32 = (i / 320u);
    let oc: u32 = (i / 64u) % 5u;
    let oy: u32 = (i / 8u) % 8u;
    let ox: u32 = i % 8u;

    let g: u32 = oc / 5u;
    var v: f32 = b_b[u32(oc)];
    for (var ic: u32 = 0u; ic < 8u; ic = ic + 1u) {
        let c: u32 = g * 8u + ic;
        for (var ky: u32 = 0u; ky < 1u; ky = ky + 1u) {
            let iy: i32 = i32(oy * 1u + ky * 1u) - 0;
            if (iy < 0 || iy >= 8) { continue; }
            for (var kx: u32 = 0u; kx < 1u; kx = kx + 1u) {
                let ix: i32 = i32(ox * 1u + kx * 1u) - 0;
                if (ix < 0 || ix >= 8) { continue; }
                v = v + b_x[(((u32(n) * 8u + u32(c)) * 8u + u32(iy)) * 8u + u32(ix))] * b_w[(((u32(oc) * 8u + u32(ic)) * 1u + u32(ky)) * 1u + u32(kx))];
            }
        }
    }

    b_y[(((u32(n) * 5u + u32(oc)) * 8u + u32(oy)) * 8u + u32(ox))] = v;
}

// ===== conv2d_direct_f32_4 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read> b_w: array<f32>;
@group(0) @binding(2) var<storage, read_write> b_y: array<f32>;
@group(0) @binding(3) var<storage, read> b_e0_0: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 320u;
    if (i >= 320u) { return; }

    let n: u32 = (i / 320u);
    let oc: u32 = (i / 64u) % 5u;
    let oy: u32 = (i / 8u) % 8u;
    let ox: u32 = i % 8u;

    let g: u32 = oc / 5u;
    var v: f32 = 0.0;
    for (var ic: u32 = 0u; ic < 8u; ic = ic + 1u) {
        let c: u32 = g * 8u + ic;
        for (var ky: u32 = 0u; ky < 1u; ky = ky + 1u) {
            let iy: i32 = i32(oy * 1u + ky * 1u) - 0;
            if (iy < 0 || iy >= 8) { continue; }
            for (var kx: u32 = 0u; kx < 1u; kx = kx + 1u) {
                let ix: i32 = i32(ox * 1u + kx * 1u) - 0;
                if (ix < 0 || ix >= 8) { continue; }
                v = v + b_x[(((u32(n) * 8u + u32(c)) * 8u + u32(iy)) * 8u + u32(ix))] * b_w[(((u32(oc) * 8u + u32(ic)) * 1u + u32(ky)) * 1u + u32(kx))];
            }
        }
    }
    v = (b_e0_0[(((u32(0) * 5u + u32(oc)) * 8u + u32(oy)) * 8u + u32(ox))] + v);
    v = (v * clamp(v / 6.0 + 0.5, 0.0, 1.0));

    b_y[(((u32(n) * 5u + u32(oc)) * 8u + u32(oy)) * 8u + u32(ox))] = v;
}

// ===== pool2d_f32_5 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 128u;
    if (i >= 80u) { return; }

    let n: u32 = (i / 80u);
    let c: u32 = (i / 16u) % 5u;
    let oy: u32 = (i / 4u) % 4u;
    let ox: u32 = i % 4u;

    var v: f32 = -3.4028235e38;
    var count: u32 = 0u;
    for (var ky: u32 = 0u; ky < 3u; ky = ky + 1u) {
        let iy: i32 = i32(oy * 2u + ky * 1u) - 0;
        if (iy >= 8) { continue; }
        for (var kx: u32 = 0u; kx < 3u; kx = kx + 1u) {
            let ix: i32 = i32(ox * 2u + kx * 1u) - 0;
            if (ix >= 8) { continue; }
            if (iy < 0 || iy >= 8 || ix < 0 || ix >= 8) {
                continue;
            }
            let xv: f32 = b_x[(((u32(n) * 5u + u32(c)) * 8u + u32(iy)) * 8u + u32(ix))];
            if (xv > v) { v = xv; }
        }
    }

    b_y[(((u32(n) * 5u + u32(c)) * 4u + u32(oy)) * 4u + u32(ox))] = v;
}

// ===== global_pool_f32_6 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 64u;
    if (i >= 5u) { return; }

    let n: u32 = (i / 5u);
    let c: u32 = i % 5u;
    let s0: u32 = i % 1u;
    let s1: u32 = i % 1u;

    var v: f32 = 0.0;
    for (var hh: u32 = 0u; hh < 4u; hh = hh + 1u) {
        for (var ww: u32 = 0u; ww < 4u; ww = ww + 1u) {
            let xv: f32 = b_x[(((u32(n) * 5u + u32(c)) * 4u + u32(hh)) * 4u + u32(ww))];
            v = v + xv;
        }
    }
    v = v / 16.0;

    b_y[(((u32(n) * 5u + u32(c)) * 1u + u32(s0)) * 1u + u32(s1))] = v;
}

// ===== matmul_f32_7 =====
@group(0) @binding(0) var<storage, read> b_a: array<f32>;
@group(0) @binding(1) var<storage, read> b_b: array<f32>;
@group(0) @binding(2) var<storage, read_write> b_y: array<f32>;
@group(0) @binding(3) var<storage, read> b_c: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 64u;
    if (i >= 10u) { return; }

    let c0: u32 = (i / 10u);
    let c1: u32 = i % 10u;

    var acc: f32 = 0.0;
    for (var p: u32 = 0u; p < 5u; p = p + 1u) {
        let av: f32 = b_a[(u32(0) * 5u + u32(p))];
        let bv: f32 = b_b[(u32(c1) * 5u + u32(p))];
        acc = acc + av * bv;
    }
    var v: f32 = 1.0 * acc;
    v = v + 1.0 * b_c[u32(c1)];

    b_y[(u32(c0) * 10u + u32(c1))] = v;
}

// ===== softmax_f32_8 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 64u;
    if (i >= 1u) { return; }

    let c0: u32 = i;

    var m: f32 = 0.0;
    for (var j: u32 = 0u; j < 10u; j = j + 1u) {
        let xv: f32 = b_x[(u32(c0) * 10u + u32(j))];
        if (j == 0u || xv > m) { m = xv; }
    }
    var s: f32 = 0.0;
    for (var j: u32 = 0u; j < 10u; j = j + 1u) {
        s = s + exp(b_x[(u32(c0) * 10u + u32(j))] - m);
    }
    for (var j: u32 = 0u; j < 10u; j = j + 1u) {
        let xv: f32 = b_x[(u32(c0) * 10u + u32(j))];
        let v: f32 = exp(xv - m) / s;
        b_y[(u32(c0) * 10u + u32(j))] = v;
    }
}

