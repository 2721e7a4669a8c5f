//! Resize (opset 10 and 11+) and Upsample (opset 7/9): nearest (four rounding modes, and
//! onnxruntime's legacy rule before opset 11) and linear interpolation, with the
//! coordinate transformations half_pixel, half_pixel_symmetric, pytorch_half_pixel,
//! align_corners, asymmetric and tf_half_pixel_for_nn. Scales or sizes (and opset 18
//! axes, keep_aspect_ratio_policy) must be compile-time constants. Not supported: cubic,
//! tf_crop_and_resize, antialias.
//!
//! The output size is floor(in * scale), or the given size with scale = out / in. The CPU
//! reference maps coordinates with the same f32 operations, in the same order, as the
//! kernel. Nearest works for any rank; the linear kernel interpolates the last two axes
//! and needs every leading axis unchanged (the reference handles any rank).

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, fact, invalid, norm_axis, Fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec, Lang};
use crate::front::onnx::OnnxNode;
use crate::ir::value::strides;
use crate::ir::{numel, Value};

/// How a nearest-neighbour source coordinate is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NearestMode {
    RoundPreferFloor,
    RoundPreferCeil,
    Floor,
    Ceil,
    /// Upsample and Resize-10 as onnxruntime runs them: truncate when upsampling, ceil
    /// when downsampling.
    Legacy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interp {
    Nearest(NearestMode),
    Linear,
}

/// `coordinate_transformation_mode`: output coordinate → input coordinate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoordMode {
    HalfPixel,
    HalfPixelSymmetric,
    PytorchHalfPixel,
    AlignCorners,
    Asymmetric,
    TfHalfPixelForNn,
}

/// What the output size comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Scales(Vec<f32>),
    Sizes(Vec<i64>, Aspect),
}

/// `keep_aspect_ratio_policy` (opset 18) for sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aspect {
    /// Every axis gets its size and its own scale.
    Stretch,
    /// One scale for all listed axes, the smallest (no axis exceeds its size) ...
    NotLarger,
    /// ... or the largest (no axis falls short of its size); sizes are then rounded.
    NotSmaller,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resize {
    /// "Resize" or "Upsample".
    pub op_type: &'static str,
    pub interp: Interp,
    pub coord: CoordMode,
    pub target: Target,
    /// Axes `target` applies to (opset 18); `None` means every axis.
    pub axes: Option<Vec<i64>>,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Resize", import_resize);
    reg.insert("Upsample", import_upsample);
}

fn attr_err(name: &str, message: impl Into<String>) -> OpError {
    OpError::Attribute { name: name.into(), message: message.into() }
}

/// The value of constant input `i`; `None` when it is absent or empty.
fn const_in<'a>(n: &OnnxNode<'a>, i: usize, what: &'static str) -> Result<Option<&'a Value>, OpError> {
    if !n.has_input(i) {
        return Ok(None);
    }
    let v = n.const_input(i).ok_or(OpError::NotConstant { index: i, what })?;
    Ok((!v.is_empty()).then_some(v))
}

/// Modes before opset 11: asymmetric coordinates, legacy nearest.
fn legacy_interp(mode: &str) -> Result<Interp, OpError> {
    match mode {
        "nearest" => Ok(Interp::Nearest(NearestMode::Legacy)),
        "linear" | "bilinear" => Ok(Interp::Linear),
        other => Err(attr_err("mode", format!("unknown value '{other}'"))),
    }
}

fn import_upsample(n: &OnnxNode<'_>) -> Result<Box<dyn Op>, OpError> {
    let interp = legacy_interp(&n.string_or("mode", "nearest")?)?;
    // Upsample-7 has a `scales` attribute, Upsample-9 a `scales` input.
    let scales = match n.floats("scales")? {
        Some(s) => s,
        None => const_in(n, 1, "scales")?.ok_or(OpError::MissingInput { index: 1, what: "scales" })?.as_f32(),
    };
    Ok(Box::new(Resize { op_type: "Upsample", interp, coord: CoordMode::Asymmetric, target: Target::Scales(scales), axes: None }))
}

