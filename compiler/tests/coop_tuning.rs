//! nvidia-h100's cooperative-matrix tuning keys (prefill staging, tile shapes, the padded
//! chunk's shape variants, direct loads, attention padding): each setting compiles the tiny
//! Llama checkpoint, naga validating every module, and the sources show the setting took.
//! Compile-only: the kernels' results are checked on the GPU machine
//! (scripts/llm_device_check.py: against the tiled kernels and transformers).

mod common;

use common::*;
use driftc::target::Precision;
use runtime_min::Bundle;

/// llama_tiny compiled at f16 with `quant` for the target file `text` with the `tuning`
/// entries set (a failure names them).
fn compile_tiny(case: &Case, text: &str, tuning: &str, quant: driftc::front::llm::Quant) -> driftc::compile::Compiled {
    let t = driftc::target::Target::from_toml(&set_tuning(text, tuning), std::path::Path::new("nvidia-h100.toml")).expect("target parses");
    let mut o = case.options(Some(Precision::F16));
    o.import.quant = quant;
    driftc::compile::compile_file(&case.model(), &t, &o).unwrap_or_else(|e| panic!("{tuning} ({quant:?}): {e}"))
}

#[test]
fn cooperative_matrix_tuning_keys_compile_and_take() {
    let case = load_case("llama_tiny");
    // tuning.coop_stage_halves: the same kernels bind their f16 operands as vec4<f16> and
    // stage them without unpacking; tuning.coop_attention_score_padding: the attention's
    // 64-key score rows 68 floats apart (naga validates the modules while compiling;
    // results on the GPU machine).
    let text = std::fs::read_to_string(repo().join("targets/nvidia-h100.toml")).expect("target file");
    // The file's own settings of the keys set here are dropped (TOML refuses a key twice).
    let set_here = ["coop_stage_halves", "coop_attention_score_padding", "linear_coop_step", "linear_coop_large", "coop_stage_int8_words", "coop_stage_int4_words", "linear_coop_direct_staging", "linear_coop_double_buffer", "linear_coop_row_epilogue", "linear_coop_shape_by_rows", "linear_coop_large_min_tiles", "linear_coop_weights_direct", "linear_coop_rows_direct", "coop_stage_words16", "linear_coop_rows_first", "linear_coop_epilogue_pingpong", "linear_coop_stream_b"];
    let text: String = text.lines().filter(|l| !set_here.iter().any(|k| l.starts_with(k))).map(|l| format!("{l}\n")).collect();
    for on in [false, true] {
        let t = driftc::target::Target::from_toml(&set_tuning(&text, &format!("coop_stage_halves = {on}\ncoop_attention_score_padding = {on}")), std::path::Path::new("nvidia-h100.toml")).expect("target parses");
        let compiled = driftc::compile::compile_file(&case.model(), &t, &case.options(Some(Precision::F16))).expect("compiles");
        for kernel in ["linear_coop", "cached_attention_coop"] {
            let (_, src) = compiled.sources.iter().find(|(k, _)| k.starts_with(kernel)).unwrap_or_else(|| panic!("{kernel} source"));
            assert_eq!(src.contains("array<vec4<f16>>") && !src.contains("unpack2x16float"), on, "{kernel} with coop_stage_halves = {on}");
            if kernel == "cached_attention_coop" {
                let stride = if on { "68u);" } else { "64u);" };
                assert!(src.lines().any(|l| l.contains("coopStoreT(s, &drift_att_s[") && l.ends_with(stride)), "score rows {stride} apart with coop_attention_score_padding = {on}");
            }
        }
    }
    // Workgroup shapes and steps of linear_coop from the target file (tuning.linear_coop_small
    // here: the tiny projections take the small shape): modules that validate; a step or
    // shape out of range is refused by name.
    for tuning in ["linear_coop_small = [2, 2, 4, 4]\nlinear_coop_step = 64", "linear_coop_small = [1, 1, 4, 4]\nlinear_coop_step = 16"] {
        let t = driftc::target::Target::from_toml(&set_tuning(&text, tuning), std::path::Path::new("nvidia-h100.toml")).expect("target parses");
        let compiled = driftc::compile::compile_file(&case.model(), &t, &case.options(Some(Precision::F16))).unwrap_or_else(|e| panic!("{tuning}: {e}"));
        let (_, src) = compiled.sources.iter().find(|(k, _)| k.starts_with("linear_coop")).expect("linear_coop source");
        assert!(src.contains("var acc3_3: coop_mat16x16<f32, C>;"), "{tuning}: 4 x 4 accumulators per subgroup");
    }
    // tuning.linear_coop_large_min_tiles: the tiny projections (one tile) take the large
    // shape ([4, 2, 2, 4] here: 2 x 4 blocks per subgroup) once one tile is enough.
    for (min_tiles, large) in [(128, false), (1, true)] {
        let t = driftc::target::Target::from_toml(&set_tuning(&text, &format!("linear_coop_large_min_tiles = {min_tiles}")), std::path::Path::new("nvidia-h100.toml")).expect("target parses");
        let compiled = driftc::compile::compile_file(&case.model(), &t, &case.options(Some(Precision::F16))).unwrap_or_else(|e| panic!("min tiles {min_tiles}: {e}"));
        let (_, src) = compiled.sources.iter().find(|(k, _)| k.starts_with("linear_coop")).expect("linear_coop source");
        assert_eq!(src.contains("var acc1_3: coop_mat16x16<f32, C>;"), large, "large shape with linear_coop_large_min_tiles = {min_tiles}");
    }
    // tuning.linear_coop_double_buffer: alternate steps in two copies of the tiles, one
    // barrier per step (the module validates; results on the GPU machine).
    for double in [false, true] {
        let t = driftc::target::Target::from_toml(&set_tuning(&text, &format!("linear_coop_double_buffer = {double}")), std::path::Path::new("nvidia-h100.toml")).expect("target parses");
        let compiled = driftc::compile::compile_file(&case.model(), &t, &case.options(Some(Precision::F16))).unwrap_or_else(|e| panic!("double buffer {double}: {e}"));
        let (_, src) = compiled.sources.iter().find(|(k, _)| k.starts_with("linear_coop")).expect("linear_coop source");
        assert_eq!(src.contains("let sa: u32 = ((k0 / "), double, "linear_coop copies with linear_coop_double_buffer = {double}");
        assert_eq!(src.contains("        workgroupBarrier();\n    }"), !double, "a barrier closing each step with linear_coop_double_buffer = {double}");
    }
    // tuning.linear_coop_direct_staging: a step's slices loaded, stored and multiplied in
    // that step (no first step of zeros; the module validates, with and without double
    // buffering; results on the GPU machine). Products uncut along K (the target file cuts
    // the tiny ones: few tiles), so each runs the whole K of 64.
    for (direct, double) in [(false, false), (true, false), (true, true)] {
        let t = driftc::target::Target::from_toml(&set_tuning(&text, &format!("linear_coop_direct_staging = {direct}\nlinear_coop_double_buffer = {double}\nlinear_split_k = [1, 0]")), std::path::Path::new("nvidia-h100.toml")).expect("target parses");
        let compiled = driftc::compile::compile_file(&case.model(), &t, &case.options(Some(Precision::F16))).unwrap_or_else(|e| panic!("direct {direct} double {double}: {e}"));
        let (_, src) = compiled.sources.iter().find(|(k, _)| k.starts_with("linear_coop")).expect("linear_coop source");
        let k = src.lines().find(|l| l.contains("for (var k0: u32 = k_begin; k0 < ")).expect("the step loop");
        assert!(src.contains("let k_end: u32 = k_begin + 64u;") && src.contains("if (k0 < k_end) {"), "loads guarded by the end of K (64 inputs)");
        assert_eq!(k.contains("k0 < k_end;"), direct, "steps end at K (direct) or one step past it: {k}");
        // Operands whose rows fill whole tiles (and K whole steps) load without clamps; the
        // tiny checkpoint has weights of both kinds.
        let coop: Vec<&String> = compiled.sources.iter().filter(|(k, _)| k.starts_with("linear_coop")).map(|(_, src)| src).collect();
        for src in &coop {
            assert_ne!(src.contains("let wi: u32 = m * "), src.contains("min(m, "), "x loads either clamped or not");
            assert_ne!(src.contains("let wi: u32 = n * "), src.contains("min(n, "), "w loads either clamped or not");
        }
        assert!(coop.iter().any(|s| s.contains("let wi: u32 = n * ")) && coop.iter().any(|s| s.contains("let wi: u32 = min(n, ")), "weights of whole tiles and of part tiles");
    }
    // tuning.linear_coop_row_epilogue: a row of a subgroup's accumulator blocks staged for
    // the epilogue at once (the module validates; results on the GPU machine).
    for rows in [false, true] {
        let t = driftc::target::Target::from_toml(&set_tuning(&text, &format!("linear_coop_row_epilogue = {rows}")), std::path::Path::new("nvidia-h100.toml")).expect("target parses");
        let compiled = driftc::compile::compile_file(&case.model(), &t, &case.options(Some(Precision::F16))).unwrap_or_else(|e| panic!("row epilogue {rows}: {e}"));
        let (_, src) = compiled.sources.iter().find(|(k, _)| k.starts_with("linear_coop")).expect("linear_coop source");
        assert_eq!(src.contains("&drift_coop_c[warp * 256u], 16u)"), !rows, "one block at a time with linear_coop_row_epilogue = {rows}");
        assert_eq!(src.matches("coopStoreT(").count() > 1 && !src.contains("&drift_coop_c[warp * 256u], 16u)"), rows, "rows of blocks with linear_coop_row_epilogue = {rows}");
    }
    // tuning.linear_coop_shape_by_rows: a padded chunk's products recorded in both shapes,
    // each for its row counts (here a chunk of 256 and the large shape from 4 tiles: the
    // tiny checkpoint's LM head, 3 large tiles wide, takes them from 129 rows; the modules
    // validate, naga checking that the early return leaves the cooperative-matrix
    // operations in uniform control flow; results on the GPU machine).
    for by_rows in [false, true] {
        let t = driftc::target::Target::from_toml(&set_tuning(&text, &format!("linear_coop_shape_by_rows = {by_rows}\nlinear_coop_large_min_tiles = 4")), std::path::Path::new("nvidia-h100.toml")).expect("target parses");
        let mut o = case.options(Some(Precision::F16));
        o.import.prefill_tokens = Some(256);
        o.import.max_context = Some(256);
        let compiled = driftc::compile::compile_file(&case.model(), &t, &o).unwrap_or_else(|e| panic!("shape by rows {by_rows}: {e}"));
        let both = |src: &String| src.contains("live_last + 1u < ") || src.contains("live_last + 1u >= ");
        let variants = compiled.sources.iter().filter(|(k, src)| k.starts_with("linear_coop") && both(src)).count();
        assert_eq!(variants > 0, by_rows, "shape variants with linear_coop_shape_by_rows = {by_rows}");
        let m = Bundle::from_vec(compiled.bundle.clone()).expect("opens").manifest().clone();
        let prefill = m.programs.iter().find(|p| p.name == "prefill").expect("prefill program");
        let coop = prefill.dispatches.iter().filter(|d| m.kernels[d.kernel as usize].name.starts_with("linear_coop")).count();
        assert_eq!(coop > 2 * 7 + 1, by_rows, "{coop} cooperative dispatches with linear_coop_shape_by_rows = {by_rows}");
    }
    // tuning.linear_coop_weights_direct / linear_coop_rows_direct: f16 weights (rows) of
    // whole tiles loaded block by block from their buffer, not staged; with both, no
    // barrier in a step (the modules validate; results on the GPU machine).
    for (weights, rows) in [(false, false), (true, false), (true, true)] {
        let t = driftc::target::Target::from_toml(&set_tuning(&text, &format!("linear_coop_weights_direct = {weights}\nlinear_coop_rows_direct = {rows}\nlinear_coop_direct_staging = true\ncoop_stage_halves = true")), std::path::Path::new("nvidia-h100.toml")).expect("target parses");
        let compiled = driftc::compile::compile_file(&case.model(), &t, &case.options(Some(Precision::F16))).unwrap_or_else(|e| panic!("weights direct {weights}, rows direct {rows}: {e}"));
        let coop: Vec<&String> = compiled.sources.iter().filter(|(k, _)| k.starts_with("linear_coop")).map(|(_, src)| src).collect();
        assert_eq!(coop.iter().any(|src| src.contains("coopLoad<coop_mat16x16<f16, B>>(&b_w[")), weights, "weight blocks from the buffer with linear_coop_weights_direct = {weights}");
        assert_eq!(coop.iter().any(|src| src.contains("coopLoadT<coop_mat16x16<f16, A>>(&b_x[")), rows, "row blocks from the buffer with linear_coop_rows_direct = {rows}");
        // Nothing staged: the step loop has no barrier (the epilogue's remain).
        let unstaged = coop.iter().filter(|src| src.contains("coopLoad<coop_mat16x16<f16, B>>(&b_w[") && src.contains("coopLoadT<coop_mat16x16<f16, A>>(&b_x[")).count();
        assert!(coop.iter().filter(|src| src.contains("coopLoadT<coop_mat16x16<f16, A>>(&b_x[") && src.contains("coopLoad<coop_mat16x16<f16, B>>(&b_w[")).all(|src| !src.split("for (var k0").nth(1).unwrap_or("").split("coopStore").next().unwrap_or("").contains("workgroupBarrier")), "no barrier in an unstaged step");
        assert_eq!(unstaged > 0, weights && rows, "unstaged products");
    }
    // tuning.coop_stage_int8_words: q8 weights staged from 16-byte words (the module
    // validates; results on the GPU machine).
    for words in [false, true] {
        let t = driftc::target::Target::from_toml(&set_tuning(&text, &format!("coop_stage_int8_words = {words}")), std::path::Path::new("nvidia-h100.toml")).expect("target parses");
        let mut o = case.options(Some(Precision::F16));
        o.import.quant = driftc::front::llm::Quant::Q8;
        let compiled = driftc::compile::compile_file(&case.model(), &t, &o).unwrap_or_else(|e| panic!("int8 words {words}: {e}"));
        // A q8 projection's kernel: its int8 weight bound as u32 words (or 16-byte words).
        let (_, src) = compiled.sources.iter().find(|(k, src)| k.starts_with("linear_coop") && (src.contains("array<u32>;") || src.contains("unpack4xI8"))).expect("q8 linear_coop source");
        assert_eq!(src.contains("unpack4xI8("), words, "q8 weights staged from words with coop_stage_int8_words = {words}");
    }
    // tuning.coop_stage_int4_words: 8/4/4's int4 feed-forward weights staged a 32-bit word
    // (8 nibbles) per load (the module validates; results on the GPU machine).
    for words in [false, true] {
        let t = driftc::target::Target::from_toml(&set_tuning(&text, &format!("coop_stage_int4_words = {words}")), std::path::Path::new("nvidia-h100.toml")).expect("target parses");
        let mut o = case.options(Some(Precision::F16));
        o.import.quant = driftc::front::llm::Quant::Q844;
        let compiled = driftc::compile::compile_file(&case.model(), &t, &o).unwrap_or_else(|e| panic!("int4 words {words}: {e}"));
        // An int4 projection's kernel: it binds a per-block scale.
        let int4: Vec<&String> = compiled.sources.iter().filter(|(k, src)| k.starts_with("linear_coop") && src.contains("b_scale")).map(|(_, src)| src).collect();
        assert!(!int4.is_empty(), "8/4/4 has int4 projections on cooperative matrices");
        for src in int4 {
            assert_eq!(src.contains("drift_q4x4(b_w[") && src.contains("b_w: array<vec4<u32>>"), words, "int4 weights staged from words with coop_stage_int4_words = {words}");
            assert_eq!(src.contains("drift_q4_at("), !words, "int4 weights split one by one with coop_stage_int4_words = {words}");
        }
    }
    for (tuning, key) in [("linear_coop_step = 48", "tuning.linear_coop_step"), ("linear_coop_large = [4, 0, 2, 4]", "tuning.linear_coop_large")] {
        let err = driftc::target::Target::from_toml(&set_tuning(&text, tuning), std::path::Path::new("nvidia-h100.toml")).expect_err("refused");
        assert!(err.to_string().contains(key), "{err}");
    }
}

