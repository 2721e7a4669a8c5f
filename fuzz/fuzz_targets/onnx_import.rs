//! ONNX bytes → `ModelProto` → `driftc::front::onnx::import` → `compile::optimize` →
//! `compile::compile_graph` for lavapipe: the whole of `driftc compile` but the file I/O.
//! Dynamic input dimensions are fixed to 2 (what `--shape` would do), so mutations of
//! mlp_dynamic get past import. External data resolves against
//! golden/models/external_data, so mutations of that seed still find weights.bin and
//! locations that try to leave the directory are exercised.
//! Oracles: no panic; every bundle the compiler writes is accepted by
//! `runtime_min::bundle::open` with and without lavapipe's device limits.
#![no_main]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use driftc::compile::{compile_graph, optimize, CompileOptions};
use driftc::front::onnx::{import, Error, ImportOptions};
use driftc::target::Target;
use libfuzzer_sys::fuzz_target;
use onnx_protobuf::{tensor_shape_proto::dimension::Value as Dim, type_proto, Message, ModelProto};
use runtime_min::bundle::{self, DeviceLimits};

static TARGET: LazyLock<Target> = LazyLock::new(|| Target::load("lavapipe").expect("built-in lavapipe target"));
const MODEL_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../golden/models/external_data");

/// The device limits the target file declares (workgroup sizes per axis: lavapipe's 1024).
fn target_limits(t: &Target) -> DeviceLimits {
    let l = &t.limits;
    DeviceLimits {
        max_storage_buffer_range: l.max_storage_buffer_range,
        max_workgroup_invocations: l.max_compute_workgroup_invocations,
        max_workgroup_size: [1024, 1024, 1024],
        max_workgroup_count: l.max_compute_workgroup_count,
        max_push_constants_size: l.max_push_constants_size,
        max_shared_memory_bytes: l.max_compute_shared_memory_size,
        min_storage_buffer_offset_alignment: u64::from(l.min_storage_buffer_offset_alignment),
        fp16: t.features.fp16,
        int8_dot: t.features.int8_dot,
        cooperative_matrix: t.features.cooperative_matrix,
        subgroup_size: 0,
        subgroup_arithmetic: false,
        memory_bytes: l.memory_budget_bytes,
        max_image2d: if t.features.images { [l.max_image2d_width, l.max_image2d_height] } else { [0, 0] },
    }
}

/// `--shape` for every graph input with a dynamic dimension: each such dimension is 2.
fn fixed_shapes(model: &ModelProto) -> BTreeMap<String, Vec<usize>> {
    let mut shapes = BTreeMap::new();
    let Some(g) = model.graph.as_ref() else { return shapes };
    for vi in &g.input {
        if g.initializer.iter().any(|i| i.name == vi.name) {
            continue;
        }
        let Some(type_proto::Value::TensorType(tt)) = vi.type_.as_ref().and_then(|t| t.value.as_ref()) else { continue };
        let Some(shape) = tt.shape.as_ref() else { continue };
        let dims: Vec<Option<usize>> = shape
            .dim
            .iter()
            .map(|d| match d.value {
                Some(Dim::DimValue(v)) if v >= 0 => usize::try_from(v).ok(),
                _ => None,
            })
            .collect();
        if dims.iter().any(Option::is_none) {
            shapes.insert(vi.name.clone(), dims.into_iter().map(|d| d.unwrap_or(2)).collect());
        }
    }
    shapes
}

/// `FUZZ_VERBOSE=1 fuzz/target/.../onnx_import FILE` tells how far an input got.
fn stop(stage: &str, e: &dyn std::fmt::Display) {
    if std::env::var_os("FUZZ_VERBOSE").is_some() {
        eprintln!("{stage}: {e}");
    }
}

fuzz_target!(|data: &[u8]| {
    let model = match ModelProto::parse_from_bytes(data) {
        Ok(m) => m,
        Err(e) => return stop("parse", &e),
    };
    let dir = Path::new(MODEL_DIR);
    let mut options = ImportOptions::default();
    let mut g = match import(&model, dir, "fuzz", &options) {
        Ok(g) => g,
        Err(Error::DynamicDims { .. }) => {
            options.shapes = fixed_shapes(&model);
            match import(&model, dir, "fuzz", &options) {
                Ok(g) => g,
                Err(e) => return stop("import (dynamic dims fixed to 2)", &e),
            }
        }
        Err(e) => return stop("import", &e),
    };
    let target: &Target = &TARGET;
    let imported = g.nodes.node_count();
    if let Err(e) = optimize(&mut g, target, None, |_, _| {}) {
        return stop("optimize", &e);
    }
    let compile_options = CompileOptions { import: options, ..CompileOptions::default() };
    let c = match compile_graph(&g, target, &compile_options, imported) {
        Ok(c) => c,
        Err(e) => return stop("compile", &e),
    };
    stop("compiled", &format!("{} bytes", c.bundle.len()));
    if let Err(e) = bundle::open(&c.bundle, None) {
        panic!("driftc wrote a bundle runtime-min refuses: {e}");
    }
    if let Err(e) = bundle::open(&c.bundle, Some(&target_limits(target))) {
        panic!("driftc wrote a bundle that its own target's limits refuse: {e}");
    }
});