fn import_resize(n: &OnnxNode<'_>) -> Result<Box<dyn Op>, OpError> {
    let mode = n.string_or("mode", "nearest")?;
    if n.opset < 11 {
        let interp = legacy_interp(&mode)?;
        let scales = const_in(n, 1, "scales")?.ok_or(OpError::MissingInput { index: 1, what: "scales" })?.as_f32();
        return Ok(Box::new(Resize { op_type: "Resize", interp, coord: CoordMode::Asymmetric, target: Target::Scales(scales), axes: None }));
    }
    let coord = match n.string_or("coordinate_transformation_mode", "half_pixel")?.as_str() {
        "half_pixel" => CoordMode::HalfPixel,
        "half_pixel_symmetric" => CoordMode::HalfPixelSymmetric,
        "pytorch_half_pixel" => CoordMode::PytorchHalfPixel,
        "align_corners" => CoordMode::AlignCorners,
        "asymmetric" => CoordMode::Asymmetric,
        "tf_half_pixel_for_nn" => CoordMode::TfHalfPixelForNn,
        "tf_crop_and_resize" => return Err(OpError::Unsupported("Resize coordinate_transformation_mode 'tf_crop_and_resize'".into())),
        other => return Err(attr_err("coordinate_transformation_mode", format!("unknown value '{other}'"))),
    };
    let interp = match mode.as_str() {
        "nearest" => Interp::Nearest(match n.string_or("nearest_mode", "round_prefer_floor")?.as_str() {
            "round_prefer_floor" => NearestMode::RoundPreferFloor,
            "round_prefer_ceil" => NearestMode::RoundPreferCeil,
            "floor" => NearestMode::Floor,
            "ceil" => NearestMode::Ceil,
            other => return Err(attr_err("nearest_mode", format!("unknown value '{other}'"))),
        }),
        "linear" => Interp::Linear,
        "cubic" => return Err(OpError::Unsupported("Resize mode 'cubic'".into())),
        other => return Err(attr_err("mode", format!("unknown value '{other}'"))),
    };
    if n.int_or("antialias", 0)? != 0 {
        return Err(OpError::Unsupported("Resize antialias=1".into()));
    }
    let target = match (const_in(n, 2, "scales")?, const_in(n, 3, "sizes")?) {
        (Some(_), Some(_)) => return Err(invalid("both scales and sizes are given")),
        (Some(s), None) => Target::Scales(s.as_f32()),
        (None, Some(s)) => {
            let aspect = match n.string_or("keep_aspect_ratio_policy", "stretch")?.as_str() {
                "stretch" => Aspect::Stretch,
                "not_larger" => Aspect::NotLarger,
                "not_smaller" => Aspect::NotSmaller,
                other => return Err(attr_err("keep_aspect_ratio_policy", format!("unknown value '{other}'"))),
            };
            Target::Sizes(s.as_i64(), aspect)
        }
        (None, None) => return Err(OpError::MissingInput { index: 2, what: "scales or sizes" }),
    };
    Ok(Box::new(Resize { op_type: "Resize", interp, coord, target, axes: n.ints("axes")? }))
}

/// Per-axis resampling: input and output length and the scale used to map coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Axis {
    len_in: usize,
    len_out: usize,
    scale: f32,
}

