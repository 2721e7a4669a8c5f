//! safetensors bytes → `driftc::front::safetensors::Checkpoint` (what `driftc compile
//! CHECKPOINT_DIR` reads for weights): the bytes are written as `model.safetensors` in a
//! scratch directory (the reader works on files so that large checkpoints are never held in
//! memory), opened, and every tensor the header lists is read.
//! Oracles: no panic; every listed tensor reads back with exactly as many elements as its
//! shape says.
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use driftc::front::safetensors::Checkpoint;
use driftc::ir::numel;
use libfuzzer_sys::fuzz_target;

static DIR: LazyLock<PathBuf> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("driftc-fuzz-safetensors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
});

fuzz_target!(|data: &[u8]| {
    std::fs::write(DIR.join("model.safetensors"), data).expect("scratch file");
    let Ok(ck) = Checkpoint::open(&DIR) else { return };
    for name in ck.names() {
        let shape = ck.shape(&name).expect("listed tensor has a shape").to_vec();
        let v = ck.read(&name).expect("listed tensor reads");
        let len = v.len();
        assert_eq!(Some(len), numel(&shape), "tensor '{name}' of shape {shape:?} read {len} elements");
    }
});
