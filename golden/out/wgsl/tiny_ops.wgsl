// ===== conv_transpose2d_f32_0 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read> b_w: array<f32>;
@group(0) @binding(2) var<storage, read> b_b: array<f32>;
@group(0) @binding(3) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 1280u;
    if (i >= 1280u) { return; }

    let n: u32 = (i / 1280u);
    let oc: u32 = (i / 256u) % 5u;
    let oy: u32 = (i / 16u) % 16u;
    let ox: u32 = i % 16u;

    let g: u32 = oc / 5u;
    let ocl: u32 = oc % 5u;
    var v: f32 = b_b[u32(oc)];
    for (var ic: u32 = 0u; ic < 3u; ic = ic + 1u) {
        let c: u32 = g * 3u + ic;
        for (var ky: u32 = 0u; ky < 3u; ky = ky + 1u) {
            let ny: i32 = i32(oy) + (1) - i32(ky * 1u);
            if (ny < 0 || ny % 2 != 0) { continue; }
            let iy: i32 = ny / 2;
            if (iy >= 8) { continue; }
            for (var kx: u32 = 0u; kx < 3u; kx = kx + 1u) {
                let nx: i32 = i32(ox) + (1) - i32(kx * 1u);
                if (nx < 0 || nx % 2 != 0) { continue; }
                let ix: i32 = nx / 2;
                if (ix >= 8) { continue; }
                v = v + b_x[(((u32(n) * 3u + u32(c)) * 8u + u32(iy)) * 8u + u32(ix))] * b_w[(((u32(c) * 5u + u32(ocl)) * 3u + u32(ky)) * 3u + u32(kx))];
            }
        }
    }
    v = select(v, 0.1 * v, v < 0.0);

    b_y[(((u32(n) * 5u + u32(oc)) * 16u + u32(oy)) * 16u + u32(ox))] = v;
}

// ===== pool2d_f32_1 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read_write> b_y: array<f32>;
@group(0) @binding(2) var<storage, read> b_e0_1: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 320u;
    if (i >= 320u) { return; }

    let n: u32 = (i / 320u);
    let c: u32 = (i / 64u) % 5u;
    let oy: u32 = (i / 8u) % 8u;
    let ox: u32 = i % 8u;

    var v: f32 = 0.0;
    var count: u32 = 0u;
    for (var ky: u32 = 0u; ky < 3u; ky = ky + 1u) {
        let iy: i32 = i32(oy * 2u + ky * 1u) - 1;
        if (iy >= 17) { continue; }
        for (var kx: u32 = 0u; kx < 3u; kx = kx + 1u) {
            let ix: i32 = i32(ox * 2u + kx * 1u) - 1;
            if (ix >= 17) { continue; }
            if (iy < 0 || iy >= 16 || ix < 0 || ix >= 16) {
                continue;
            }
            let xv: f32 = b_x[(((u32(n) * 5u + u32(c)) * 16u + u32(iy)) * 16u + u32(ix))];
            v = v + xv;
            count = count + 1u;
        }
    }
    v = v / f32(max(count, 1u));
    v = (v * b_e0_1[(((u32(0) * 5u + u32(c)) * 8u + u32(oy)) * 8u + u32(ox))]);
    v = (1.0 / (1.0 + exp(-v)));

    b_y[(((u32(n) * 5u + u32(c)) * 8u + u32(oy)) * 8u + u32(ox))] = v;
}

// ===== elementwise_f32_2 =====
@group(0) @binding(0) var<storage, read> b_a0: array<f32>;
@group(0) @binding(1) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 192u;
    if (i >= 192u) { return; }

    let c0: u32 = (i / 192u);
    let c1: u32 = (i / 64u) % 3u;
    let c2: u32 = (i / 8u) % 8u;
    let c3: u32 = i % 8u;

    var v: f32 = tanh(b_a0[(((u32(0) * 3u + u32(c1)) * 8u + u32(c2)) * 8u + u32(c3))]);

    b_y[(((u32(c0) * 3u + u32(c1)) * 8u + u32(c2)) * 8u + u32(c3))] = v;
}