impl Resize {
    fn geometry(&self, x: &[usize]) -> Result<Vec<Axis>, OpError> {
        let rank = x.len();
        let axes: Vec<usize> = match &self.axes {
            None => (0..rank).collect(),
            Some(a) => a.iter().map(|&v| norm_axis(v, rank)).collect::<Result<_, _>>()?,
        };
        let count = match &self.target {
            Target::Scales(s) => s.len(),
            Target::Sizes(s, _) => s.len(),
        };
        if count != axes.len() {
            return Err(invalid(format!("{count} scales or sizes for an input of rank {rank} (axes {:?})", self.axes)));
        }
        // keep_aspect_ratio_policy: one scale for every listed axis, sizes rounded from it.
        let common = match &self.target {
            Target::Sizes(s, aspect) if *aspect != Aspect::Stretch => {
                let ratios = axes.iter().zip(s).map(|(&a, &sz)| sz as f32 / x.get(a).copied().unwrap_or(0) as f32);
                let pick = if *aspect == Aspect::NotLarger { f32::min } else { f32::max };
                ratios.reduce(pick)
            }
            _ => None,
        };
        let mut out: Vec<Axis> = x.iter().map(|&d| Axis { len_in: d, len_out: d, scale: 1.0 }).collect();
        for (k, &a) in axes.iter().enumerate() {
            if axes[..k].contains(&a) {
                return Err(invalid(format!("axis {a} is listed twice")));
            }
            let ax = out.get_mut(a).ok_or_else(|| invalid(format!("axis {a} out of range")))?;
            match &self.target {
                Target::Scales(s) => {
                    let sc = s[k];
                    let size = ax.len_in as f32 * sc;
                    if !(sc > 0.0 && size.is_finite() && size < i32::MAX as f32) {
                        return Err(invalid(format!("scale {sc} on axis {a} is not a positive finite factor that fits")));
                    }
                    ax.len_out = size.floor() as usize;
                    ax.scale = sc;
                }
                Target::Sizes(s, _) => match common {
                    Some(sc) => {
                        let size = (sc * ax.len_in as f32).round();
                        if !(sc > 0.0 && size.is_finite() && size < i32::MAX as f32) {
                            return Err(invalid(format!("sizes {s:?} give scale {sc} on axis {a}")));
                        }
                        ax.len_out = size as usize;
                        ax.scale = sc;
                    }
                    None => {
                        ax.len_out = usize::try_from(s[k]).map_err(|_| invalid(format!("negative size {} on axis {a}", s[k])))?;
                        ax.scale = ax.len_out as f32 / ax.len_in as f32;
                    }
                },
            }
            if ax.len_in == 0 || ax.len_out == 0 {
                return Err(invalid(format!("axis {a} resizes {} to {}: empty axes are not supported", ax.len_in, ax.len_out)));
            }
        }
        Ok(out)
    }

    /// Input coordinate of output coordinate `x` (ONNX Resize-19 formulas). An axis that
    /// keeps its size with scale 1 maps to itself, as onnxruntime does (this matters for
    /// tf_half_pixel_for_nn, whose formula would shift it by half a pixel).
    fn map(&self, x: f32, a: Axis) -> f32 {
        let (s, li, lo) = (a.scale, a.len_in, a.len_out);
        if unchanged(a) {
            return x;
        }
        match self.coord {
            CoordMode::HalfPixel => (x + 0.5) / s - 0.5,
            CoordMode::HalfPixelSymmetric => symmetric_offset(a) + (x + 0.5) / s - 0.5,
            CoordMode::PytorchHalfPixel if lo > 1 => (x + 0.5) / s - 0.5,
            CoordMode::PytorchHalfPixel => 0.0,
            CoordMode::AlignCorners if lo == 1 => 0.0,
            CoordMode::AlignCorners => x * (li - 1) as f32 / (lo - 1) as f32,
            CoordMode::Asymmetric => x / s,
            CoordMode::TfHalfPixelForNn => (x + 0.5) / s,
        }
    }

    /// [`Self::map`] as a kernel expression over the f32 expression `x`.
    fn map_expr(&self, lang: Lang, x: &str, a: Axis) -> String {
        let (s, li, lo) = (lang.f(a.scale), a.len_in, a.len_out);
        let half = lang.f(0.5);
        if unchanged(a) {
            return x.to_string();
        }
        match self.coord {
            CoordMode::HalfPixel => format!("(({x} + {half}) / {s} - {half})"),
            CoordMode::HalfPixelSymmetric => format!("({} + ({x} + {half}) / {s} - {half})", lang.f(symmetric_offset(a))),
            CoordMode::PytorchHalfPixel if lo > 1 => format!("(({x} + {half}) / {s} - {half})"),
            CoordMode::AlignCorners if lo > 1 => format!("({x} * {} / {})", lang.f((li - 1) as f32), lang.f((lo - 1) as f32)),
            CoordMode::PytorchHalfPixel | CoordMode::AlignCorners => lang.f(0.0),
            CoordMode::Asymmetric => format!("({x} / {s})"),
            CoordMode::TfHalfPixelForNn => format!("(({x} + {half}) / {s})"),
        }
    }
}

