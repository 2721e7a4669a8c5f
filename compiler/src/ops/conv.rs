//! Conv (1-D and 2-D): groups (depthwise included), explicit or automatic pads, strides
//! and dilations, optional bias; fuses a following element-wise epilogue.

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, fact, invalid, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::front::onnx::OnnxNode;
use crate::ir::{DType, Value};

/// Spatial geometry shared by Conv, ConvTranspose and the pools, always as 2-D
/// (a 1-D op has height 1).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Window {
    pub kernel: [usize; 2],
    pub strides: [usize; 2],
    pub dilations: [usize; 2],
    /// [top, left, bottom, right]
    pub pads: [usize; 4],
    /// SAME_UPPER / SAME_LOWER / VALID / NOTSET
    pub auto_pad: String,
    /// Spatial rank of the ONNX op: 1 or 2.
    pub spatial: usize,
}

fn pair(v: &[i64], spatial: usize, what: &str, default: usize) -> Result<[usize; 2], OpError> {
    let conv = |x: i64| usize::try_from(x).map_err(|_| OpError::Attribute { name: what.into(), message: format!("negative value {x}") });
    match (spatial, v.len()) {
        (_, 0) => Ok([default, default]),
        (1, 1) => Ok([1, conv(v[0])?]),
        (2, 2) => Ok([conv(v[0])?, conv(v[1])?]),
        _ => Err(OpError::Attribute { name: what.into(), message: format!("{} values for a {spatial}-D op", v.len()) }),
    }
}

impl Window {
    /// Reads kernel_shape/strides/dilations/pads/auto_pad; `kernel` is the weight's or
    /// attribute's spatial extent.
    pub fn import(n: &OnnxNode<'_>, spatial: usize, kernel: Option<&[i64]>) -> Result<Self, OpError> {
        if spatial == 0 || spatial > 2 {
            return Err(OpError::Unsupported(format!("{spatial}-D spatial window (only 1-D and 2-D)")));
        }
        let ks = n.ints("kernel_shape")?.or_else(|| kernel.map(|k| k.to_vec())).ok_or(OpError::Attribute { name: "kernel_shape".into(), message: "missing".into() })?;
        let kernel = pair(&ks, spatial, "kernel_shape", 1)?;
        let strides = pair(&n.ints("strides")?.unwrap_or_default(), spatial, "strides", 1)?;
        let dilations = pair(&n.ints("dilations")?.unwrap_or_default(), spatial, "dilations", 1)?;
        let p = n.ints("pads")?.unwrap_or_default();
        let conv = |x: i64| usize::try_from(x).map_err(|_| OpError::Attribute { name: "pads".into(), message: format!("negative pad {x}") });
        let pads = match (spatial, p.len()) {
            (_, 0) => [0; 4],
            (1, 2) => [0, conv(p[0])?, 0, conv(p[1])?],
            (2, 4) => [conv(p[0])?, conv(p[1])?, conv(p[2])?, conv(p[3])?],
            _ => return Err(OpError::Attribute { name: "pads".into(), message: format!("{} values for a {spatial}-D op", p.len()) }),
        };
        if strides.contains(&0) || dilations.contains(&0) || kernel.contains(&0) {
            return Err(invalid("kernel_shape, strides and dilations must be positive"));
        }
        let auto_pad = n.string_or("auto_pad", "NOTSET")?;
        Ok(Window { kernel, strides, dilations, pads, auto_pad, spatial })
    }