// ===== slice_copy_f32_3 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 320u;
    if (i >= 320u) { return; }

    let r0: u32 = (i / 320u);
    let r1: u32 = (i / 64u) % 5u;
    let r2: u32 = (i / 8u) % 8u;
    let r3: u32 = i % 8u;

    let s0: i32 = 0 + i32(r0) * 1;
    let t0: i32 = 0 + i32(r0) * 1;
    let s1: i32 = 0 + i32(r1) * 1;
    let t1: i32 = 0 + i32(r1) * 1;
    let s2: i32 = 0 + i32(r2) * 1;
    let t2: i32 = 0 + i32(r2) * 1;
    let s3: i32 = 0 + i32(r3) * 1;
    let t3: i32 = 0 + i32(r3) * 1;
    b_y[(((u32(t0) * 8u + u32(t1)) * 8u + u32(t2)) * 8u + u32(t3))] = b_x[(((u32(s0) * 5u + u32(s1)) * 8u + u32(s2)) * 8u + u32(s3))];
}

// ===== slice_copy_f32_4 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 192u;
    if (i >= 192u) { return; }

    let r0: u32 = (i / 192u);
    let r1: u32 = (i / 64u) % 3u;
    let r2: u32 = (i / 8u) % 8u;
    let r3: u32 = i % 8u;

    let s0: i32 = 0 + i32(r0) * 1;
    let t0: i32 = 0 + i32(r0) * 1;
    let s1: i32 = 0 + i32(r1) * 1;
    let t1: i32 = 5 + i32(r1) * 1;
    let s2: i32 = 0 + i32(r2) * 1;
    let t2: i32 = 0 + i32(r2) * 1;
    let s3: i32 = 0 + i32(r3) * 1;
    let t3: i32 = 0 + i32(r3) * 1;
    b_y[(((u32(t0) * 8u + u32(t1)) * 8u + u32(t2)) * 8u + u32(t3))] = b_x[(((u32(s0) * 3u + u32(s1)) * 8u + u32(s2)) * 8u + u32(s3))];
}

// ===== elementwise_f32_5 =====
@group(0) @binding(0) var<storage, read> b_a0: array<f32>;
@group(0) @binding(1) var<storage, read> b_a1: array<f32>;
@group(0) @binding(2) var<storage, read_write> b_y: array<f32>;
@group(0) @binding(3) var<storage, read> b_e0_1: array<f32>;
@group(0) @binding(4) var<storage, read> b_e1_1: array<f32>;
@group(0) @binding(5) var<storage, read> b_e2_1: array<f32>;
fn drift_pow(x: f32, y: f32) -> f32 {
    if (y == 0.0) { return 1.0; }
    if (x < 0.0 && y == floor(y)) {
        let r = pow(-x, y);
        return select(r, -r, y * 0.5 != floor(y * 0.5));
    }
    return pow(x, y);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 512u;
    if (i >= 512u) { return; }

    let c0: u32 = (i / 512u);
    let c1: u32 = (i / 64u) % 8u;
    let c2: u32 = (i / 8u) % 8u;
    let c3: u32 = i % 8u;

    var v: f32 = (b_a0[(((u32(0) * 8u + u32(c1)) * 8u + u32(c2)) * 8u + u32(c3))] - b_a1[((u32(c1) * 1u + u32(0)) * 1u + u32(0))]);
    v = (v * b_e0_1[(((u32(0) * 1u + u32(0)) * 1u + u32(0)) * 8u + u32(c3))]);
    v = (v / b_e1_1[(((u32(0) * 8u + u32(c1)) * 1u + u32(0)) * 1u + u32(0))]);
    v = drift_pow(v, b_e2_1[0u]);

    b_y[(((u32(c0) * 8u + u32(c1)) * 8u + u32(c2)) * 8u + u32(c3))] = v;
}

