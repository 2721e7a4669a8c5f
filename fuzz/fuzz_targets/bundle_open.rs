//! Bundle bytes → `runtime_min::bundle::open` with fixed lavapipe-like device limits
//! (what `Bundle::open` + `Session::new` check before any GPU call), then the
//! `driftc inspect` text and JSON printers on whatever was accepted.
//!
//! The BLAKE3 seal is not a secret (anyone can compute it), so a hostile bundle always
//! has a valid one; a mutated input almost never does. Each input is therefore opened
//! twice: as it is (header, magic, version, hash checks) and re-sealed with the hash of
//! its own bytes, so the fuzzer reaches the section, manifest and verifier checks.
//! Oracles: no panic; an accepted bundle is also accepted without device limits, and
//! every index and range in it resolves (the invariants `verify` promises).
#![no_main]

use libfuzzer_sys::fuzz_target;
use runtime_min::bundle::{self, DeviceLimits, HEADER_LEN};

/// Mesa lavapipe's figures (vulkaninfo; targets/lavapipe.toml), with a 4 GiB budget.
fn limits() -> DeviceLimits {
    DeviceLimits {
        max_storage_buffer_range: 134_217_728,
        max_workgroup_invocations: 1024,
        max_workgroup_size: [1024, 1024, 1024],
        max_workgroup_count: [65535, 65535, 65535],
        max_push_constants_size: 128,
        max_shared_memory_bytes: 32768,
        min_storage_buffer_offset_alignment: 16,
        fp16: true,
        int8_dot: true,
        cooperative_matrix: false,
        subgroup_size: 8,
        subgroup_arithmetic: true,
        memory_bytes: 4 << 30,
        max_image2d: [16384, 16384], // PoCL's, so image pools are verified too
    }
}

/// The bytes with the hash field set to BLAKE3 of everything else (as `bundle::write` does).
fn resealed(data: &[u8]) -> Option<Vec<u8>> {
    if data.len() < HEADER_LEN {
        return None;
    }
    let hash_at = HEADER_LEN - 32;
    let mut h = blake3::Hasher::new();
    h.update(&data[..hash_at]);
    h.update(&data[HEADER_LEN..]);
    let mut out = data.to_vec();
    out[hash_at..HEADER_LEN].copy_from_slice(h.finalize().as_bytes());
    Some(out)
}

fn check(data: &[u8], limits: &DeviceLimits) {
    let Ok(view) = bundle::open(data, Some(limits)) else { return };
    assert!(bundle::open(data, None).is_ok(), "accepted with device limits but refused without");
    let m = &view.manifest;
    for k in &m.kernels {
        let end = (k.code.offset + k.code.len) as usize;
        assert!(view.kernels.get(k.code.offset as usize..end).is_some(), "kernel '{}' code outside the section", k.name);
    }
    for w in &m.weights {
        let end = (w.data.offset + w.data.len) as usize;
        assert!(view.weights.get(w.data.offset as usize..end).is_some(), "weight upload outside the section");
        assert!(w.pool_offset + w.data.len <= m.pools[w.pool as usize].size);
    }
    for t in &m.tensors {
        assert!(t.storage.offset + t.storage.size <= m.pools[t.storage.pool as usize].size, "tensor '{}' outside its pool", t.name);
    }
    for &i in m.inputs.iter().chain(&m.outputs) {
        assert!((i as usize) < m.tensors.len());
    }
    for p in &m.programs {
        for d in &p.dispatches {
            let k = &m.kernels[d.kernel as usize];
            assert_eq!(d.bindings.len(), k.bindings.len());
            for b in &d.bindings {
                assert!(b.offset + b.size <= m.pools[b.pool as usize].size, "binding outside its pool");
            }
        }
    }
    let _ = driftc::inspect::text(&view);
    let _ = driftc::inspect::json(&view);
}

fuzz_target!(|data: &[u8]| {
    let limits = limits();
    check(data, &limits);
    if let Some(sealed) = resealed(data) {
        check(&sealed, &limits);
    }
});
