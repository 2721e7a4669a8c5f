//! LLM generation end to end: the llama_tiny checkpoint (transformers LlamaForCausalLM,
//! random weights, scripts/make_llama_tiny.py; llama31_tiny: the same with Llama 3.1 rope
//! scaling and tied embeddings) and gemma2_tiny (Gemma2ForCausalLM,
//! scripts/make_gemma2_tiny.py) compiled into one bundle with prefill and
//! decode programs, driven by runtime-min's `Generator` on lavapipe (Vulkan) and PoCL
//! (OpenCL). Greedy generation must give exactly the 32 tokens transformers chose with its
//! own KV cache after the same 13-token prompt (two prefill chunks of 8, the second
//! padded), and the prompt's logits must match transformers' within 1e-4.

mod common;

use common::*;
use driftc::npy;
use driftc::reference::rel_l2;
use driftc::target::Precision;
use runtime_min::{Bundle, Error, Generator, Sampling, SessionOptions};

fn ids_of(model: &str, path: &str) -> Vec<u32> {
    let v = npy::read(&repo().join("golden/models").join(model).join(path)).expect("npy reads");
    v.as_i64().into_iter().map(|x| u32::try_from(x).expect("token id")).collect()
}

fn ids(path: &str) -> Vec<u32> {
    ids_of("llama_tiny", path)
}

fn generator(target: &str) -> Generator {
    generator_of("llama_tiny", target)
}

fn generator_of(model: &str, target: &str) -> Generator {
    let case = load_case(model);
    let compiled = case.compile(target, Some(Precision::F32));
    let b = Bundle::from_vec(compiled.bundle).expect("bundle opens");
    Generator::new(&b, &SessionOptions::default()).unwrap_or_else(|e| panic!("{target}: {e}"))
}

fn greedy_matches_transformers(target: &str) {
    greedy_matches(target, "llama_tiny");
}

fn greedy_matches(target: &str, model: &str) {
    let mut g = generator_of(model, target);
    let (prompt, want) = (ids_of(model, "inputs/prompt_ids.npy"), ids_of(model, "outputs/generated_ids.npy"));
    let mut streamed = Vec::new();
    let r = g.generate(&prompt, want.len(), &Sampling::greedy(), &[], |t| {
        streamed.push(t);
        true
    });
    let r = r.unwrap_or_else(|e| panic!("{target}: {e}"));
    assert_eq!(r.ids, want, "{target}: greedy tokens differ from transformers'");
    assert_eq!(streamed, want, "{target}: the callback saw every token in order");
    assert_eq!(g.position(), prompt.len() + want.len() - 1);
    // After reset the same prompt gives the same tokens (the stale cache rows are never read).
    g.reset();
    let again = g.generate(&prompt, want.len(), &Sampling::greedy(), &[], |_| true).expect("second generation");
    assert_eq!(again.ids, want, "{target}: generation after reset differs");
}

