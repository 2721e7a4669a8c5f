//! Tensor accessors expanded at render time (tensor virtualization).
//!
//! A template names a tensor and logical coordinates; these functions write the exact
//! expression for that tensor's physical descriptor: its layout (row-major `linear`, or
//! `phwc4`: [N][H][W][C padded to 4]), its element type (f32, f16 converted to f32 on
//! read, i32), its storage (a buffer element, or a texel of a single-channel 2D image:
//! element `o` of an image `width` texels wide is texel `(o % width, o / width)`, read and
//! written as float with read_imagef / write_imagef, which f16 images need no cl_khr_fp16
//! for) and its binding variable. Templates never compute an address themselves.

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
    /// "f32", "f16", "i32", or "i8" (read-only int8 weights, four to a word).
    pub elem: String,
    pub numel: usize,
    /// Elements in each physical object when the tensor is split across several
    /// bindings (`var` + index); empty for one object.
    #[serde(default)]
    pub objects: Vec<usize>,
    /// Image geometry when the tensor is stored in 2D textures (OpenCL only).
    #[serde(default)]
    pub texture: Option<TextureDesc>,
    /// Bound as 16-byte words (WGSL `array<vec4<u32>>`): the template decodes the words
    /// itself and the element accessors refuse the tensor. (OpenCL templates read such
    /// tensors with `vloadN` on the element pointer; the flag stays false there.)
    #[serde(default)]
    pub words: bool,
    /// With `words`, an f16 tensor bound as `array<vec4<f16>>` instead (two per 16-byte
    /// word): the template reads halves without converting them.
    #[serde(default)]
    pub halves: bool,
}

/// A tensor's 2D images as templates see them: every object `width` texels wide,
/// object k `heights[k]` rows tall.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct TextureDesc {
    pub width: usize,
    pub heights: Vec<usize>,
}

impl TensorDesc {
    /// One row-major buffer binding (no image, not split): what 16-byte word reads need.
    pub fn is_plain_buffer(&self) -> bool {
        self.objects.len() <= 1 && self.texture.is_none() && self.layout == "linear"
    }
    /// Texel coordinates of element offset `off` in object `k`: `drift_texel` keeps the
    /// row inside the image (out-of-range reads of the objects a multi-object load
    /// discards, and any bad offset, land on the last row instead of outside).
    fn texel(&self, k: usize, off: &str) -> Option<String> {
        let tex = self.texture.as_ref()?;
        let h = tex.heights.get(k).copied().unwrap_or(1).max(1);
        Some(format!("drift_texel({off}, {}u, {}u)", tex.width.max(1), h))
    }
}

/// Binding variable names of a tensor: `var` itself, or `var0`, `var1`, ... when split.
pub fn object_vars(t: &TensorDesc) -> Vec<String> {
    if t.objects.len() <= 1 {
        vec![t.var.clone()]
    } else {
        (0..t.objects.len()).map(|k| format!("{}{k}", t.var)).collect()
    }
}

/// One element read from object `k` (binding `var`) at element offset `off`.
fn read_elem(lang: Lang, t: &TensorDesc, k: usize, var: &str, off: &str) -> String {
    if let (Lang::OpenclC, Some(texel)) = (lang, t.texel(k, off)) {
        return format!("read_imagef({var}, {texel}).x");
    }
    match (lang, t.elem.as_str()) {
        (Lang::Wgsl, "f32") => format!("{var}[{off}]"),
        // int8 packed four to a u32: extractBits on i32 sign-extends the byte.
        (Lang::Wgsl, "i8") => format!("f32(extractBits(bitcast<i32>({var}[({off}) / 4u]), (({off}) % 4u) * 8u, 8u))"),
        (Lang::OpenclC, "i8") => format!("((float)({var}[{off}]))"),
        (Lang::Wgsl, _) => format!("f32({var}[{off}])"),
        (Lang::OpenclC, "f16") => format!("vload_half({off}, {var})"),
        (Lang::OpenclC, "i32") => format!("((float)({var}[{off}]))"),
        (Lang::OpenclC, _) => format!("{var}[{off}]"),
    }
}

/// One element written to object `k` (binding `var`) at element offset `off`.
fn write_elem(lang: Lang, t: &TensorDesc, k: usize, var: &str, off: &str, v: &str) -> String {
    if let (Lang::OpenclC, Some(texel)) = (lang, t.texel(k, off)) {
        return format!("write_imagef({var}, {texel}, (float4)((float)({v}), 0.0f, 0.0f, 0.0f));");
    }
    match (lang, t.elem.as_str()) {
        (Lang::Wgsl, "f16") => format!("{var}[{off}] = f16({v});"),
        (Lang::Wgsl, "i32") => format!("{var}[{off}] = i32({v});"),
        (Lang::Wgsl, _) => format!("{var}[{off}] = {v};"),
        (Lang::OpenclC, "f16") => format!("vstore_half({v}, {off}, {var});"),
        (Lang::OpenclC, "i32") => format!("{var}[{off}] = (int)({v});"),
        (Lang::OpenclC, _) => format!("{var}[{off}] = {v};"),
    }
}

/// Object boundaries: (object index, first element) for every object.
fn object_starts(t: &TensorDesc) -> Vec<(usize, usize)> {
    let mut start = 0;
    t.objects.iter().enumerate().map(|(k, &n)| { let s = (k, start); start += n; s }).collect()
}