/// True for an axis resized to its own size with scale 1.
fn unchanged(a: Axis) -> bool {
    a.scale == 1.0 && a.len_in == a.len_out
}

/// half_pixel_symmetric's shift: center * (1 - out / (scale * in)).
fn symmetric_offset(a: Axis) -> f32 {
    let adjustment = a.len_out as f32 / (a.scale * a.len_in as f32);
    let center = a.len_in as f32 / 2.0;
    center * (1.0 - adjustment)
}

/// Rounds a mapped coordinate; ties are decided before `round`, so its own tie rule
/// (half-even in WGSL, half-away in Rust and OpenCL) never matters.
fn round_nearest(mode: NearestMode, x: f32, scale: f32) -> f32 {
    let tie = x == x.floor() + 0.5;
    match mode {
        NearestMode::RoundPreferFloor if tie => x.floor(),
        NearestMode::RoundPreferCeil if tie => x.ceil(),
        NearestMode::RoundPreferFloor | NearestMode::RoundPreferCeil => x.round(),
        NearestMode::Floor => x.floor(),
        NearestMode::Ceil => x.ceil(),
        NearestMode::Legacy if scale < 1.0 => x.ceil(),
        NearestMode::Legacy => x.trunc(),
    }
}

/// [`round_nearest`] as a kernel expression over the f32 variable `f`.
fn round_expr(lang: Lang, mode: NearestMode, f: &str, scale: f32) -> String {
    let tie = format!("{f} == floor({f}) + {}", lang.f(0.5));
    match mode {
        NearestMode::RoundPreferFloor => lang.select(&tie, &format!("floor({f})"), &format!("round({f})")),
        NearestMode::RoundPreferCeil => lang.select(&tie, &format!("ceil({f})"), &format!("round({f})")),
        NearestMode::Floor => format!("floor({f})"),
        NearestMode::Ceil => format!("ceil({f})"),
        NearestMode::Legacy if scale < 1.0 => format!("ceil({f})"),
        NearestMode::Legacy => format!("trunc({f})"),
    }
}

/// Linear taps of one output coordinate: (i0, i1, weight of i1).
fn linear_tap(x: f32, len_in: usize) -> (usize, usize, f32) {
    let f = x.clamp(0.0, (len_in - 1) as f32);
    let i0 = f as usize;
    (i0, (i0 + 1).min(len_in - 1), f - i0 as f32)
}

/// n-linear interpolation: nests as (1-l)*lower + l*upper from the outermost axis in,
/// which for two axes is the kernel's (1-ly)*((1-lx)*a + lx*b) + ly*((1-lx)*c + lx*d).
fn lerp(xs: &[f32], st: &[usize], taps: &[(usize, usize, f32)], base: usize) -> f32 {
    let Some((&(i0, i1, l), rest)) = taps.split_first() else {
        return xs[base];
    };
    let a = lerp(xs, &st[1..], rest, base + i0 * st[0]);
    if l == 0.0 {
        return a;
    }
    let b = lerp(xs, &st[1..], rest, base + i1 * st[0]);
    (1.0 - l) * a + l * b
}