/// tuning.linear_split_k on nvidia-h100: the cooperative products cut along K (f16, q8
/// and 8/4/4 weights; staged directly or through registers; the padded chunk's two
/// shapes) validate, each workgroup summing its own range, and the sums follow; an OpenCL
/// target refuses the key by name. Compile-only: the cut kernels' arithmetic is checked
/// here through `linear_tiled` on lavapipe (llm_generate.rs), the cooperative ones on the
/// GPU machine.
#[test]
fn cut_cooperative_products_compile() {
    use driftc::front::llm::Quant;
    let case = load_case("llama_tiny");
    let text = std::fs::read_to_string(repo().join("targets/nvidia-h100.toml")).expect("target file");
    let text: String = text.lines().filter(|l| !l.starts_with("linear_coop_direct_staging")).map(|l| format!("{l}\n")).collect();
    for (quant, direct) in [(Quant::None, true), (Quant::None, false), (Quant::Q8, true), (Quant::Q844, true), (Quant::Q844, false)] {
        let compiled = compile_tiny(&case, &text, &format!("linear_split_k = [2, 100000]\nlinear_coop_direct_staging = {direct}"), quant);
        let cut = compiled.sources.iter().filter(|(k, src)| k.starts_with("linear_coop") && src.contains("let split: u32 = group / ") && src.contains("k0 < k_end")).count();
        assert!(cut > 0, "{quant:?}, direct {direct}: cut cooperative products");
        let b = Bundle::from_vec(compiled.bundle).expect("bundle opens");
        let m = b.manifest();
        let sums = m.programs.iter().flat_map(|p| &p.dispatches).filter(|d| d.label.ends_with(".k_sum")).count();
        assert!(sums >= 12, "{quant:?}, direct {direct}: {sums} sums of cut products");
    }
    let opencl = std::fs::read_to_string(repo().join("targets/nvidia-h100-opencl.toml")).expect("target file");
    let err = driftc::target::Target::from_toml(&set_tuning(&opencl, "linear_split_k = [2, 256]"), std::path::Path::new("nvidia-h100-opencl.toml")).expect_err("refused");
    assert!(err.to_string().contains("tuning.linear_split_k"), "{err}");
}