// ===== elementwise_f32_6 =====
@group(0) @binding(0) var<storage, read> b_a0: array<f32>;
@group(0) @binding(1) var<storage, read> b_a1: array<f32>;
@group(0) @binding(2) var<storage, read_write> b_y: array<f32>;
fn drift_pow(x: f32, y: f32) -> f32 {
    if (y == 0.0) { return 1.0; }
    if (x < 0.0 && y == floor(y)) {
        let r = pow(-x, y);
        return select(r, -r, y * 0.5 != floor(y * 0.5));
    }
    return pow(x, y);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 320u;
    if (i >= 320u) { return; }

    let c0: u32 = (i / 320u);
    let c1: u32 = (i / 64u) % 5u;
    let c2: u32 = (i / 8u) % 8u;
    let c3: u32 = i % 8u;

    var v: f32 = drift_pow(b_a0[(((u32(0) * 5u + u32(c1)) * 8u + u32(c2)) * 8u + u32(c3))], b_a1[0u]);

    b_y[(((u32(c0) * 5u + u32(c1)) * 8u + u32(c2)) * 8u + u32(c3))] = v;
}

// ===== copy_permute_f32_7 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 512u;
    if (i >= 512u) { return; }

    let o0: u32 = (i / 128u);
    let o1: u32 = (i / 8u) % 16u;
    let o2: u32 = i % 8u;

    b_y[((u32(o0) * 16u + u32(o1)) * 8u + u32(o2))] = b_x[((u32(o0) * 8u + u32(o2)) * 16u + u32(o1))];
}

// ===== matmul_f32_8 =====
@group(0) @binding(0) var<storage, read> b_a: array<f32>;
@group(0) @binding(1) var<storage, read> b_b: array<f32>;
@group(0) @binding(2) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 320u;
    if (i >= 320u) { return; }

    let c0: u32 = (i / 80u);
    let c1: u32 = (i / 5u) % 16u;
    let c2: u32 = i % 5u;

    var acc: f32 = 0.0;
    for (var p: u32 = 0u; p < 8u; p = p + 1u) {
        let av: f32 = b_a[((u32(c0) * 16u + u32(c1)) * 8u + u32(p))];
        let bv: f32 = b_b[((u32(0) * 8u + u32(p)) * 5u + u32(c2))];
        acc = acc + av * bv;
    }
    var v: f32 = 1.0 * acc;

    b_y[((u32(c0) * 16u + u32(c1)) * 5u + u32(c2))] = v;
}

// ===== matmul_f32_9 =====
@group(0) @binding(0) var<storage, read> b_a: array<f32>;
@group(0) @binding(1) var<storage, read> b_b: array<f32>;
@group(0) @binding(2) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 128u;
    if (i >= 120u) { return; }

    let c0: u32 = (i / 40u);
    let c1: u32 = (i / 5u) % 8u;
    let c2: u32 = i % 5u;

    var acc: f32 = 0.0;
    for (var p: u32 = 0u; p < 8u; p = p + 1u) {
        let av: f32 = b_a[((u32(c0) * 8u + u32(c1)) * 8u + u32(p))];
        let bv: f32 = b_b[((u32(0) * 8u + u32(p)) * 5u + u32(c2))];
        acc = acc + av * bv;
    }
    var v: f32 = 1.0 * acc;

    b_y[((u32(c0) * 8u + u32(c1)) * 5u + u32(c2))] = v;
}

// ===== pad_f32_10 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 384u;
    if (i >= 363u) { return; }

    let o0: u32 = (i / 363u);
    let o1: u32 = (i / 121u) % 3u;
    let o2: u32 = (i / 11u) % 11u;
    let o3: u32 = i % 11u;

    var inside: bool = true;
    let s0: i32 = i32(o0) - (0);
    if (s0 < 0 || s0 >= 1) { inside = false; }
    let s1: i32 = i32(o1) - (0);
    if (s1 < 0 || s1 >= 3) { inside = false; }
    let s2: i32 = i32(o2) - (1);
    if (s2 < 0 || s2 >= 8) { inside = false; }
    let s3: i32 = i32(o3) - (2);
    if (s3 < 0 || s3 >= 8) { inside = false; }
    var v: f32 = 0.5;
    if (inside) { v = b_x[(((u32(s0) * 3u + u32(s1)) * 8u + u32(s2)) * 8u + u32(s3))]; }
    b_y[(((u32(o0) * 3u + u32(o1)) * 11u + u32(o2)) * 11u + u32(o3))] = v;
}