impl Op for Resize {
    fn op_type(&self) -> &'static str {
        self.op_type
    }
    fn attrs(&self) -> String {
        let mut s = format!("mode={:?},coord={:?}", self.interp, self.coord);
        match &self.target {
            Target::Scales(v) => s.push_str(&format!(",scales={v:?}")),
            Target::Sizes(v, Aspect::Stretch) => s.push_str(&format!(",sizes={v:?}")),
            Target::Sizes(v, aspect) => s.push_str(&format!(",sizes={v:?},keep_aspect={aspect:?}")),
        }
        if let Some(a) = &self.axes {
            s.push_str(&format!(",axes={a:?}"));
        }
        s
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "X")?;
        let g = self.geometry(x.shape)?;
        Ok(vec![OutFact::new(x.dtype, g.iter().map(|a| a.len_out).collect())])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "X")?;
        let g = self.geometry(&x.shape)?;
        let shape: Vec<usize> = g.iter().map(|a| a.len_out).collect();
        let total = numel(&shape).ok_or_else(|| invalid("output too large"))?;
        let (in_st, out_st) = (strides(&x.shape), strides(&shape));
        match self.interp {
            Interp::Nearest(mode) => {
                // Separable: one source table per axis.
                let tables: Vec<Vec<usize>> =
                    g.iter().map(|&a| (0..a.len_out).map(|o| (round_nearest(mode, self.map(o as f32, a), a.scale) as i64).clamp(0, a.len_in as i64 - 1) as usize).collect()).collect();
                let src = (0..total).map(|i| (0..shape.len()).map(|d| tables[d][(i / out_st[d]) % shape[d]] * in_st[d]).sum::<usize>());
                Ok(vec![x.gather(x.dtype, shape.clone(), src)])
            }
            Interp::Linear => {
                let tables: Vec<Vec<(usize, usize, f32)>> = g.iter().map(|&a| (0..a.len_out).map(|o| linear_tap(self.map(o as f32, a), a.len_in)).collect()).collect();
                let xs = x.as_f32();
                let mut taps = Vec::with_capacity(shape.len());
                let mut out = Vec::with_capacity(total);
                for i in 0..total {
                    taps.clear();
                    taps.extend((0..shape.len()).map(|d| tables[d][(i / out_st[d]) % shape[d]]));
                    out.push(lerp(&xs, &in_st, &taps, 0));
                }
                Ok(vec![Value::from_f32_as(x.dtype, shape, out)])
            }
        }
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, y) = (k.input(0)?, k.output(0)?);
        let g = self.geometry(k.shape(x)).map_err(|e| k.err(e.to_string()))?;
        let rank = g.len();
        let shape: Vec<usize> = g.iter().map(|a| a.len_out).collect();
        let total = numel(&shape).ok_or_else(|| k.err("output too large"))?;
        let names: Vec<String> = (0..rank).map(|d| format!("o{d}")).collect();
        let lang = k.lang;
        let to_f32 = |v: &str| match lang {
            Lang::Wgsl => format!("f32({v})"),
            Lang::OpenclC => format!("(float)({v})"),
        };
        let mut spec = KernelSpec::new("resize", total as u64, k.wg_elementwise()).read("x", x).write("y", y).param("names", names.clone());
        match self.interp {
            Interp::Nearest(mode) => {
                let srcs: Vec<String> = (0..rank).map(|d| format!("s{d}")).collect();
                let axes: Vec<serde_json::Value> = g
                    .iter()
                    .enumerate()
                    .map(|(d, &a)| {
                        let f = format!("f{d}");
                        serde_json::json!({
                            "f": f,
                            "src": srcs[d],
                            "map": self.map_expr(lang, &to_f32(&names[d]), a),
                            "round": round_expr(lang, mode, &f, a.scale),
                            "hi": a.len_in - 1,
                        })
                    })
                    .collect();
                spec = spec.param("mode", "nearest").param("srcs", srcs).param("axes", axes);
            }
            Interp::Linear => {
                // Bilinear on the last two axes; every leading axis must map to itself.
                let lead_ok = rank >= 2 && g[..rank - 2].iter().all(|&a| unchanged(a) || (a.len_in == 1 && a.len_out == 1));
                if k.desc("x", x)?.elem == "i32" {
                    return Err(k.no_kernel("linear resize of an integer tensor"));
                }
                if !lead_ok {
                    return Err(k.no_kernel(format!("linear resize of {:?} to {shape:?}: the kernel interpolates only the last two axes", k.shape(x))));
                }
                let (ay, ax) = (g[rank - 2], g[rank - 1]);
                let lead = &names[..rank - 2];
                let idx = |yv: &str, xv: &str| -> Vec<String> { lead.iter().cloned().chain([yv.to_string(), xv.to_string()]).collect() };
                spec = spec
                    .param("mode", "linear")
                    .param("fy", self.map_expr(lang, &to_f32(&names[rank - 2]), ay))
                    .param("fx", self.map_expr(lang, &to_f32(&names[rank - 1]), ax))
                    .param("hy", lang.f((ay.len_in - 1) as f32))
                    .param("hx", lang.f((ax.len_in - 1) as f32))
                    .param("ih_max", ay.len_in - 1)
                    .param("iw_max", ax.len_in - 1)
                    .param("i00", idx("y0", "x0"))
                    .param("i01", idx("y0", "x1"))
                    .param("i10", idx("y1", "x0"))
                    .param("i11", idx("y1", "x1"));
            }
        }
        k.emit(spec);
        Ok(())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::super::pad::test_node::{node, A};
    use super::*;

    fn resize(interp: Interp, coord: CoordMode, target: Target) -> Resize {
        Resize { op_type: "Resize", interp, coord, target, axes: None }
    }

    fn run(op: &Resize, x: Value) -> Value {
        op.eval(&[Some(&x)]).expect("eval").into_iter().next().expect("one output")
    }

    fn close(a: &[f32], b: &[f32]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1e-6)
    }

    fn x2x2() -> Value {
        Value::f32(vec![1, 1, 2, 2], vec![1., 2., 3., 4.])
    }

    #[test]
    fn nearest_2x() {
        let op = resize(Interp::Nearest(NearestMode::RoundPreferFloor), CoordMode::HalfPixel, Target::Scales(vec![1., 1., 2., 2.]));
        let y = run(&op, x2x2());
        assert_eq!(y.shape, vec![1, 1, 4, 4]);
        #[rustfmt::skip]
        let want = vec![
            1., 1., 2., 2.,
            1., 1., 2., 2.,
            3., 3., 4., 4.,
            3., 3., 4., 4.,
        ];
        assert_eq!(y.as_f32(), want);
        // Legacy (Upsample) rule with asymmetric mapping: floor(o / 2).
        let op = resize(Interp::Nearest(NearestMode::Legacy), CoordMode::Asymmetric, Target::Scales(vec![1., 1., 2., 2.]));
        assert_eq!(run(&op, x2x2()).as_f32(), want);
    }

    #[test]
    fn nearest_rounding_modes_on_ties() {
        // Downsample 4 → 2 with half_pixel: x_in = 2 * o + 0.5, a tie every time.
        let x = Value::f32(vec![4], vec![10., 11., 12., 13.]);
        let mut op = resize(Interp::Nearest(NearestMode::RoundPreferFloor), CoordMode::HalfPixel, Target::Sizes(vec![2], Aspect::Stretch));
        assert_eq!(run(&op, x.clone()).as_f32(), vec![10., 12.]);
        op.interp = Interp::Nearest(NearestMode::RoundPreferCeil);
        assert_eq!(run(&op, x.clone()).as_f32(), vec![11., 13.]);
        op.interp = Interp::Nearest(NearestMode::Ceil);
        op.coord = CoordMode::AlignCorners;
        // align_corners: x_in = o * 3 / 1.
        assert_eq!(run(&op, x).as_f32(), vec![10., 13.]);
    }

    #[test]
    fn unchanged_axes_map_to_themselves() {
        // tf_half_pixel_for_nn + ceil would send channel c to c + 1 (x_in = c + 0.5);
        // onnxruntime keeps scale-1 axes as they are.
        let op = resize(Interp::Nearest(NearestMode::Ceil), CoordMode::TfHalfPixelForNn, Target::Scales(vec![1., 2.]));
        let y = run(&op, Value::f32(vec![2, 1], vec![1., 2.]));
        assert_eq!(y.as_f32(), vec![1., 1., 2., 2.]);
    }

    #[test]
    fn linear_half_pixel_2x() {
        // half_pixel, scale 2: x_in = (o + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25,
        // clamped to [0, 1]: weights 0, 0.25, 0.75, 1 on the second element.
        let op = resize(Interp::Linear, CoordMode::HalfPixel, Target::Scales(vec![1., 1., 2., 2.]));
        let y = run(&op, x2x2());
        #[rustfmt::skip]
        let want = [
            1.0, 1.25, 1.75, 2.0,
            1.5, 1.75, 2.25, 2.5,
            2.5, 2.75, 3.25, 3.5,
            3.0, 3.25, 3.75, 4.0,
        ];
        assert!(close(&y.as_f32(), &want), "{:?}", y.as_f32());
    }

    #[test]
    fn linear_align_corners_and_sizes() {
        // align_corners to 3x3: x_in = o * 1 / 2 = 0, 0.5, 1.
        let op = resize(Interp::Linear, CoordMode::AlignCorners, Target::Sizes(vec![1, 1, 3, 3], Aspect::Stretch));
        let y = run(&op, x2x2());
        assert_eq!(y.shape, vec![1, 1, 3, 3]);
        assert!(close(&y.as_f32(), &[1., 1.5, 2., 2., 2.5, 3., 3., 3.5, 4.]), "{:?}", y.as_f32());
    }

    #[test]
    fn axes_and_shape_rule() {
        let mut op = resize(Interp::Nearest(NearestMode::Floor), CoordMode::Asymmetric, Target::Scales(vec![1.5]));
        op.axes = Some(vec![-1]);
        let g = op.geometry(&[1, 3, 5]).expect("geometry");
        assert_eq!(g.iter().map(|a| a.len_out).collect::<Vec<_>>(), vec![1, 3, 7]);
        op.target = Target::Scales(vec![0.0]);
        assert!(op.geometry(&[1, 3, 5]).is_err());
    }

    #[test]
    fn keep_aspect_ratio() {
        // 4x6 to at most 3x3: scale min(3/4, 3/6) = 0.5 → 2x3; at least 3x3: 0.75 → 3x5 (4.5
        // rounds half away from zero, as onnxruntime's roundf).
        let mut op = resize(Interp::Nearest(NearestMode::Floor), CoordMode::Asymmetric, Target::Sizes(vec![3, 3], Aspect::NotLarger));
        let lens = |op: &Resize| op.geometry(&[4, 6]).expect("geometry").iter().map(|a| (a.len_out, a.scale)).collect::<Vec<_>>();
        assert_eq!(lens(&op), vec![(2, 0.5), (3, 0.5)]);
        op.target = Target::Sizes(vec![3, 3], Aspect::NotSmaller);
        assert_eq!(lens(&op), vec![(3, 0.75), (5, 0.75)]);
    }

    #[test]
    fn import_rules() {
        let empty = Value::f32(vec![0], vec![]);
        let sizes = Value::i64(vec![4], vec![1, 1, 4, 4]);
        let proto = node("Resize", &["x", "", "", "s"], &["y"], &[("mode", A::S("linear")), ("coordinate_transformation_mode", A::S("align_corners"))]);
        let n = OnnxNode { proto: &proto, opset: 13, const_inputs: vec![None, None, None, Some(&sizes)], input_shapes: vec![] };
        let op = import_resize(&n).expect("import");
        let r = op.as_any().downcast_ref::<Resize>().expect("a Resize");
        assert_eq!((r.interp, r.coord, r.target.clone()), (Interp::Linear, CoordMode::AlignCorners, Target::Sizes(vec![1, 1, 4, 4], Aspect::Stretch)));

        // An empty scales tensor next to sizes is "absent".
        let proto = node("Resize", &["x", "roi", "sc", "s"], &["y"], &[]);
        let n = OnnxNode { proto: &proto, opset: 11, const_inputs: vec![None, Some(&empty), Some(&empty), Some(&sizes)], input_shapes: vec![] };
        assert!(import_resize(&n).is_ok());
        let n = OnnxNode { proto: &proto, opset: 11, const_inputs: vec![None, Some(&empty), Some(&empty), None], input_shapes: vec![] };
        assert!(matches!(import_resize(&n), Err(OpError::NotConstant { index: 3, .. })));

        let proto = node("Resize", &["x", "", "sc"], &["y"], &[("mode", A::S("cubic"))]);
        let n = OnnxNode { proto: &proto, opset: 13, const_inputs: vec![None, None, Some(&sizes)], input_shapes: vec![] };
        assert!(matches!(import_resize(&n), Err(OpError::Unsupported(_))));

        let proto = node("Upsample", &["x"], &["y"], &[("scales", A::Fs(&[1., 1., 2., 2.]))]);
        let n = OnnxNode { proto: &proto, opset: 7, const_inputs: vec![None], input_shapes: vec![] };
        let op = import_upsample(&n).expect("import");
        assert_eq!(op.op_type(), "Upsample");
        assert_eq!(run(op.as_any().downcast_ref::<Resize>().expect("a Resize"), x2x2()).shape, vec![1, 1, 4, 4]);
    }
}