/// tuning.coop_stage_words16 (f16 operands as 16-byte words end to end: vec4<u32> bindings
/// and tiles the matrices load as f16), tuning.linear_coop_rows_first (row tiles numbered
/// first), tuning.linear_coop_epilogue_pingpong (two epilogue slices per subgroup) and
/// tuning.linear_coop_stream_b (B blocks loaded per column of products): the modules
/// validate for f16, q8 and 8/4/4 (whose f16 activation rows
/// take words beside int8 / int4 weights), staged directly or through registers, and the
/// sources show the settings took. Compile-only (results on the GPU machine).
#[test]
fn word_staging_and_row_order_compile() {
    use driftc::front::llm::Quant;
    let case = load_case("llama_tiny");
    let text = std::fs::read_to_string(repo().join("targets/nvidia-h100.toml")).expect("target file");
    let set_here = ["linear_coop_direct_staging", "coop_stage_words16", "linear_coop_rows_first", "linear_coop_epilogue_pingpong", "linear_coop_stream_b"];
    let text: String = text.lines().filter(|l| !set_here.iter().any(|k| l.starts_with(k))).map(|l| format!("{l}\n")).collect();
    for (quant, direct) in [(Quant::None, true), (Quant::None, false), (Quant::Q8, true), (Quant::Q844, true), (Quant::Q844, false)] {
        let compiled = compile_tiny(&case, &text, &format!("coop_stage_words16 = true\nlinear_coop_rows_first = true\nlinear_coop_epilogue_pingpong = true\nlinear_coop_stream_b = true\nlinear_coop_direct_staging = {direct}"), quant);
        let coop: Vec<&String> = compiled.sources.iter().filter(|(k, _)| k.starts_with("linear_coop")).map(|(_, s)| s).collect();
        assert!(!coop.is_empty(), "{quant:?}: cooperative products");
        for src in coop {
            assert!(src.contains("var<workgroup> drift_coop_a: array<vec4<u32>"), "{quant:?}, direct {direct}: activation rows staged as 16-byte words");
            assert_eq!(src.contains("var<workgroup> drift_coop_b: array<vec4<u32>"), quant == Quant::None, "{quant:?}, direct {direct}: f16 weights (only) staged as words");
            assert!(src.contains("let tile_m: u32 = tile % "), "{quant:?}: row tiles first");
            assert!(src.contains("coopStoreT(acc0_1, &drift_coop_c[warp * 512u + 256u], 16u);"), "{quant:?}: the epilogue's second slice");
            assert!(src.starts_with("enable f16;"), "{quant:?}: f16 enabled for the matrices");
            assert!(src.contains("let b0 = coopLoad<coop_mat16x16<f16, B>>") && src.contains("acc0_0 = coopMultiplyAdd(a0, b0, acc0_0);\n            acc1_0 = coopMultiplyAdd(a1, b0, acc1_0);\n            let b1"), "{quant:?}: B blocks streamed");
        }
    }
}

