//! Pooling: MaxPool and AveragePool over a 1-D or 2-D window (kernel, strides,
//! dilations, explicit or automatic pads, ceil_mode, count_include_pad), and
//! GlobalMaxPool / GlobalAveragePool over every spatial position. Both fuse a following
//! element-wise epilogue.
//!
//! Padded positions never win a max. An average divides by the positions that lie in the
//! input, or with count_include_pad by those in the padded input; with ceil_mode a window
//! may run past the padded input, and those positions are never counted (as onnxruntime).

use std::any::Any;
use std::collections::BTreeMap;

use super::conv::{out_shape, spatial_dims, Window};
use super::conv_transpose::{read_as, write_as};
use super::{arg, fact, invalid, Fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::front::onnx::OnnxNode;
use crate::ir::{numel, Value};

/// How a pool combines its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduce {
    Max,
    Avg,
}

impl Reduce {
    fn name(self) -> &'static str {
        match self {
            Reduce::Max => "max",
            Reduce::Avg => "avg",
        }
    }
}

/// MaxPool / AveragePool.
#[derive(Debug, Clone, PartialEq)]
pub struct Pool {
    pub reduce: Reduce,
    pub window: Window,
    pub ceil_mode: bool,
    /// AveragePool: divide by the window's positions inside the padded input rather than
    /// inside the input.
    pub count_include_pad: bool,
}

/// GlobalMaxPool / GlobalAveragePool: one value per (n, c) over all spatial positions.
#[derive(Debug, Clone, PartialEq)]
pub struct GlobalPool {
    pub reduce: Reduce,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("MaxPool", |n| import(n, Reduce::Max));
    reg.insert("AveragePool", |n| import(n, Reduce::Avg));
    reg.insert("GlobalMaxPool", |_| Ok(Box::new(GlobalPool { reduce: Reduce::Max })));
    reg.insert("GlobalAveragePool", |_| Ok(Box::new(GlobalPool { reduce: Reduce::Avg })));
}

fn import(n: &OnnxNode<'_>, reduce: Reduce) -> Result<Box<dyn Op>, OpError> {
    if n.proto.output.get(1).is_some_and(|o| !o.is_empty()) {
        return Err(OpError::Unsupported("MaxPool's Indices output".into()));
    }
    let spatial = n.ints("kernel_shape")?.map(|k| k.len()).ok_or(OpError::Attribute { name: "kernel_shape".into(), message: "missing".into() })?;
    let window = Window::import(n, spatial, None)?;
    let flag = |name: &str| -> Result<bool, OpError> {
        match n.int_or(name, 0)? {
            0 => Ok(false),
            1 => Ok(true),
            v => Err(OpError::Attribute { name: name.into(), message: format!("must be 0 or 1, not {v}") }),
        }
    };
    let ceil_mode = flag("ceil_mode")?;
    let count_include_pad = reduce == Reduce::Avg && flag("count_include_pad")?;
    Ok(Box::new(Pool { reduce, window, ceil_mode, count_include_pad }))
}

/// A windowed pool's resolved geometry.
struct Geometry {
    n: usize,
    c: usize,
    input: [usize; 2],
    /// The window with auto_pad resolved into pads.
    win: Window,
    out: [usize; 2],
}

impl Pool {
    fn geometry(&self, x: &[usize]) -> Result<Geometry, OpError> {
        let (n, c, input) = spatial_dims(x, self.window.spatial)?;
        let mut win = self.window.clone();
        let out = win.resolve(input, self.ceil_mode)?;
        if numel(&[n, c, out[0], out[1]]).is_none() {
            return Err(invalid(format!("output {n}x{c}x{out:?} is too large")));
        }
        Ok(Geometry { n, c, input, win, out })
    }
}

