//! Tensor accessors expanded at render time (tensor virtualization).
//!
//! A template names a tensor and logical coordinates; these functions write the exact
//! expression for that tensor's physical descriptor: its layout (row-major `linear`, or
//! `phwc4`: [N][H][W][C padded to 4]), its element type (f32, f16 converted to f32 on
//! read, i32) and its binding variable. Templates never compute an address themselves.

use serde::Serialize;

use super::Lang;

/// A tensor as templates see it.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct TensorDesc {
    /// Binding variable in the kernel source.
    pub var: String,
    pub shape: Vec<usize>,
    /// "linear" or "phwc4".
    pub layout: String,
    /// "f32", "f16" or "i32".
    pub elem: String,
    pub numel: usize,
}

fn coord(lang: Lang, c: &str) -> String {
    match lang {
        Lang::Wgsl => format!("u32({c})"),
        Lang::OpenclC => format!("((uint)({c}))"),
    }
}

/// Element offset of logical coordinates `idx` (one per dimension).
pub fn offset(lang: Lang, t: &TensorDesc, idx: &[String]) -> Result<String, String> {
    if idx.len() != t.shape.len() {
        return Err(format!("tensor '{}' has rank {} but {} coordinates were given", t.var, t.shape.len(), idx.len()));
    }
    if t.shape.is_empty() {
        return Ok(lang.u(0));
    }
    if t.layout == "phwc4" {
        let [_, c, h, w] = t.shape[..] else {
            return Err(format!("tensor '{}' has layout phwc4 but rank {}", t.var, t.shape.len()));
        };
        let s4 = c.div_ceil(4) * 4;
        return Ok(format!(
            "(((({n}) * {h} + {y}) * {w} + {x}) * {s4} + {c})",
            n = coord(lang, &idx[0]),
            h = lang.u(h),
            y = coord(lang, &idx[2]),
            w = lang.u(w),
            x = coord(lang, &idx[3]),
            s4 = lang.u(s4),
            c = coord(lang, &idx[1]),
        ));
    }
    let mut expr = coord(lang, &idx[0]);
    for (d, i) in t.shape.iter().zip(idx).skip(1) {
        expr = format!("({expr} * {} + {})", lang.u(*d), coord(lang, i));
    }
    Ok(expr)
}

/// Expression reading one element as f32, whatever the storage element type (integer
/// and boolean tensors are stored as i32; values up to 2^24 convert exactly).
pub fn load(lang: Lang, t: &TensorDesc, idx: &[String]) -> Result<String, String> {
    let off = offset(lang, t, idx)?;
    Ok(match (lang, t.elem.as_str()) {
        (Lang::Wgsl, "f32") => format!("{}[{off}]", t.var),
        (Lang::Wgsl, _) => format!("f32({}[{off}])", t.var),
        (Lang::OpenclC, "f16") => format!("vload_half({off}, {})", t.var),
        (Lang::OpenclC, "i32") => format!("((float)({}[{off}]))", t.var),
        (Lang::OpenclC, _) => format!("{}[{off}]", t.var),
    })
}

/// Statement writing f32 `v` to one element, converting to the storage element type
/// (integers round toward zero, as ONNX Cast does).
pub fn store(lang: Lang, t: &TensorDesc, idx: &[String], v: &str) -> Result<String, String> {
    let off = offset(lang, t, idx)?;
    Ok(match (lang, t.elem.as_str()) {
        (Lang::Wgsl, "f16") => format!("{}[{off}] = f16({v});", t.var),
        (Lang::Wgsl, "i32") => format!("{}[{off}] = i32({v});", t.var),
        (Lang::Wgsl, _) => format!("{}[{off}] = {v};", t.var),
        (Lang::OpenclC, "f16") => format!("vstore_half({v}, {off}, {});", t.var),
        (Lang::OpenclC, "i32") => format!("{}[{off}] = (int)({v});", t.var),
        (Lang::OpenclC, _) => format!("{}[{off}] = {v};", t.var),
    })
}

/// Reads `t` broadcast (numpy rules, right-aligned) to an output of rank `out_rank`
/// whose coordinates are `out_idx`.
pub fn load_bcast(lang: Lang, t: &TensorDesc, out_idx: &[String]) -> Result<String, String> {
    let rank = t.shape.len();
    if rank > out_idx.len() {
        return Err(format!("tensor '{}' of rank {rank} cannot broadcast to rank {}", t.var, out_idx.len()));
    }
    let lead = out_idx.len() - rank;
    let idx: Vec<String> = t.shape.iter().zip(&out_idx[lead..]).map(|(&d, c)| if d == 1 { "0".to_string() } else { c.clone() }).collect();
    load(lang, t, &idx)
}

/// Statements declaring `names` as the row-major coordinates of linear index `i` in `shape`.
pub fn coords(lang: Lang, shape: &[usize], i: &str, names: &[String]) -> Result<String, String> {
    if names.len() != shape.len() {
        return Err(format!("{} coordinate names for a shape of rank {}", names.len(), shape.len()));
    }
    let mut out = String::new();
    let mut inner: usize = 1;
    for (k, name) in names.iter().enumerate().rev() {
        let d = shape[k];
        let div = if inner == 1 { i.to_string() } else { format!("({i} / {})", lang.u(inner)) };
        let e = if k == 0 { div } else { format!("{div} % {}", lang.u(d.max(1))) };
        let line = match lang {
            Lang::Wgsl => format!("    let {name}: u32 = {e};\n"),
            Lang::OpenclC => format!("    const uint {name} = {e};\n"),
        };
        out.insert_str(0, &line);
        inner = inner.saturating_mul(d.max(1));
    }
    Ok(out)
}
