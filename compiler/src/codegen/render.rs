//! Renders a [`KernelSpec`] into complete kernel source: binding declarations and entry
//! point written here, the body from `templates/<lang>/<template>.<ext>.tera`, with the
//! tensor accessors of [`super::helpers`] registered as tera functions.

use std::collections::HashMap;

use serde_json::Value as Json;
use tera::{Context, Tera};

use super::helpers::{self, TensorDesc};
use super::{Access, Lang};

/// Every template, embedded at build time: (name, WGSL body, OpenCL C body).
/// Adding a kernel means adding its two files and one line here.
macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        pub const TEMPLATES: &[(&str, &str, &str)] = &[
            $(($name,
               include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../templates/wgsl/", $name, ".wgsl.tera")),
               include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../templates/opencl/", $name, ".cl.tera"))),)*
        ];
    };
}

templates!(
    "elementwise",
    "widen_words",
    "widen_q4",
    "kv_cache_write",
    "linear_q4",
    "linear_matvec",
    "linear_tiled",
    "linear_coop",
    "linear_mma",
    "linear_wgmma",
    "mma_ptx",
    "mma_store",
    "cached_attention_mma",
    "gather_q4",
    "cached_attention",
    "cached_attention_wg",
    "cached_attention_gqa",
    "arg_reduce_wg",
    "quantize_rows",
    "packed_int8_row",
    "linear_int8",
    "cached_attention_tiled",
    "cached_attention_coop",
    "attention_combine",
    "conv2d_direct",
    "matmul",
    "copy_permute",
    "slice_copy",
    "conv_transpose2d",
    "pool2d",
    "global_pool",
    "pad",
    "resize",
    "softmax",
    "gather",
    "row_norm",
    "attention_rows",
    "row_stats",
    "reduce",
    "arg_reduce",
    "cumsum",
    "topk",
    "attention_sdpa",
    "rotary",
    "rms_norm",
    "matvec",
);

fn arg_desc(args: &HashMap<String, Json>, key: &str) -> tera::Result<TensorDesc> {
    let v = args.get(key).ok_or_else(|| tera::Error::msg(format!("missing argument '{key}'")))?;
    serde_json::from_value(v.clone()).map_err(|e| tera::Error::msg(format!("argument '{key}' is not a tensor: {e}")))
}

fn arg_strs(args: &HashMap<String, Json>, key: &str) -> tera::Result<Vec<String>> {
    let v = args.get(key).ok_or_else(|| tera::Error::msg(format!("missing argument '{key}'")))?;
    let list = v.as_array().ok_or_else(|| tera::Error::msg(format!("argument '{key}' must be a list")))?;
    Ok(list
        .iter()
        .map(|x| match x {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect())
}

fn arg_str(args: &HashMap<String, Json>, key: &str) -> tera::Result<String> {
    match args.get(key) {
        Some(Json::String(s)) => Ok(s.clone()),
        Some(other) => Ok(other.to_string()),
        None => Err(tera::Error::msg(format!("missing argument '{key}'"))),
    }
}

fn lift(r: Result<String, String>) -> tera::Result<Json> {
    r.map(Json::String).map_err(tera::Error::msg)
}

/// A tera environment for one language, with every template and accessor registered.
pub fn environment(lang: Lang) -> Result<Tera, String> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![]);
    let sources: Vec<(&str, &str)> = TEMPLATES.iter().map(|(name, wgsl, cl)| (*name, if lang == Lang::Wgsl { *wgsl } else { *cl })).collect();
    tera.add_raw_templates(sources).map_err(|e| format!("{e:?}"))?;
    tera.register_function("load", move |a: &HashMap<String, Json>| lift(helpers::load(lang, &arg_desc(a, "t")?, &arg_strs(a, "idx")?)));
    tera.register_function("store", move |a: &HashMap<String, Json>| lift(helpers::store(lang, &arg_desc(a, "t")?, &arg_strs(a, "idx")?, &arg_str(a, "v")?)));
    tera.register_function("word_offset", move |a: &HashMap<String, Json>| lift(helpers::word_offset(lang, &arg_desc(a, "t")?, &arg_strs(a, "idx")?)));
    tera.register_function("offset", move |a: &HashMap<String, Json>| lift(helpers::offset(lang, &arg_desc(a, "t")?, &arg_strs(a, "idx")?)));
    tera.register_function("load_bcast", move |a: &HashMap<String, Json>| lift(helpers::load_bcast(lang, &arg_desc(a, "t")?, &arg_strs(a, "idx")?)));
    tera.register_function("coords", move |a: &HashMap<String, Json>| {
        let shape: Vec<usize> = serde_json::from_value(a.get("shape").cloned().unwrap_or(Json::Null)).map_err(|e| tera::Error::msg(format!("argument 'shape': {e}")))?;
        lift(helpers::coords(lang, &shape, &arg_str(a, "i")?, &arg_strs(a, "names")?))
    });
    tera.register_function("f", move |a: &HashMap<String, Json>| {
        let v = a.get("v").and_then(Json::as_f64).ok_or_else(|| tera::Error::msg("argument 'v' must be a number"))?;
        Ok(Json::String(lang.f(v as f32)))
    });
    Ok(tera)
}