fn coord(lang: Lang, c: &str) -> String {
    match lang {
        Lang::Wgsl => format!("u32({c})"),
        Lang::OpenclC => format!("((uint)({c}))"),
    }
}

/// Element offset of logical coordinates `idx` (one per dimension).
pub fn offset(lang: Lang, t: &TensorDesc, idx: &[String]) -> Result<String, String> {
    if t.words && lang == Lang::Wgsl {
        return Err(format!("tensor '{}' is bound as 16-byte words; its template must decode them", t.var));
    }
    element_offset(lang, t, idx)
}

/// Elements of `t` in one 16-byte word.
pub fn per_word(t: &TensorDesc) -> usize {
    match t.elem.as_str() {
        "f16" => 8,
        "i8" => 16,
        _ => 4,
    }
}

/// Index of the 16-byte word that starts at logical coordinates `idx` (which must be
/// word-aligned: the template's geometry guarantees it), for tensors read as words.
pub fn word_offset(lang: Lang, t: &TensorDesc, idx: &[String]) -> Result<String, String> {
    Ok(format!("(({}) / {})", element_offset(lang, t, idx)?, lang.u(per_word(t))))
}

/// The float vector `t` (f32 or f16, one plain buffer) read a 16-byte word at a time: for
/// word `WI`, the expressions of its vec4s of f32 in element order (WGSL: `t` bound as
/// words; OpenCL: the word through a 16-byte vector pointer). `None` for other element types.
pub fn word_vec4s(lang: Lang, t: &TensorDesc) -> Option<Vec<String>> {
    let v = &t.var;
    match (lang, t.elem.as_str()) {
        (Lang::Wgsl, "f32") => Some(vec![format!("bitcast<vec4<f32>>({v}[WI])")]),
        (Lang::Wgsl, "f16") => Some(vec![
            format!("vec4<f32>(unpack2x16float({v}[WI].x), unpack2x16float({v}[WI].y))"),
            format!("vec4<f32>(unpack2x16float({v}[WI].z), unpack2x16float({v}[WI].w))"),
        ]),
        // Whole-word loads through a 16-byte-aligned vector pointer (a plain buffer's
        // binding starts at its sub-buffer, aligned to CL_DEVICE_MEM_BASE_ADDR_ALIGN):
        // `vloadN`/`vload_halfN` promise only the element's alignment, and NVIDIA's
        // compiler then issues one load per element.
        (Lang::OpenclC, "f32") => Some(vec![format!("((__global const float4*)({v}))[WI]")]),
        (Lang::OpenclC, "f16") => Some(vec![format!("drift_h8(((__global const uint4*)({v}))[WI]).lo"), format!("drift_h8(((__global const uint4*)({v}))[WI]).hi")]),
        _ => None,
    }
}

/// OpenCL C: elements 8 WI .. 8 WI + 8 of `t` (f16 or f32, one plain buffer) as a float8,
/// read through 16-byte vector pointers (one word of halves, two of floats). `None` for
/// other element types.
pub fn float8_at(t: &TensorDesc) -> Option<String> {
    let v = &t.var;
    match t.elem.as_str() {
        "f16" => Some(format!("drift_h8(((__global const uint4*)({v}))[WI])")),
        "f32" => Some(format!("(float8)(((__global const float4*)({v}))[2u * (WI)], ((__global const float4*)({v}))[2u * (WI) + 1u])")),
        _ => None,
    }
}

fn element_offset(lang: Lang, t: &TensorDesc, idx: &[String]) -> Result<String, String> {
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
    if t.objects.len() <= 1 {
        return Ok(read_elem(lang, t, 0, &t.var, &off));
    }
    // Several objects: read from the one holding the element. (Indices into the other
    // objects are clamped by the bounds-check policy, and their values discarded.)
    let vars = object_vars(t);
    let starts = object_starts(t);
    let (last, last_start) = starts.last().copied().unwrap_or((0, 0));
    let mut expr = read_elem(lang, t, last, &vars[last], &format!("({off} - {})", lang.u(last_start)));
    for &(k, start) in starts.iter().rev().skip(1) {
        let end = start + t.objects[k];
        let here = read_elem(lang, t, k, &vars[k], &format!("({off} - {})", lang.u(start)));
        expr = lang.select(&format!("{off} < {}", lang.u(end)), &here, &expr);
    }
    Ok(expr)
}

/// Statement writing f32 `v` to one element, converting to the storage element type
/// (integers round toward zero, as ONNX Cast does).
pub fn store(lang: Lang, t: &TensorDesc, idx: &[String], v: &str) -> Result<String, String> {
    let off = offset(lang, t, idx)?;
    if t.objects.len() <= 1 {
        return Ok(write_elem(lang, t, 0, &t.var, &off, v));
    }
    let vars = object_vars(t);
    let mut out = String::new();
    for (k, start) in object_starts(t) {
        let end = start + t.objects[k];
        let w = write_elem(lang, t, k, &vars[k], &format!("({off} - {})", lang.u(start)), v);
        let cond = if k + 1 == t.objects.len() { String::new() } else { format!("if ({off} < {}) ", lang.u(end)) };
        let lead = if k == 0 { "" } else { " else " };
        out.push_str(&format!("{lead}{cond}{{ {w} }}"));
    }
    Ok(out)
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