/// `driftc generate --warmup 1` (here with `--no-robust-buffer-access`): the timed
/// generation after an untimed one (the cache forgotten between) still gives transformers'
/// 32 tokens, and the JSON carries the warm-up's cold prompt rate beside the timed one.
#[test]
fn cli_warmup_generation_keeps_the_tokens() {
    let case = load_case("llama_tiny");
    let compiled = case.compile("lavapipe", Some(Precision::F32));
    let dir = std::env::temp_dir().join(format!("driftc-warmup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let bundle = dir.join("llama_tiny.bundle");
    std::fs::write(&bundle, &compiled.bundle).expect("bundle written");
    let (prompt, want) = (ids("inputs/prompt_ids.npy"), ids("outputs/generated_ids.npy"));
    let prompt: Vec<String> = prompt.iter().map(u32::to_string).collect();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_driftc"))
        .args(["generate", &bundle.display().to_string(), "--prompt-ids", &prompt.join(","), "--max-new-tokens", &want.len().to_string(), "--ignore-eos", "--json", "--warmup", "1", "--no-robust-buffer-access"])
        .output()
        .expect("driftc runs");
    assert!(out.status.success(), "driftc generate --warmup 1: {}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let got: Vec<u32> = json["ids"].as_array().expect("ids").iter().map(|v| v.as_u64().and_then(|x| u32::try_from(x).ok()).expect("token id")).collect();
    assert_eq!(got, want, "tokens after a warm-up generation differ from transformers'");
    assert_eq!(json["warmup"], 1);
    assert!(json["cold_prefill_tok_s"].as_f64().is_some_and(|r| r > 0.0) && json["prefill_tok_s"].as_f64().is_some_and(|r| r > 0.0), "both prompt rates reported: {json}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lavapipe_greedy_32_tokens_match_transformers() {
    greedy_matches_transformers("lavapipe");
}

#[test]
fn pocl_greedy_32_tokens_match_transformers() {
    greedy_matches_transformers("pocl");
}

/// Greedy decode steps chained on the device (`Generator::set_pipelined`, on by default):
/// each step fed the token the step before chose, started before that token is read back.
/// The 32 tokens equal transformers'; against the same bundle run step by step, every
/// way a generation ends (the length, an extra stop token, the callback) gives the same
/// tokens, stop flag, callback calls and cache position, and a follow-up prompt continues
/// alike, through OpenCL (PoCL) and Vulkan (lavapipe).
#[test]
fn pipelined_greedy_decode_matches_step_by_step() {
    let (prompt, want) = (ids("inputs/prompt_ids.npy"), ids("outputs/generated_ids.npy"));
    for target in ["pocl", "lavapipe"] {
        let mut chained = generator(target);
        chained.set_pipelined(true);
        assert!(chained.session().chains(), "{target}: chained runs");
        let r = chained.generate(&prompt, want.len(), &Sampling::greedy(), &[], |_| true).unwrap_or_else(|e| panic!("{target}: {e}"));
        assert_eq!(r.ids, want, "{target}: pipelined greedy tokens differ from transformers'");
        assert!(r.decode_chained, "{target}: the steps were chained");
        assert_eq!(chained.position(), prompt.len() + want.len() - 1, "{target}: cache position");
    }
    for target in ["pocl", "lavapipe"] {
        let mut chained = generator(target);
        chained.set_pipelined(true);
        let mut plain = generator(target);
        plain.set_pipelined(false);
        // (max new tokens, an extra stop token, the callback's last token)
        let stop_at = want.get(5).copied().unwrap_or(0);
        let cases: [(usize, Option<u32>, Option<usize>); 6] = [(1, None, None), (2, None, None), (7, None, None), (32, Some(stop_at), None), (32, None, Some(3)), (32, None, Some(0))];
        for (n, stop, last) in cases {
            let mut runs = Vec::new();
            for g in [&mut chained, &mut plain] {
                g.reset();
                let stops: Vec<u32> = stop.into_iter().collect();
                let mut seen = Vec::new();
                let r = g.generate(&prompt, n, &Sampling::greedy(), &stops, |t| {
                    seen.push(t);
                    last.is_none_or(|l| seen.len() <= l)
                });
                let r = r.unwrap_or_else(|e| panic!("{target} {n} {stop:?} {last:?}: {e}"));
                let position = g.position();
                // A follow-up prompt after the generation (the cache as it left it).
                let follow = g.generate(&prompt[..4], 6, &Sampling::greedy(), &[], |_| true).unwrap_or_else(|e| panic!("{target} follow-up: {e}"));
                runs.push((r.ids, r.stopped, seen, position, follow.ids, g.position()));
            }
            assert_eq!(runs[0], runs[1], "{target}: max {n}, stop {stop:?}, callback last {last:?}: pipelined vs step by step (ids, stopped, callback, position, follow-up ids, position)");
        }
        // The session's chained runs refuse what they cannot do, by name, and keep their order.
        let case = load_case("llama_tiny");
        let b = Bundle::from_vec(case.compile(target, Some(Precision::F32)).bundle).expect("bundle opens");
        let spec = b.manifest().llm.clone().expect("LLM section");
        let mut s = runtime_min::Session::new(&b, &SessionOptions::default()).expect("session");
        s.set_input(&spec.decode_ids, &runtime_min::HostTensor::from_i64(&[1, 1], &[i64::from(prompt[0])])).expect("ids");
        s.set_input(&spec.decode_position, &runtime_min::HostTensor::from_i64(&[1], &[0])).expect("position");
        let err = s.start_chained(&spec.decode, Some((&spec.decode_ids, &spec.decode_logits)), &spec.decode_next_id).expect_err("logits into ids refused");
        assert!(err.to_string().contains(&spec.decode_ids) && err.to_string().contains(&spec.decode_logits), "{target}: {err}");
        assert!(s.start_chained(&spec.decode, None, &spec.decode_next_id).expect("starts"), "{target} chains");
        let err = s.run_program(&spec.decode).expect_err("no plain run while one is chained");
        assert!(err.to_string().contains("chained"), "{target}: {err}");
        let first = s.wait_chained().expect("waits").to_i64().expect("an id");
        assert_eq!(first.len(), 1, "{target}: one id");
        assert!(s.wait_chained().is_err(), "{target}: nothing left to wait for");
        s.run_program(&spec.decode).expect("runs again once drained");
    }
}

/// Activations in OpenCL images (as on Adreno): the decode projections then walk their
/// weight rows one element at a time through the texture accessors instead of in 16-byte
/// buffer words; 8/4/4 covers the int4 variant of that path. Greedy tokens still equal
/// transformers' (f32) and the 8/4/4 bundle matches its buffer-storage twin token for token.
#[test]
fn pocl_texture_activations_match_transformers() {
    use driftc::front::llm::Quant;
    let case = load_case("llama_tiny");
    let t = driftc::target::Target::load("pocl").expect("target");
    let (prompt, want) = (ids("inputs/prompt_ids.npy"), ids("outputs/generated_ids.npy"));
    let run = |quant: Quant, storage: Option<driftc::target::StorageKind>| {
        let mut o = case.options(Some(Precision::F32));
        o.storage = storage;
        o.import.quant = quant;
        let compiled = driftc::compile::compile_file(&case.model(), &t, &o).unwrap_or_else(|e| panic!("{quant:?} {storage:?}: {e}"));
        let b = Bundle::from_vec(compiled.bundle).expect("bundle opens");
        let mut g = Generator::new(&b, &SessionOptions::default()).unwrap_or_else(|e| panic!("{quant:?} {storage:?}: {e}"));
        g.generate(&prompt, want.len(), &Sampling::greedy(), &[], |_| true).unwrap_or_else(|e| panic!("{quant:?} {storage:?}: {e}")).ids
    };
    let texture = Some(driftc::target::StorageKind::Texture2d);
    assert_eq!(run(Quant::None, texture), want, "texture activations: greedy tokens differ from transformers'");
    assert_eq!(run(Quant::Q844, texture), run(Quant::Q844, None), "8/4/4: texture and buffer activations disagree");
}

/// Gemma 2 (soft-capping, sliding window of 8 on alternating layers, (1 + w) norms,
/// GeGLU, embedding scale): 32 greedy tokens after a 13-token prompt equal transformers'.
#[test]
fn gemma2_greedy_32_tokens_match_transformers() {
    greedy_matches("lavapipe", "gemma2_tiny");
    greedy_matches("pocl", "gemma2_tiny");
}

/// Llama 3.1's rope scaling (rope_type llama3 in transformers 5's rope_parameters) with
/// tied embeddings as in Llama 3.2: 32 greedy tokens equal transformers'.
#[test]
fn llama31_rope_scaling_greedy_32_tokens_match_transformers() {
    greedy_matches("lavapipe", "llama31_tiny");
    greedy_matches("pocl", "llama31_tiny");
}

#[test]
fn prompt_logits_match_transformers_across_chunks() {
    // The first 8 prompt tokens of the logits reference, fed as one chunk at position 0:
    // the last row (the `prefill_last` program: LM head on that row only) equals
    // transformers' last-position logits.
    let case = load_case("llama_tiny");
    let want = case.outputs.get("logits").expect("logits").as_f32();
    let input: Vec<u32> = case.inputs.get("input_ids").expect("ids").as_i64().into_iter().map(|x| x as u32).collect();
    let mut g = generator("lavapipe");
    let last = g.prefill(&input).expect("prefill");
    let vocab = last.len();
    let err = rel_l2(&last, &want[want.len() - vocab..]);
    assert!(err <= 1e-4, "last-position logits relative L2 {err:.3e}");
    // The same 8 tokens fed as 3 + 5 (two chunks, the first padded) end at the same logits.
    g.reset();
    g.prefill(&input[..3]).expect("first chunk");
    let split = g.prefill(&input[3..]).expect("second chunk");
    let err = rel_l2(&split, &want[want.len() - vocab..]);
    assert!(err <= 1e-4, "chunked prefill: relative L2 {err:.3e}");
}

#[test]
fn sampling_is_seeded_and_errors_are_clear() {
    let mut g = generator("lavapipe");
    let prompt = ids("inputs/prompt_ids.npy");
    let s = Sampling { temperature: 0.8, top_k: 40, top_p: 0.95, seed: 7 };
    let a = g.generate(&prompt, 8, &s, &[], |_| true).expect("sampled");
    g.reset();
    let b = g.generate(&prompt, 8, &s, &[], |_| true).expect("sampled again");
    assert_eq!(a.ids, b.ids, "the same seed gives the same tokens");
    assert!(a.ids.iter().all(|&t| t < g.spec().vocab_size));
    // The cache holds max_position_embeddings = 64 tokens.
    g.reset();
    let e = g.generate(&prompt, 60, &Sampling::greedy(), &[], |_| true).expect_err("overflow");
    assert!(matches!(e, Error::ContextOverflow { max_context: 64, .. }), "{e}");
    let e = g.prefill(&[g.spec().vocab_size]).expect_err("id outside the vocabulary");
    assert!(e.to_string().contains("outside the vocabulary"), "{e}");
    // A stop token ends generation and is reported.
    g.reset();
    let want = ids("outputs/generated_ids.npy");
    let r = g.generate(&prompt, 32, &Sampling::greedy(), &[want[3]], |_| true).expect("stops");
    assert!(r.stopped && r.ids == want[..4], "{:?}", r.ids);
}

#[test]
fn over_budget_is_refused_with_a_context_that_fits() {
    let case = load_case("llama_tiny");
    let mut t = driftc::target::Target::load("lavapipe").expect("target");
    let full = driftc::compile::compile_file(&case.model(), &t, &case.options(Some(Precision::F32))).expect("compiles");
    let needed = full.manifest.requirements.device_memory_bytes;
    // 16 KiB short of what the 64-token cache needs: the error names a smaller context.
    t.limits.memory_budget_bytes = needed - 16 * 1024;
    let e = driftc::compile::compile_file(&case.model(), &t, &case.options(Some(Precision::F32))).expect_err("over budget");
    let msg = e.to_string();
    assert!(msg.contains("memory_budget_bytes") && msg.contains("KV cache"), "{msg}");
    let fits: usize = msg.split("--max-context ").nth(1).and_then(|r| r.split(';').next()).and_then(|n| n.trim().parse().ok()).unwrap_or_else(|| panic!("no context advice in: {msg}"));
    assert!(fits > 0 && fits < 64, "{msg}");
    let mut opts = case.options(Some(Precision::F32));
    opts.import.max_context = Some(fits);
    let c = driftc::compile::compile_file(&case.model(), &t, &opts).unwrap_or_else(|e| panic!("the advised --max-context {fits} must fit: {e}"));
    assert!(c.manifest.requirements.device_memory_bytes <= t.limits.memory_budget_bytes);
}

/// q8 (per-channel int8 projections and LM head) and 8/4/4 (int8 attention, int4 blocks
/// for the feed-forward weights, embeddings and LM head): the device's prefill logits equal
/// the CPU reference of the same quantized graph within 1e-4 on Vulkan and OpenCL, stay
/// near transformers' f32 logits, and the weights shrink.
#[test]
fn q8_and_844_run_on_both_backends_and_track_f32() {
    use driftc::front::llm::Quant;
    let case = load_case("llama_tiny");
    let want = case.outputs.get("logits").expect("logits").as_f32();
    // (format, weights at most this share of f32's, largest drift from transformers' f32
    // logits: int4 of this checkpoint's wide random weights (init 0.2) drifts 0.40; unrelated
    // logits would be ~1.4; real quality is docs/QUANTIZATION.md's perplexity)
    for (quant, share, max_drift) in [(Quant::Q8, 0.5, 5e-2), (Quant::Q844, 0.25, 0.5)] {
    for target in ["lavapipe", "pocl"] {
        let t = driftc::target::Target::load(target).expect("target");
        let mut opts = case.options(Some(Precision::F32));
        opts.import.quant = quant;
        // The reference graph and the bundle both in the golden's chunks of 8.
        opts.import.prefill_tokens = Some(8);
        // The reference graph as the target builds it (lavapipe: int8 prefill activations).
        let g = driftc::compile::import_file(&case.model(), &driftc::compile::with_target_defaults(&opts.import, &t)).expect("imports");
        let reference = driftc::reference::run(&g, &case.inputs).expect("reference runs");
        let q8 = driftc::compile::compile_file(&case.model(), &t, &opts).expect("q8 compiles");
        let f32 = driftc::compile::compile_file(&case.model(), &t, &case.options(Some(Precision::F32))).expect("f32 compiles");
        assert!((q8.report.weights_bytes as f64) < share * f32.report.weights_bytes as f64, "{target} {quant:?}: weights {} vs f32 {}", q8.report.weights_bytes, f32.report.weights_bytes);
        let b = Bundle::from_vec(q8.bundle).expect("bundle opens");
        let mut s = runtime_min::Session::new(&b, &SessionOptions::default()).unwrap_or_else(|e| panic!("{target}: {e}"));
        for (n, v) in &case.inputs {
            s.set_input(n, &host_of(v)).expect("input");
        }
        s.run().expect("runs");
        let got = s.output("logits").expect("logits").to_f32().expect("f32");
        let exact = rel_l2(&got, &reference.get("logits").expect("reference logits").as_f32());
        assert!(exact <= 1e-4, "{target} {quant:?}: device vs the quantized graph's CPU reference {exact:.3e}");
        let drift = rel_l2(&got, &want);
        assert!(drift <= max_drift, "{target} {quant:?}: vs transformers f32 {drift:.3e}");
    }
    }
}

/// Teacher-forced scoring (perplexity) equals the log-softmax of transformers' logits.
#[test]
fn score_matches_transformers_log_probs() {
    let case = load_case("llama_tiny");
    let want = case.outputs.get("logits").expect("logits").as_f32();
    let ids: Vec<u32> = case.inputs.get("input_ids").expect("ids").as_i64().into_iter().map(|x| x as u32).collect();
    let mut g = generator("lavapipe");
    let s = g.score(&ids).expect("scores");
    let vocab = want.len() / ids.len();
    assert_eq!(s.log_probs.len(), ids.len() - 1);
    for (i, lp) in s.log_probs.iter().enumerate() {
        let row = &want[i * vocab..(i + 1) * vocab];
        let mx = row.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
        let lse = mx + row.iter().map(|&v| (v as f64 - mx).exp()).sum::<f64>().ln();
        let expect = row[ids[i + 1] as usize] as f64 - lse;
        assert!((lp - expect).abs() < 1e-3, "position {i}: {lp} vs transformers {expect}");
        assert_eq!(s.top1[i], runtime_min::generate::argmax(row), "position {i}");
    }
    assert!(s.perplexity().is_finite());
}

/// Past one 256-key tile of the attention kernels and past the config's 64 positions
/// (`--max-context 640`): teacher-forced scores over 600 tokens and 32 greedy tokens after
/// a 560-token prompt match transformers on the same checkpoint
/// (scripts/make_long_context_golden.py), on Vulkan and OpenCL; and on Vulkan with the
/// decode attention in two splits of up to 320 keys, each two 256-key tiles whose words the
/// kernel loads at each tile's start (`tuning.decode_attention_prefetch`); and on OpenCL so,
/// with the first tile's words loaded before the queries are staged and the second's as the
/// first has summed its values (`tuning.decode_attention_early_words`).
#[test]
fn long_context_matches_transformers() {
    let case = load_case("llama_tiny");
    let tokens = ids("inputs/long_ids.npy");
    let want_lp = npy::read(&repo().join("golden/models/llama_tiny/outputs/long_log_probs.npy")).expect("npy reads").as_f32();
    let want_top1 = ids("outputs/long_top1.npy");
    let want_gen = ids("outputs/long_generated_ids.npy");
    let mut opts = case.options(Some(Precision::F32));
    opts.import.max_context = Some(640);
    for (target, tuning) in [("lavapipe", ""), ("pocl", ""), ("lavapipe", "decode_attention_prefetch = true\ndecode_attention_split_keys = 320"), ("pocl", "decode_attention_prefetch = true\ndecode_attention_split_keys = 320\ndecode_attention_early_words = true")] {
        let text = std::fs::read_to_string(repo().join(format!("targets/{target}.toml"))).expect("target file");
        let text = if tuning.is_empty() { text } else { set_tuning(&text, tuning) };
        let t = driftc::target::Target::from_toml(&text, std::path::Path::new(&format!("{target}.toml"))).expect("target parses");
        let c = driftc::compile::compile_file(&case.model(), &t, &opts).unwrap_or_else(|e| panic!("{target}: {e}"));
        if !tuning.is_empty() {
            let tiles = c.sources.iter().filter(|(k, src)| k.starts_with("cached_attention_gqa") && (src.contains("let kr0: vec4<u32>") || src.contains("kr0 = "))).count();
            assert!(tiles > 0, "{target} {tuning}: the split decode attention kernel with prefetched tiles is used");
            let early = c.sources.iter().filter(|(k, src)| k.starts_with("cached_attention_gqa") && src.find("kr0 = ").zip(src.find("drift_att_q[wi * ")).is_some_and(|(load, stage)| load < stage) && src.contains("if (b1 - base >= 256u) {")).count();
            assert_eq!(early > 0, tuning.contains("early_words"), "{target} {tuning}: {early} decode attention kernels load the first tile's words before staging the queries and the next tile's in the loop");
        }
        let b = Bundle::from_vec(c.bundle).expect("bundle opens");
        let mut g = Generator::new(&b, &SessionOptions::default()).unwrap_or_else(|e| panic!("{target}: {e}"));
        let s = g.score(&tokens).unwrap_or_else(|e| panic!("{target}: {e}"));
        assert_eq!(s.log_probs.len(), want_lp.len(), "{target}");
        let worst = s.log_probs.iter().zip(&want_lp).map(|(a, &b)| (a - f64::from(b)).abs()).fold(0.0, f64::max);
        assert!(worst < 1e-3, "{target} {tuning}: log-probabilities differ from transformers' by up to {worst}");
        let agree = s.top1.iter().zip(&want_top1).filter(|(a, b)| a == b).count();
        assert_eq!(agree, want_top1.len(), "{target} {tuning}: top-1 agrees at {agree} of {} positions", want_top1.len());
        g.reset();
        let r = g.generate(&tokens[..560], want_gen.len(), &Sampling::greedy(), &[], |_| true).unwrap_or_else(|e| panic!("{target}: {e}"));
        assert_eq!(r.ids, want_gen, "{target} {tuning}: greedy tokens after 560 differ from transformers'");
    }
}

/// The decode kernels (one-row projections with the folded RMSNorm and RoPE, int8 and
/// int4 rows, f16 words) against the prefill kernels (tiled projections, separate norm
/// and rotary) of the same bundle: feeding a sequence one decode step at a time gives the
/// log-probabilities teacher-forced scoring (prefill chunks) gives, at every position.
#[test]
fn decode_steps_match_prefill_scoring() {
    use driftc::front::llm::Quant;
    let case = load_case("llama_tiny");
    let tokens: Vec<u32> = ids("inputs/long_ids.npy").into_iter().take(24).collect();
    let log_prob = |logits: &[f32], next: u32| {
        let mx = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let lse = f64::from(mx) + logits.iter().map(|&v| f64::from(v - mx).exp()).sum::<f64>().ln();
        f64::from(logits[next as usize]) - lse
    };
    // Activations: float in both programs ("float": lavapipe's int8 prefill turned off), or
    // int8 in both ("int8": lavapipe's decode turned on too, q8 only: prefill keeps int4
    // products on float activations).
    let cases = [
        ("lavapipe", Quant::None, Precision::F32, "", 1e-4),
        ("lavapipe", Quant::Q8, Precision::F32, "float", 1e-4),
        ("lavapipe", Quant::Q844, Precision::F32, "float", 1e-4),
        ("lavapipe", Quant::Q8, Precision::F32, "int8", 1e-4),
        ("lavapipe", Quant::None, Precision::F32, "splits", 1e-4),
        ("lavapipe", Quant::Q8, Precision::F32, "unfolded", 1e-4),
        ("lavapipe", Quant::None, Precision::F32, "subgroups", 1e-4),
        ("lavapipe", Quant::None, Precision::F16, "subgroups", 3e-2),
        ("lavapipe", Quant::None, Precision::F32, "prefetch", 1e-4),
        ("lavapipe", Quant::None, Precision::F16, "prefetch", 3e-2),
        ("lavapipe", Quant::None, Precision::F32, "combined", 1e-4),
        ("lavapipe", Quant::None, Precision::F16, "combined", 3e-2),
        ("lavapipe", Quant::Q8, Precision::F32, "combined", 1e-4),
        ("lavapipe", Quant::Q8, Precision::F32, "combined_int8", 1e-4),
        ("lavapipe", Quant::Q844, Precision::F32, "combined", 1e-4),
        ("lavapipe", Quant::Q8, Precision::F32, "merged", 1e-4),
        ("lavapipe", Quant::None, Precision::F16, "merged", 3e-2),
        ("pocl", Quant::Q844, Precision::F32, "", 1e-4),
        ("pocl", Quant::Q8, Precision::F32, "int8_prefill", 1e-4),
        ("pocl", Quant::None, Precision::F32, "gate", 1e-4),
        ("pocl", Quant::Q8, Precision::F32, "gate", 1e-4),
        ("pocl", Quant::Q844, Precision::F32, "gate", 1e-4),
        ("pocl", Quant::None, Precision::F32, "prefetch", 1e-4),
        ("pocl", Quant::None, Precision::F32, "combined", 1e-4),
        ("pocl", Quant::Q8, Precision::F32, "combined", 1e-4),
        ("pocl", Quant::None, Precision::F32, "all_heads", 1e-4),
        ("pocl", Quant::None, Precision::F32, "combine_last", 1e-4),
        ("pocl", Quant::Q8, Precision::F32, "combine_last", 1e-4),
        ("pocl", Quant::None, Precision::F32, "persistent", 1e-4),
        ("pocl", Quant::Q8, Precision::F32, "persistent", 1e-4),
        ("pocl", Quant::Q844, Precision::F32, "persistent", 1e-4),
        ("pocl", Quant::Q844, Precision::F32, "gate_persistent", 1e-4),
        ("pocl", Quant::Q8, Precision::F32, "gate_unroll", 1e-4),
        ("pocl", Quant::None, Precision::F32, "unroll16", 1e-4),
        ("pocl", Quant::None, Precision::F32, "gate_persistent_carry_unroll16", 1e-4),
        ("pocl", Quant::None, Precision::F32, "combined_persistent", 1e-4),
        ("pocl", Quant::None, Precision::F32, "combined_early", 1e-4),
        ("pocl", Quant::Q8, Precision::F32, "combined_early", 1e-4),
        ("pocl", Quant::Q844, Precision::F32, "gate_early", 1e-4),
        ("pocl", Quant::None, Precision::F32, "gate_persistent_early", 1e-4),
        ("pocl", Quant::Q8, Precision::F32, "combined_persistent_early", 1e-4),
        ("pocl", Quant::None, Precision::F32, "persistent_carry", 1e-4),
        ("pocl", Quant::Q844, Precision::F32, "gate_persistent_carry", 1e-4),
        ("pocl", Quant::None, Precision::F32, "gate_persistent_carry_early", 1e-4),
        ("pocl", Quant::Q8, Precision::F32, "combined_persistent_carry_early", 1e-4),
        ("lavapipe", Quant::None, Precision::F16, "", 3e-2),
        ("lavapipe", Quant::None, Precision::F32, "k_cut", 1e-4),
        ("lavapipe", Quant::Q8, Precision::F32, "k_cut", 1e-4),
        ("lavapipe", Quant::Q844, Precision::F32, "k_cut", 1e-4),
        ("lavapipe", Quant::None, Precision::F16, "k_cut", 3e-2),
        ("lavapipe", Quant::None, Precision::F32, "gate", 1e-4),
        ("lavapipe", Quant::Q8, Precision::F32, "gate", 1e-4),
        ("lavapipe", Quant::Q8, Precision::F32, "gate_int8", 1e-4),
        ("lavapipe", Quant::Q8, Precision::F32, "gate_int8_staged", 1e-4),
        ("lavapipe", Quant::Q844, Precision::F32, "gate", 1e-4),
        ("lavapipe", Quant::Q8, Precision::F32, "gate_merged", 1e-4),
        ("lavapipe", Quant::None, Precision::F32, "gate_subgroups", 1e-4),
        ("lavapipe", Quant::None, Precision::F16, "gate", 3e-2),
        ("lavapipe", Quant::None, Precision::F32, "spread", 1e-4),
        ("lavapipe", Quant::Q8, Precision::F32, "spread", 1e-4),
        ("lavapipe", Quant::Q8, Precision::F32, "spread_int8", 1e-4),
        ("lavapipe", Quant::Q844, Precision::F32, "spread", 1e-4),
        ("lavapipe", Quant::Q8, Precision::F32, "spread_packed", 1e-4),
        ("lavapipe", Quant::None, Precision::F16, "spread", 3e-2),
        ("lavapipe", Quant::None, Precision::F32, "unroll16", 1e-4),
    ];
    for (target, quant, precision, acts, tol) in cases {
        let text = std::fs::read_to_string(repo().join(format!("targets/{target}.toml"))).expect("target file");
        let text = match acts {
            "float" => text.replace("prefill_int8_activations = true", "prefill_int8_activations = false"),
            "int8" => set_tuning(&text, "decode_int8_activations = true"),
            // OpenCL C: prefill's int8 products too (QuantizeRows and the plain LinearInt8).
            "int8_prefill" => set_tuning(&text, "decode_int8_activations = true\nprefill_int8_activations = true"),
            // 8 keys per split: the 64-row cache's attention in 8 splits and a combine.
            "splits" => set_tuning(&text, "decode_attention_split_keys = 8"),
            // Norms keep their own dispatches (tuning.fold_rms_norm = false), float activations.
            "unfolded" => set_tuning(&text.replace("prefill_int8_activations = true", "prefill_int8_activations = false"), "fold_rms_norm = false"),
            // Rows of 8 lanes, lavapipe's subgroup, summed by subgroupAdd (the tiny model's
            // 64-input rows are 16 f32 or 8 f16 words: 8 lanes each; the RoPE pairs of q/k
            // then meet in workgroup memory).
            // The split attention kernel (8 keys per split) takes its maxima and sums by subgroup.
            "subgroups" => set_tuning(&text, "subgroup_reductions = true\nlinear_lanes_per_row = 8\nattention_subgroup_reductions = true\nattention_combine_all_heads = true\ndecode_attention_split_keys = 8"),
            // The split attention kernel (8 keys per split) with each tile's key and value
            // words loaded at its start.
            "prefetch" => set_tuning(&text, "decode_attention_prefetch = true\ndecode_attention_split_keys = 8"),
            // With every query head's value sums staged at once (OpenCL C).
            "all_heads" => set_tuning(&text, "decode_attention_prefetch = true\nattention_combine_all_heads = true\ndecode_attention_split_keys = 8"),
            // The split attention's partials combined in the output projection's
            // workgroups (8 keys per split): float rows, int8 ones quantized in the kernel.
            "combined" => set_tuning(&text.replace("prefill_int8_activations = true", "prefill_int8_activations = false"), "decode_combine_in_projection = true\ndecode_attention_split_keys = 8"),
            "combined_int8" => set_tuning(&text, "decode_combine_in_projection = true\ndecode_attention_split_keys = 8\ndecode_int8_activations = true"),
            // The last workgroup of each cache head combines the splits' partials (OpenCL C
            // counters; tuning.decode_attention_combine_last), the projection's fold not taken
            // though asked, all heads' sums at once as on the GPU.
            // Persistent decode projections: one workgroup each, walking every row
            // group after staging the row once (tuning.linear_matvec_persistent_groups).
            "persistent" => set_tuning(&text, "linear_matvec_persistent_groups = 1"),
            // Two weight words in flight per lane, not four (tuning.linear_matvec_max_unroll).
            "gate_unroll" => set_tuning(&text, "decode_fused_gate = true\nlinear_lanes_per_row = 4\nlinear_matvec_max_unroll = 2"),
            // Sixteen weight words in flight per lane (one lane per row: the tiny model's
            // 64-input f32 rows are 16 words, its down projection's several rounds of 16).
            "unroll16" => set_tuning(&text, "linear_lanes_per_row = 1\nlinear_matvec_max_unroll = 16"),
            "gate_persistent_carry_unroll16" => set_tuning(&text, "decode_fused_gate = true\nlinear_lanes_per_row = 1\nlinear_matvec_max_unroll = 16\nlinear_matvec_persistent_groups = 1\nlinear_matvec_carry_loads = true"),
            // Persistent projections whose workgroups combine the attention's partials once
            // and walk their row groups (the GPU target's defaults with the key).
            "combined_persistent" => set_tuning(&text, "decode_combine_in_projection = true\ndecode_attention_split_keys = 8\nlinear_matvec_persistent_groups = 1"),
            "gate_persistent" => set_tuning(&text, "linear_matvec_persistent_groups = 1\ndecode_fused_gate = true"),
            // Round 0's weight words loaded before the row is combined, or staged with the
            // gate beside it (tuning.linear_matvec_early_loads).
            "combined_early" => set_tuning(&text, "decode_combine_in_projection = true\ndecode_attention_split_keys = 8\nlinear_matvec_early_loads = true"),
            "gate_early" => set_tuning(&text, "decode_fused_gate = true\nlinear_matvec_early_loads = true"),
            // The same with persistent workgroups: early words for the first row group, the
            // later ones loaded as they come.
            "gate_persistent_early" => set_tuning(&text, "decode_fused_gate = true\nlinear_matvec_early_loads = true\nlinear_matvec_persistent_groups = 1"),
            "combined_persistent_early" => set_tuning(&text, "decode_combine_in_projection = true\ndecode_attention_split_keys = 8\nlinear_matvec_early_loads = true\nlinear_matvec_persistent_groups = 1"),
            // Each later row group's round-0 words loaded by the group before it
            // (tuning.linear_matvec_carry_loads): the first group's before the walk, or early.
            "persistent_carry" => set_tuning(&text, "linear_matvec_persistent_groups = 1\nlinear_matvec_carry_loads = true"),
            "gate_persistent_carry" => set_tuning(&text, "linear_matvec_persistent_groups = 1\ndecode_fused_gate = true\nlinear_matvec_carry_loads = true"),
            "gate_persistent_carry_early" => set_tuning(&text, "decode_fused_gate = true\nlinear_matvec_early_loads = true\nlinear_matvec_persistent_groups = 1\nlinear_matvec_carry_loads = true"),
            "combined_persistent_carry_early" => set_tuning(&text, "decode_combine_in_projection = true\ndecode_attention_split_keys = 8\nlinear_matvec_early_loads = true\nlinear_matvec_persistent_groups = 1\nlinear_matvec_carry_loads = true"),
            "combine_last" => set_tuning(&text, "decode_attention_combine_last = true\ndecode_combine_in_projection = true\nattention_combine_all_heads = true\ndecode_attention_prefetch = true\ndecode_attention_split_keys = 8"),
            // Independent dispatches merged (q/k/v in one dispatch per layer, prefill's too),
            // with int8 decode activations packed once per row for q8.
            "merged" => set_tuning(&text, "merge_independent_dispatches = true\ndecode_int8_activations = true\ndecode_quantize_once = true"),
            // Prefill products cut along K in two (tuning.linear_split_k; float activations,
            // so q8's prefill products are Linears too): the 64-input ones (q, k, v, o, gate,
            // up) in ranges of 32, down's 160 inputs not (80 is not whole steps of 32).
            // Decode's gate and up projections in one kernel (tuning.decode_fused_gate): float
            // activations (q8: the gate's scale from its epilogue), int8 ones packed once per
            // row or quantized in the kernel (q8), rows summed by subgroup.
            "gate" => set_tuning(&text.replace("prefill_int8_activations = true", "prefill_int8_activations = false"), "decode_fused_gate = true"),
            "gate_int8" => set_tuning(&text, "decode_fused_gate = true\ndecode_int8_activations = true\ndecode_quantize_once = true"),
            // Int8 activations quantized in the kernel, beside the staged norm.
            "gate_int8_staged" => set_tuning(&text, "decode_fused_gate = true\ndecode_int8_activations = true"),
            // With independent dispatches merged (the gated kernel beside other projections).
            "gate_merged" => set_tuning(&text, "decode_fused_gate = true\nmerge_independent_dispatches = true\ndecode_int8_activations = true\ndecode_quantize_once = true"),
            "gate_subgroups" => set_tuning(&text, "decode_fused_gate = true\nsubgroup_reductions = true\nlinear_lanes_per_row = 8"),
            "k_cut" => set_tuning(&text.replace("prefill_int8_activations = true", "prefill_int8_activations = false"), "linear_split_k = [2, 100000]"),
            // Decode projections in workgroups of their fewest lanes (64: 4 rows of 16 lanes
            // for the tiny model's 64-input rows; RoPE pairs still in one workgroup), with
            // float activations (prefill's too), int8 ones quantized in the kernel (q8) or
            // packed once per row (q8).
            "spread" => set_tuning(&text.replace("prefill_int8_activations = true", "prefill_int8_activations = false"), "linear_matvec_min_workgroups = 100000"),
            "spread_int8" => set_tuning(&text, "linear_matvec_min_workgroups = 100000\ndecode_int8_activations = true"),
            "spread_packed" => set_tuning(&text, "linear_matvec_min_workgroups = 100000\ndecode_int8_activations = true\ndecode_quantize_once = true"),
            _ => text,
        };
        let t = driftc::target::Target::from_toml(&text, std::path::Path::new(&format!("{target}.toml"))).expect("target parses");
        let mut o = case.options(Some(precision));
        o.import.quant = quant;
        let compiled = driftc::compile::compile_file(&case.model(), &t, &o).unwrap_or_else(|e| panic!("{target} {quant:?}: {e}"));
        let b = Bundle::from_vec(compiled.bundle).expect("bundle opens");
        let m = b.manifest();
        let decode = m.programs.iter().find(|p| p.name == "decode").expect("decode program");
        let combines = decode.dispatches.iter().filter(|d| m.kernels[d.kernel as usize].name.starts_with("attention_combine")).count();
        let splits = decode.dispatches.iter().filter(|d| d.label.ends_with("attention.splits")).count();
        assert_eq!(splits > 0, matches!(acts, "splits" | "subgroups" | "prefetch" | "all_heads" | "combined" | "combined_int8" | "combine_last" | "combined_persistent" | "combined_early" | "combined_persistent_early" | "combined_persistent_carry_early"), "{target} {quant:?} {acts}: {splits} split decode attention dispatches");
        let int8_products = compiled.sources.iter().filter(|(k, _)| k.starts_with("linear_int8") || k.starts_with("quantize_rows")).count();
        if target == "pocl" {
            assert_eq!(int8_products > 0, acts == "int8_prefill", "{target} {quant:?} {acts}: {int8_products} int8 prefill kernels");
        }
        let early = compiled.sources.iter().filter(|(k, src)| k.starts_with("linear_matvec") && src.contains("const uint base_e = ")).count();
        assert_eq!(early > 0, acts.ends_with("early"), "{target} {quant:?} {acts}: {early} decode projection kernels load round 0's weights before their prologue");
        let persistent = compiled.sources.iter().filter(|(k, src)| k.starts_with("linear_matvec") && src.contains("for (uint rgroup = group; rgroup < ")).count();
        assert_eq!(persistent > 0, acts.contains("persistent"), "{target} {quant:?} {acts}: {persistent} decode projection kernels walk several row groups");
        let carried = compiled.sources.iter().filter(|(k, src)| k.starts_with("linear_matvec") && src.contains("        cw0 = ")).count();
        assert_eq!(carried > 0, acts.contains("carry"), "{target} {quant:?} {acts}: {carried} decode projection kernels load the next row group's words after their sums");
        if acts.ends_with("unroll16") {
            let sixteen = compiled.sources.iter().filter(|(k, src)| k.starts_with("linear_matvec") && (src.contains("const uint j15 = ") || src.contains("let j15: u32"))).count();
            assert!(sixteen > 0, "{target} {quant:?} {acts}: no decode projection loads sixteen words per lane at once");
        }
        if acts == "gate_unroll" {
            // Four words per lane (16 words a row, 4 lanes), two at once at most.
            let loads = |marker: &str| compiled.sources.iter().filter(|(k, src)| k.starts_with("linear_matvec") && src.contains(marker)).count();
            assert!(loads("const uint j1 = ") > 0 && loads("const uint j2 = ") == 0, "{target} {quant:?} {acts}: decode projections load two words per lane at once, not more");
        }
        let last = compiled.sources.iter().filter(|(k, src)| k.starts_with("cached_attention_gqa") && src.contains("__global uint* drift_counters") && src.contains("atomic_inc(")).count();
        assert_eq!(last > 0, acts == "combine_last", "{target} {quant:?} {acts}: {last} decode attention kernels whose last workgroup per cache head combines the splits");
        let folded = compiled.sources.iter().filter(|(k, src)| k.starts_with("linear_matvec") && src.contains("drift_shared4[v] = num / den")).count();
        assert_eq!(folded > 0, acts.starts_with("combined"), "{target} {quant:?} {acts}: {folded} projection kernels combine attention partials");
        assert_eq!(combines > 0, matches!(acts, "splits" | "subgroups" | "prefetch" | "all_heads"), "{target} {quant:?} {acts}: decode attention split ({combines} combines)");
        let all_cl = compiled.sources.iter().filter(|(k, src)| k.starts_with("cached_attention_gqa") && src.contains("const uint hh = o / ")).count();
        assert_eq!(all_cl > 0, acts == "all_heads" || acts == "combine_last", "{target} {quant:?} {acts}: {all_cl} OpenCL decode attention kernels sum all heads at once");
        let summed = compiled.sources.iter().filter(|(k, src)| k.starts_with("linear_matvec") && src.contains("subgroupAdd(")).count();
        assert_eq!(summed > 0, acts == "subgroups" || acts == "gate_subgroups", "{target} {quant:?} {acts}: {summed} projection kernels sum rows by subgroup");
        let attention = compiled.sources.iter().filter(|(k, src)| k.starts_with("cached_attention_gqa") && src.contains("subgroupMax(") && src.contains("subgroupAdd(") && src.contains("let hh: u32 = o / ")).count();
        assert_eq!(attention > 0, acts == "subgroups", "{target} {quant:?} {acts}: {attention} decode attention kernels reduce by subgroup and sum all heads at once");
        let prefetched = compiled.sources.iter().filter(|(k, src)| k.starts_with("cached_attention_gqa") && ((src.contains("let kr0: vec4<u32>") && src.contains("let vr0: vec4<u32>")) || (src.contains("const float4 kr0 =") && src.contains("const float4 vr0 =")))).count();
        assert_eq!(prefetched > 0, matches!(acts, "prefetch" | "all_heads" | "combine_last"), "{target} {quant:?} {acts}: {prefetched} decode attention kernels load a tile's words at its start");
        assert_eq!(m.requirements.subgroup_arithmetic, acts == "subgroups" || acts == "gate_subgroups", "{target} {quant:?} {acts}: the bundle requires subgroup arithmetic");
        // A folded gate: no gate projection kernel of its own in decode (a packed row may
        // carry its name), a kernel that walks the gate's row.
        let gates = decode.dispatches.iter().filter(|d| d.label.contains("gate_proj") && m.kernels[d.kernel as usize].name.starts_with("linear_matvec")).count();
        let gated = compiled.sources.iter().filter(|(k, src)| k.starts_with("linear_matvec") && (src.contains("acc_g = acc_g + part") || src.contains("acc_g += part"))).count();
        assert_eq!((gates == 0, gated > 0), (acts.starts_with("gate"), acts.starts_with("gate")), "{target} {quant:?} {acts}: {gates} gate dispatches in decode, {gated} gated kernels");
        let merged = decode.dispatches.iter().filter(|d| d.label.contains(" + ")).count();
        let layers = decode.dispatches.iter().filter(|d| m.kernels[d.kernel as usize].name.starts_with("cached_attention")).count();
        assert!(layers > 0, "{target} {quant:?} {acts}: decode has attention dispatches");
        assert_eq!(merged, if acts == "merged" || acts == "gate_merged" { layers } else { 0 }, "{target} {quant:?} {acts}: {merged} merged decode dispatches (q, k and v per layer)");
        // Cut products: six per layer in each prefill program, their sums in the reduce
        // kernel, except float q, k and v's (no scale epilogue on their sums), whose RoPE and
        // cache write add the parts as they read them (fold-split-sums).
        for p in m.programs.iter().filter(|p| p.name != "decode") {
            let sums = p.dispatches.iter().filter(|d| d.label.ends_with(".k_sum") && m.kernels[d.kernel as usize].name.starts_with("reduce")).count();
            let folded = quant == Quant::None;
            // (The scoring program's LM head reads every row: one more.)
            let want = match (acts, p.name.as_str(), folded) {
                ("k_cut", "prefill", false) => 13,
                ("k_cut", _, false) => 12,
                ("k_cut", "prefill", true) => 7,
                ("k_cut", _, true) => 6,
                _ => 0,
            };
            assert_eq!(sums, want, "{target} {quant:?} {acts}: {sums} sums of cut products in program {}", p.name);
        }
        let matvecs: Vec<&String> = compiled.sources.iter().filter(|(k, _)| k.starts_with("linear_matvec")).map(|(_, src)| src).collect();
        let narrow = matvecs.iter().filter(|src| src.contains("@workgroup_size(64")).count();
        assert_eq!(narrow == matvecs.len(), acts.starts_with("spread"), "{target} {quant:?} {acts}: {narrow} of {} decode projection kernels in workgroups of 64 lanes", matvecs.len());
        let norms = decode.dispatches.iter().filter(|d| m.kernels[d.kernel as usize].name.starts_with("rms_norm")).count();
        assert_eq!(norms > 0, acts == "unfolded", "{target} {quant:?} {acts}: {norms} RMSNorm dispatches in decode");
        let mut g = Generator::new(&b, &SessionOptions::default()).unwrap_or_else(|e| panic!("{target}: {e}"));
        let scored = g.score(&tokens).expect("scores");
        g.reset();
        let mut logits = g.prefill(&tokens[..8]).expect("prefill");
        for p in 7..tokens.len() - 1 {
            if p > 7 {
                logits = g.decode(tokens[p]).expect("decode step");
                // The device's greedy pick of the same run is the logits' argmax.
                assert_eq!(g.decode_choice().expect("device choice"), runtime_min::argmax(&logits), "{target} {quant:?} {precision:?} position {p}: device argmax");
            }
            let got = log_prob(&logits, tokens[p + 1]);
            let want = scored.log_probs[p];
            assert!((got - want).abs() <= tol, "{target} {quant:?} {precision:?} {acts} position {p}: decode {got} vs prefill scoring {want}");
        }
    }
}

/// Prefill projections and attention go to cooperative matrices (`linear_coop`,
/// `cached_attention_coop`) only where the target asks for them and the bundle is f16; such a bundle says so in its requirements, and
/// this machine's lavapipe (no VK_KHR_cooperative_matrix) refuses it by name. Its results
/// are checked on the GPU machine (scripts/llm_device_check.py: against the tiled kernels
/// and transformers).
#[test]
fn cooperative_matrix_prefill_only_where_the_target_has_it() {
    let case = load_case("llama_tiny");
    for (target, precision, coop) in [("nvidia-h100", Precision::F16, true), ("nvidia-h100", Precision::F32, false), ("nvidia-h100-opencl", Precision::F16, false), ("intel-xe2", Precision::F16, false), ("lavapipe", Precision::F16, false)] {
        let compiled = case.compile(target, Some(precision));
        let b = runtime_min::bundle::open(&compiled.bundle, None).unwrap_or_else(|e| panic!("{target}: {e}"));
        let m = &b.manifest;
        let uses = m.kernels.iter().any(|k| k.name.starts_with("linear_coop"));
        assert_eq!(uses, coop, "{target} {precision:?}: linear_coop chosen: {uses}");
        assert_eq!(m.requirements.cooperative_matrix, coop, "{target} {precision:?}: requirement");
        // Cooperative matrices and subgroup sums (nvidia-h100's decode rows) need subgroups of 32.
        assert_eq!(m.requirements.subgroup_size, if coop || m.requirements.subgroup_arithmetic { 32 } else { 0 }, "{target} {precision:?}: subgroup size");
        if coop {
            // Every prefill projection (q, k, v, o, gate, up, down per layer; the LM head) and no
            // decode one: one activation row stays on linear_matvec.
            let prefill = m.programs.iter().find(|p| p.name == "prefill").expect("prefill program");
            let coop_dispatches = prefill.dispatches.iter().filter(|d| m.kernels[d.kernel as usize].name.starts_with("linear_coop")).count();
            assert_eq!(coop_dispatches, 2 * 7 + 1, "{target}: prefill projections on cooperative matrices");
            let attention = prefill.dispatches.iter().filter(|d| m.kernels[d.kernel as usize].name.starts_with("cached_attention_coop")).count();
            assert_eq!(attention, 2, "{target}: prefill attention on cooperative matrices, one per layer");
            // This machine's device (lavapipe in CI) refuses it by name; a device with the
            // shape (the H200) opens it, and scripts/llm_device_check.py checks its results.
            match runtime_min::Session::new(&Bundle::from_vec(compiled.bundle.clone()).expect("opens"), &SessionOptions::default()) {
                Ok(s) => assert!(s.device_limits().cooperative_matrix, "{} ran a cooperative-matrix bundle without the feature", s.device_name()),
                Err(e) => assert!(e.to_string().contains("requirements.cooperative_matrix"), "{e}"),
            }
        }
    }
}

/// Decode with int8 activations (`tuning.decode_int8_activations`, here on copies of the
/// lavapipe and pocl targets; PoCL's OpenCL C sums the int8 products in C): one decode step at position 0 (its KV rows all written by the step
/// itself) of q8 (int8 weights) and of 8/4/4 (int4 feed-forward weights: even and odd
/// nibbles against split activations), each also in workgroups of 1024 lanes
/// (`tuning.linear_matvec_workgroup_int8`), against the CPU reference of the same graph, whose
/// Linear / LinearQ4 quantize each activation row to int8 and sum in integers; the step
/// must also differ from the float-activation one (the option takes effect) while
/// staying near it.
#[test]
fn int8_decode_activations_match_their_reference() {
    use driftc::front::llm::Quant;
    let case = load_case("llama_tiny");
    let once = "decode_quantize_once = true\n";
    let once_unfolded = "decode_quantize_once = true\nfold_rms_norm = false\n";
    // With the gate folded (tuning.decode_fused_gate): int8 and int4 rows, quantized in the
    // kernel or packed once.
    let gate = "decode_fused_gate = true\n";
    let gate_once = "decode_fused_gate = true\ndecode_quantize_once = true\n";
    let lavapipe = [(Quant::Q8, ""), (Quant::Q844, ""), (Quant::Q8, "linear_matvec_workgroup_int8 = 1024\n"), (Quant::Q844, "linear_matvec_workgroup_int8 = 1024\n"), (Quant::Q8, once), (Quant::Q844, once), (Quant::Q844, once_unfolded), (Quant::Q844, "decode_quantize_once = true\nlinear_lanes_many_rows = [64, 16]\n"), (Quant::Q8, gate), (Quant::Q844, gate), (Quant::Q8, gate_once), (Quant::Q844, gate_once)];
    // OpenCL C (PoCL): int8 products summed in C (PTX dp4a on NVIDIA), no packed rows.
    // With persistent projections (tuning.linear_matvec_persistent_groups): one
    // workgroup quantizes its row once and walks every row group.
    let persistent = "linear_matvec_persistent_groups = 1\n";
    let persistent_gate = "linear_matvec_persistent_groups = 1\ndecode_fused_gate = true\n";
    // With round 0's weights loaded before the row is quantized (tuning.linear_matvec_early_loads).
    let early = "linear_matvec_early_loads = true\n";
    let early_gate = "linear_matvec_early_loads = true\ndecode_fused_gate = true\n";
    // With each later row group's words loaded by the group before (tuning.linear_matvec_carry_loads).
    let carry = "linear_matvec_persistent_groups = 1\nlinear_matvec_carry_loads = true\n";
    let carry_gate_early = "linear_matvec_persistent_groups = 1\ndecode_fused_gate = true\nlinear_matvec_early_loads = true\nlinear_matvec_carry_loads = true\n";
    let pocl = [(Quant::Q8, ""), (Quant::Q844, ""), (Quant::Q8, gate), (Quant::Q844, gate), (Quant::Q8, persistent), (Quant::Q844, persistent_gate), (Quant::Q8, early), (Quant::Q844, early_gate), (Quant::Q8, carry), (Quant::Q844, carry_gate_early)];
    for (target, quant, extra) in lavapipe.into_iter().map(|(q, e)| ("lavapipe", q, e)).chain(pocl.into_iter().map(|(q, e)| ("pocl", q, e))) {
        let text = std::fs::read_to_string(repo().join(format!("targets/{target}.toml"))).expect("target file");
        let t = driftc::target::Target::from_toml(&set_tuning(&text, &format!("decode_int8_activations = true\n{extra}")), std::path::Path::new(&format!("{target}.toml"))).expect("target parses");
        let mut opts = case.options(Some(Precision::F32));
        opts.import.quant = quant;
        let compiled = driftc::compile::compile_file(&case.model(), &t, &opts).unwrap_or_else(|e| panic!("{quant:?} {extra}: {e}"));
        let b = Bundle::from_vec(compiled.bundle).expect("opens");
        assert_eq!(b.manifest().requirements.int8_dot, target == "lavapipe", "{target}: whether the bundle requires int8 dot products");
        // q8's per-row scale is applied inside the projection (fuse-linear-scale), so its RoPE
        // folds in too: no rotary dispatch is left in the decode step.
        let m = b.manifest();
        let decode = m.programs.iter().find(|p| p.name == "decode").expect("decode program");
        assert!(decode.dispatches.iter().all(|d| !m.kernels[d.kernel as usize].name.starts_with("rotary")), "{quant:?} decode keeps a rotary dispatch");
        // The k and v projections write the KV cache themselves (fuse-linear-kv-append).
        assert!(decode.dispatches.iter().all(|d| !m.kernels[d.kernel as usize].name.starts_with("kv_cache_write")), "decode keeps a cache-write dispatch");
        // tuning.decode_quantize_once: per layer, one packed row for q/k/v and one for
        // gate/up (8/4/4: input order for the q8 attention, int4 pairs for the MLP), one for
        // the LM head, each with its norm folded in; o_proj and down_proj (one reader, no norm)
        // keep quantizing in their own workgroups, and q_proj / gate_proj do not.
        let packs = decode.dispatches.iter().filter(|d| m.kernels[d.kernel as usize].name.starts_with("packed_int8_row")).count();
        let config: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(case.dir.join("config.json")).expect("config")).expect("json");
        let layers = config["num_hidden_layers"].as_u64().expect("layers") as usize;
        let once = extra.contains("quantize_once");
        assert_eq!(packs, if once { 2 * layers + 1 } else { 0 }, "{quant:?} {extra}: packed rows in the decode step");
        if once {
            // The norms fold into the packed rows, whether or not the target folds them
            // into float projections (tuning.fold_rms_norm).
            assert!(decode.dispatches.iter().all(|d| !m.kernels[d.kernel as usize].name.starts_with("rms_norm")), "{quant:?} {extra}: a norm keeps its dispatch");
        }
        for d in decode.dispatches.iter().filter(|d| ["q_proj", "gate_proj", "o_proj", "down_proj"].iter().any(|p| d.label.contains(p))) {
            let name = &m.kernels[d.kernel as usize].name;
            if name.starts_with("packed_int8_row") {
                continue;
            }
            let (_, src) = compiled.sources.iter().find(|(k, _)| k == name).unwrap_or_else(|| panic!("{quant:?} {extra}: no source for {name}"));
            let shared = d.label.contains("q_proj") || d.label.contains("gate_proj");
            assert_eq!(src.contains("drift_xq"), !(once && shared), "{quant:?} {extra}: {} quantizes its own row", d.label);
        }
        let gate_kernels = decode.dispatches.iter().filter(|d| d.label.contains("gate_proj") && m.kernels[d.kernel as usize].name.starts_with("linear_matvec")).count();
        assert_eq!(gate_kernels == 0, extra.contains("fused_gate"), "{quant:?} {extra}: {gate_kernels} gate projections of their own");
        let walking = compiled.sources.iter().filter(|(k, src)| k.starts_with("linear_matvec") && src.contains("for (uint rgroup = group; rgroup < ")).count();
        assert_eq!(walking > 0, extra.contains("persistent"), "{quant:?} {extra}: {walking} projections walk several row groups");
        let early = compiled.sources.iter().filter(|(k, src)| k.starts_with("linear_matvec") && src.contains("const uint base_e = ")).count();
        assert_eq!(early > 0, extra.contains("early_loads"), "{quant:?} {extra}: {early} projections load round 0's weights before quantizing their row");
        let mut s = runtime_min::Session::new(&b, &SessionOptions::default()).expect("session");
        let id = ids("inputs/prompt_ids.npy")[0];
        let mut inputs = std::collections::BTreeMap::new();
        inputs.insert("decode.input_ids".to_string(), driftc::ir::Value::i64(vec![1, 1], vec![i64::from(id)]));
        inputs.insert("decode.position".to_string(), driftc::ir::Value::i64(vec![1], vec![0]));
        for (n, v) in &inputs {
            s.set_input(n, &host_of(v)).expect("input");
        }
        s.run_program("decode").expect("decode runs");
        let got = s.output("decode.logits").expect("logits").to_f32().expect("f32");
        let reference = |int8: bool| {
            let mut import = opts.import.clone();
            import.decode_int8_activations = Some(int8);
            let g = driftc::compile::import_file(&case.model(), &import).expect("imports");
            let dump = g.dump();
            assert_eq!(dump.contains("act_int8"), int8, "act_int8 projections in the graph: {int8}");
            if quant == Quant::Q844 {
                assert_eq!(dump.lines().any(|l| l.contains("LinearQ4") && l.contains("act_int8")), int8, "int4 projections with int8 activations: {int8}");
            }
            let spec = g.program_specs().into_iter().find(|p| p.name == "decode").expect("decode program");
            driftc::reference::run_program(&g, &spec, &inputs).expect("reference runs").remove("decode.logits").expect("logits").as_f32()
        };
        let (want, plain) = (reference(true), reference(false));
        let err = rel_l2(&got, &want);
        let moved = rel_l2(&want, &plain);
        eprintln!("{target} {quant:?} {}: int8 activations: device vs reference {err:.3e}, vs float activations {moved:.3e}", extra.trim().replace('\n', ", "));
        assert!(err <= 1e-4, "{target} {quant:?} {extra}: device vs the int8-activation reference {err:.3e}");
        assert!(moved > 1e-4 && moved < 0.1, "{quant:?} {extra}: int8 activations vs float ones: {moved:.3e}");
    }
}

/// Prefill with int8 activations (`tuning.prefill_int8_activations`, on a copy of the
/// lavapipe target): q8 and 8/4/4 bundles quantize each projection's activation rows in a
/// kernel of their own (`quantize_rows`) and multiply in int8 (`linear_int8`); the prefill
/// chunk's logits equal the CPU reference of the same graph (integer sums), differ from
/// the float-activation bundle's (the option takes effect) while staying near them, and
/// greedy generation runs.
#[test]
fn int8_prefill_activations_match_their_reference() {
    use driftc::front::llm::Quant;
    let case = load_case("llama_tiny");
    let t = driftc::target::Target::load("lavapipe").expect("target");
    assert!(t.tuning.prefill_int8_activations, "lavapipe prefills int8-weight products with int8 activations");
    let prompt = ids("inputs/prompt_ids.npy");
    for quant in [Quant::Q8, Quant::Q844] {
        let mut opts = case.options(Some(Precision::F32));
        opts.import.quant = quant;
        let compiled = driftc::compile::compile_file(&case.model(), &t, &opts).unwrap_or_else(|e| panic!("{quant:?}: {e}"));
        // The int8 products skip a padded chunk's row tiles past last_row, as the float ones do.
        for (name, src) in compiled.sources.iter().filter(|(k, _)| k.starts_with("linear_int8")) {
            assert!(src.contains("b_last_row["), "{quant:?}: {name} reads last_row");
        }
        let b = Bundle::from_vec(compiled.bundle).expect("opens");
        let m = b.manifest();
        let prefill = m.programs.iter().find(|p| p.name == "prefill").expect("prefill program");
        for kernel in ["quantize_rows", "linear_int8"] {
            assert!(prefill.dispatches.iter().any(|d| m.kernels[d.kernel as usize].name.starts_with(kernel)), "{quant:?}: prefill runs {kernel}");
        }
        // One quantization per distinct input: per layer q/k/v share one, o one, and (q8)
        // gate/up one and down one; q8's LM head one more (8/4/4's is int4).
        let quantizes = prefill.dispatches.iter().filter(|d| m.kernels[d.kernel as usize].name.starts_with("quantize_rows")).count();
        assert_eq!(quantizes, if quant == Quant::Q8 { 2 * 4 + 1 } else { 2 * 2 }, "{quant:?}: quantize_rows dispatches");
        let chunk = m.llm.as_ref().expect("llm").prefill_tokens as usize;
        let mut row: Vec<i64> = prompt.iter().map(|&x| i64::from(x)).collect();
        row.resize(chunk, row.last().copied().unwrap_or(0));
        let mut inputs = std::collections::BTreeMap::new();
        inputs.insert("input_ids".to_string(), driftc::ir::Value::i64(vec![1, chunk], row));
        inputs.insert("position".to_string(), driftc::ir::Value::i64(vec![1], vec![0]));
        // The rows past the prompt are padding: the device skips what it can of them, so
        // only the prompt's rows are compared.
        let live = prompt.len().min(chunk);
        inputs.insert("last_row".to_string(), driftc::ir::Value::i64(vec![1], vec![live as i64 - 1]));
        let mut s = runtime_min::Session::new(&b, &SessionOptions::default()).expect("session");
        for (n, v) in &inputs {
            s.set_input(n, &host_of(v)).expect("input");
        }
        s.run_program("prefill").expect("prefill runs");
        let got = s.output("logits").expect("logits").to_f32().expect("f32");
        let reference = |int8: bool| {
            let mut import = opts.import.clone();
            import.prefill_int8_activations = Some(int8);
            let g = driftc::compile::import_file(&case.model(), &import).expect("imports");
            assert_eq!(g.dump().contains("LinearInt8"), int8, "{quant:?}: LinearInt8 in the graph: {int8}");
            let spec = g.program_specs().into_iter().find(|p| p.name == "prefill").expect("prefill program");
            driftc::reference::run_program(&g, &spec, &inputs).expect("reference runs").remove("logits").expect("logits").as_f32()
        };
        let (want, plain) = (reference(true), reference(false));
        let vocab = got.len() / chunk;
        let (got, want, plain) = (&got[..live * vocab], &want[..live * vocab], &plain[..live * vocab]);
        let err = rel_l2(got, want);
        let moved = rel_l2(want, plain);
        eprintln!("{quant:?} int8 prefill activations: device vs reference {err:.3e}, vs float activations {moved:.3e}");
        assert!(err <= 1e-4, "{quant:?}: device vs the int8-activation reference {err:.3e}");
        assert!(moved > 1e-4 && moved < 0.1, "{quant:?}: int8 vs float prefill activations: {moved:.3e}");
        let mut g = Generator::new(&b, &SessionOptions::default()).expect("generator");
        let r = g.generate(&prompt, 8, &Sampling::greedy(), &[], |_| true).expect("generates");
        assert_eq!(r.ids.len(), 8, "{quant:?}: eight new tokens");
    }
}

/// The decode passes together (RMSNorm, q8 row scale, RoPE and the KV-cache append folded
/// into the projections; int8 activations on): the optimized graph's CPU reference equals
/// the imported graph's for a decode step at position 3 (cache rows 0..3 zeros in both),
/// so the folded Linear's input order (X, W, G, S, cos/sin/ids, cache/position) holds.
#[test]
fn folded_decode_projections_keep_the_reference() {
    use driftc::front::llm::Quant;
    let case = load_case("llama_tiny");
    let text = std::fs::read_to_string(repo().join("targets/lavapipe.toml")).expect("target file");
    let t = driftc::target::Target::from_toml(&set_tuning(&text, "decode_int8_activations = true"), std::path::Path::new("lavapipe.toml")).expect("target parses");
    let mut import = case.options(Some(Precision::F32)).import;
    import.quant = Quant::Q8;
    import.decode_int8_activations = Some(true);
    let g = driftc::compile::import_file(&case.model(), &import).expect("imports");
    let mut folded = driftc::compile::import_file(&case.model(), &import).expect("imports");
    driftc::compile::optimize(&mut folded, &t, None, |_, _| {}).expect("optimizes");
    let dump = folded.dump();
    for attr in ["rms_norm_epsilon", "row_scale", "rope_head", "kv_append_head", "act_int8"] {
        assert!(dump.contains(attr), "no folded projection has {attr}");
    }
    let mut inputs = std::collections::BTreeMap::new();
    inputs.insert("decode.input_ids".to_string(), driftc::ir::Value::i64(vec![1, 1], vec![i64::from(ids("inputs/prompt_ids.npy")[1])]));
    inputs.insert("decode.position".to_string(), driftc::ir::Value::i64(vec![1], vec![3]));
    let run = |g: &driftc::ir::Graph| {
        let spec = g.program_specs().into_iter().find(|p| p.name == "decode").expect("decode program");
        driftc::reference::run_program(g, &spec, &inputs).expect("reference runs").remove("decode.logits").expect("logits").as_f32()
    };
    let err = rel_l2(&run(&folded), &run(&g));
    assert!(err <= 1e-5, "folded vs imported decode step: {err:.3e}");
}

/// Without clamps on workgroup-array and other fixed-size indices
/// (`tuning.fixed_array_bounds_checks = false`, a speed experiment per target), every
/// kernel still indexes in range: the same 32 greedy tokens as transformers on lavapipe,
/// from kernels that differ from the clamped ones.
#[test]
fn unclamped_fixed_array_indices_give_the_same_tokens() {
    let case = load_case("llama_tiny");
    let text = std::fs::read_to_string(repo().join("targets/lavapipe.toml")).expect("target file");
    let t = driftc::target::Target::from_toml(&set_tuning(&text, "fixed_array_bounds_checks = false"), std::path::Path::new("lavapipe.toml")).expect("target parses");
    let opts = case.options(Some(Precision::F32));
    let unclamped = driftc::compile::compile_file(&case.model(), &t, &opts).expect("compiles");
    let clamped = case.compile("lavapipe", Some(Precision::F32));
    assert!(unclamped.bundle != clamped.bundle, "the option changes the kernels");
    let b = Bundle::from_vec(unclamped.bundle).expect("opens");
    let mut g = Generator::new(&b, &SessionOptions::default()).expect("generator");
    let (prompt, want) = (ids("inputs/prompt_ids.npy"), ids("outputs/generated_ids.npy"));
    let got = g.generate(&prompt, want.len(), &Sampling::greedy(), &[], |_| true).expect("generates");
    assert_eq!(got.ids, want, "greedy tokens without fixed-array clamps");
}

/// A bundle whose LLM section names what is not there, or with the wrong shape, is refused
/// at open with the field named (each case re-sealed, so the hash holds): the runtime never
/// reads a token id or logits row from a tensor the generator does not expect.
#[test]
fn hostile_llm_sections_are_refused_by_field() {
    let case = load_case("llama_tiny");
    let compiled = case.compile("lavapipe", Some(Precision::F32));
    let view = runtime_min::bundle::open(&compiled.bundle, None).expect("opens");
    let (manifest, kernels, weights) = (view.manifest.clone(), view.kernels.to_vec(), view.weights.to_vec());
    type Edit = fn(&mut runtime_min::bundle::LlmSpec);
    let cases: [(&str, Edit, &str); 6] = [
        ("llm.decode_next_id", |l| l.decode_next_id = "decode.logits".into(), "expected [1, 1, 1]"),
        ("llm.decode_next_id", |l| l.decode_next_id = "nowhere".into(), "no tensor named"),
        ("llm.decode", |l| l.decode = "nope".into(), "no program named"),
        ("llm.prefill_last_logits", |l| l.prefill_last_logits = "logits".into(), "has shape"),
        ("llm.eos_token_ids", |l| l.eos_token_ids = vec![u32::MAX], "outside the vocabulary"),
        ("llm", |l| l.vocab_size = 0, "must be positive"),
    ];
    for (field, edit, message) in cases {
        let mut m = manifest.clone();
        edit(m.llm.as_mut().expect("an LLM section"));
        let bytes = runtime_min::bundle::write(&m, &kernels, &weights).expect("re-seals");
        match runtime_min::bundle::open(&bytes, None) {
            Err(runtime_min::bundle::BundleError::Invalid { field: f, message: msg }) => {
                assert!(f.starts_with(field), "{field}: refused under '{f}' ({msg})");
                assert!(msg.contains(message), "{field}: message '{msg}' lacks {message:?}");
            }
            Err(other) => panic!("{field}: expected an Invalid error, got {other}"),
            Ok(_) => panic!("{field}: hostile LLM section accepted"),
        }
    }
}

/// A padded chunk's rows past `last_row` are not computed: with 3 prompt tokens in a
/// chunk of 64, the prompt's logits equal the CPU reference's, and rows 32.. (whole row
/// tiles of the projections and LM head on lavapipe: `linear_tiled`, 32-row tiles at
/// this size; whole query blocks of the attention; the rows of the row-wise kernels) are
/// not what the reference computes for the padding there; every chunk kernel reads
/// `last_row`. (Which of them skipped is
/// not visible in the logits: skipped rows hold whatever the memory held.)
#[test]
fn padded_rows_past_last_row_are_skipped() {
    let case = load_case("llama_tiny");
    let t = driftc::target::Target::load("lavapipe").expect("target");
    let mut opts = case.options(Some(Precision::F32));
    opts.import.prefill_tokens = Some(64);
    let compiled = driftc::compile::compile_file(&case.model(), &t, &opts).expect("compiles");
    let sources = compiled.sources.clone();
    let b = Bundle::from_vec(compiled.bundle).expect("opens");
    let mut s = runtime_min::Session::new(&b, &SessionOptions::default()).expect("session");
    let g = driftc::compile::import_file(&case.model(), &driftc::compile::with_target_defaults(&opts.import, &t)).expect("imports");
    let spec = g.program_specs().into_iter().find(|p| p.name == "prefill").expect("prefill program");
    let prompt = ids("inputs/prompt_ids.npy");
    let run = |s: &mut runtime_min::Session, ids: &[i64], last: i64| -> (Vec<f32>, Vec<f32>) {
        let mut inputs = std::collections::BTreeMap::new();
        inputs.insert("input_ids".to_string(), driftc::ir::Value::i64(vec![1, 64], ids.to_vec()));
        inputs.insert("position".to_string(), driftc::ir::Value::i64(vec![1], vec![0]));
        inputs.insert("last_row".to_string(), driftc::ir::Value::i64(vec![1], vec![last]));
        for (n, v) in &inputs {
            s.set_input(n, &host_of(v)).expect("input");
        }
        s.run_program("prefill").expect("prefill runs");
        let got = s.output("logits").expect("logits").to_f32().expect("f32");
        let want = driftc::reference::run_program(&g, &spec, &inputs).expect("reference runs").remove("logits").expect("logits").as_f32();
        (got, want)
    };
    // Every row a prompt token first (the whole chunk computed and checked), then the
    // prompt's first 3 tokens and other padding.
    let full: Vec<i64> = (0..64).map(|i| i64::from(prompt[i % prompt.len()])).collect();
    let (got, want) = run(&mut s, &full, 63);
    assert!(rel_l2(&got, &want) < 1e-4, "the full chunk: {:.3e}", rel_l2(&got, &want));
    let mut short: Vec<i64> = full[..3].to_vec();
    short.resize(64, i64::from(prompt[3]));
    let (got, want) = run(&mut s, &short, 2);
    let vocab = got.len() / 64;
    let live = rel_l2(&got[..3 * vocab], &want[..3 * vocab]);
    assert!(live < 1e-4, "the prompt's rows: {live:.3e}");
    let skipped = rel_l2(&got[32 * vocab..], &want[32 * vocab..]);
    assert!(skipped > 0.1, "rows 32.. of the padding were computed (rel L2 {skipped:.3e} to the reference's)");
    // The chunk's kernels read it (not only bind it): every projection and the attention,
    // and the prefill program's KV-cache writes (decode's write one row, without it).
    let reads = |src: &str| src.contains("b_last_row[");
    for (name, src) in &sources {
        if name.starts_with("linear_tiled") || name.starts_with("cached_attention_tiled") {
            assert!(reads(src), "{name} reads last_row");
        }
    }
    assert!(sources.iter().any(|(name, src)| name.starts_with("kv_cache_write") && reads(src)), "prefill's KV-cache writes read last_row");
    // So do the chunk's row-wise kernels (decode's, on one row, without it).
    for kind in ["gather", "rms_norm", "rotary"] {
        assert!(sources.iter().any(|(name, src)| name.starts_with(kind) && reads(src)), "the chunk's {kind} reads last_row");
    }
    // The chunk's heads stay token-major: no transpose runs around its attention.
    assert!(!sources.iter().any(|(name, _)| name.starts_with("copy_permute")), "a head transpose in the chunk");
}

/// tuning.decode_fused_gate on nvidia-h100 (f16 words; q8 and 8/4/4's int4 with int8
/// activations packed once per row): the gated decode kernels
/// validate (naga) and take each layer's gate; an OpenCL target refuses the key by name.
/// Their arithmetic is checked on lavapipe (`decode_steps_match_prefill_scoring`).
#[test]
fn fused_gate_compiles_for_nvidia_h100() {
    use driftc::front::llm::Quant;
    let case = load_case("llama_tiny");
    let text = std::fs::read_to_string(repo().join("targets/nvidia-h100.toml")).expect("target file");
    let t = driftc::target::Target::from_toml(&set_tuning(&text, "decode_fused_gate = true"), std::path::Path::new("nvidia-h100.toml")).expect("target parses");
    for (quant, folded) in [(Quant::None, true), (Quant::Q8, true), (Quant::Q844, true)] {
        let mut o = case.options(Some(Precision::F16));
        o.import.quant = quant;
        let compiled = driftc::compile::compile_file(&case.model(), &t, &o).unwrap_or_else(|e| panic!("{quant:?}: {e}"));
        let gated = compiled.sources.iter().filter(|(k, src)| k.starts_with("linear_matvec") && src.contains("acc_g = acc_g + part")).count();
        assert_eq!(gated > 0, folded, "{quant:?}: {gated} gated decode kernels");
        let b = Bundle::from_vec(compiled.bundle).expect("bundle opens");
        let m = b.manifest();
        let decode = m.programs.iter().find(|p| p.name == "decode").expect("decode program");
        let gates = decode.dispatches.iter().filter(|d| d.label.contains("gate_proj") && m.kernels[d.kernel as usize].name.starts_with("linear_matvec")).count();
        assert_eq!(gates == 0, folded, "{quant:?}: {gates} gate projection dispatches in decode");
    }
    // OpenCL C: the same fold, with q, k and v merged into one dispatch per layer (the
    // target's chains off: they would merge the dependent dispatches too).
    let opencl = std::fs::read_to_string(repo().join("targets/nvidia-h100-opencl.toml")).expect("target file");
    let t = driftc::target::Target::from_toml(&set_tuning(&opencl, "decode_fused_gate = true\nmerge_independent_dispatches = true\nchain_dependent_dispatches = false\nchain_persistent_groups = 0\nchain_spin_waits = false"), std::path::Path::new("nvidia-h100-opencl.toml")).expect("target parses");
    for quant in [Quant::None, Quant::Q8] {
        let mut o = case.options(Some(Precision::F16));
        o.import.quant = quant;
        let compiled = driftc::compile::compile_file(&case.model(), &t, &o).unwrap_or_else(|e| panic!("OpenCL {quant:?}: {e}"));
        let gated = compiled.sources.iter().filter(|(k, src)| k.starts_with("linear_matvec") && src.contains("acc_g += part")).count();
        assert!(gated > 0, "OpenCL {quant:?}: no gated decode kernel");
        let b = Bundle::from_vec(compiled.bundle).expect("bundle opens");
        let m = b.manifest();
        let decode = m.programs.iter().find(|p| p.name == "decode").expect("decode program");
        let gates = decode.dispatches.iter().filter(|d| d.label.contains("gate_proj") && m.kernels[d.kernel as usize].name.starts_with("linear_matvec")).count();
        assert_eq!(gates, 0, "OpenCL {quant:?}: gate projection dispatches in decode");
        let merged = decode.dispatches.iter().filter(|d| d.label.contains(" + ")).count();
        let layers = decode.dispatches.iter().filter(|d| m.kernels[d.kernel as usize].name.starts_with("cached_attention")).count();
        assert_eq!(merged, layers, "OpenCL {quant:?}: {merged} merged decode dispatches for {layers} layers");
    }
    // PoCL 3.1 miscompiles barriers inside the merged kernel's branches: refused there.
    let pocl = std::fs::read_to_string(repo().join("targets/pocl.toml")).expect("target file");
    let err = driftc::target::Target::from_toml(&set_tuning(&pocl, "merge_independent_dispatches = true"), std::path::Path::new("pocl.toml")).expect_err("refused");
    assert!(err.to_string().contains("barriers_in_uniform_branches"), "{err}");
}

/// OpenCL C decode attention on NVIDIA (`nvidia-h100-opencl` with
/// `attention_subgroup_reductions` and `attention_combine_all_heads`): each tile's maxima and
/// the final sums by PTX butterfly shuffles, every head's value sums staged at once; clang's
/// NVPTX back end accepts the kernel and keeps the shuffles. The all-heads staging runs on
/// PoCL (`decode_steps_match_prefill_scoring`), the shuffles on the GPU machine
/// (`scripts/llm_device_check.py`: tiny-checkpoint parity with 8 keys per split).
#[test]
fn opencl_decode_attention_reduces_by_shuffles() {
    let case = load_case("llama_tiny");
    let text = std::fs::read_to_string(repo().join("targets/nvidia-h100-opencl.toml")).expect("target file");
    let t = driftc::target::Target::from_toml(&set_tuning(&text, "attention_subgroup_reductions = true\nattention_combine_all_heads = true\ndecode_attention_split_keys = 8"), std::path::Path::new("nvidia-h100-opencl.toml")).expect("target parses");
    let compiled = driftc::compile::compile_file(&case.model(), &t, &case.options(Some(Precision::F16))).expect("compiles");
    let b = Bundle::from_vec(compiled.bundle).expect("bundle opens");
    assert!(!b.manifest().requirements.subgroup_arithmetic, "PTX shuffles ask the device for no subgroup arithmetic of its own");
    let kernels: Vec<_> = compiled.sources.iter().filter(|(k, src)| k.starts_with("cached_attention_gqa") && src.contains("drift_lanes_max(") && src.contains("drift_lanes_sum(") && src.contains("const uint hh = o / ")).collect();
    assert!(!kernels.is_empty(), "the decode attention reduces by shuffles and sums all heads at once");
    let dir = std::env::temp_dir().join(format!("driftc-att-shfl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let clang = clang();
    for (name, src) in kernels {
        let ptx = nvptx(&clang, &dir, name, src);
        assert!(ptx.contains("shfl.sync.bfly.b32"), "{name}: no shuffles in the PTX");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `Session::set_output_reads`: a decode step that makes only the device's greedy choice
/// readable (on Vulkan, through staging, its logits are not copied back) gives the same
/// choice as a full one,
/// refuses its logits by name, and names wrong requests; `None` brings every output back.
#[test]
fn decode_runs_read_back_only_what_is_asked() {
    let case = load_case("llama_tiny");
    let compiled = case.compile("lavapipe", Some(Precision::F32));
    let b = Bundle::from_vec(compiled.bundle).expect("bundle opens");
    // (lavapipe's memory is host-visible: `force_staging` takes the discrete-GPU path, where
    // outputs are copied back by command buffers of their own.)
    for force_staging in [false, true] {
    let mut s = runtime_min::Session::new(&b, &SessionOptions { force_staging, ..SessionOptions::default() }).expect("session");
    let id = ids("inputs/prompt_ids.npy")[0];
    s.set_input("decode.input_ids", &host_of(&driftc::ir::Value::i64(vec![1, 1], vec![i64::from(id)]))).expect("ids");
    s.set_input("decode.position", &host_of(&driftc::ir::Value::i64(vec![1], vec![0]))).expect("position");
    s.set_output_reads("decode", Some(&["decode.next_id"])).expect("the decode program writes its choice");
    s.run_program("decode").expect("decode runs");
    let lean = s.output("decode.next_id").expect("the choice is readable").to_i64().expect("ids");
    let err = s.output_f32("decode.logits", 0, 4).expect_err("the logits were not read back").to_string();
    assert!(err.contains("decode.logits") && err.contains("set_output_reads"), "{err}");
    s.set_output_reads("decode", None).expect("all outputs again");
    s.run_program("decode").expect("decode runs");
    let full = s.output("decode.next_id").expect("choice").to_i64().expect("ids");
    let logits = s.output_f32("decode.logits", 0, 320).expect("logits readable again");
    assert_eq!(lean, full, "the same step, read back lean or whole, chooses the same token");
    assert_eq!(full.first().copied(), Some(i64::from(runtime_min::argmax(&logits))), "the choice is the logits' argmax");
    let unknown = s.set_output_reads("decode", Some(&["no.such.output"])).expect_err("unknown output").to_string();
    assert!(unknown.contains("no.such.output"), "{unknown}");
    let other = s.set_output_reads("decode", Some(&["prefill.logits"])).expect_err("another program's output").to_string();
    assert!(other.contains("does not write it") || other.contains("prefill.logits"), "{other}");
    }
}