/// A binding as the renderer needs it: `key`, the name the template uses for it (`x`, `w`),
/// and its descriptor, whose `var` names the binding in the source.
pub struct RenderBinding {
    pub key: String,
    pub desc: TensorDesc,
    pub access: Access,
}

fn elem_type(lang: Lang, elem: &str) -> &'static str {
    match (lang, elem) {
        (Lang::Wgsl, "f16") => "f16",
        (Lang::Wgsl, "i32") => "i32",
        (Lang::Wgsl, "i8") => "u32",
        (Lang::OpenclC, "i8") => "char",
        (Lang::Wgsl, _) => "f32",
        (Lang::OpenclC, "f16") => "half",
        (Lang::OpenclC, "i32") => "int",
        (Lang::OpenclC, _) => "float",
    }
}

/// The body of one kernel: `template` expanded with its bindings (by key), `params` and
/// the fused `epilogue`.
pub fn render_body(tera: &Tera, template: &str, bindings: &[RenderBinding], params: &serde_json::Map<String, Json>, epilogue: &str) -> Result<String, String> {
    let mut ctx = Context::new();
    for (k, v) in params {
        ctx.insert(k.as_str(), v);
    }
    for b in bindings {
        ctx.insert(b.key.as_str(), &b.desc);
    }
    ctx.insert("epilogue", epilogue);
    tera.render(template, &ctx).map_err(|e| {
        let mut msg = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            msg.push_str(": ");
            msg.push_str(&s.to_string());
            src = s.source();
        }
        msg
    })
}

/// WGSL's `enable` lines for f16 and cooperative matrices, then a blank line if any.
pub(crate) fn wgsl_enables(out: &mut String, f16: bool, coop: bool) {
    if f16 {
        out.push_str("enable f16;\n");
    }
    if coop {
        out.push_str("enable wgpu_cooperative_matrix;\n");
    }
    if f16 || coop {
        out.push('\n');
    }
}

/// WGSL binding declarations of `bindings`, numbered from `*next` on.
pub(crate) fn wgsl_bindings(out: &mut String, bindings: &[RenderBinding], next: &mut usize) {
    for b in bindings {
        let access = if b.access == Access::Write { "read_write" } else { "read" };
        for var in helpers::object_vars(&b.desc) {
            let elem = match (b.desc.words, b.desc.halves) {
                (true, true) => "vec4<f16>",
                (true, false) => "vec4<u32>",
                _ => elem_type(Lang::Wgsl, &b.desc.elem),
            };
            out.push_str(&format!("@group(0) @binding({next}) var<storage, {access}> {var}: array<{elem}>;\n"));
            *next += 1;
        }
    }
}

