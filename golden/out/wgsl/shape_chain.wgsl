// ===== elementwise_f32_0 =====
@group(0) @binding(0) var<storage, read> b_a0: array<f32>;
@group(0) @binding(1) var<storage, read> b_a1: array<f32>;
@group(0) @binding(2) var<storage, read_write> b_y: array<f32>;
@group(0) @binding(3) var<storage, read> b_e0_1: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 128u;
    if (i >= 96u) { return; }

    let c0: u32 = (i / 96u);
    let c1: u32 = i % 96u;

    var v: f32 = (b_a0[(u32(0) * 96u + u32(c1))] + b_a1[(u32(0) * 96u + u32(c1))]);
    v = (v * b_e0_1[u32(c1)]);

    b_y[(u32(c0) * 96u + u32(c1))] = v;
}

// ===== matvec_f32_1 =====
@group(0) @binding(0) var<storage, read> b_x: array<f32>;
@group(0) @binding(1) var<storage, read> b_w: array<f32>;
@group(0) @binding(2) var<storage, read_write> b_y: array<f32>;
@group(0) @binding(3) var<storage, read> b_e0_1: array<f32>;

var<workgroup> drift_shared: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
    let group: u32 = min(wid.x + wid.y * 2u, 1u);
    let lane: u32 = lid.x;

    let col_in: u32 = lane % 8u;
    let slice: u32 = lane / 8u;
    let col_raw: u32 = group * 8u + col_in;
    let col: u32 = min(col_raw, 9u);
    let c0: u32 = 0u;
    var a0: f32 = 0.0;
    var a1: f32 = 0.0;
    var a2: f32 = 0.0;
    var a3: f32 = 0.0;
    for (var q: u32 = 0u; q < 0u; q = q + 1u) {
        let p0: u32 = q * 128u + slice + 0u;
        let p1: u32 = q * 128u + slice + 32u;
        let p2: u32 = q * 128u + slice + 64u;
        let p3: u32 = q * 128u + slice + 96u;
        a0 = a0 + b_x[(u32(0u) * 96u + u32(p0))] * b_w[(u32(p0) * 10u + u32(col))];
        a1 = a1 + b_x[(u32(0u) * 96u + u32(p1))] * b_w[(u32(p1) * 10u + u32(col))];
        a2 = a2 + b_x[(u32(0u) * 96u + u32(p2))] * b_w[(u32(p2) * 10u + u32(col))];
        a3 = a3 + b_x[(u32(0u) * 96u + u32(p3))] * b_w[(u32(p3) * 10u + u32(col))];
    }
    for (var p: u32 = 0u + slice; p < 96u; p = p + 32u) {
        a0 = a0 + b_x[(u32(0u) * 96u + u32(p))] * b_w[(u32(p) * 10u + u32(col))];
    }
    drift_shared[lane] = a0 + a1 + a2 + a3;
    workgroupBarrier();
    for (var s: u32 = 16u; s > 0u; s = s / 2u) {
        if (slice < s) {
            drift_shared[lane] = drift_shared[lane] + drift_shared[lane + s * 8u];
        }
        workgroupBarrier();
    }
    if (slice == 0u && col_raw < 10u) {
        let c1: u32 = col;
        var v: f32 = drift_shared[col_in];
    v = (v + b_e0_1[u32(c1)]);

        b_y[(u32(c0) * 10u + u32(c1))] = v;
    }
}

