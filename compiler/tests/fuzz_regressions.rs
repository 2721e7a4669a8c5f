//! Regression tests for bugs found by the cargo-fuzz targets in `fuzz/` (docs/SECURITY.md).
//! Each input is embedded as the bytes that triggered the bug (or its minimal form) and
//! must now end in an error that names the problem — never a panic.

use std::path::Path;

use driftc::front::onnx::{import, ImportOptions};
use driftc::ir::Value;
use onnx_protobuf::{Message, ModelProto};

fn import_error(bytes: &[u8]) -> String {
    let model = ModelProto::parse_from_bytes(bytes).expect("the regression input is a well-formed ModelProto");
    match import(&model, Path::new("."), "regression", &ImportOptions::default()) {
        Ok(_) => panic!("the model was accepted; it must be refused"),
        Err(e) => e.to_string(),
    }
}

// onnx_import, 2026-11-25: `ops::norm_axis` accepted axis 0 for a rank-0 (scalar) input
// (`a >= r.max(1)`), so shape rules that then index `shape[axis]` panicked. The fuzzer
// found Concat (concat.rs `out[axis] = 0`: index out of bounds); Gather
// (`data[axis + 1..]`), Slice (`shape[a]`) and Squeeze (`x[a]`) fail the same way.
// Each model: graph input x: float[] (a scalar), one node, opset 13.

/// Concat(x, x, axis=0) on a scalar (minimized from the fuzzer's crash input).
const CONCAT_SCALAR: &[u8] = b"\x08\x08\x12\x00:@\x0a#\x0a\x01x\x0a\x01x\x12\x01y\x1a\x03cat\x22\x06Concat*\x0b\x0a\x04axis\x18\x00\xa0\x01\x02\x12\x01gZ\x0b\x0a\x01x\x12\x06\x0a\x04\x08\x01\x12\x00b\x09\x0a\x01y\x12\x04\x0a\x02\x08\x01B\x04\x0a\x00\x10\x0d";
/// Gather(x, i = int64 scalar 0, axis=0).
const GATHER_SCALAR: &[u8] = b"\x08\x08\x12\x00:E\x0a\x1e\x0a\x01x\x0a\x01i\x12\x01y\x22\x06Gather*\x0b\x0a\x04axis\x18\x00\xa0\x01\x02\x12\x01g*\x08\x10\x07:\x01\x00B\x01iZ\x0b\x0a\x01x\x12\x06\x0a\x04\x08\x01\x12\x00b\x09\x0a\x01y\x12\x04\x0a\x02\x08\x01B\x04\x0a\x00\x10\x0d";
/// Slice(x, starts=[0], ends=[1], axes=[0]).
const SLICE_SCALAR: &[u8] = b"\x08\x08\x12\x00:W\x0a\x16\x0a\x01x\x0a\x01s\x0a\x01e\x0a\x01a\x12\x01y\x22\x05Slice\x12\x01g*\x0a\x08\x01\x10\x07:\x01\x00B\x01s*\x0a\x08\x01\x10\x07:\x01\x01B\x01e*\x0a\x08\x01\x10\x07:\x01\x00B\x01aZ\x0b\x0a\x01x\x12\x06\x0a\x04\x08\x01\x12\x00b\x09\x0a\x01y\x12\x04\x0a\x02\x08\x01B\x04\x0a\x00\x10\x0d";
/// Squeeze(x, axes=[0]).
const SQUEEZE_SCALAR: &[u8] = b"\x08\x08\x12\x00:;\x0a\x12\x0a\x01x\x0a\x01a\x12\x01y\x22\x07Squeeze\x12\x01g*\x0a\x08\x01\x10\x07:\x01\x00B\x01aZ\x0b\x0a\x01x\x12\x06\x0a\x04\x08\x01\x12\x00b\x09\x0a\x01y\x12\x04\x0a\x02\x08\x01B\x04\x0a\x00\x10\x0d";

#[test]
fn axis_zero_of_a_scalar_is_refused_not_a_panic() {
    for (op, bytes) in [("Concat", CONCAT_SCALAR), ("Gather", GATHER_SCALAR), ("Slice", SLICE_SCALAR), ("Squeeze", SQUEEZE_SCALAR)] {
        let message = import_error(bytes);
        assert!(message.contains(op) && message.contains("axis 0 out of range for rank 0"), "{op}: {message}");
    }
}

// npy_parse (round-trip oracle), 2026-11-25: `npy::encode` always writes format 1.0, whose
// header length is a u16, with `header.len() as u16`. A header over 65535 bytes (an array
// of rank ~13000 or more, which `npy::parse` accepts in format 2.0) is written with a
// truncated length, and reading the file back gives other data without any error:
// `driftc run --output-dir` would write such corrupt files for such outputs.

/// A format-2.0 .npy of one f32 (1.5) with shape (1,)*25000: its header is ~75 KB.
fn big_rank_npy() -> Vec<u8> {
    let shape = format!("({},)", vec!["1"; 25000].join(","));
    let mut header = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}");
    while (12 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x02\x00".to_vec();
    bytes.extend_from_slice(&u32::try_from(header.len()).expect("fits").to_le_bytes());
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(&1.5f32.to_le_bytes());
    bytes
}

#[test]
fn npy_with_a_header_over_64_kib_round_trips() {
    let v = driftc::npy::parse(&big_rank_npy(), "big-rank.npy").expect("a valid format-2.0 file");
    assert_eq!((v.shape.len(), v.as_f32()), (25000, vec![1.5]));
    let again = driftc::npy::parse(&driftc::npy::encode(&v), "re-encoded.npy");
    match again {
        Ok(w) => assert!(w == v, "encode/parse changed the array (shape rank {}, data {:?})", w.shape.len(), w.as_f32()),
        Err(e) => panic!("encode wrote a file parse refuses: {e}"),
    }
    let small = Value::f32(vec![2, 2], vec![1.0, 2.0, 3.0, 4.0]);
    assert_eq!(driftc::npy::parse(&driftc::npy::encode(&small), "small.npy").expect("round trip"), small);
}