    /// Resolves auto_pad against the input's spatial size, and returns the output size.
    pub fn resolve(&mut self, input: [usize; 2], ceil_mode: bool) -> Result<[usize; 2], OpError> {
        let mut out = [0usize; 2];
        for a in 0..2 {
            let eff = (self.kernel[a] - 1) * self.dilations[a] + 1;
            match self.auto_pad.as_str() {
                "SAME_UPPER" | "SAME_LOWER" => {
                    let o = input[a].div_ceil(self.strides[a]);
                    let total = ((o - 1) * self.strides[a] + eff).saturating_sub(input[a]);
                    let (lo, hi) = if self.auto_pad == "SAME_UPPER" { (total / 2, total - total / 2) } else { (total - total / 2, total / 2) };
                    self.pads[a] = lo;
                    self.pads[a + 2] = hi;
                }
                "VALID" => {
                    self.pads[a] = 0;
                    self.pads[a + 2] = 0;
                }
                "NOTSET" | "" => {}
                other => return Err(OpError::Attribute { name: "auto_pad".into(), message: format!("unknown value '{other}'") }),
            }
            let padded = input[a] + self.pads[a] + self.pads[a + 2];
            if padded < eff {
                return Err(invalid(format!("window {eff} is larger than the padded input {padded}")));
            }
            let span = padded - eff;
            out[a] = if ceil_mode {
                let mut o = span.div_ceil(self.strides[a]) + 1;
                // The last window must start inside the input or left padding.
                if (o - 1) * self.strides[a] >= input[a] + self.pads[a] {
                    o -= 1;
                }
                o
            } else {
                span / self.strides[a] + 1
            };
        }
        self.auto_pad = "NOTSET".into();
        Ok(out)
    }

    pub fn attrs(&self) -> String {
        format!("k={:?},s={:?},d={:?},pads={:?}", self.kernel, self.strides, self.dilations, self.pads)
    }
}

/// Splits an NC(H)W shape into (N, C, [H, W]) with H = 1 for 1-D.
pub fn spatial_dims(shape: &[usize], spatial: usize) -> Result<(usize, usize, [usize; 2]), OpError> {
    match (spatial, shape) {
        (1, [n, c, w]) => Ok((*n, *c, [1, *w])),
        (2, [n, c, h, w]) => Ok((*n, *c, [*h, *w])),
        _ => Err(invalid(format!("expected a rank-{} input, got shape {shape:?}", spatial + 2))),
    }
}

/// Output shape in the op's own rank from N, C and the 2-D spatial size.
pub fn out_shape(n: usize, c: usize, hw: [usize; 2], spatial: usize) -> Vec<usize> {
    if spatial == 1 {
        vec![n, c, hw[1]]
    } else {
        vec![n, c, hw[0], hw[1]]
    }
}

/// A normalization applied to the convolution's input as it is read (fuse-norm-conv):
/// x' = act((x − mean[row]) · inv[row] · γ[c] + β[c]) with row = n·groups + c / per_group,
/// statistics from input 3 ([rows, 2]), γ and β from inputs 4 and 5 (optional).
#[derive(Debug, Clone, PartialEq)]
pub struct Prologue {
    pub groups: usize,
    pub per_group: usize,
    pub activations: Vec<crate::ops::elementwise::ElementwiseOp>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Conv {
    pub window: Window,
    pub group: usize,
    pub prologue: Option<Prologue>,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Conv", import);
}

fn import(n: &OnnxNode<'_>) -> Result<Box<dyn Op>, OpError> {
    let spatial = match n.ints("kernel_shape")? {
        Some(k) => k.len(),
        None => n.input_shape(1).map(|w| w.len().saturating_sub(2)).ok_or(OpError::Attribute { name: "kernel_shape".into(), message: "missing, and the weight has no known shape".into() })?,
    };
    let wshape: Option<Vec<i64>> = n.input_shape(1).map(|w| w.iter().skip(2).map(|&d| d as i64).collect());
    let window = Window::import(n, spatial, wshape.as_deref())?;
    let group = usize::try_from(n.int_or("group", 1)?).ok().filter(|&g| g > 0).ok_or_else(|| invalid("group must be positive"))?;
    Ok(Box::new(Conv { window, group, prologue: None }))
}

impl Conv {
    /// Geometry with auto_pad resolved: (input N, C, HW; output channels, output HW).
    fn geometry(&self, x: &[usize], w: &[usize]) -> Result<(Window, usize, usize, [usize; 2], usize, [usize; 2]), OpError> {
        let (n, c, hw) = spatial_dims(x, self.window.spatial)?;
        let (oc, icg, khw) = spatial_dims(w, self.window.spatial)?;
        if khw != self.window.kernel {
            return Err(invalid(format!("weight spatial size {khw:?} differs from kernel_shape {:?}", self.window.kernel)));
        }
        if c != icg * self.group || oc % self.group != 0 {
            return Err(invalid(format!("input channels {c}, weight {w:?} and group {} do not agree", self.group)));
        }
        let mut win = self.window.clone();
        let o = win.resolve(hw, false)?;
        Ok((win, n, c, hw, oc, o))
    }
}

impl Conv {
    /// Normalizes `xs` ([N, C, spatial]) as the prologue describes (CPU reference).
    fn apply_prologue(&self, p: &Prologue, xs: &mut [f32], c: usize, spatial: usize, inputs: &[Option<&Value>]) -> Result<(), OpError> {
        use crate::ops::Elementwise;
        let stats = arg(inputs, 3, "norm statistics")?.as_f32();
        let gamma = inputs.get(4).copied().flatten().map(|v| v.as_f32());
        let beta = inputs.get(5).copied().flatten().map(|v| v.as_f32());
        for (i, v) in xs.iter_mut().enumerate() {
            let ch = (i / spatial.max(1)) % c.max(1);
            let row = (i / (spatial.max(1) * c.max(1))) * p.groups + ch / p.per_group.max(1);
            let (mean, inv) = (stats.get(2 * row).copied().unwrap_or(0.0), stats.get(2 * row + 1).copied().unwrap_or(1.0));
            let mut y = (*v - mean) * inv * gamma.as_ref().map_or(1.0, |g| g.get(ch).copied().unwrap_or(1.0)) + beta.as_ref().map_or(0.0, |b| b.get(ch).copied().unwrap_or(0.0));
            for a in &p.activations {
                y = a.eval_f32(&[y]);
            }
            *v = y;
        }
        Ok(())
    }