/// tuning.coop_stage_words16 with a key that loads the same operand straight from the buffer
/// is refused by name (the two disagree on the operand's binding).
#[test]
fn word_staging_refuses_direct_loads() {
    let text = std::fs::read_to_string(repo().join("targets/nvidia-h100.toml")).expect("target file");
    for key in ["linear_coop_weights_direct", "linear_coop_rows_direct"] {
        let err = driftc::target::Target::from_toml(&set_tuning(&text, &format!("coop_stage_words16 = true\n{key} = true")), std::path::Path::new("nvidia-h100.toml")).expect_err("refused");
        assert!(err.to_string().contains("tuning.coop_stage_words16") && err.to_string().contains(key), "{err}");
    }
}

/// tuning.linear_coop_epilogue_subgroup_sync: the per-block epilogue orders each
/// subgroup's store and reads of its own slice with subgroup barriers (no workgroup barrier
/// left there), for f16, q8 and 8/4/4 (q8's scale and the fused gate as epilogues), while
/// the row form keeps workgroup barriers. Compile-only (naga validates; results on the GPU
/// machine).
#[test]
fn epilogue_subgroup_sync_compiles() {
    use driftc::front::llm::Quant;
    let case = load_case("llama_tiny");
    let text = std::fs::read_to_string(repo().join("targets/nvidia-h100.toml")).expect("target file");
    let set_here = ["linear_coop_row_epilogue", "linear_coop_epilogue_pingpong"];
    let text: String = text.lines().filter(|l| !set_here.iter().any(|k| l.starts_with(k))).map(|l| format!("{l}\n")).collect();
    for (quant, row) in [(Quant::None, false), (Quant::Q8, false), (Quant::Q844, false), (Quant::None, true)] {
        let compiled = compile_tiny(&case, &text, &format!("linear_coop_epilogue_subgroup_sync = true\nlinear_coop_row_epilogue = {row}"), quant);
        let coop: Vec<&String> = compiled.sources.iter().filter(|(k, _)| k.starts_with("linear_coop")).map(|(_, s)| s).collect();
        assert!(!coop.is_empty(), "{quant:?}: cooperative products");
        for src in coop {
            let block_sync = src.contains("&drift_coop_c[warp * 256u], 16u);\n    subgroupBarrier();");
            assert_eq!(block_sync, !row, "{quant:?}, row epilogue {row}: subgroup barriers after each block's store");
        }
    }
}