impl Op for Pool {
    fn op_type(&self) -> &'static str {
        match self.reduce {
            Reduce::Max => "MaxPool",
            Reduce::Avg => "AveragePool",
        }
    }
    fn attrs(&self) -> String {
        let mut s = self.window.attrs();
        if !matches!(self.window.auto_pad.as_str(), "NOTSET" | "") {
            s.push_str(&format!(",auto_pad={}", self.window.auto_pad));
        }
        if self.ceil_mode {
            s.push_str(",ceil_mode=1");
        }
        if self.count_include_pad {
            s.push_str(",count_include_pad=1");
        }
        s
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "X")?;
        let Geometry { n, c, out: o, .. } = self.geometry(x.shape)?;
        Ok(vec![OutFact::new(x.dtype, out_shape(n, c, o, self.window.spatial))])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "X")?;
        let Geometry { n, c, input: [ih, iw], win, out: [oh, ow] } = self.geometry(&x.shape)?;
        let xs = x.as_f32();
        let [kh, kw] = win.kernel;
        // Windows end at the padded input; ceil_mode overhang is not part of any window.
        let (end_y, end_x) = ((ih + win.pads[2]) as i64, (iw + win.pads[3]) as i64);
        let mut out = vec![0f32; n * c * oh * ow];
        for p in 0..n * c {
            for oy in 0..oh {
                for ox in 0..ow {
                    let mut acc = if self.reduce == Reduce::Max { f32::MIN } else { 0.0 };
                    let mut count = 0u32;
                    for ky in 0..kh {
                        let iy = (oy * win.strides[0] + ky * win.dilations[0]) as i64 - win.pads[0] as i64;
                        if iy >= end_y {
                            continue;
                        }
                        for kx in 0..kw {
                            let ix = (ox * win.strides[1] + kx * win.dilations[1]) as i64 - win.pads[1] as i64;
                            if ix >= end_x {
                                continue;
                            }
                            if iy < 0 || iy >= ih as i64 || ix < 0 || ix >= iw as i64 {
                                count += u32::from(self.count_include_pad);
                                continue;
                            }
                            let v = xs[(p * ih + iy as usize) * iw + ix as usize];
                            match self.reduce {
                                Reduce::Max => {
                                    if v > acc {
                                        acc = v;
                                    }
                                }
                                Reduce::Avg => {
                                    acc += v;
                                    count += 1;
                                }
                            }
                        }
                    }
                    if self.reduce == Reduce::Avg {
                        acc /= count.max(1) as f32;
                    }
                    out[(p * oh + oy) * ow + ox] = acc;
                }
            }
        }
        Ok(vec![Value::from_f32_as(x.dtype, out_shape(n, c, [oh, ow], win.spatial), out)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, y) = (k.input(0)?, k.output(0)?);
        let Geometry { n, c, input: [ih, iw], win, out: [oh, ow] } = self.geometry(k.shape(x)).map_err(|e| k.err(e.to_string()))?;
        let mut spec = KernelSpec::new("pool2d", (n * c * oh * ow) as u64, k.wg_conv());
        spec = read_as(spec, "x", x, k.shape(x), vec![n, c, ih, iw]);
        spec = write_as(spec, "y", y, k.shape(y), vec![n, c, oh, ow]);
        let coords: &[&str] = if win.spatial == 1 { &["n", "c", "ox"] } else { &["n", "c", "oy", "ox"] };
        spec = spec
            .param("reduce", self.reduce.name())
            .param("count_include_pad", self.count_include_pad)
            .param("kh", win.kernel[0])
            .param("kw", win.kernel[1])
            .param("sh", win.strides[0])
            .param("sw", win.strides[1])
            .param("dh", win.dilations[0])
            .param("dw", win.dilations[1])
            .param("ph", win.pads[0])
            .param("pw", win.pads[1])
            .param("ih", ih)
            .param("iw", iw)
            .param("end_y", ih + win.pads[2])
            .param("end_x", iw + win.pads[3])
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

/// (N, C, spatial element count) of a global pool's input of rank >= 3.
fn global_dims(x: &[usize]) -> Result<(usize, usize, usize), OpError> {
    match x {
        [n, c, rest @ ..] if !rest.is_empty() => Ok((*n, *c, rest.iter().product())),
        _ => Err(invalid(format!("a global pool needs an N, C, spatial... input, got shape {x:?}"))),
    }
}

impl Op for GlobalPool {
    fn op_type(&self) -> &'static str {
        match self.reduce {
            Reduce::Max => "GlobalMaxPool",
            Reduce::Avg => "GlobalAveragePool",
        }
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "X")?;
        global_dims(x.shape)?;
        let shape = x.shape.iter().enumerate().map(|(d, &v)| if d < 2 { v } else { 1 }).collect();
        Ok(vec![OutFact::new(x.dtype, shape)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "X")?;
        let (n, c, len) = global_dims(&x.shape)?;
        let xs = x.as_f32();
        let mut out = Vec::with_capacity(n * c);
        for p in 0..n * c {
            let plane = &xs[p * len..(p + 1) * len];
            let v = match self.reduce {
                Reduce::Max => plane.iter().fold(f32::MIN, |m, &v| if v > m { v } else { m }),
                Reduce::Avg => plane.iter().fold(0f32, |s, &v| s + v) / len as f32,
            };
            out.push(v);
        }
        let shape = x.shape.iter().enumerate().map(|(d, &v)| if d < 2 { v } else { 1 }).collect();
        Ok(vec![Value::from_f32_as(x.dtype, shape, out)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, y) = (k.input(0)?, k.output(0)?);
        let xshape = k.shape(x);
        let (n, c, len) = global_dims(xshape).map_err(|e| k.err(e.to_string()))?;
        // The template walks H x W: rank 4 as is, other ranks as [N, C, 1, H*W...].
        let (h, w) = match xshape {
            [_, _, h, w] => (*h, *w),
            _ => (1, len),
        };
        let names: Vec<String> = (0..k.shape(y).len())
            .map(|d| match d {
                0 => "n".to_string(),
                1 => "c".to_string(),
                _ => format!("s{}", d - 2),
            })
            .collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut spec = KernelSpec::new("global_pool", (n * c) as u64, k.wg_elementwise());
        spec = read_as(spec, "x", x, xshape, vec![n, c, h, w]);
        spec = spec.write("y", y).param("reduce", self.reduce.name()).param("names", names.clone()).param("h", h).param("w", w).param("count", k.lang.f(len as f32)).epilogue_at(&refs);
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

    fn pool(reduce: Reduce, kernel: [usize; 2], strides: [usize; 2], pads: [usize; 4], ceil_mode: bool, count_include_pad: bool) -> Pool {
        let window = Window { kernel, strides, dilations: [1, 1], pads, auto_pad: "NOTSET".into(), spatial: 2 };
        Pool { reduce, window, ceil_mode, count_include_pad }
    }

    fn run(op: &dyn Op, x: Value) -> Value {
        op.eval(&[Some(&x)]).expect("eval").into_iter().next().expect("one output")
    }

    fn ramp(shape: Vec<usize>) -> Value {
        let n = shape.iter().product::<usize>();
        Value::f32(shape, (1..=n).map(|v| v as f32).collect())
    }

    #[test]
    fn maxpool_ceil_mode() {
        // 4x4 ramp 1..16, kernel 3, stride 2: floor gives one window, ceil gives 2x2;
        // the last windows run past the input and see only rows/columns 2..3.
        let x = ramp(vec![1, 1, 4, 4]);
        let y = run(&pool(Reduce::Max, [3, 3], [2, 2], [0; 4], false, false), x.clone());
        assert_eq!((y.shape.clone(), y.as_f32()), (vec![1, 1, 1, 1], vec![11.]));
        let y = run(&pool(Reduce::Max, [3, 3], [2, 2], [0; 4], true, false), x);
        assert_eq!((y.shape.clone(), y.as_f32()), (vec![1, 1, 2, 2], vec![11., 12., 15., 16.]));
    }

    #[test]
    fn avgpool_ceil_mode_never_counts_overhang() {
        // Window at (1,1) covers rows/cols 2..4 of a 4x4 input: only 2x2 positions exist,
        // and none of the overhang is padding, so both settings divide by 4.
        let x = ramp(vec![1, 1, 4, 4]);
        for include in [false, true] {
            let y = run(&pool(Reduce::Avg, [3, 3], [2, 2], [0; 4], true, include), x.clone());
            assert_eq!(y.as_f32(), vec![6., 7.5, 12., 13.5]);
        }
    }

    #[test]
    fn avgpool_count_include_pad_at_the_border() {
        // 3x3 ramp 1..9, kernel 2, stride 1, pad 1 on every side: corner (0,0) sees x=1
        // plus three padded zeros.
        let x = ramp(vec![1, 1, 3, 3]);
        let y = run(&pool(Reduce::Avg, [2, 2], [1, 1], [1, 1, 1, 1], false, false), x.clone());
        assert_eq!(y.shape, vec![1, 1, 4, 4]);
        let v = y.as_f32();
        assert_eq!((v[0], v[1], v[5]), (1.0, 1.5, 3.0));
        let y = run(&pool(Reduce::Avg, [2, 2], [1, 1], [1, 1, 1, 1], false, true), x);
        let v = y.as_f32();
        assert_eq!((v[0], v[1], v[5], v[15]), (0.25, 0.75, 3.0, 2.25));
    }

    #[test]
    fn avgpool_pads_with_ceil_mode_overhang() {
        // 4x4 ramp, kernel 3, stride 2, pads 1, ceil_mode: the last window covers row 3,
        // padded row 4 and row 5 past the padded input; with count_include_pad it divides
        // by the 2x2 positions inside the padded input (values from onnxruntime 1.32).
        let y = run(&pool(Reduce::Avg, [3, 3], [2, 2], [1, 1, 1, 1], true, true), ramp(vec![1, 1, 4, 4]));
        assert_eq!(y.shape, vec![1, 1, 3, 3]);
        let want = [1.5555556, 3.3333333, 2.0, 6.3333335, 11.0, 6.0, 4.5, 7.5, 4.0];
        assert!(y.as_f32().iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-6), "{:?}", y.as_f32());
    }

    #[test]
    fn import_attributes() {
        use super::super::pad::test_node::{node, A};
        let proto = node("AveragePool", &["x"], &["y"], &[("kernel_shape", A::Is(&[2, 2])), ("ceil_mode", A::I(1)), ("count_include_pad", A::I(1))]);
        let n = OnnxNode { proto: &proto, opset: 19, const_inputs: vec![None], input_shapes: vec![] };
        let op = import(&n, Reduce::Avg).expect("import");
        let p = op.as_any().downcast_ref::<Pool>().expect("a Pool");
        assert!(p.ceil_mode && p.count_include_pad && p.window.kernel == [2, 2]);
        let proto = node("MaxPool", &["x"], &["y", "idx"], &[("kernel_shape", A::Is(&[2, 2]))]);
        let n = OnnxNode { proto: &proto, opset: 12, const_inputs: vec![None], input_shapes: vec![] };
        assert!(matches!(import(&n, Reduce::Max), Err(OpError::Unsupported(_))));
        let proto = node("MaxPool", &["x"], &["y"], &[]);
        let n = OnnxNode { proto: &proto, opset: 12, const_inputs: vec![None], input_shapes: vec![] };
        assert!(matches!(import(&n, Reduce::Max), Err(OpError::Attribute { .. })));
    }

    #[test]
    fn maxpool_ignores_padding_and_dilation_1d() {
        let window = Window { kernel: [1, 2], strides: [1, 1], dilations: [1, 2], pads: [0, 1, 0, 1], auto_pad: "NOTSET".into(), spatial: 1 };
        let op = Pool { reduce: Reduce::Max, window, ceil_mode: false, count_include_pad: false };
        let y = run(&op, Value::f32(vec![1, 1, 4], vec![-1., -5., -3., -2.]));
        // Windows over padded positions {-1,1}, {0,2}, {1,3}, {2,4}.
        assert_eq!((y.shape.clone(), y.as_f32()), (vec![1, 1, 4], vec![-5., -1., -2., -3.]));
    }

    #[test]
    fn same_upper_pads() {
        let mut op = pool(Reduce::Max, [3, 3], [2, 2], [0; 4], false, false);
        op.window.auto_pad = "SAME_UPPER".into();
        let y = run(&op, ramp(vec![1, 1, 4, 4]));
        // out 2x2, total pad 1 → bottom/right only.
        assert_eq!((y.shape.clone(), y.as_f32()), (vec![1, 1, 2, 2], vec![11., 12., 15., 16.]));
    }

    #[test]
    fn global_pools() {
        let x = ramp(vec![1, 2, 2, 2]);
        let y = run(&GlobalPool { reduce: Reduce::Avg }, x.clone());
        assert_eq!((y.shape.clone(), y.as_f32()), (vec![1, 2, 1, 1], vec![2.5, 6.5]));
        let y = run(&GlobalPool { reduce: Reduce::Max }, x);
        assert_eq!(y.as_f32(), vec![4., 8.]);
        let y = run(&GlobalPool { reduce: Reduce::Max }, Value::f32(vec![1, 1, 3], vec![-3., -1., -2.]));
        assert_eq!((y.shape.clone(), y.as_f32()), (vec![1, 1, 1], vec![-1.]));
        // Integers stay integers.
        let y = run(&GlobalPool { reduce: Reduce::Max }, Value::i64(vec![1, 1, 3], vec![7, 250, 3]));
        assert_eq!((y.dtype, y.as_i64()), (crate::ir::DType::I64, vec![250]));
    }
}