pub(crate) fn uses_f16(bindings: &[RenderBinding], arrays: &[super::WorkgroupArray]) -> bool {
    bindings.iter().any(|b| b.desc.elem == "f16" && (!b.desc.words || b.desc.halves)) || arrays.iter().any(|a| a.elem.is_f16())
}

/// Renders one kernel. `stride_y` is the number of invocations per grid row (see
/// `grid_for`); `n` the number of invocations that do work; `cooperative`: what a
/// workgroup-cooperative kernel (see [`super::KernelSpec::cooperative`]) declares.
#[allow(clippy::too_many_arguments)]
pub fn render(
    tera: &Tera,
    lang: Lang,
    template: &str,
    bindings: &[RenderBinding],
    params: &serde_json::Map<String, Json>,
    epilogue: &str,
    workgroup: u32,
    stride_y: u64,
    n: u64,
    cooperative: Option<Cooperative<'_>>,
) -> Result<String, String> {
    let body = render_body(tera, template, bindings, params, epilogue)?;
    let arrays = cooperative.map_or(&[][..], |c| c.arrays);
    let uses_coop = cooperative.is_some_and(|c| c.matrices);
    let lib = super::library::prelude_for(lang, &body);
    let mut out = String::new();
    match lang {
        Lang::Wgsl if cooperative.is_some_and(|c| c.counters || c.prefetch.is_some()) => return Err(format!("{template}: kernel counters and prefetches are OpenCL C only")),
        Lang::Wgsl => {
            // (driftc's cooperative matrices are f16: they need it even where no binding or
            // workgroup array is.)
            wgsl_enables(&mut out, uses_f16(bindings, arrays) || uses_coop, uses_coop);
            wgsl_bindings(&mut out, bindings, &mut 0);
            out.push_str(&lib);
            if let Some(Cooperative { per_lane, vec4s, arrays, .. }) = cooperative {
                let (per_row, groups) = (stride_y / workgroup.max(1) as u64, n / workgroup.max(1) as u64);
                let shared = u64::from(workgroup) * u64::from(per_lane);
                for a in arrays {
                    out.push_str(&format!("\nvar<workgroup> {}: array<{}, {}>;", a.name, a.elem.wgsl(), a.len));
                }
                if vec4s > 0 {
                    out.push_str(&format!("\nvar<workgroup> drift_shared4: array<vec4<f32>, {vec4s}>;"));
                }
                let drift_shared = if shared > 0 { format!("\nvar<workgroup> drift_shared: array<f32, {shared}>;") } else { String::new() };
                out.push_str(&format!(
                    "{drift_shared}\n\n@compute @workgroup_size({workgroup})\nfn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {{\n    let group: u32 = min(wid.x + wid.y * {per_row}u, {}u);\n    let lane: u32 = lid.x;\n{body}}}\n",
                    groups.saturating_sub(1)
                ));
            } else {
                out.push_str(&format!(
                    "\n@compute @workgroup_size({workgroup})\nfn main(@builtin(global_invocation_id) gid: vec3<u32>) {{\n    let i: u32 = gid.x + gid.y * {stride_y}u;\n    if (i >= {n}u) {{ return; }}\n{body}}}\n"
                ));
            }
        }
        Lang::OpenclC => {
            let mut params = opencl_params(bindings);
            if cooperative.is_some_and(|c| c.counters) {
                params.push("__global uint* drift_counters".into());
            }
            let prefetch = cooperative.and_then(|c| c.prefetch);
            if prefetch.is_some() {
                params.push("__global const uchar* drift_prefetch".into());
            }
            let tail = prefetch.map_or(String::new(), |(bytes, groups)| super::prefetch::tail(bytes, groups, workgroup));
            out.push_str(&lib);
            let head = if let Some(Cooperative { per_lane, vec4s, arrays, .. }) = cooperative {
                let (per_row, groups) = (stride_y / workgroup.max(1) as u64, n / workgroup.max(1) as u64);
                let shared4 = opencl_locals(u64::from(workgroup) * u64::from(per_lane), vec4s, arrays);
                format!(
                    "{shared4}    const uint group = min((uint)get_group_id(0) + (uint)get_group_id(1) * {per_row}u, {}u);\n    const uint lane = (uint)get_local_id(0);\n",
                    groups.saturating_sub(1)
                )
            } else {
                format!("    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * {stride_y}u;\n    if (i >= {n}u) return;\n")
            };
            out.push_str(&format!("__kernel __attribute__((reqd_work_group_size({workgroup}, 1, 1)))\nvoid k_main({}) {{\n{head}{body}{tail}}}\n", params.join(", ")));
        }
    }
    Ok(out)
}