/// tuning.onnx_matmul_as_linear on nvidia-h100: an imported encoder's (bert_tiny) and an SD
/// block's projections by constant weights run on cooperative matrices in f16 bundles.
/// Compile-only (naga validates; results on the GPU machine against onnxruntime).
#[test]
fn onnx_matmuls_as_linears_take_cooperative_matrices() {
    let text = std::fs::read_to_string(repo().join("targets/nvidia-h100.toml")).expect("target file");
    let t = driftc::target::Target::from_toml(&set_tuning(&text, "onnx_matmul_as_linear = true"), std::path::Path::new("nvidia-h100.toml")).expect("target parses");
    for name in ["bert_tiny", "sd_block"] {
        let case = load_case(name);
        let compiled = driftc::compile::compile_file(&case.model(), &t, &case.options(Some(Precision::F16))).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(compiled.manifest.kernels.iter().any(|k| k.name.starts_with("linear_coop")), "{name}: cooperative products");
    }
}

/// tuning.prefill_fused_gate: the prefill chunk's gate and up projections fold into one
/// gated cooperative-matrix product for f16, q8 and 8/4/4 (the gate's weight rows staged
/// beside the up projection's, up · act(gate) stored from the epilogue), with and
/// without the padded chunk's two shapes; the modules validate and no prefill product
/// writes the gate's outputs. Off, the gate stays its own product. Compile-only (results
/// on the GPU machine: scripts/llm_device_check.py against the tiled kernels).
#[test]
fn prefill_fused_gate_compiles() {
    use driftc::front::llm::Quant;
    let case = load_case("llama_tiny");
    let text = std::fs::read_to_string(repo().join("targets/nvidia-h100.toml")).expect("target file");
    for (quant, fused, by_rows) in [(Quant::None, true, true), (Quant::None, true, false), (Quant::Q8, true, true), (Quant::Q844, true, true), (Quant::None, false, true)] {
        let compiled = compile_tiny(&case, &text, &format!("prefill_fused_gate = {fused}\nlinear_coop_shape_by_rows = {by_rows}"), quant);
        let gated: Vec<&String> = compiled.sources.iter().filter(|(k, s)| k.starts_with("linear_coop") && s.contains("let hf: u32 = lane + ")).map(|(_, s)| s).collect();
        assert_eq!(!gated.is_empty(), fused, "{quant:?}, fused {fused}: a gated prefill product");
        for src in gated {
            assert!(src.contains("var v: f32 = drift_coop_c[warp * 512u + 256u + flat] * "), "{quant:?}: up times the gate's activation");
            assert_eq!(src.contains("let gv: f32 = drift_coop_c[warp * 512u + flat] * "), quant == Quant::Q8, "{quant:?}: the gate's scale where it has one");
        }
        let m = Bundle::from_vec(compiled.bundle.clone()).expect("opens").manifest().clone();
        let prefill = m.programs.iter().find(|p| p.name == "prefill").expect("prefill program");
        let gate_products = prefill.dispatches.iter().filter(|d| d.label.contains("gate_proj")).count();
        assert_eq!(gate_products == 0, fused, "{quant:?}, fused {fused}: prefill gate products {gate_products}");
    }
}

