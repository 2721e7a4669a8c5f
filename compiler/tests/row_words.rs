//! The 16-byte-word forms of the row kernels on OpenCL (f16 rows read and written eight
//! halves at a time: RMSNormalization, RotaryEmbedding, the KV-cache write) run on PoCL:
//! the llama_tiny checkpoint at f16, whose norms, q/k rotations and cache writes take
//! them, against transformers' f32 logits (the chunk's padded rows and a second chunk at a
//! nonzero position included); and the norm and the rotation alone (head-major rotation
//! without position ids, a norm whose rows are not whole words) against the ops' CPU
//! reference.

mod common;

use std::collections::BTreeMap;

use common::*;
use driftc::compile::{compile_graph, CompileOptions};
use driftc::ir::{DType, Graph, Node, Role, Value};
use driftc::ops::rms_norm::RmsNorm;
use driftc::ops::rotary::Rotary;
use driftc::reference::rel_l2;
use driftc::target::{Precision, Target};
use runtime_min::{Bundle, Generator, SessionOptions};

/// Sources of the kernels whose names start with `prefix`.
fn sources<'a>(compiled: &'a driftc::compile::Compiled, prefix: &str) -> Vec<&'a str> {
    compiled.sources.iter().filter(|(k, _)| k.starts_with(prefix)).map(|(_, s)| s.as_str()).collect()
}

#[test]
fn f16_llama_with_word_kernels_matches_transformers_on_pocl() {
    let case = load_case("llama_tiny");
    let want = case.outputs.get("logits").expect("logits").as_f32();
    let input: Vec<u32> = case.inputs.get("input_ids").expect("ids").as_i64().into_iter().map(|x| x as u32).collect();
    let t = Target::load("pocl").expect("target");
    let compiled = driftc::compile::compile_file(&case.model(), &t, &case.options(Some(Precision::F16))).expect("compiles");
    // Head size 16 (halves of one word), rows of 64: every norm, rotation and cache write
    // in words.
    for kernel in ["rms_norm", "rotary", "kv_cache_write"] {
        let srcs = sources(&compiled, kernel);
        assert!(!srcs.is_empty() && srcs.iter().all(|s| s.contains("uint4")), "{kernel}: every kernel in 16-byte words");
    }
    let bundle = Bundle::from_vec(compiled.bundle).expect("bundle opens");
    let mut g = Generator::new(&bundle, &SessionOptions::default()).expect("generator");
    let vocab = case.outputs.get("logits").expect("logits").shape.last().copied().expect("vocab");
    let want_last = &want[want.len() - vocab..];
    // One padded chunk, then the same prompt as 3 + 5 (the second chunk's rows rotated at
    // positions 3.., its keys written from row 3 of the cache).
    let last = g.prefill(&input).expect("prefill");
    let err = rel_l2(&last, want_last);
    // f16 activations and weights against f32: a few units of f16 rounding.
    assert!(err <= 1e-2, "f16 words vs transformers f32: last-position logits rel L2 {err:.3e}");
    g.reset();
    g.prefill(&input[..3]).expect("first chunk");
    let split = g.prefill(&input[3..]).expect("second chunk");
    let err = rel_l2(&split, want_last);
    assert!(err <= 1e-2, "f16 words, two chunks: rel L2 {err:.3e}");
}

/// `g` compiled for PoCL at f16 and run on `inputs`: its `kernel` in the word form or not
/// (`words`), and output `y` within f16 rounding of the CPU reference. `what` names the case.
fn check_f16(g: &Graph, inputs: &BTreeMap<String, Value>, kernel: &str, words: bool, what: &str) {
    let want = driftc::reference::run(g, inputs).expect("reference").remove("y").expect("y").as_f32();
    let t = Target::load("pocl").expect("target");
    let opts = CompileOptions { precision: Some(Precision::F16), ..CompileOptions::default() };
    let compiled = compile_graph(g, &t, &opts, 1).unwrap_or_else(|e| panic!("{what}: {e}"));
    let src = compiled.sources.iter().find(|(k, _)| k.starts_with(kernel)).map(|(_, s)| s.clone()).unwrap_or_else(|| panic!("{what}: a {kernel} kernel"));
    assert_eq!(src.contains("drift_pack_h8("), words, "{what}: word form {words}");
    let got = run_on_device(&compiled, inputs).remove("y").expect("y");
    let err = rel_l2(&got, &want);
    assert!(err <= 2e-3, "{what}: rel L2 {err:.3e} vs the CPU reference");
}