/// OpenCL C kernel parameters of `bindings`: a global pointer per buffer variable (const
/// where only read), an image per texture.
pub(crate) fn opencl_params(bindings: &[RenderBinding]) -> Vec<String> {
    bindings
        .iter()
        .flat_map(|b| {
            let c = if b.access == Access::Write { "" } else { "const " };
            let image = if b.access == Access::Write { "__write_only" } else { "__read_only" };
            let texture = b.desc.texture.is_some();
            helpers::object_vars(&b.desc).into_iter().map(move |var| {
                if texture {
                    format!("{image} image2d_t {var}")
                } else {
                    format!("__global {c}{}* restrict {var}", elem_type(Lang::OpenclC, &b.desc.elem))
                }
            })
        })
        .collect()
}

/// OpenCL C declarations (at kernel scope) of a cooperative kernel's local memory:
/// `drift_shared4` of `vec4s`, the workgroup `arrays`, `drift_shared` of `floats`.
pub(crate) fn opencl_locals(floats: u64, vec4s: u32, arrays: &[super::WorkgroupArray]) -> String {
    let mut out = if vec4s > 0 { format!("    __local float4 drift_shared4[{vec4s}];\n") } else { String::new() };
    for a in arrays {
        let align = if a.align > 0 { format!(" __attribute__((aligned({})))", a.align) } else { String::new() };
        out.push_str(&format!("    __local {} {}[{}]{align};\n", a.elem.opencl(), a.name, a.len));
    }
    if floats > 0 {
        out.push_str(&format!("    __local float drift_shared[{floats}];\n"));
    }
    out
}

/// What a workgroup-cooperative kernel declares: `per_lane` f32s of `drift_shared` per
/// lane, `vec4s` vec4s of `drift_shared4`, further workgroup `arrays`, and whether it uses
/// cooperative matrices (`matrices`: WGSL's `enable wgpu_cooperative_matrix`).
#[derive(Debug, Clone, Copy)]
pub struct Cooperative<'a> {
    pub per_lane: u32,
    pub vec4s: u32,
    pub arrays: &'a [super::WorkgroupArray],
    pub matrices: bool,
    /// Takes `drift_counters` as its last parameter ([`super::KernelSpec::counters`]).
    pub counters: bool,
    /// (bytes, workgroups): its last workgroups prefetch the first bytes of one more
    /// parameter, `drift_prefetch` (after the counters), into the L2 ([`super::prefetch`]).
    pub prefetch: Option<(u64, u32)>,
}

/// Workgroup counts for `n` invocations of `workgroup` each: one row while it fits the
/// device's per-dimension limit, else rows of `max_x` groups. Returns (grid, stride_y).
pub fn grid_for(n: u64, workgroup: u32, max_count: [u32; 3]) -> Option<([u32; 3], u64)> {
    let groups = n.div_ceil(workgroup as u64).max(1);
    let max_x = max_count[0] as u64;
    if groups <= max_x {
        return Some(([groups as u32, 1, 1], groups * workgroup as u64));
    }
    let rows = groups.div_ceil(max_x);
    if rows > max_count[1] as u64 {
        return None;
    }
    Some(([max_x as u32, rows as u32, 1], max_x * workgroup as u64))
}