/// tuning.linear_coop_variants_unordered: a padded chunk's product recorded in both shapes
/// (tuning.linear_coop_shape_by_rows) has no barrier between its two variants with the key,
/// one without it; every other dispatch keeps the barriers the hazards ask for (the
/// bundles' other dispatches alike). Compile-only (results on the GPU machine).
#[test]
fn shape_variants_unordered_drop_one_barrier_each() {
    let case = load_case("llama_tiny");
    let text = std::fs::read_to_string(repo().join("targets/nvidia-h100.toml")).expect("target file");
    let barriers = |unordered: bool| {
        let t = driftc::target::Target::from_toml(&set_tuning(&text, &format!("linear_coop_shape_by_rows = true\nlinear_coop_large_min_tiles = 4\nlinear_coop_variants_unordered = {unordered}")), std::path::Path::new("nvidia-h100.toml")).expect("target parses");
        let mut o = case.options(Some(Precision::F16));
        o.import.prefill_tokens = Some(256);
        o.import.max_context = Some(256);
        let compiled = driftc::compile::compile_file(&case.model(), &t, &o).unwrap_or_else(|e| panic!("unordered {unordered}: {e}"));
        let m = Bundle::from_vec(compiled.bundle).expect("opens").manifest().clone();
        let prefill = m.programs.iter().find(|p| p.name == "prefill").expect("prefill program").clone();
        // Per dispatch: its label and barrier; pairs are consecutive dispatches of one node.
        let list: Vec<(String, bool)> = prefill.dispatches.iter().map(|d| (d.label.clone(), d.barrier_before)).collect();
        let pairs: Vec<bool> = list.windows(2).filter(|w| w[0].0 == w[1].0).map(|w| w[1].1).collect();
        let others: Vec<(String, bool)> = list.iter().enumerate().filter(|(i, d)| *i == 0 || list[i - 1].0 != d.0).map(|(_, d)| d.clone()).collect();
        (pairs, others)
    };
    let (ordered, others_ordered) = barriers(false);
    let (unordered, others_unordered) = barriers(true);
    assert!(!ordered.is_empty() && ordered.iter().all(|&b| b), "variant pairs separated by a barrier without the key: {ordered:?}");
    assert_eq!(unordered.len(), ordered.len(), "the same pairs with the key");
    assert!(unordered.iter().all(|&b| !b), "no barrier inside a pair with the key: {unordered:?}");
    assert_eq!(others_unordered, others_ordered, "every other dispatch's barrier unchanged");
}

