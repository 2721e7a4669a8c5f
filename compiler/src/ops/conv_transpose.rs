//! ConvTranspose (1-D and 2-D): groups, strides, dilations, output_padding, and pads that
//! are explicit, automatic (SAME_UPPER / SAME_LOWER / VALID) or derived from
//! `output_shape`; optional bias; fuses a following element-wise epilogue.
//!
//! The kernel is the gather form of the transposed convolution: one invocation per output
//! element sums the input positions whose scatter lands on it, so no two invocations
//! write the same element and no atomics are needed.

use std::any::Any;
use std::collections::BTreeMap;

use super::conv::{out_shape, spatial_dims, Window};
use super::{arg, fact, invalid, Fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::front::onnx::OnnxNode;
use crate::ir::{numel, DType, TensorId, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct ConvTranspose {
    /// Kernel, strides, dilations, attribute pads and auto_pad (2-D; H = 1 for 1-D).
    pub window: Window,
    pub group: usize,
    /// Extra output rows/columns at the high end, [H, W].
    pub output_padding: [usize; 2],
    /// Spatial output size from the `output_shape` attribute, [H, W].
    pub output_shape: Option<[usize; 2]>,
}

/// Resolved geometry of one ConvTranspose call. Pads may be negative when `output_shape`
/// asks for more than the natural output (the extra rows see no input).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Geometry {
    n: usize,
    c: usize,
    input: [usize; 2],
    oc: usize,
    out: [usize; 2],
    /// Leading pads [top, left]; the trailing pads only shape the output size.
    pads: [i64; 2],
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("ConvTranspose", import);
}

fn attr_err(name: &str, message: impl Into<String>) -> OpError {
    OpError::Attribute { name: name.into(), message: message.into() }
}

/// Reads a per-spatial-axis list into [H, W] (H = `default` for 1-D).
fn spatial_pair(v: &[i64], spatial: usize, name: &str, default: usize) -> Result<[usize; 2], OpError> {
    let conv = |x: i64| usize::try_from(x).map_err(|_| attr_err(name, format!("negative value {x}")));
    match (spatial, v.len()) {
        (_, 0) => Ok([default, default]),
        (1, 1) => Ok([default, conv(v[0])?]),
        (2, 2) => Ok([conv(v[0])?, conv(v[1])?]),
        _ => Err(attr_err(name, format!("{} values for a {spatial}-D op", v.len()))),
    }
}

fn import(n: &OnnxNode<'_>) -> Result<Box<dyn Op>, OpError> {
    let spatial = match n.ints("kernel_shape")? {
        Some(k) => k.len(),
        None => n.input_shape(1).map(|w| w.len().saturating_sub(2)).ok_or_else(|| attr_err("kernel_shape", "missing, and the weight has no known shape"))?,
    };
    let wshape: Option<Vec<i64>> = n.input_shape(1).map(|w| w.iter().skip(2).map(|&d| d as i64).collect());
    let window = Window::import(n, spatial, wshape.as_deref())?;
    match window.auto_pad.as_str() {
        "NOTSET" | "" | "VALID" | "SAME_UPPER" | "SAME_LOWER" => {}
        other => return Err(attr_err("auto_pad", format!("unknown value '{other}'"))),
    }
    let group = usize::try_from(n.int_or("group", 1)?).ok().filter(|&g| g > 0).ok_or_else(|| attr_err("group", "must be positive"))?;
    let output_padding = spatial_pair(&n.ints("output_padding")?.unwrap_or_default(), spatial, "output_padding", 0)?;
    let output_shape = match n.ints("output_shape")? {
        None => None,
        Some(v) => {
            // Either the spatial sizes or the full N, C, spatial... shape.
            let tail = if v.len() == spatial + 2 { &v[2..] } else { &v[..] };
            let hw = spatial_pair(tail, spatial, "output_shape", 1)?;
            if tail.is_empty() || hw.contains(&0) {
                return Err(attr_err("output_shape", format!("{v:?} is not a positive size per spatial axis")));
            }
            Some(hw)
        }
    };
    Ok(Box::new(ConvTranspose { window, group, output_padding, output_shape }))
}

impl ConvTranspose {
    /// Output size and pads from the input and weight shapes (ONNX ConvTranspose-11):
    /// `out = s*(in-1) + output_padding + (k-1)*d + 1 - pad_begin - pad_end`, or, with
    /// `output_shape` or SAME_*, `total = s*(in-1) + output_padding + (k-1)*d + 1 - out`
    /// split as `begin = total/2` (SAME_UPPER) or `total - total/2` (otherwise), with
    /// floor division as in the ONNX reference.
    fn geometry(&self, x: &[usize], w: &[usize]) -> Result<Geometry, OpError> {
        let win = &self.window;
        let (n, c, input) = spatial_dims(x, win.spatial)?;
        let (wc, ocg, khw) = spatial_dims(w, win.spatial)?;
        if khw != win.kernel {
            return Err(invalid(format!("weight spatial size {khw:?} differs from kernel_shape {:?}", win.kernel)));
        }
        if wc != c || c % self.group != 0 {
            return Err(invalid(format!("input channels {c}, weight {w:?} and group {} do not agree", self.group)));
        }
        let oc = ocg.checked_mul(self.group).ok_or_else(|| invalid("output channel count overflows"))?;
        let mut out = [0usize; 2];
        let mut pads = [0i64; 2];
        for a in 0..2 {
            let big = |v: usize| i64::try_from(v).map_err(|_| invalid(format!("size {v} is too large")));
            let (s, d, k, op) = (big(win.strides[a])?, big(win.dilations[a])?, big(win.kernel[a])?, big(self.output_padding[a])?);
            let len = big(input[a])?;
            if len == 0 {
                return Err(invalid(format!("empty spatial input {x:?}")));
            }
            if op >= s.max(d) {
                return Err(attr_err("output_padding", format!("{op} must be smaller than the stride or the dilation")));
            }
            let overflow = || invalid("output size overflows");
            let eff = (k - 1).checked_mul(d).and_then(|v| v.checked_add(1)).ok_or_else(overflow)?;
            let full = s.checked_mul(len - 1).and_then(|v| v.checked_add(op)).and_then(|v| v.checked_add(eff)).ok_or_else(overflow)?;
            let auto = win.auto_pad.as_str();
            let target = match (self.output_shape, auto) {
                (Some(o), _) => Some(big(o[a])?),
                (None, "SAME_UPPER" | "SAME_LOWER") => Some(len.checked_mul(s).ok_or_else(overflow)?),
                _ => None,
            };
            let size = match target {
                Some(t) => {
                    let total = full.checked_sub(t).ok_or_else(overflow)?;
                    pads[a] = if auto == "SAME_UPPER" { total.div_euclid(2) } else { total - total.div_euclid(2) };
                    t
                }
                None if auto == "VALID" => full,
                None => {
                    pads[a] = big(win.pads[a])?;
                    full.checked_sub(pads[a]).and_then(|v| v.checked_sub(big(win.pads[a + 2]).ok()?)).ok_or_else(overflow)?
                }
            };
            out[a] = usize::try_from(size).ok().filter(|&o| o > 0).ok_or_else(|| invalid(format!("the pads leave an empty output (size {size}) on spatial axis {a}")))?;
        }
        if numel(&[n, oc, out[0], out[1]]).is_none() {
            return Err(invalid(format!("output {n}x{oc}x{out:?} is too large")));
        }
        Ok(Geometry { n, c, input, oc, out, pads })
    }
}

/// Binds `t` for reading, as `view` when that differs from its shape (1-D as 2-D).
pub(crate) fn read_as(spec: KernelSpec, name: &str, t: TensorId, shape: &[usize], view: Vec<usize>) -> KernelSpec {
    if shape == view.as_slice() {
        spec.read(name, t)
    } else {
        spec.read_view(name, t, view)
    }
}

/// Binds `t` for writing, as `view` when that differs from its shape (1-D as 2-D).
pub(crate) fn write_as(spec: KernelSpec, name: &str, t: TensorId, shape: &[usize], view: Vec<usize>) -> KernelSpec {
    if shape == view.as_slice() {
        spec.write(name, t)
    } else {
        spec.write_view(name, t, view)
    }
}

impl Op for ConvTranspose {
    fn weight_slots(&self) -> Vec<usize> {
        vec![1, 2]
    }
    fn op_type(&self) -> &'static str {
        "ConvTranspose"
    }
    fn attrs(&self) -> String {
        let mut s = format!("{},group={},output_padding={:?}", self.window.attrs(), self.group, self.output_padding);
        if let Some(o) = self.output_shape {
            s.push_str(&format!(",output_shape={o:?}"));
        }
        if !matches!(self.window.auto_pad.as_str(), "NOTSET" | "") {
            s.push_str(&format!(",auto_pad={}", self.window.auto_pad));
        }
        s
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "X")?;
        let w = fact(inputs, 1, "W")?;
        let g = self.geometry(x.shape, w.shape)?;
        if let Some(b) = inputs.get(2).copied().flatten() {
            if b.shape != [g.oc] {
                return Err(invalid(format!("bias shape {:?} is not [{}]", b.shape, g.oc)));
            }
        }
        Ok(vec![OutFact::new(x.dtype, out_shape(g.n, g.oc, g.out, self.window.spatial))])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "X")?;
        let w = arg(inputs, 1, "W")?;
        let g = self.geometry(&x.shape, &w.shape)?;
        let bias = inputs.get(2).copied().flatten().map(|b| b.as_f32());
        if bias.as_ref().is_some_and(|b| b.len() != g.oc) {
            return Err(invalid(format!("bias does not have {} elements", g.oc)));
        }
        let (xs, ws) = (x.as_f32(), w.as_f32());
        let (icg, ocg) = (g.c / self.group, g.oc / self.group);
        let ([ih, iw], [oh, ow]) = (g.input, g.out);
        let [kh, kw] = self.window.kernel;
        let ([sh, sw], [dh, dw]) = (self.window.strides.map(|v| v as i64), self.window.dilations.map(|v| v as i64));
        let mut out = vec![0f32; g.n * g.oc * oh * ow];
        for b in 0..g.n {
            for o in 0..g.oc {
                let (grp, ol) = (o / ocg, o % ocg);
                for oy in 0..oh {
                    for ox in 0..ow {
                        let mut acc = bias.as_ref().map_or(0.0, |bv| bv[o]);
                        for ic in 0..icg {
                            let ci = grp * icg + ic;
                            for ky in 0..kh {
                                // Input row iy scatters to oy = iy*s - pad + ky*d.
                                let ny = oy as i64 + g.pads[0] - ky as i64 * dh;
                                if ny < 0 || ny % sh != 0 || ny / sh >= ih as i64 {
                                    continue;
                                }
                                let iy = (ny / sh) as usize;
                                for kx in 0..kw {
                                    let nx = ox as i64 + g.pads[1] - kx as i64 * dw;
                                    if nx < 0 || nx % sw != 0 || nx / sw >= iw as i64 {
                                        continue;
                                    }
                                    let ix = (nx / sw) as usize;
                                    let xv = xs[((b * g.c + ci) * ih + iy) * iw + ix];
                                    let wv = ws[((ci * ocg + ol) * kh + ky) * kw + kx];
                                    acc += xv * wv;
                                }
                            }
                        }
                        out[((b * g.oc + o) * oh + oy) * ow + ox] = acc;
                    }
                }
            }
        }
        let mut v = Value::f32(out_shape(g.n, g.oc, g.out, self.window.spatial), out);
        v.dtype = if x.dtype == DType::F16 { DType::F16 } else { DType::F32 };
        Ok(vec![v])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, w, y) = (k.input(0)?, k.input(1)?, k.output(0)?);
        let g = self.geometry(k.shape(x), k.shape(w)).map_err(|e| k.err(e.to_string()))?;
        let ([ih, iw], [oh, ow]) = (g.input, g.out);
        let [kh, kw] = self.window.kernel;
        let (icg, ocg) = (g.c / self.group, g.oc / self.group);
        let mut spec = KernelSpec::new("conv_transpose2d", (g.n * g.oc * oh * ow) as u64, k.wg_conv());
        spec = read_as(spec, "x", x, k.shape(x), vec![g.n, g.c, ih, iw]);
        spec = read_as(spec, "w", w, k.shape(w), vec![g.c, ocg, kh, kw]);
        spec = match k.node.input(2) {
            Some(b) => spec.read("b", b).param("has_bias", true),
            None => spec.param("has_bias", false),
        };
        spec = write_as(spec, "y", y, k.shape(y), vec![g.n, g.oc, oh, ow]);
        let coords: &[&str] = if self.window.spatial == 1 { &["n", "oc", "ox"] } else { &["n", "oc", "oy", "ox"] };
        spec = spec
            .param("ic_per_group", icg)
            .param("oc_per_group", ocg)
            .param("kh", kh)
            .param("kw", kw)
            .param("sh", self.window.strides[0])
            .param("sw", self.window.strides[1])
            .param("dh", self.window.dilations[0])
            .param("dw", self.window.dilations[1])
            .param("pt", g.pads[0])
            .param("pl", g.pads[1])
            .param("ih", ih)
            .param("iw", iw)
            .epilogue_at(coords);
        k.emit(spec);
        Ok(())
    }
    fn accepts_epilogue(&self) -> bool {
        true
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(strides: [usize; 2], pads: [usize; 4], output_shape: Option<[usize; 2]>, auto_pad: &str) -> ConvTranspose {
        let window = Window { kernel: [3, 3], strides, dilations: [1, 1], pads, auto_pad: auto_pad.into(), spatial: 2 };
        ConvTranspose { window, group: 1, output_padding: [0, 0], output_shape }
    }

    fn run(op: &ConvTranspose, x: Value, w: Value, b: Option<Value>) -> Value {
        let outs = op.eval(&[Some(&x), Some(&w), b.as_ref()]).expect("eval");
        outs.into_iter().next().expect("one output")
    }

    fn iota(shape: Vec<usize>) -> Value {
        let n = shape.iter().product::<usize>();
        Value::f32(shape, (0..n).map(|v| v as f32).collect())
    }

    #[test]
    fn stride2_one_channel_by_hand() {
        // Each input pixel scatters x[i][j] * w into the 2x2 block at (2i, 2j):
        // x = [[1,2],[3,4]], w = [[1,2],[3,4]].
        let mut o = op([2, 2], [0; 4], None, "NOTSET");
        o.window.kernel = [2, 2];
        let x = Value::f32(vec![1, 1, 2, 2], vec![1., 2., 3., 4.]);
        let w = Value::f32(vec![1, 1, 2, 2], vec![1., 2., 3., 4.]);
        let y = run(&o, x, w, Some(Value::f32(vec![1], vec![0.5])));
        assert_eq!(y.shape, vec![1, 1, 4, 4]);
        #[rustfmt::skip]
        let want = [
            1., 2., 2., 4.,
            3., 4., 6., 8.,
            3., 6., 4., 8.,
            9., 12., 12., 16.,
        ];
        let want: Vec<f32> = want.iter().map(|v| v + 0.5).collect();
        assert_eq!(y.as_f32(), want);
    }

    #[test]
    fn overlapping_windows_sum() {
        // ONNX backend test `convtranspose`: 3x3 ramp, all-ones 3x3 kernel, two outputs.
        let y = run(&op([1, 1], [0; 4], None, "NOTSET"), iota(vec![1, 1, 3, 3]), Value::f32(vec![1, 2, 3, 3], vec![1.0; 18]), None);
        assert_eq!(y.shape, vec![1, 2, 5, 5]);
        #[rustfmt::skip]
        let plane = [
            0., 1., 3., 3., 2.,
            3., 8., 15., 12., 7.,
            9., 21., 36., 27., 15.,
            9., 20., 33., 24., 13.,
            6., 13., 21., 15., 8.,
        ];
        assert_eq!(y.as_f32(), [plane, plane].concat());
    }

    #[test]
    fn explicit_pads_and_strides() {
        // ONNX backend test `convtranspose_pads`: strides [3, 2], pads [1, 2, 1, 2].
        let y = run(&op([3, 2], [1, 2, 1, 2], None, "NOTSET"), iota(vec![1, 1, 3, 3]), Value::f32(vec![1, 2, 3, 3], vec![1.0; 18]), None);
        assert_eq!(y.shape, vec![1, 2, 7, 3]);
        let rows = [[1., 1., 3.], [1., 1., 3.], [7., 4., 9.], [7., 4., 9.], [7., 4., 9.], [13., 7., 15.], [13., 7., 15.]];
        let plane: Vec<f32> = rows.concat();
        assert_eq!(y.as_f32(), [plane.clone(), plane].concat());
    }

    #[test]
    fn output_shape_sets_pads() {
        // total = 3*(3-1) + 3 - 10 = -1 on H and 2*(3-1) + 3 - 8 = -1 on W: begin pad 0,
        // the extra last row/column see no input (ONNX `convtranspose_output_shape`).
        let o = op([3, 2], [0; 4], Some([10, 8]), "NOTSET");
        let g = o.geometry(&[1, 1, 3, 3], &[1, 2, 3, 3]).expect("geometry");
        assert_eq!((g.out, g.pads), ([10, 8], [0, 0]));
        let y = run(&o, iota(vec![1, 1, 3, 3]), Value::f32(vec![1, 2, 3, 3], vec![1.0; 18]), None);
        let v = y.as_f32();
        assert_eq!(&v[0..8], &[0., 0., 1., 1., 3., 2., 2., 0.]);
        assert_eq!(&v[72..80], &[0.0; 8]);
        // SAME_UPPER: out = in * stride; total = 2*(3-1) + 3 - 6 = 1 → begin 0, end 1.
        let g = op([2, 2], [0; 4], None, "SAME_UPPER").geometry(&[1, 1, 3, 3], &[1, 1, 3, 3]).expect("geometry");
        assert_eq!((g.out, g.pads), ([6, 6], [0, 0]));
        let g = op([2, 2], [0; 4], None, "SAME_LOWER").geometry(&[1, 1, 3, 3], &[1, 1, 3, 3]).expect("geometry");
        assert_eq!((g.out, g.pads), ([6, 6], [1, 1]));
    }

    #[test]
    fn groups_and_1d() {
        // Two groups of one channel each, 1-D, kernel [1, 1]: y = x * w per channel.
        let window = Window { kernel: [1, 2], strides: [1, 1], dilations: [1, 1], pads: [0; 4], auto_pad: "NOTSET".into(), spatial: 1 };
        let o = ConvTranspose { window, group: 2, output_padding: [0, 0], output_shape: None };
        let x = Value::f32(vec![1, 2, 2], vec![1., 2., 3., 4.]);
        let w = Value::f32(vec![2, 1, 2], vec![1., 1., 10., -1.]);
        let y = run(&o, x, w, None);
        assert_eq!(y.shape, vec![1, 2, 3]);
        assert_eq!(y.as_f32(), vec![1., 3., 2., 30., 37., -4.]);
    }

    #[test]
    fn bad_output_padding_is_an_error() {
        let mut o = op([1, 1], [0; 4], None, "NOTSET");
        o.output_padding = [1, 0];
        assert!(o.geometry(&[1, 1, 3, 3], &[1, 1, 3, 3]).is_err());
    }
}