fn values(rng: &mut Rng, n: usize, scale: f32) -> Vec<f32> {
    (0..n).map(|_| ((rng.next() >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 2.0 * scale).collect()
}

/// The f32 values made f16 (as the device's inputs are), as an f16 value.
fn f16_input(shape: Vec<usize>, v: Vec<f32>) -> Value {
    Value::from_f32_as(DType::F16, shape, v)
}

#[test]
fn rms_norm_words_match_the_reference() {
    // Rows of 96 (12 words) and of 60 (not whole words: the element form).
    for (len, words) in [(96usize, true), (60, false)] {
        let mut rng = Rng(0x726d_7300 + len as u64);
        let mut g = Graph { name: format!("rms_{len}"), opset: 23, ..Graph::default() };
        let x = g.add_tensor("x", DType::F16, vec![2, 5, len], Role::Input);
        let s = g.add_const("scale", Value::f32(vec![len], values(&mut rng, len, 1.0).iter().map(|v| 1.0 + v * 0.5).collect()));
        let y = g.add_tensor("y", DType::F16, vec![2, 5, len], Role::Activation);
        g.inputs = vec![x];
        g.outputs = vec![y];
        g.add_node(Node::new("norm", Box::new(RmsNorm { axis: -1, epsilon: 1e-5 }), vec![Some(x), Some(s)], vec![y]));
        let inputs = BTreeMap::from([("x".to_string(), f16_input(vec![2, 5, len], values(&mut rng, 10 * len, 3.0)))]);
        check_f16(&g, &inputs, "rms_norm", words, &format!("rows of {len}"));
    }
}

#[test]
fn rotary_words_match_the_reference() {
    // Token-major [1, S, H·D] with position ids (3 heads of 32: halves of 2 words), and
    // head-major [B, H, S, D] with per-row caches (head size 16); interleaved pairs keep
    // the element form.
    let cases = [(vec![1usize, 6, 96], 3usize, 32usize, true, false, true), (vec![2, 2, 5, 16], 0, 16, false, false, true), (vec![1, 6, 96], 3, 32, true, true, false)];
    for (shape, heads, d, with_pos, interleaved, words) in cases {
        let mut rng = Rng(0x726f_7400 + d as u64 + interleaved as u64);
        let half = d / 2;
        let mut g = Graph { name: format!("rotary_{d}_{interleaved}"), opset: 23, ..Graph::default() };
        let x = g.add_tensor("x", DType::F16, shape.clone(), Role::Input);
        let (b, s) = (shape[0], if shape.len() == 3 { shape[1] } else { shape[2] });
        let cache_shape = if with_pos { vec![10, half] } else { vec![b, s, half] };
        let n: usize = cache_shape.iter().product();
        let angles = values(&mut rng, n, 3.0);
        let c = g.add_const("cos", Value::f32(cache_shape.clone(), angles.iter().map(|a| a.cos()).collect()));
        let sn = g.add_const("sin", Value::f32(cache_shape, angles.iter().map(|a| a.sin()).collect()));
        let y = g.add_tensor("y", DType::F16, shape.clone(), Role::Activation);
        let numel: usize = shape.iter().product();
        let mut inputs = BTreeMap::from([("x".to_string(), f16_input(shape.clone(), values(&mut rng, numel, 2.0)))]);
        let mut args = vec![Some(x), Some(c), Some(sn)];
        g.inputs = vec![x];
        if with_pos {
            let p = g.add_tensor("pos", DType::I64, vec![b, s], Role::Input);
            g.inputs.push(p);
            args.push(Some(p));
            inputs.insert("pos".into(), Value::i64(vec![b, s], vec![3, 0, 7, 1, 9, 2]));
        }
        g.outputs = vec![y];
        g.add_node(Node::new("rotary", Box::new(Rotary { interleaved, num_heads: heads, rotary_dim: 0, parts: 0 }), args, vec![y]));
        check_f16(&g, &inputs, "rotary", words, &format!("{shape:?} interleaved {interleaved}"));
    }
}