    /// The expression the kernel reads its input through.
    fn input_expr(&self, k: &KernelBuilder<'_>, x_view: Vec<usize>) -> Result<String, CodegenError> {
        use crate::codegen::helpers::{load, TensorDesc};
        use crate::ops::Elementwise;
        let x = k.input(0)?;
        let mut xd: TensorDesc = k.desc("x", x)?;
        xd.shape = x_view;
        let base = load(k.lang, &xd, &["n".into(), "c".into(), "iy".into(), "ix".into()]).map_err(|m| k.err(m))?;
        let Some(p) = &self.prologue else { return Ok(base) };
        let row = format!("(n * {} + c / {})", k.lang.u(p.groups), k.lang.u(p.per_group));
        let sd = k.desc("stats", k.input(3)?)?;
        let mean = load(k.lang, &sd, &[row.clone(), "0".into()]).map_err(|m| k.err(m))?;
        let inv = load(k.lang, &sd, &[row, "1".into()]).map_err(|m| k.err(m))?;
        let mut e = format!("(({base} - {mean}) * {inv})");
        for (i, name) in [(4usize, "gamma"), (5, "beta")] {
            if let Some(t) = k.node.input(i) {
                let mut d = k.desc(name, t)?;
                d.shape = vec![d.numel];
                let v = load(k.lang, &d, &["c".into()]).map_err(|m| k.err(m))?;
                e = if i == 4 { format!("({e} * {v})") } else { format!("({e} + {v})") };
            }
        }
        for a in &p.activations {
            e = a.expr(k.lang, &[e]);
        }
        Ok(e)
    }
}

impl Op for Conv {
    fn weight_slots(&self) -> Vec<usize> {
        vec![1, 2, 4, 5]
    }
    fn op_type(&self) -> &'static str {
        "Conv"
    }
    fn attrs(&self) -> String {
        let pro = match &self.prologue {
            Some(p) => {
                let acts: Vec<&str> = p.activations.iter().map(|a| a.op_type()).collect();
                format!(",prologue=norm(groups={}){}", p.groups, acts.iter().map(|a| format!("+{a}")).collect::<String>())
            }
            None => String::new(),
        };
        format!("{},group={}{pro}", self.window.attrs(), self.group)
    }
    fn infer(&self, inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "X")?;
        let w = fact(inputs, 1, "W")?;
        let (_, n, _, _, oc, o) = self.geometry(x.shape, w.shape)?;
        if let Some(b) = inputs.get(2).copied().flatten() {
            if b.shape != [oc] {
                return Err(invalid(format!("bias shape {:?} is not [{oc}]", b.shape)));
            }
        }
        Ok(vec![OutFact::new(x.dtype, out_shape(n, oc, o, self.window.spatial))])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "X")?;
        let w = arg(inputs, 1, "W")?;
        let (win, n, c, [ih, iw], oc, [oh, ow]) = self.geometry(&x.shape, &w.shape)?;
        let bias = inputs.get(2).copied().flatten().map(|b| b.as_f32());
        let (mut xs, ws) = (x.as_f32(), w.as_f32());
        if let Some(p) = &self.prologue {
            self.apply_prologue(p, &mut xs, c, ih * iw, inputs)?;
        }
        let (icg, ocg) = (c / self.group, oc / self.group);
        let [kh, kw] = win.kernel;
        let mut out = vec![0f32; n * oc * oh * ow];
        for b in 0..n {
            for o in 0..oc {
                let g = o / ocg;
                for oy in 0..oh {
                    for ox in 0..ow {
                        let mut acc = bias.as_ref().map_or(0.0, |bv| bv[o]);
                        for ic in 0..icg {
                            let ci = g * icg + ic;
                            for ky in 0..kh {
                                let iy = (oy * win.strides[0] + ky * win.dilations[0]) as isize - win.pads[0] as isize;
                                if iy < 0 || iy >= ih as isize {
                                    continue;
                                }
                                for kx in 0..kw {
                                    let ix = (ox * win.strides[1] + kx * win.dilations[1]) as isize - win.pads[1] as isize;
                                    if ix < 0 || ix >= iw as isize {
                                        continue;
                                    }
                                    let xv = xs[((b * c + ci) * ih + iy as usize) * iw + ix as usize];
                                    let wv = ws[((o * icg + ic) * kh + ky) * kw + kx];
                                    acc += xv * wv;
                                }
                            }
                        }
                        out[((b * oc + o) * oh + oy) * ow + ox] = acc;
                    }
                }
            }
        }
        let mut v = Value::f32(out_shape(n, oc, [oh, ow], win.spatial), out);
        v.dtype = if x.dtype == DType::F16 { DType::F16 } else { DType::F32 };
        Ok(vec![v])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, w, y) = (k.input(0)?, k.input(1)?, k.output(0)?);
        let (win, n, c, [ih, iw], oc, [oh, ow]) = self.geometry(k.shape(x), k.shape(w)).map_err(|e| k.err(e.to_string()))?;
        let (kh, kw) = (win.kernel[0], win.kernel[1]);
        let xin = self.input_expr(k, vec![n, c, ih, iw])?;
        let mut spec = KernelSpec::new("conv2d_direct", (n * oc * oh * ow) as u64, k.wg_conv())
            .read_view("x", x, vec![n, c, ih, iw])
            .read_view("w", w, vec![oc, c / self.group, kh, kw])
            .param("xin", xin);
        if self.prologue.is_some() {
            let stats = k.input(3)?;
            spec = spec.read("stats", stats);
            for (i, name) in [(4usize, "gamma"), (5, "beta")] {
                if let Some(t) = k.node.input(i) {
                    let len = k.graph.tensor(t).numel();
                    spec = spec.read_view(name, t, vec![len]);
                }
            }
        }
        if let Some(b) = k.node.input(2) {
            spec = spec.read("b", b).param("has_bias", true);
        } else {
            spec = spec.param("has_bias", false);
        }
        let coords: &[&str] = if win.spatial == 1 { &["n", "oc", "ox"] } else { &["n", "oc", "oy", "ox"] };
        spec = spec
            .write_view("y", y, vec![n, oc, oh, ow])
            .param("ic_per_group", c / self.group)
            .param("oc_per_group", oc / self.group)
            .param("kh", kh)
            .param("kw", kw)
            .param("sh", win.strides[0])
            .param("sw", win.strides[1])
            .param("dh", win.dilations[0])
            .param("dw", win.dilations[1])
            .param("ph", win.pads[0])
            .param("pw", win.pads[1])
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