// ===== resize_f32_11 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 1472u;
    if (i >= 1452u) { return; }

    let o0: u32 = (i / 1452u);
    let o1: u32 = (i / 484u) % 3u;
    let o2: u32 = (i / 22u) % 22u;
    let o3: u32 = i % 22u;

    let f0: f32 = f32(o0);
    let s0: i32 = clamp(i32(select(round(f0), floor(f0), f0 == floor(f0) + 0.5)), 0, 0);
    let f1: f32 = f32(o1);
    let s1: i32 = clamp(i32(select(round(f1), floor(f1), f1 == floor(f1) + 0.5)), 0, 2);
    let f2: f32 = ((f32(o2) + 0.5) / 2.0 - 0.5);
    let s2: i32 = clamp(i32(select(round(f2), floor(f2), f2 == floor(f2) + 0.5)), 0, 10);
    let f3: f32 = ((f32(o3) + 0.5) / 2.0 - 0.5);
    let s3: i32 = clamp(i32(select(round(f3), floor(f3), f3 == floor(f3) + 0.5)), 0, 10);
    let v: f32 = b_x[(((u32(s0) * 3u + u32(s1)) * 11u + u32(s2)) * 11u + u32(s3))];
    b_y[(((u32(o0) * 3u + u32(o1)) * 22u + u32(o2)) * 22u + u32(o3))] = v;
}

// ===== pad_f32_12 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 448u;
    if (i >= 432u) { return; }

    let o0: u32 = (i / 432u);
    let o1: u32 = (i / 144u) % 3u;
    let o2: u32 = (i / 12u) % 12u;
    let o3: u32 = i % 12u;

    let s0: i32 = 0;
    let s1m: i32 = ((i32(o1) - (0)) % 4 + 4) % 4;
    let s1: i32 = select(s1m, 4 - s1m, s1m >= 3);
    let s2m: i32 = ((i32(o2) - (2)) % 14 + 14) % 14;
    let s2: i32 = select(s2m, 14 - s2m, s2m >= 8);
    let s3m: i32 = ((i32(o3) - (2)) % 14 + 14) % 14;
    let s3: i32 = select(s3m, 14 - s3m, s3m >= 8);
    let v: f32 = b_x[(((u32(s0) * 3u + u32(s1)) * 8u + u32(s2)) * 8u + u32(s3))];
    b_y[(((u32(o0) * 3u + u32(o1)) * 12u + u32(o2)) * 12u + u32(o3))] = v;
}

// ===== resize_f32_13 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read_write> b_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 1216u;
    if (i >= 1200u) { return; }

    let o0: u32 = (i / 1200u);
    let o1: u32 = (i / 400u) % 3u;
    let o2: u32 = (i / 20u) % 20u;
    let o3: u32 = i % 20u;

    let fy: f32 = clamp(((f32(o2) + 0.5) / 1.6666666 - 0.5), 0.0, 11.0);
    let fx: f32 = clamp(((f32(o3) + 0.5) / 1.6666666 - 0.5), 0.0, 11.0);
    let y0: i32 = i32(fy);
    let x0: i32 = i32(fx);
    let y1: i32 = min(y0 + 1, 11);
    let x1: i32 = min(x0 + 1, 11);
    let ly: f32 = fy - f32(y0);
    let lx: f32 = fx - f32(x0);
    let top: f32 = (1.0 - lx) * b_x[(((u32(o0) * 3u + u32(o1)) * 12u + u32(y0)) * 12u + u32(x0))] + lx * b_x[(((u32(o0) * 3u + u32(o1)) * 12u + u32(y0)) * 12u + u32(x1))];
    let bottom: f32 = (1.0 - lx) * b_x[(((u32(o0) * 3u + u32(o1)) * 12u + u32(y1)) * 12u + u32(x0))] + lx * b_x[(((u32(o0) * 3u + u32(o1)) * 12u + u32(y1)) * 12u + u32(x1))];
    let v: f32 = (1.0 - ly) * top + ly * bottom;
    b_y[(((u32(o0) * 3u + u32(o1)) * 20u + u32(o2)) * 20u + u32(o3))] = v;
}