/// tuning.linear_coop_diagnostic (profiling only): `no-loads` guards the operand loads
/// with a condition that never holds, `min-products` keeps only the products that use
/// every staged block once (f16 and q8, directly staged and prefetched); `off` keeps
/// both; `blocked-loads` reads the blocks loaded straight from the buffers as whole blocks;
/// an unknown form is refused by the target file's parser, `no-loads` with blocks loaded
/// straight from the buffers and `blocked-loads` without them by name; no shipped target
/// sets the key.
#[test]
fn coop_diagnostic_forms_compile() {
    use driftc::front::llm::Quant;
    let case = load_case("llama_tiny");
    let text = std::fs::read_to_string(repo().join("targets/nvidia-h100.toml")).expect("target file");
    for (form, quant, direct) in [("off", Quant::None, true), ("no-loads", Quant::None, true), ("no-loads", Quant::Q844, false), ("min-products", Quant::Q8, true), ("min-products", Quant::None, false)] {
        let compiled = compile_tiny(&case, &text, &format!("linear_coop_diagnostic = \"{form}\"\nlinear_coop_direct_staging = {direct}"), quant);
        let coop: Vec<&String> = compiled.sources.iter().filter(|(k, _)| k.starts_with("linear_coop")).map(|(_, s)| s).collect();
        assert!(!coop.is_empty(), "{form}: cooperative products");
        for src in coop {
            assert_eq!(src.contains("if (k0 < k_end && k0 > "), form == "no-loads", "{form}: loads guarded away");
            // Every staged block multiplied at least once, and with min-products each A and
            // B block in as few products as that takes (4 x 4 or 2 x 2 blocks: the diagonal).
            let products = src.matches("coopMultiplyAdd(").count();
            assert!(products > 0, "{form}: products");
            for i in 0..4 {
                if src.contains(&format!("let a{i} = ")) {
                    assert!(src.contains(&format!("coopMultiplyAdd(a{i}, ")), "{form}: A block {i} in use");
                }
                if src.contains(&format!("let b{i} = ")) {
                    assert!(src.contains(&format!(", b{i}, acc")), "{form}: B block {i} in use");
                }
            }
            assert_eq!(src.contains("coopMultiplyAdd(a0, b1, acc0_1)"), form != "min-products", "{form}: off-diagonal products");
        }
    }
    let err = driftc::target::Target::from_toml(&set_tuning(&text, "linear_coop_diagnostic = \"no-stores\""), std::path::Path::new("nvidia-h100.toml")).expect_err("refused");
    assert!(err.to_string().contains("no-stores"), "{err}");
    for key in ["linear_coop_weights_direct", "linear_coop_rows_direct"] {
        let err = driftc::target::Target::from_toml(&set_tuning(&text, &format!("linear_coop_diagnostic = \"no-loads\"\n{key} = true")), std::path::Path::new("nvidia-h100.toml")).expect_err("refused");
        assert!(err.to_string().contains("tuning.linear_coop_diagnostic") && err.to_string().contains(key), "{err}");
    }
    // `blocked-loads`: the blocks loaded straight from the buffers are read whole (rows of 4
    // vec4s, a band's blocks 64 vec4s apart along K); refused without a direct key.
    let direct = "linear_coop_weights_direct = true\nlinear_coop_rows_direct = true\nlinear_split_k = [1, 0]";
    for blocked in [false, true] {
        let form = if blocked { "blocked-loads" } else { "off" };
        let t = driftc::target::Target::from_toml(&set_tuning(&text, &format!("linear_coop_diagnostic = \"{form}\"\n{direct}")), std::path::Path::new("nvidia-h100.toml")).expect("target parses");
        let compiled = driftc::compile::compile_file(&case.model(), &t, &case.options(Some(Precision::F16))).unwrap_or_else(|e| panic!("{form}: {e}"));
        let direct_loads: Vec<&str> = compiled.sources.iter().filter(|(k, _)| k.starts_with("linear_coop")).flat_map(|(_, s)| s.lines()).filter(|l| l.contains("coopLoad") && l.contains("&b_")).collect();
        assert!(!direct_loads.is_empty(), "{form}: blocks loaded straight from the buffers");
        assert!(direct_loads.iter().all(|l| (l.contains("(k0 / 16u + ") && l.ends_with("* 64u], 4u);")) == blocked), "{form}: {direct_loads:?}");
    }
    let err = driftc::target::Target::from_toml(&set_tuning(&text, "linear_coop_diagnostic = \"blocked-loads\""), std::path::Path::new("nvidia-h100.toml")).expect_err("refused");
    assert!(err.to_string().contains("blocked-loads") && err.to_string().contains("linear_coop_weights_direct"), "{err}");
    for entry in std::fs::read_dir(repo().join("targets")).expect("targets directory").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "toml") {
            let t = driftc::target::Target::from_toml(&std::fs::read_to_string(&path).expect("target file"), &path).expect("target parses");
            assert_eq!(t.tuning.linear_coop_diagnostic, driftc::target::CoopDiagnostic::Off, "{}: a shipped target profiles with wrong results", path.display());
        }
    }
}
