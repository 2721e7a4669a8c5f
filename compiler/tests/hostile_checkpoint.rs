//! Hostile and broken Hugging Face checkpoints (config.json + safetensors): hand-made
//! headers and configs that each break one rule are refused with an error naming the file,
//! tensor or field; seeded mutations of the llama_tiny checkpoint's files never panic.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use common::Rng;

use driftc::compile::{compile_file, CompileOptions};
use driftc::front::llm::{self, LlmOptions};
use driftc::target::Target;

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden/models").join(name)
}

/// A scratch checkpoint directory: llama_tiny's files, unchanged until a case rewrites one.
fn scratch(case: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("driftc-hostile-ckpt-{}-{case}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("tmp dir");
    for f in ["config.json", "model.safetensors"] {
        std::fs::copy(golden("llama_tiny").join(f), dir.join(f)).expect("copy llama_tiny");
    }
    dir
}

/// A safetensors file from a JSON header and a data section.
fn safetensors(header: &str, data: &[u8]) -> Vec<u8> {
    let mut b = (header.len() as u64).to_le_bytes().to_vec();
    b.extend_from_slice(header.as_bytes());
    b.extend_from_slice(data);
    b
}

fn load_err(dir: &Path) -> String {
    match catch_unwind(AssertUnwindSafe(|| llm::load(dir, &LlmOptions::default()))) {
        Err(_) => panic!("loading {} panicked", dir.display()),
        Ok(Ok(_)) => panic!("{} was accepted", dir.display()),
        Ok(Err(e)) => e.to_string(),
    }
}

#[test]
fn unchanged_checkpoint_loads() {
    // The cases below differ from this one in one file each.
    llm::load(&scratch("ok"), &LlmOptions::default()).expect("llama_tiny loads");
}

#[test]
fn hostile_safetensors_headers_are_refused_by_name() {
    let w = "model.embed_tokens.weight";
    let f32x4 = [0u8; 16];
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("short", vec![1, 2, 3], "shorter than the 8-byte header length"),
        ("header past file", { let mut b = safetensors("{}", &[]); b[0] = 200; b }, "header length 200"),
        ("huge header length", { let mut b = safetensors("{}", &[]); b[7] = 0xff; b }, "larger than the file"),
        ("not json", safetensors("{nope", &[]), "header is not JSON"),
        ("not an object", safetensors("[1,2]", &[]), "not a JSON object"),
        ("no dtype", safetensors(&format!(r#"{{"{w}":{{"shape":[4],"data_offsets":[0,16]}}}}"#), &f32x4), "no dtype"),
        ("unknown dtype", safetensors(&format!(r#"{{"{w}":{{"dtype":"F8_E4M3","shape":[4],"data_offsets":[0,4]}}}}"#), &f32x4), "dtype F8_E4M3 is not supported"),
        ("negative dim", safetensors(&format!(r#"{{"{w}":{{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}}}}"#), &f32x4), "bad dimension -4"),
        ("rank 9", safetensors(&format!(r#"{{"{w}":{{"dtype":"F32","shape":[1,1,1,1,1,1,1,1,4],"data_offsets":[0,16]}}}}"#), &f32x4), "9 dimensions"),
        ("huge shape", safetensors(&format!(r#"{{"{w}":{{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}}}}"#), &f32x4), "is too large"),
        ("three offsets", safetensors(&format!(r#"{{"{w}":{{"dtype":"F32","shape":[4],"data_offsets":[0,8,16]}}}}"#), &f32x4), "data_offsets must be two"),
        ("string offset", safetensors(&format!(r#"{{"{w}":{{"dtype":"F32","shape":[4],"data_offsets":[0,"16"]}}}}"#), &f32x4), "data_offsets must be two"),
        ("reversed offsets", safetensors(&format!(r#"{{"{w}":{{"dtype":"F32","shape":[0],"data_offsets":[16,0]}}}}"#), &f32x4), "byte range 16..0"),
        ("past the file", safetensors(&format!(r#"{{"{w}":{{"dtype":"F32","shape":[8],"data_offsets":[0,32]}}}}"#), &f32x4), "byte range 0..32"),
        ("size mismatch", safetensors(&format!(r#"{{"{w}":{{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}}}"#), &f32x4), "does not match shape [3]"),
        ("offset overflow", safetensors(&format!(r#"{{"{w}":{{"dtype":"F32","shape":[4],"data_offsets":[18446744073709551600,18446744073709551615]}}}}"#), &f32x4), "byte range"),
    ];
    for (case, bytes, want) in cases {
        let dir = scratch("st");
        std::fs::write(dir.join("model.safetensors"), bytes).expect("write");
        let e = load_err(&dir);
        assert!(e.contains("model.safetensors") && e.contains(want), "{case}: {e}");
        if want.contains("dtype F8") || want.contains("dimension") || want.contains("offsets") || want.contains("shape [3]") {
            assert!(e.contains(w), "{case}: the error names the tensor: {e}");
        }
    }
}

#[test]
fn hostile_shard_indexes_are_refused_by_name() {
    let st = std::fs::read(golden("llama_tiny").join("model.safetensors")).expect("llama_tiny");
    let cases = [
        (r#"{"weight_map":{"a":"../model.safetensors"}}"#, "must be a file name"),
        (r#"{"weight_map":{"a":"/etc/passwd"}}"#, "must be a file name"),
        (r#"{"weight_map":{"a":"sub/model.safetensors"}}"#, "must be a file name"),
        (r#"{"weight_map":{"a":7}}"#, "weight_map['a'] is not a file name"),
        (r#"{"weight_map":[]}"#, "no weight_map"),
        (r#"{"weight_map":"#, "not JSON"),
        (r#"{"weight_map":{"a":"one.safetensors","b":"two.safetensors"}}"#, "is in both"),
        (r#"{"weight_map":{"a":"missing.safetensors"}}"#, "missing.safetensors"),
    ];
    for (index, want) in cases {
        let dir = scratch("index");
        std::fs::remove_file(dir.join("model.safetensors")).expect("rm");
        // Two shards holding the same tensors: a duplicate across shards.
        std::fs::write(dir.join("one.safetensors"), &st).expect("write");
        std::fs::write(dir.join("two.safetensors"), &st).expect("write");
        std::fs::write(dir.join("model.safetensors.index.json"), index).expect("write");
        let e = load_err(&dir);
        assert!(e.contains(want), "{index}: {e}");
    }
}

#[test]
fn hostile_configs_are_refused_by_field() {
    let base: serde_json::Value = serde_json::from_slice(&std::fs::read(golden("llama_tiny").join("config.json")).expect("config")).expect("json");
    let cases: Vec<(&str, serde_json::Value, &str)> = vec![
        ("num_attention_heads", 0.into(), "'num_attention_heads' is 0"),
        ("num_attention_heads", (-4).into(), "not a positive integer"),
        ("num_attention_heads", "4".into(), "not a positive integer"),
        ("num_attention_heads", 3.into(), "heads of an even size"),
        ("num_key_value_heads", 3.into(), "multiple of num_key_value_heads"),
        ("num_key_value_heads", 0.into(), "'num_key_value_heads' is 0"),
        ("hidden_size", (1u64 << 40).into(), "'hidden_size' is 1099511627776; at most"),
        ("num_hidden_layers", 1_000_000.into(), "'num_hidden_layers' is 1000000; at most"),
        ("vocab_size", u64::MAX.into(), "'vocab_size'"),
        ("intermediate_size", serde_json::Value::Null, "'intermediate_size'"),
        ("head_dim", 7.into(), "even size"),
        ("rms_norm_eps", (-1.0).into(), "'rms_norm_eps' is -1.0"),
        ("rope_theta", 0.0.into(), "'rope_theta' is 0.0"),
        ("eos_token_id", 320.into(), "token id 320"),
        ("max_position_embeddings", 0.into(), "'max_position_embeddings' is 0"),
        ("model_type", "gpt2".into(), "model_type 'gpt2' is not supported"),
        ("rope_scaling", serde_json::json!({"rope_type": "llama3", "factor": 8.0}), "rope_scaling"),
    ];
    for (key, value, want) in cases {
        let dir = scratch("config");
        let mut c = base.clone();
        c[key] = value.clone();
        std::fs::write(dir.join("config.json"), c.to_string()).expect("write");
        let e = load_err(&dir);
        assert!(e.contains("config.json") && e.contains(want), "{key} = {value}: {e}");
    }
    for (text, want) in [("[1, 2]", "not a JSON object"), ("{\"model_type\": ", "not JSON"), ("", "not JSON")] {
        let dir = scratch("config-text");
        std::fs::write(dir.join("config.json"), text).expect("write");
        let e = load_err(&dir);
        assert!(e.contains(want), "{text:?}: {e}");
    }
    let dir = scratch("config-big");
    std::fs::write(dir.join("config.json"), vec![b' '; (llm::MAX_CONFIG_BYTES + 1) as usize]).expect("write");
    assert!(load_err(&dir).contains("byte limit"));
}

#[test]
fn contexts_that_cannot_be_built_are_refused() {
    let dir = scratch("ctx");
    let options = |t: usize, ctx: usize| LlmOptions { prefill_tokens: t, max_context: Some(ctx), ..LlmOptions::default() };
    let e = llm::load(&dir, &options(8, usize::MAX)).expect_err("huge context");
    assert!(e.to_string().contains("--max-context"), "{e}");
    let e = llm::load(&dir, &options(64, 16)).expect_err("chunk above context");
    assert!(e.to_string().contains("64 prefill tokens do not fit a 16-token context"), "{e}");
}

/// One mutation, mostly inside the first `hot` bytes (the header, where the structure is).
fn mutate(rng: &mut Rng, bytes: &[u8], hot: usize) -> Vec<u8> {
    let mut b = bytes.to_vec();
    let at = |rng: &mut Rng, len: usize| {
        let span = if rng.below(4) == 0 { len } else { hot.min(len) };
        rng.below(span)
    };
    match rng.below(4) {
        0 => b.truncate(at(rng, bytes.len())),
        1 => {
            for _ in 0..1 + rng.below(8) {
                let i = at(rng, b.len());
                b[i] ^= 1 << rng.below(8);
            }
        }
        2 => {
            let i = at(rng, b.len());
            let digit = [b'0', b'9', b'-', b'"'][rng.below(4)];
            for k in 0..1 + rng.below(4) {
                if let Some(x) = b.get_mut(i + k) {
                    *x = digit;
                }
            }
        }
        _ => {
            let i = at(rng, b.len());
            let junk: Vec<u8> = (0..1 + rng.below(8)).map(|_| b"0123456789,:[]{}\"-e."[rng.below(19)]).collect();
            b.splice(i..i, junk);
        }
    }
    b
}

#[test]
fn mutated_checkpoints_never_panic() {
    let target = Target::load("lavapipe").expect("target");
    let seed: u64 = std::env::var("HOSTILE_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5eed);
    let iterations: usize = std::env::var("HOSTILE_ITERATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(150);
    let mut rng = Rng(seed);
    let (mut refused, mut compiled) = (0, 0);
    for file in ["config.json", "model.safetensors"] {
        let original = std::fs::read(golden("llama_tiny").join(file)).expect("llama_tiny");
        let hot = if file == "config.json" { original.len() } else { 8 + u64::from_le_bytes(original[..8].try_into().expect("8 bytes")) as usize };
        for i in 0..iterations {
            let dir = scratch("mutated");
            std::fs::write(dir.join(file), mutate(&mut rng, &original, hot)).expect("write");
            let mut opts = CompileOptions::default();
            opts.import.max_context = Some(16);
            match catch_unwind(AssertUnwindSafe(|| compile_file(&dir, &target, &opts))) {
                Err(_) => panic!("compiling mutation {i} of llama_tiny/{file} panicked; the checkpoint is {}", dir.display()),
                Ok(Err(_)) => refused += 1,
                Ok(Ok(_)) => compiled += 1,
            }
        }
    }
    // Most mutations of a header break it; some (a changed weight byte) do not.
    assert!(refused > iterations / 2 && compiled > 0, "{refused} refused, {compiled} compiled");
}
