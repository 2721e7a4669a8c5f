//! `.npy` bytes → `driftc::npy::parse` (what `driftc run/verify --input` reads).
//! Oracles: no panic; an accepted array holds exactly as many elements as its shape says;
//! encoding it and parsing the result gives the same array back (bit for bit).
#![no_main]

use driftc::ir::{Data, Value};
use libfuzzer_sys::fuzz_target;

fn len(v: &Value) -> usize {
    match &v.data {
        Data::F32(d) => d.len(),
        Data::I64(d) => d.len(),
        Data::Bool(d) => d.len(),
        Data::I8(d) => d.len(),
        Data::F16(d) => d.len(),
    }
}

fn same(a: &Value, b: &Value) -> bool {
    a.dtype == b.dtype
        && a.shape == b.shape
        && match (&a.data, &b.data) {
            (Data::F32(x), Data::F32(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits() || (p.is_nan() && q.is_nan())),
            (Data::I64(x), Data::I64(y)) => x == y,
            (Data::Bool(x), Data::Bool(y)) => x == y,
            _ => false,
        }
}

fuzz_target!(|data: &[u8]| {
    let Ok(v) = driftc::npy::parse(data, "fuzz.npy") else { return };
    let n = driftc::ir::numel(&v.shape).expect("accepted shape overflows");
    assert_eq!(len(&v), n, "shape {:?} but {} elements", v.shape, len(&v));
    let again = driftc::npy::parse(&driftc::npy::encode(&v), "re-encoded.npy").expect("re-encoded array refused");
    assert!(same(&v, &again), "round trip changed {v:?} into {again:?}");
});
