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

// ===== matmul_f32_1 =====
@group(0) @binding(0) var<storage, read> b_a: array<f32>;
@group(0) @binding(1) var<storage, read> b_b: array<f32>;
@group(0) @binding(2) var<storage, read_write> b_y: array<f32>;
@group(0) @binding(3) var<storage, read> b_e0_1: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i: u32 = gid.x + gid.y * 64u;
    if (i >= 10u) { return; }

    let c0: u32 = (i / 10u);
    let c1: u32 = i % 10u;

    var acc: f32 = 0.0;
    for (var p: u32 = 0u; p < 96u; p = p + 1u) {
        let av: f32 = b_a[(u32(0) * 96u + u32(p))];
        let bv: f32 = b_b[(u32(p) * 10u + u32(c1))];
        acc = acc + av * bv;
    }
    var v: f32 = 1.0 * acc;
    v = (v + b_e0_1[u32(c1)]);

    b_y[(u32(c0) * 10u + u32(c1))] = v;
}

